'use strict';
// gamegate from Node through koffi. The declarations come from gamegate_ffi.h
// as it is installed (make install), so nothing here repeats a prototype.
//
//   const gamegate = require('./gamegate');
//   const gg = gamegate.load();  // GAMEGATE_LIBRARY, GAMEGATE_FFI_HEADER
//   const client = new gg.Client({'kongregate.api_key': key});
//   const player = client.call('kongregate.authenticate', {user_id, game_auth_token});
//   client.close();
const fs = require('fs');
const koffi = require('koffi');

class GamegateError extends Error {
  constructor(code, codeName, message, outcome) {
    super(message);
    this.name = 'GamegateError';
    this.code = code;          // a GG_* number
    this.codeName = codeName;  // "GG_EINVAL", ...
    this.outcome = outcome;    // "succeeded", "not_applied" or "unknown"
  }
}

const OUTCOMES = ['succeeded', 'not_applied', 'unknown'];

// Declarations, typedefs and enum constants from the FFI header's text.
function declare(lib, text) {
  const functions = {};
  const constants = {};
  for (const raw of text.replace(/\/\*[\s\S]*?\*\//g, ' ').split(';')) {
    const decl = raw.replace(/\s+/g, ' ').trim();
    let m;
    if ((m = decl.match(/^enum(?: \w+)? \{(.*)\}$/))) {
      for (const item of m[1].split(',')) {
        const [name, value] = item.split('=').map((s) => s.trim());
        constants[name] = Number(value);
      }
    } else if ((m = decl.match(/^typedef struct \w+ (\w+)$/))) {
      koffi.opaque(m[1]);
    } else if ((m = decl.match(/^typedef (.+)\(\*(\w+)\)\((.*)\)$/))) {
      koffi.pointer(m[2], koffi.proto(`${m[1]} ${m[2]}_type(${m[3]})`));
    } else if ((m = decl.match(/\b(gg_\w+)\(/))) {
      functions[m[1]] = lib.func(decl);
    }
  }
  return {functions, constants};
}

// koffi's type names are process-wide: the header is declared once, and a
// second load() gets the same bindings.
let loaded = null;

function load(options = {}) {
  const library = options.library || process.env.GAMEGATE_LIBRARY || 'libgamegate.so.0';
  const header = options.header || process.env.GAMEGATE_FFI_HEADER ||
    '/usr/local/include/gamegate_ffi.h';
  if (loaded) {
    if (loaded.library !== library || loaded.header !== header)
      throw new Error('gamegate: already loaded from ' + loaded.library);
    return loaded.api;
  }
  const {functions: f, constants} = declare(koffi.load(library), fs.readFileSync(header, 'utf8'));
  const codeNames = Object.fromEntries(
    Object.entries(constants).filter(([name]) => /^GG_(OK|E[A-Z]+)$/.test(name))
      .map(([name, value]) => [value, name]));

  // The one place a code becomes a value or an exception.
  function check(code, result) {
    const message = result ? f.gg_result_message(result) : f.gg_strerror(code);
    const outcome = result ? OUTCOMES[f.gg_result_outcome(result)] : 'not_applied';
    const text = result ? f.gg_result_json(result) : '';
    f.gg_result_free(result);
    if (code !== constants.GG_OK)
      throw new GamegateError(code, codeNames[code], message, outcome);
    return text ? JSON.parse(text) : null;
  }

  function out(type, call) {
    const slot = koffi.alloc(type, 1);
    try {
      const code = call(slot);
      return [code, koffi.decode(slot, type)];
    } finally {
      koffi.free(slot);
    }
  }

  class Client {
    constructor(settings = {}) {
      const [code, handle] = out('gg_client *', (slot) => f.gg_client_new(slot));
      if (code !== constants.GG_OK)
        throw new GamegateError(code, codeNames[code], f.gg_strerror(code), 'not_applied');
      this.handle = handle;
      try {
        for (const [option, value] of Object.entries(settings))
          this.set(option, value);
      } catch (error) {
        this.close(); // frees the client, and wipes the keys already set
        throw error;
      }
    }

    // null or undefined restores the option's default.
    set(option, value) {
      const code = f.gg_client_set(this.handle, option, value == null ? null : String(value));
      if (code !== constants.GG_OK)
        throw new GamegateError(code, codeNames[code], f.gg_client_errmsg(this.handle),
                                'not_applied');
    }

    // Parameters are counted (gg_call_n): no terminator to forget.
    // Parameters that are null or undefined are left out.
    call(endpoint, params = {}) {
      const names = Object.keys(params).filter((name) => params[name] != null);
      const values = names.map((name) => String(params[name]));
      const [code, result] = out('gg_result *', (slot) =>
        f.gg_call_n(this.handle, endpoint, names, values, names.length, slot));
      return check(code, result);
    }

    close() {
      f.gg_client_free(this.handle); // NULL after a first close: a no-op
      this.handle = null;
    }
  }

  const api = {Client, GamegateError, constants, version: () => f.gg_version(), functions: f};
  loaded = {library, header, api};
  return api;
}

module.exports = {load, GamegateError};
