#!/usr/bin/env node
// Writes __test__/fixtures/client-sessions-0.8.json: cookies made by the original
// client-sessions@0.8.0 `util.encode`, which both `cargo test` and vitest must decode.
// The IVs are random, so running this again gives new cookies; the committed file is the
// reference and is only regenerated on purpose (`node scripts/make-golden-cookies.cjs`).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const clientSessions = require('client-sessions');

const ENCRYPTION = { aes128: 16, aes192: 24, aes256: 32 };
const SIGNATURE = ['sha256', 'sha256-drop128', 'sha384', 'sha384-drop192', 'sha512', 'sha512-drop256'];
const CREATED_AT = 1700000000000;
const DURATION = 86400000;

// Deterministic key bytes so the fixture file documents exactly what made each cookie.
function keyBytes(label, length) {
  return crypto.createHash('sha512').update(label).digest().subarray(0, length);
}

const payloads = {
  small: { user: 'alice', n: 1 },
  unicode: { text: 'caf\u00e9 \u{1F600} \u{1F468}\u200D\u{1F469}\u200D\u{1F467} line\u2028sep\u2029para', quote: '"\\</script>' },
  nested: { user: { id: 7, roles: ['admin', 'user'], prefs: { theme: 'dark', tz: null } }, cart: [{ sku: 'a1', qty: 2 }, { sku: 'b2', qty: 1 }], ok: true },
  large: { blob: 'x'.repeat(2900), items: Array.from({ length: 10 }, (_, i) => ({ i })) },
  empty: {},
};

const vectors = [];
function add(name, opts, content, keys) {
  const cookie = clientSessions.util.encode({ ...opts }, content, DURATION, CREATED_AT);
  // Check with the original's own decoder before storing.
  const back = clientSessions.util.decode({ ...opts }, cookie);
  if (!back || JSON.stringify(back.content) !== JSON.stringify(content)) throw new Error(`round trip failed: ${name}`);
  vectors.push({
    name,
    cookieName: opts.cookieName,
    ...keys,
    encryptionAlgorithm: opts.encryptionAlgorithm || 'aes256',
    signatureAlgorithm: opts.signatureAlgorithm || 'sha256',
    createdAt: CREATED_AT,
    duration: DURATION,
    json: JSON.stringify(content),
    cookie,
  });
}

for (const [payloadName, content] of Object.entries(payloads)) {
  const secret = `golden secret for ${payloadName}, long enough`;
  add(`secret-default-${payloadName}`, { cookieName: 'session', secret }, content, { secret });
}
add('secret-sha256-drop128', { cookieName: 'auth', secret: 'drop secret', signatureAlgorithm: 'sha256-drop128' },
  payloads.small, { secret: 'drop secret' });
add('secret-name-session_state', { cookieName: 'session_state', secret: 'default name secret' },
  payloads.nested, { secret: 'default name secret' });

for (const [enc, encLen] of Object.entries(ENCRYPTION)) {
  for (const sig of SIGNATURE) {
    const encryptionKey = keyBytes(`enc ${enc} ${sig}`, encLen);
    const signatureKey = keyBytes(`sig ${enc} ${sig}`, 64);
    add(`keys-${enc}-${sig}`, { cookieName: 'cart', encryptionKey, signatureKey, encryptionAlgorithm: enc, signatureAlgorithm: sig },
      payloads.nested, { encryptionKey: encryptionKey.toString('hex'), signatureKey: signatureKey.toString('hex') });
  }
}

const out = path.join(__dirname, '..', '__test__', 'fixtures', 'client-sessions-0.8.json');
fs.writeFileSync(out, JSON.stringify({
  about: 'Cookies made by client-sessions@0.8.0 util.encode (scripts/make-golden-cookies.cjs). Keys are hex; secrets are UTF-8 text. Decode them at createdAt + 1000 ms.',
  vectors,
}, null, 2) + '\n');
console.log(`wrote ${vectors.length} vectors to ${path.relative(process.cwd(), out)}`);
