-- gamegate from LuaJIT: ffi.cdef takes gamegate_ffi.h as it is installed
-- (make install), so nothing here repeats a prototype.
--
--   local gamegate = require("gamegate").load()  -- GAMEGATE_LIBRARY, GAMEGATE_FFI_HEADER
--   local client = gamegate.Client{["kongregate.api_key"] = key}
--   local ok, result = pcall(client.call, client, "kongregate.authenticate",
--                            {user_id = id, game_auth_token = token})
--   print(result:get("username"))
local ffi = require("ffi")

local M = {}
-- ffi.cdef is process-wide: the header is declared once, and a second
-- load() gets the same bindings.
local loaded

function M.load(library, header)
  library = library or os.getenv("GAMEGATE_LIBRARY") or "libgamegate.so.0"
  header = header or os.getenv("GAMEGATE_FFI_HEADER") or "/usr/local/include/gamegate_ffi.h"
  if loaded then
    assert(loaded.library == library and loaded.header == header,
           "gamegate: already loaded from " .. loaded.library)
    return loaded.gg
  end
  local file = assert(io.open(header, "r"))
  ffi.cdef(file:read("*a"))
  file:close()
  local C = ffi.load(library)
  local gg = {C = C}
  local outcomes = {[0] = "succeeded", "not_applied", "unknown"}

  local function text(cdata)
    return cdata ~= nil and ffi.string(cdata) or nil
  end

  -- A failure is raised as a table: code, message, outcome (never a secret).
  local function fail(code, message, outcome)
    error({code = code, message = message, outcome = outcome or "not_applied"}, 0)
  end

  local Result = {}
  Result.__index = Result
  function Result:get(path) return text(C.gg_result_get(self.handle, path)) end
  function Result:json() return text(C.gg_result_json(self.handle)) end

  local Client = {}
  Client.__index = Client

  function gg.Client(settings)
    local out = ffi.new("gg_client *[1]")
    local code = C.gg_client_new(out)
    if code ~= C.GG_OK then fail(code, text(C.gg_strerror(code))) end
    local client = setmetatable({handle = ffi.gc(out[0], C.gg_client_free)}, Client)
    for option, value in pairs(settings or {}) do
      local ok, err = pcall(client.set, client, option, value)
      if not ok then
        -- Freed now, keys already set wiped, rather than at some collection.
        C.gg_client_free(ffi.gc(client.handle, nil))
        error(err, 0)
      end
    end
    return client
  end

  function Client:set(option, value)
    local code = C.gg_client_set(self.handle, option, value and tostring(value))
    if code ~= C.GG_OK then fail(code, text(C.gg_client_errmsg(self.handle))) end
  end

  -- Parameters are counted (gg_call_n): no terminator to forget.
  function Client:call(endpoint, params)
    local names, values, count = {}, {}, 0
    for name, value in pairs(params or {}) do
      count = count + 1
      names[count], values[count] = name, tostring(value)
    end
    local c_names = ffi.new("const char *[?]", count, names)
    local c_values = ffi.new("const char *[?]", count, values)
    local out = ffi.new("gg_result *[1]")
    local code = C.gg_call_n(self.handle, endpoint, c_names, c_values, count, out)
    local result = setmetatable({handle = ffi.gc(out[0], C.gg_result_free)}, Result)
    if code ~= C.GG_OK then
      fail(code, text(C.gg_result_message(result.handle)),
           outcomes[C.gg_result_outcome(result.handle)])
    end
    return result
  end

  function gg.version() return text(C.gg_version()) end
  loaded = {library = library, header = header, gg = gg}
  return gg
end

return M
