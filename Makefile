# gamegate: `make demo` runs a game server's login flow against the sandbox,
# `make test` runs every test. Both install missing Debian packages first.

version_part = $(shell sed -n 's/^\#define GG_VERSION_$(1) \([0-9]*\)$$/\1/p' include/gamegate.h)
MAJOR := $(call version_part,MAJOR)
VERSION := $(MAJOR).$(call version_part,MINOR).$(call version_part,PATCH)

PREFIX ?= /usr/local
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DESTDIR ?=

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
ifeq ($(CI),true)
WARNINGS += -Werror
endif
# Recursive (=), so that pkg-config runs after `deps` has installed it.
PKGS := libcurl jansson libcrypto sqlite3 hiredis
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))
PYTHON = $(shell tools/find-python)
PY_INCLUDE = $(shell $(PYTHON) -c 'import sysconfig; print(sysconfig.get_paths()["include"])')

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -fPIC -fvisibility=hidden -pthread \
             $(WARNINGS) -Iinclude $(PKG_CFLAGS) $(CFLAGS)
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

B := build
SONAME := libgamegate.so.$(MAJOR)
# The Windows stand-ins are windows.mk's.
SOURCES := $(filter-out lib/platform_windows.c lib/backend_none.c,$(wildcard lib/*.c))
HEADERS := $(wildcard lib/*.h) include/gamegate.h
OBJECTS := $(SOURCES:lib/%.c=$(B)/obj/%.o)
ASAN_OBJECTS := $(SOURCES:lib/%.c=$(B)/asan/obj/%.o)
TSAN_OBJECTS := $(SOURCES:lib/%.c=$(B)/tsan/obj/%.o)
# cffi's C uses only Python's stable ABI (it defines Py_LIMITED_API), so one
# name serves every CPython 3; a name from the interpreter could not be used
# here, where targets are read before `deps` has installed one.
PY_EXT := bindings/python/gamegate/_gamegate.abi3.so
# The ABI suites, one program an area, sharing tests/c/api_fixture.c.
API_TESTS := test_api_basics test_api_kongregate test_api_kickapps test_api_observer \
             test_api_faults test_api_sessions
C_TESTS := $(API_TESTS) test_dlopen test_units test_pool test_wipe test_async
# Not under ASan: test_wipe reads the whole writable address space, which
# ASan's shadow makes terabytes.
ASAN_C_TESTS := $(filter-out test_wipe,$(C_TESTS))

.PHONY: all deps deps-check check lint build-bench lib python wheel test-wheel demo test test-exports test-abi abi-baseline test-ffi deps-ffi test-install test-oom test-tsan test-fork test-c test-valgrind test-python \
        test-asan install uninstall clean \
        fuzz deps-fuzz bench deps-bench

all: lib

# Installing happens only from the targets a fresh machine needs (deps, demo,
# test); the others check and say what is missing.
deps:
	@tools/ensure-deps

deps-check:
	@tools/ensure-deps check

lib: $(B)/lib/$(SONAME)

# --- the library, plain and sanitized ----------------------------------------

$(B)/obj/%.o: lib/%.c $(HEADERS) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(B)/asan/obj/%.o: lib/%.c $(HEADERS) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SANITIZE) -c $< -o $@

$(B)/tsan/obj/%.o: lib/%.c $(HEADERS) | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -fsanitize=thread -c $< -o $@

# -z nodelete: the library is never unmapped by dlclose, since threads may
# still run its thread-exit destructor and fork() its fork handlers.
link_library = $(CC) $(ALL_CFLAGS) $(2) -shared -Wl,-soname,$(SONAME) \
	-Wl,--version-script=lib/gamegate.map -Wl,--no-undefined -Wl,-z,relro,-z,now -Wl,-z,nodelete \
	-o $@ $(1) $(PKG_LIBS) $(LDFLAGS) && ln -sf $(@F) $(@D)/$(SONAME) && ln -sf $(@F) $(@D)/libgamegate.so

$(B)/lib/libgamegate.so.$(VERSION): $(OBJECTS) lib/gamegate.map
	@mkdir -p $(@D)
	$(call link_library,$(OBJECTS))

$(B)/asan/lib/libgamegate.so.$(VERSION): $(ASAN_OBJECTS) lib/gamegate.map
	@mkdir -p $(@D)
	$(call link_library,$(ASAN_OBJECTS),$(SANITIZE))

$(B)/lib/$(SONAME) $(B)/asan/lib/$(SONAME): %/$(SONAME): %/libgamegate.so.$(VERSION)

# --- the Python binding: cffi in API mode, compiled against the header ------

# The declarations as an FFI's parser takes them, generated from the header.
$(B)/include/gamegate_ffi.h: include/gamegate.h tools/ffi-header | deps-check
	@mkdir -p $(@D)
	$(PYTHON) tools/ffi-header $< > $@

$(B)/python/_gamegate.c: $(B)/include/gamegate_ffi.h bindings/python/build_ffi.py
	@mkdir -p $(@D)
	$(PYTHON) bindings/python/build_ffi.py $< $@

# $$ORIGIN: a wheel carries libgamegate.so.0 beside the extension; in this
# checkout gamegate/_native.py loads build/lib's copy first.
$(PY_EXT): $(B)/python/_gamegate.c $(B)/lib/$(SONAME)
	$(CC) -std=c11 -fPIC -shared $(WARNINGS) -Wno-missing-prototypes $(CFLAGS) -I$(PY_INCLUDE) -Iinclude -o $@ $< \
	  -L$(B)/lib -lgamegate -Wl,-rpath,'$$ORIGIN'

python: $(PY_EXT)

# The wheel (python3-build, setuptools, wheel from Debian): the package, its
# sandbox, the extension, and libgamegate.so.0 beside it.
wheel: $(B)/lib/$(SONAME) $(B)/include/gamegate_ffi.h
	rm -rf $(B)/dist bindings/python/build bindings/python/gamegate.egg-info
	GAMEGATE_BUILD=$(abspath $(B)) $(PYTHON) -m build --wheel --no-isolation \
	  --outdir $(B)/dist bindings/python >/dev/null
	rm -rf bindings/python/build bindings/python/gamegate.egg-info
	@ls $(B)/dist/*.whl

test-wheel: wheel
	tools/check-wheel $(PYTHON) $$(ls $(B)/dist/gamegate-*.whl)

# --- C tests: through the ABI (linked and dlopen'ed) and of the internals -----

TEST_CFLAGS = $(ALL_CFLAGS) -Ilib -Itests/c
TEST_HELPERS := tests/c/check.h tests/c/sandbox_client.h tests/c/sandbox_client.c

API_FIXTURE := tests/c/api_fixture.h tests/c/api_fixture.c
$(API_TESTS:%=$(B)/tests/%): $(B)/tests/%: tests/c/%.c $(TEST_HELPERS) $(API_FIXTURE) $(B)/lib/$(SONAME)
$(API_TESTS:%=$(B)/asan/tests/%): $(B)/asan/tests/%: tests/c/%.c $(TEST_HELPERS) $(API_FIXTURE) \
                                   $(B)/asan/lib/$(SONAME)
$(B)/tests/test_pool: tests/c/test_pool.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/tests/test_async: tests/c/test_async.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/asan/tests/test_async: tests/c/test_async.c $(TEST_HELPERS) $(B)/asan/lib/$(SONAME)
$(B)/tests/test_fork: tests/c/test_fork.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/tests/test_wipe: tests/c/test_wipe.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/asan/tests/test_fork: tests/c/test_fork.c $(TEST_HELPERS) $(B)/asan/lib/$(SONAME)
$(B)/asan/tests/test_pool: tests/c/test_pool.c $(TEST_HELPERS) $(B)/asan/lib/$(SONAME)
$(B)/tests/test_dlopen: tests/c/test_dlopen.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/tests/test_units: tests/c/test_units.c $(TEST_HELPERS) $(OBJECTS)
$(B)/tests/test_oom: tests/c/test_oom.c $(TEST_HELPERS) $(B)/lib/$(SONAME)
$(B)/asan/tests/test_dlopen: tests/c/test_dlopen.c $(TEST_HELPERS) $(B)/asan/lib/$(SONAME)
$(B)/asan/tests/test_units: tests/c/test_units.c $(TEST_HELPERS) $(ASAN_OBJECTS)

RPATH := -Wl,-rpath,'$$ORIGIN/../lib'
link_test = $(CC) $(TEST_CFLAGS) $(2) -o $@ $< tests/c/sandbox_client.c \
            $(if $(findstring test_api_,$@),tests/c/api_fixture.c) $(1) $(PKG_LIBS) -ldl $(LDFLAGS)

$(API_TESTS:%=$(B)/tests/%) $(API_TESTS:%=$(B)/asan/tests/%) \
$(B)/tests/test_pool $(B)/asan/tests/test_pool \
$(B)/tests/test_fork $(B)/asan/tests/test_fork $(B)/tests/test_wipe \
$(B)/tests/test_async $(B)/asan/tests/test_async:
	@mkdir -p $(@D)
	$(call link_test,-L$(dir $(@D))lib $(RPATH) -lgamegate,$(if $(findstring asan,$@),$(SANITIZE)))
# -rdynamic: its malloc must replace the libraries' too.
$(B)/tests/test_oom:
	@mkdir -p $(@D)
	$(call link_test,-L$(dir $(@D))lib $(RPATH) -lgamegate,-rdynamic)
$(B)/tests/test_dlopen $(B)/asan/tests/test_dlopen:
	@mkdir -p $(@D)
	$(call link_test,,$(if $(findstring asan,$@),$(SANITIZE)))
$(B)/tests/test_units:
	@mkdir -p $(@D)
	$(call link_test,$(OBJECTS))
$(B)/asan/tests/test_units:
	@mkdir -p $(@D)
	$(call link_test,$(ASAN_OBJECTS),$(SANITIZE))

$(B)/tsan/tests/test_threads: tests/c/test_threads.c tests/c/check.h $(TSAN_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fsanitize=thread -o $@ $< $(TSAN_OBJECTS) $(PKG_LIBS)

$(B)/tsan/tests/test_pool $(B)/tsan/tests/test_async: $(B)/tsan/tests/%: tests/c/%.c $(TEST_HELPERS) $(TSAN_OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -fsanitize=thread -o $@ $< tests/c/sandbox_client.c $(TSAN_OBJECTS) $(PKG_LIBS)

WITH_SANDBOX = tools/with-sandbox $(PYTHON)
PYTEST = $(PYTHON) -m pytest -q -p no:cacheprovider tests/python

test-exports: $(B)/lib/$(SONAME)
	tools/check-exports $<

# Every public function that changes or hands out something ends through
# api_exit; the planted faults prove the lint can still see one.
lint:
	$(PYTHON) tools/lint-exits lib/*.c
	$(PYTHON) tools/lint-exits --must-fail tests/lint/exit_faults.c

# Other languages' FFIs on the header as it is: PHP's FFI::cdef, LuaJIT's
# ffi.cdef and Node's koffi (the last two drive the sandbox through the thin
# bindings in bindings/). Each runs when its runtime is here; `make deps-ffi`
# (which .ci/run calls) installs them all.
FFI_ENV = GAMEGATE_LIBRARY=$(abspath $(B)/lib/$(SONAME)) \
          GAMEGATE_FFI_HEADER=$(abspath $(B)/include/gamegate_ffi.h)
test-ffi: $(B)/lib/$(SONAME) $(B)/include/gamegate_ffi.h
	@if command -v php >/dev/null; then php tests/ffi/header.php $(B)/include/gamegate_ffi.h \
	  $(B)/lib/$(SONAME); else echo "test-ffi: no php here, PHP's FFI skipped"; fi
	@if command -v luajit >/dev/null; then $(FFI_ENV) $(WITH_SANDBOX) \
	  sh -c 'luajit bindings/lua/test.lua $$($(PYTHON) tools/sandbox-player)'; \
	  else echo "test-ffi: no luajit here, LuaJIT skipped"; fi
	@if command -v node >/dev/null && [ -d bindings/node/node_modules/koffi ]; then \
	  $(FFI_ENV) $(WITH_SANDBOX) node bindings/node/test.js; \
	  else echo "test-ffi: no node or koffi here, Node skipped"; fi

deps-ffi:
	@tools/ensure-deps ffi

# The ABI against the release recorded in tests/abi/ (libabigail's abidiff).
test-abi: $(B)/lib/$(SONAME) $(B)/include/gamegate_ffi.h
	tools/check-abi $^

# Records the built library and its constants as the released ABI: run on
# purpose, at a release.
abi-baseline: $(B)/lib/$(SONAME) $(B)/include/gamegate_ffi.h
	abidw --no-show-locs --no-corpus-path --no-comp-dir-path --headers-dir include \
	  --out-file tests/abi/$(SONAME).abi $<
	grep -oE 'GG_[A-Z0-9_]+ = -?[0-9]+' $(B)/include/gamegate_ffi.h > tests/abi/constants.txt

test-c: $(C_TESTS:%=$(B)/tests/%)
	@for t in $(C_TESTS); do \
	  echo "== $$t"; GAMEGATE_LIBRARY=$(B)/lib/$(SONAME) $(WITH_SANDBOX) $(B)/tests/$$t || exit 1; done

test-valgrind: $(C_TESTS:%=$(B)/tests/%)
	@for t in $(C_TESTS); do \
	  echo "== valgrind $$t"; GAMEGATE_LIBRARY=$(B)/lib/$(SONAME) $(WITH_SANDBOX) valgrind -q \
	    --leak-check=full --errors-for-leak-kinds=definite,indirect,possible \
	    --show-leak-kinds=definite,indirect,possible --error-exitcode=99 \
	    $(B)/tests/$$t || exit 1; done

test-python: $(PY_EXT)
	GAMEGATE_LIBRARY=$(abspath $(B)/lib/$(SONAME)) PYTHONPATH=bindings/python $(PYTEST)

# Python is not built with ASan, so the runtime is preloaded into it; its own
# allocations at exit are not leaks of ours, hence detect_leaks=0 there.
test-asan: $(ASAN_C_TESTS:%=$(B)/asan/tests/%) $(B)/asan/lib/$(SONAME) $(PY_EXT)
	@for t in $(ASAN_C_TESTS); do \
	  echo "== asan $$t"; GAMEGATE_LIBRARY=$(B)/asan/lib/$(SONAME) $(WITH_SANDBOX) $(B)/asan/tests/$$t || exit 1; done
	GAMEGATE_LIBRARY=$(abspath $(B)/asan/lib/$(SONAME)) PYTHONPATH=bindings/python \
	  LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	  ASAN_OPTIONS=detect_leaks=0 $(PYTEST)

# Plain and under ASan, not valgrind: a forked child leaves what its parent
# owns untouched and unfreed, by design.
test-fork: $(B)/tests/test_fork $(B)/asan/tests/test_fork
	$(WITH_SANDBOX) $(B)/tests/test_fork
	$(WITH_SANDBOX) $(B)/asan/tests/test_fork

# Not under valgrind or ASan: it replaces malloc itself, as they do.
test-oom: $(B)/tests/test_oom
	GAMEGATE_LIBRARY=$(B)/lib/$(SONAME) $(WITH_SANDBOX) $(B)/tests/test_oom

# The store in memory, in an SQLite file and in a Redis of its own.
test-tsan: $(B)/tsan/tests/test_threads $(B)/tsan/tests/test_pool $(B)/tsan/tests/test_async
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 $<
	rm -f $(B)/tsan/threads.db*
	GAMEGATE_TEST_STORE=sqlite://$(abspath $(B))/tsan/threads.db TSAN_OPTIONS=halt_on_error=1:exitcode=66 $<
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 tools/with-redis $<
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(WITH_SANDBOX) $(B)/tsan/tests/test_pool
	TSAN_OPTIONS=halt_on_error=1:exitcode=66 $(WITH_SANDBOX) $(B)/tsan/tests/test_async

# The edit-test loop: the lints, the exports, the C suites and pytest, plain (no
# valgrind, sanitizers, wheel or FFIs). `make test` is the full run.
check: lint test-exports test-c test-python build-bench

# The benchmarks reach inside lib/ too: built by check and test, so that a
# change of an internal header cannot wait for `make bench` to break them.
build-bench: $(B)/bench/bench $(B)/bench/stores $(B)/bench/loop

test: deps lint build-bench test-exports test-abi test-ffi test-wheel test-install test-oom test-tsan test-fork test-c test-valgrind test-python test-asan

# --- benchmarks: figures, not pass/fail ---------------------------------------

$(B)/bench/bench: tests/bench/bench.c $(TEST_HELPERS) $(OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< tests/c/sandbox_client.c $(OBJECTS) $(PKG_LIBS)

$(B)/bench/stores: tests/bench/stores.c $(OBJECTS)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(OBJECTS) $(PKG_LIBS)

$(B)/bench/loop: tests/bench/loop.c $(B)/lib/$(SONAME)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(B)/lib $(RPATH) -lgamegate $(PKG_LIBS)

$(B)/bench/drivers: tests/bench/drivers.c | deps-check
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(PKG_LIBS)

$(B)/bench/delay_server: tests/bench/delay_server.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $<

deps-bench:
	@tools/ensure-deps bench

BENCH_ROUNDS ?= 5

# In-process costs and the store, then every peer in interleaved rounds.
bench: $(B)/bench/bench $(B)/bench/loop $(B)/bench/delay_server $(B)/bench/drivers $(B)/bench/stores $(PY_EXT) | deps-bench
	@$(WITH_SANDBOX) $<
	@PYTHONPATH=bindings/python $(PYTHON) tests/bench/stores.py $(B)/bench/stores $(BENCH_ROUNDS)
	@GAMEGATE_LIBRARY=$(abspath $(B)/lib/$(SONAME)) PYTHONPATH=bindings/python \
	  $(PYTHON) tests/bench/outage.py
	@GAMEGATE_LIBRARY=$(abspath $(B)/lib/$(SONAME)) PYTHONPATH=bindings/python \
	  $(PYTHON) tests/bench/peers.py $(B)/bench $(BENCH_ROUNDS)

# --- fuzzing: libFuzzer targets on an ASan + UBSan build (clang) -----------

FUZZ_SECONDS ?= 30
FUZZ_TARGETS := fuzz_response fuzz_callback fuzz_request
FUZZ_CC ?= clang
FUZZ_SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJECTS := $(SOURCES:lib/%.c=$(B)/fuzz/obj/%.o)

deps-fuzz:
	@tools/ensure-deps fuzz

# Kept between runs: make would otherwise delete them as intermediates.
.SECONDARY: $(FUZZ_OBJECTS)

$(B)/fuzz/obj/%.o: lib/%.c $(HEADERS) | deps-fuzz
	@mkdir -p $(@D)
	$(FUZZ_CC) $(ALL_CFLAGS) -O1 -fsanitize=fuzzer-no-link $(FUZZ_SANITIZE) -c $< -o $@

$(B)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJECTS)
	$(FUZZ_CC) $(ALL_CFLAGS) -O1 -Ilib -fsanitize=fuzzer $(FUZZ_SANITIZE) -o $@ $< \
	  $(FUZZ_OBJECTS) $(PKG_LIBS)

# Each target runs FUZZ_SECONDS on a scratch corpus grown from the committed
# seeds; any crash, leak or sanitizer report fails the target.
fuzz: $(FUZZ_TARGETS:%=$(B)/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
	  name=$${t#fuzz_}; corpus=$(B)/fuzz/corpus/$$name; log=$(B)/fuzz/$$t.log; \
	  mkdir -p $$corpus; \
	  if ! $(B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	       -print_final_stats=1 -artifact_prefix=$(B)/fuzz/$$t- $$corpus \
	       tests/fuzz/seeds/$$name >$$log 2>&1; then \
	    tail -n 40 $$log; echo "fuzz: $$t found a problem (input saved as $(B)/fuzz/$$t-*)"; \
	    exit 1; fi; \
	  echo "fuzz: $$t: $$(sed -n 's/^stat::number_of_executed_units: *//p' $$log) executions" \
	    "in $(FUZZ_SECONDS) s, $$(ls $$corpus | wc -l) corpus entries, no findings"; \
	done

# --- the demo: a game server's login flow against the sandbox ---------------

$(B)/examples/login: examples/login.c $(B)/lib/$(SONAME)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< -L$(B)/lib $(RPATH) -lgamegate

demo: deps $(B)/examples/login $(PY_EXT)
	@GAMEGATE_LIBRARY=$(abspath $(B)/lib/$(SONAME)) PYTHONPATH=bindings/python \
	  $(WITH_SANDBOX) sh -c '$(PYTHON) examples/login.py && $(B)/examples/login'

# --- install ------------------------------------------------------------------

# The .pc is written at install time, so it always names this PREFIX.
install: lib $(B)/include/gamegate_ffi.h
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(B)/lib/libgamegate.so.$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libgamegate.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf libgamegate.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libgamegate.so
	install -m 644 include/gamegate.h $(B)/include/gamegate_ffi.h $(DESTDIR)$(INCLUDEDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
	    lib/gamegate.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/gamegate.pc

# A staged install, and a program built from it with nothing but pkg-config.
test-install: lib
	rm -rf $(B)/staged
	$(MAKE) -s install DESTDIR=$(abspath $(B)/staged) PREFIX=/usr
	PKG_CONFIG_SYSROOT_DIR=$(abspath $(B)/staged) \
	PKG_CONFIG_PATH=$(abspath $(B)/staged)/usr/lib/pkgconfig \
	  sh -c '$(CC) -o $(B)/staged/login examples/login.c $$(pkg-config --cflags --libs gamegate)'
	readelf -d $(B)/staged/login | grep -q 'NEEDED.*\[$(SONAME)\]'
	tools/check-exports $(B)/staged/usr/lib/$(SONAME)
	test -f $(B)/staged/usr/include/gamegate_ffi.h

uninstall:
	rm -f $(DESTDIR)$(LIBDIR)/libgamegate.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME) \
	      $(DESTDIR)$(LIBDIR)/libgamegate.so $(DESTDIR)$(INCLUDEDIR)/gamegate.h \
	      $(DESTDIR)$(INCLUDEDIR)/gamegate_ffi.h $(DESTDIR)$(LIBDIR)/pkgconfig/gamegate.pc

clean:
	rm -rf $(B) $(PY_EXT)

include windows.mk
