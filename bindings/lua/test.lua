-- Run by make test-ffi against the sandbox: luajit test.lua API_KEY USER_ID TOKEN USERNAME
-- (tools/sandbox-player prints them).
package.path = arg[0]:gsub("test%.lua$", "?.lua") .. ";" .. package.path
local api_key, user_id, token, username = arg[1], arg[2], arg[3], arg[4]
local gg = require("gamegate").load()

assert(gg.version():match("^%d+%.%d+%.%d+$"))
assert(gg.C.GG_EINVAL == 1)
local client = gg.Client{["kongregate.base_url"] = os.getenv("GG_SANDBOX_URL"),
                         ["kongregate.api_key"] = api_key}
local result = client:call("kongregate.authenticate", {user_id = user_id, game_auth_token = token})
assert(result:get("username") == username, "authenticate answered " .. tostring(result:get("username")))

local ok, err = pcall(client.call, client, "kongregate.authenticate", {user_id = user_id})
assert(not ok and err.code == gg.C.GG_EINVAL and err.message:find("game_auth_token", 1, true))
ok, err = pcall(client.call, client, "kongregate.authenticate",
                {user_id = user_id, game_auth_token = string.rep("f", 64)})
assert(not ok and err.code == gg.C.GG_EAUTH and not err.message:find(api_key, 1, true))
ok, err = pcall(client.set, client, "no.such_option", "x")
assert(not ok and err.code == gg.C.GG_EINVAL)
ok, err = pcall(gg.Client, {["kongregate.api_key"] = api_key, ["no.such"] = "1"})
assert(not ok and err.code == gg.C.GG_EINVAL and not err.message:find(api_key, 1, true))
assert(require("gamegate").load() == gg)
print("luajit: ffi.cdef took gamegate_ffi.h as it is; authenticate, refusals and codes behave")
