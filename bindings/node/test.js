'use strict';
// Run by make test-ffi against the sandbox (GG_SANDBOX_URL, GG_SANDBOX_DATA).
const assert = require('assert');
const fs = require('fs');
const gamegate = require('./gamegate');

const gg = gamegate.load();
const seed = JSON.parse(fs.readFileSync(process.env.GG_SANDBOX_DATA, 'utf8'));
const game = seed.kongregate.games[0];
const player = seed.kongregate.users[0];
const token = player.game_auth_tokens[String(game.game_id)];

assert.match(gg.version(), /^\d+\.\d+\.\d+$/);
assert.strictEqual(gg.constants.GG_EINVAL, 1);
const client = new gg.Client({'kongregate.base_url': process.env.GG_SANDBOX_URL,
                              'kongregate.api_key': game.api_key});
const answer = client.call('kongregate.authenticate',
                           {user_id: player.user_id, game_auth_token: token});
assert.strictEqual(answer.username, player.username);

assert.throws(() => client.call('kongregate.authenticate', {user_id: player.user_id}),
              (e) => e.codeName === 'GG_EINVAL' && /game_auth_token/.test(e.message));
assert.throws(() => client.call('kongregate.authenticate',
                                {user_id: player.user_id, game_auth_token: 'f'.repeat(64)}),
              (e) => e.codeName === 'GG_EAUTH' && !e.message.includes(game.api_key));
assert.throws(() => client.set('no.such_option', 'x'), (e) => e.codeName === 'GG_EINVAL');
// Left out, not sent as "undefined": with username too, one-of would refuse.
assert.strictEqual(client.call('kongregate.user_info',
                               {username: undefined, user_id: player.user_id}).username,
                   player.username);
client.close();
client.close();
// A refused option frees the half-made client; a second load() is the first.
assert.throws(() => new gg.Client({'kongregate.api_key': game.api_key, 'no.such': 1}),
              (e) => e.codeName === 'GG_EINVAL' && !e.message.includes(game.api_key));
assert.strictEqual(gamegate.load(), gg);
console.log('node: koffi loaded gamegate_ffi.h as it is; authenticate, refusals and codes behave');
