// The golden cookies client-sessions@0.8.0 made (__test__/fixtures, shared with vitest and the
// Rust tests), and codec options that match the ones each was made with.
'use strict';
const { vectors } = require('../fixtures/client-sessions-0.8.json');

function optionsFor(v) {
  const keys =
    v.secret !== undefined
      ? { secret: v.secret }
      : { encryptionKey: Buffer.from(v.encryptionKey, 'hex'), signatureKey: Buffer.from(v.signatureKey, 'hex') };
  return { cookieName: v.cookieName, encryptionAlgorithm: v.encryptionAlgorithm, signatureAlgorithm: v.signatureAlgorithm, ...keys };
}

/** The IV a cookie carries in its first field. */
function ivOf(cookie) {
  return Buffer.from(cookie.split('.')[0], 'base64url');
}

module.exports = { vectors, optionsFor, ivOf };
