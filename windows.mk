# --- Windows: gamegate.dll cross-built with MinGW-w64, its tests run under Wine
# (included by the Makefile). The dependencies come from Debian's source
# packages, built once and cached outside the tree by tools/windows-deps.

WIN := $(B)/windows
WIN_CC := x86_64-w64-mingw32-gcc-posix
# No fork(), SQLite or hiredis there: platform_windows.c and backend_none.c
# stand in (the README says what that leaves out).
WIN_SOURCES := $(filter-out lib/platform_posix.c lib/backend_sqlite.c lib/backend_redis.c,\
                 $(wildcard lib/*.c))
WIN_OBJECTS := $(WIN_SOURCES:lib/%.c=$(WIN)/obj/%.o)
WIN_PREFIX = $(shell cat $(WIN)/deps-prefix)
# C99's printf formats (%zu) from MinGW's own stdio; libcurl linked statically.
WIN_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D__USE_MINGW_ANSI_STDIO=1 -DCURL_STATICLIB \
             $(WARNINGS) -O2 -Iinclude -I$(WIN_PREFIX)/include $(CFLAGS)
# Everything static but Windows' own DLLs: gamegate.dll ships alone.
WIN_LIBS = -L$(WIN_PREFIX)/lib -lcurl -ljansson -lcrypto -lws2_32 -lcrypt32 -lbcrypt -lsecur32 \
           -lnormaliz -liphlpapi -ladvapi32 -luser32 -static-libgcc \
           -Wl,-Bstatic -lpthread -Wl,-Bdynamic
# The suites that need no fork(), no POSIX signals and no shared store.
WIN_TESTS := test_units $(API_TESTS) test_dlopen

deps-windows:
	@tools/ensure-deps windows

# Asked every time (quick once built): the file changes, and the objects
# are rebuilt, only when the prefix does. A failed build leaves no file.
$(WIN)/deps-prefix: FORCE | deps-windows
	@mkdir -p $(@D)
	@prefix=$$(tools/windows-deps | tail -n 1) && test -f "$$prefix/.complete" || \
	  { echo "windows: the dependencies were not built (tools/windows-deps)" >&2; \
	    rm -f $@; exit 1; }; \
	[ "$$(cat $@ 2>/dev/null)" = "$$prefix" ] || echo "$$prefix" > $@

FORCE:

$(WIN)/obj/%.o: lib/%.c $(HEADERS) $(WIN)/deps-prefix
	@mkdir -p $(@D)
	$(WIN_CC) $(WIN_CFLAGS) -DGG_BUILDING_LIBRARY -c $< -o $@

# The import library and a .def of the exports (gg_* alone: only they are
# marked dllexport) come out of the same link.
$(WIN)/gamegate.dll: $(WIN_OBJECTS)
	$(WIN_CC) -shared -o $@ $^ -Wl,--out-implib,$(WIN)/libgamegate.dll.a \
	  -Wl,--output-def,$(WIN)/gamegate.def $(WIN_LIBS)

$(API_TESTS:%=$(WIN)/tests/%.exe): $(WIN)/tests/%.exe: tests/c/%.c $(TEST_HELPERS) $(API_FIXTURE) \
                                  $(WIN)/gamegate.dll
	@mkdir -p $(@D)
	$(WIN_CC) $(WIN_CFLAGS) -Itests/c -o $@ $< tests/c/sandbox_client.c tests/c/api_fixture.c \
	  -L$(WIN) -lgamegate $(WIN_LIBS)
	cp $(WIN)/gamegate.dll $(@D)/
$(WIN)/tests/test_dlopen.exe: tests/c/test_dlopen.c $(TEST_HELPERS) $(WIN)/gamegate.dll
	@mkdir -p $(@D)
	$(WIN_CC) $(WIN_CFLAGS) -Itests/c -o $@ $< tests/c/sandbox_client.c $(WIN_LIBS)
$(WIN)/tests/test_units.exe: tests/c/test_units.c $(TEST_HELPERS) $(WIN_OBJECTS)
	@mkdir -p $(@D)
	$(WIN_CC) $(WIN_CFLAGS) -DGG_STATIC -Ilib -Itests/c -o $@ $< tests/c/sandbox_client.c $(WIN_OBJECTS) \
	  $(WIN_LIBS) -lpsapi

windows: $(WIN)/gamegate.dll $(WIN_TESTS:%=$(WIN)/tests/%.exe)
	@echo "windows: $(WIN)/gamegate.dll ($$(du -k $(WIN)/gamegate.dll | cut -f1) KiB)," \
	  "$(WIN)/libgamegate.dll.a, $(WIN)/gamegate.def, $(words $(WIN_TESTS)) test programs"

# Each suite under Wine, against the sandbox on loopback, from the tests'
# folder (where gamegate.dll is found, by the loader and by LoadLibrary).
test-windows: windows
	@for t in $(WIN_TESTS); do \
	  echo "== wine $$t"; \
	  (cd $(WIN)/tests && WINEDEBUG=-all GAMEGATE_LIBRARY=gamegate.dll \
	    $(abspath tools/with-sandbox) $(PYTHON) wine ./$$t.exe) || exit 1; done

.PHONY: deps-windows windows test-windows FORCE
