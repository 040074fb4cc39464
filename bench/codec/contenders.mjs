// The contenders of the codec benchmark, and the correctness check that runs before any
// clock starts.
//
// Each contender is timed on the whole operation a user pays for:
//   encode: session object -> cookie value (string)
//   decode: cookie value   -> session object
// so JSON.stringify / JSON.parse are included wherever the library leaves them to the caller.
//
// A contender is { name, note?, async?, format?, encode(obj), decode(cookie) }. `async`
// contenders return promises (awaited one by one when timed). `format: 'client-sessions'`
// marks the contenders that share client-sessions' wire format and must decode each other's
// cookies.

import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const require = createRequire(import.meta.url);

export const COOKIE_NAME = 'session';
// 49 characters: long enough for iron-session's 32-character minimum password.
export const SECRET = 'bench-secret-bench-secret-bench-secret-0123456789';
export const DURATION = 24 * 60 * 60 * 1000;
// One timestamp for every cookie of a process, so expiry never differs between contenders (a
// day is far longer than any run).
export const CREATED_AT = Date.now();

/** Versions of the packages compared, for the report. */
export function versions() {
  // Read from node_modules directly: some packages (iron-session) do not export package.json.
  const version = (name) => {
    try {
      return JSON.parse(readFileSync(new URL(`../../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    'client-sessions-native': require('../../package.json').version,
    'client-sessions': version('client-sessions'),
    '@fastify/secure-session': version('@fastify/secure-session'),
    fastify: version('fastify'),
    'sodium-native': version('sodium-native'),
    'cookie-session': version('cookie-session'),
    keygrip: version('keygrip'),
    'iron-session': version('iron-session'),
    'iron-webcrypto': version('iron-webcrypto'),
  };
}

// --- our codecs ---------------------------------------------------------------------------

/** One of our codecs; null (with a message) when the backend is missing. */
function ourContender(name, backend, format = 1) {
  const ours = require('../../dist/index.js');
  let codec;
  try {
    codec = ours.createCodec({ cookieName: COOKIE_NAME, secret: SECRET, backend, format });
  } catch (err) {
    console.log(`skipping ${name}: createCodec({ backend: '${backend}' }) threw: ${err.message}`);
    return null;
  }
  return {
    name,
    // Format 2 contenders read each other's cookies, as client-sessions' format ones do.
    format: format === 1 ? 'client-sessions' : 'format 2',
    encode: (session) => codec.encode(JSON.stringify(session), CREATED_AT, DURATION),
    decode(cookie) {
      const result = codec.decode(cookie);
      // Only `valid` carries JSON; anything else is a failure, not a fast path.
      if (result.status !== 'valid') throw new Error(`${name}: decode status ${result.status}`);
      return JSON.parse(result.json);
    },
  };
}

// --- client-sessions@0.8.0 ------------------------------------------------------------------

function clientSessionsContender() {
  const clientSessions = require('client-sessions');
  // util.encode/decode cache the derived keys on this object, so it is made once and
  // reused, as client-sessions' middleware does, and as our codecs do.
  const opts = { cookieName: COOKIE_NAME, secret: SECRET };
  return {
    name: 'client-sessions',
    format: 'client-sessions',
    // util.encode stringifies the content itself, util.decode parses it.
    encode: (session) => clientSessions.util.encode(opts, session, DURATION, CREATED_AT),
    decode(cookie) {
      const result = clientSessions.util.decode(opts, cookie);
      if (result === undefined) throw new Error('client-sessions: decode failed');
      return result.content;
    },
  };
}

// --- node:crypto reference --------------------------------------------------------------------

/**
 * The pure-JS reference: client-sessions' exact cookie format written directly on node:crypto,
 * the way one would today. Keys derived once (HMAC-SHA256 of the secret, as client-sessions
 * does) and kept as KeyObjects; a fresh random IV per cookie; AES-256-CBC; HMAC-SHA256 over
 * `iv . ciphertext . createdAt . duration`; timingSafeEqual on decode; expiry checked.
 *
 *   b64url(iv) . b64url(ciphertext) . createdAt . duration . b64url(mac)
 *   plaintext = cookieName + '=' + JSON
 */
function nodeCryptoContender() {
  const derive = (label) => crypto.createHmac('sha256', SECRET).update(label).digest();
  const encKey = crypto.createSecretKey(derive('cookiesession-encryption'));
  const macKey = crypto.createSecretKey(derive('cookiesession-signature'));
  const prefix = COOKIE_NAME + '=';

  const mac = (iv, ciphertext, createdAt, duration) =>
    crypto
      .createHmac('sha256', macKey)
      .update(iv)
      .update('.')
      .update(ciphertext)
      .update(`.${createdAt}.${duration}`)
      .digest();

  function decode(cookie) {
    const parts = cookie.split('.');
    if (parts.length !== 5) return undefined;
    const iv = Buffer.from(parts[0], 'base64url');
    const ciphertext = Buffer.from(parts[1], 'base64url');
    const tag = Buffer.from(parts[4], 'base64url');
    const createdAt = parseInt(parts[2], 10);
    const duration = parseInt(parts[3], 10);
    if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0 || tag.length !== 32) {
      return undefined;
    }
    if (!crypto.timingSafeEqual(tag, mac(iv, ciphertext, createdAt, duration))) return undefined;
    if (!(createdAt + duration > Date.now())) return undefined;
    const decipher = crypto.createDecipheriv('aes-256-cbc', encKey, iv);
    let plaintext;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      return undefined; // bad padding (cannot happen with a valid MAC)
    }
    if (!plaintext.startsWith(prefix)) return undefined;
    return JSON.parse(plaintext.slice(prefix.length));
  }

  return {
    name: 'node:crypto',
    format: 'client-sessions',
    encode(session) {
      const iv = crypto.randomBytes(16);
      const cipher = crypto.createCipheriv('aes-256-cbc', encKey, iv);
      const ciphertext = Buffer.concat([cipher.update(prefix + JSON.stringify(session), 'utf8'), cipher.final()]);
      const tag = mac(iv, ciphertext, CREATED_AT, DURATION);
      return `${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${CREATED_AT}.${DURATION}.${tag.toString('base64url')}`;
    },
    decode(cookie) {
      const session = decode(cookie);
      if (session === undefined) throw new Error('node:crypto: decode failed');
      return session;
    },
  };
}

// --- @fastify/secure-session ------------------------------------------------------------------

/**
 * @fastify/secure-session (libsodium secretbox: XSalsa20-Poly1305, via sodium-native), through
 * the decorators its own hooks use. Its cookie is `b64(ciphertext);b64(nonce)` and the session
 * JSON carries an extra `__ts` field (seconds) for expiry.
 */
async function fastifySecureSessionContender() {
  const { default: Fastify } = await import('fastify');
  const { default: secureSession } = await import('@fastify/secure-session');
  const app = Fastify({ logger: false });
  // A fixed 32-byte key (crypto_secretbox_KEYBYTES); a `secret` would be stretched with
  // crypto_pwhash at startup, which is not what is measured here.
  const key = crypto.createHash('sha256').update(SECRET).digest();
  await app.register(secureSession, { key, cookieName: COOKIE_NAME });
  await app.ready();
  return {
    name: '@fastify/secure-session',
    // createSecureSession wraps the object (no copy) and stamps `__ts` on it the first time;
    // encodeSecureSession stringifies and seals it.
    encode: (session) => app.encodeSecureSession(app.createSecureSession(session)),
    decode(cookie) {
      const session = app.decodeSecureSession(cookie);
      if (session === null) throw new Error('@fastify/secure-session: decode failed');
      // .data() is the plain object (a shallow copy without `__ts`); .get(key) would be
      // cheaper per field but is not "the session object".
      return session.data();
    },
    async close() {
      await app.close();
    },
  };
}

// --- cookie-session ---------------------------------------------------------------------------

/**
 * cookie-session@2 — SIGNING ONLY, NO ENCRYPTION: the session is readable by the client, so
 * this is not an equal contender, only a floor for "a cookie session at all". cookie-session
 * has no standalone API; this replicates exactly what it does per cookie:
 *   value = base64(JSON.stringify(session))                (cookie-session's encode())
 *   sig   = keygrip.sign(name + '=' + value)               (cookies' set(), signed: true)
 *   decode: keygrip.index(name + '=' + value, sig) >= 0    (cookies' get(), signed: true)
 *           then JSON.parse(base64 decode(value))          (cookie-session's decode())
 * with `new Keygrip([key])`: HMAC-SHA1, base64url-ish digest, as through `cookies`. The
 * "cookie" is the pair [value, sig], sent as two cookies (`session` and `session.sig`).
 */
function cookieSessionContender() {
  const Keygrip = require('keygrip');
  const keys = new Keygrip([SECRET]);
  const prefix = COOKIE_NAME + '=';
  return {
    name: 'cookie-session',
    note: 'signing only, not encrypted',
    encode(session) {
      const value = Buffer.from(JSON.stringify(session)).toString('base64');
      return [value, keys.sign(prefix + value)];
    },
    decode([value, sig]) {
      if (keys.index(prefix + value, sig) < 0) throw new Error('cookie-session: bad signature');
      return JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
    },
  };
}

// --- iron-session -----------------------------------------------------------------------------

/**
 * iron-session@8 sealData/unsealData (iron: AES-256-CBC + HMAC-SHA256, with both keys derived
 * per seal by PBKDF2 from the password and fresh salts, on WebCrypto). Asynchronous: timed by
 * awaiting each call. unsealData answers {} instead of throwing on a bad seal, which the
 * correctness check catches (it would not be deep-equal).
 */
async function ironSessionContender() {
  const { sealData, unsealData } = await import('iron-session');
  const options = { password: SECRET };
  return {
    name: 'iron-session',
    async: true,
    encode: (session) => sealData(session, options),
    decode: (cookie) => unsealData(cookie, options),
  };
}

// --- all of them ------------------------------------------------------------------------------

/** Every available contender, in report order. */
/**
 * `formatTwo`: also our format 2 codecs (bench:codec shows them beside format 1; the
 * benchmark.js run compares only the contenders it always had).
 */
export async function createContenders({ formatTwo = false } = {}) {
  const list = [
    ourContender('native', 'native'),
    ourContender('js', 'js'),
    ...(formatTwo ? [ourContender('native format 2', 'native', 2), ourContender('js format 2', 'js', 2)] : []),
    nodeCryptoContender(),
    clientSessionsContender(),
    await fastifySecureSessionContender(),
    cookieSessionContender(),
    await ironSessionContender(),
  ];
  return list.filter(Boolean);
}

export async function closeContenders(contenders) {
  for (const c of contenders) await c.close?.();
}

// --- correctness ------------------------------------------------------------------------------

const describe = (err) => (err instanceof Error ? err.message : String(err));

/**
 * Before any timing: every contender round-trips every payload to a deep-equal object, and
 * the contenders sharing client-sessions' format decode each other's cookies. Each contender
 * gets its own copy of each payload (@fastify/secure-session stamps `__ts` on the object it
 * is given). Returns the failures (empty when all agree) and one cookie per contender and
 * payload, for the decode timings.
 */
export async function checkContenders(contenders, payloads) {
  const failures = [];
  const cookies = new Map(); // contender name -> cookie per payload
  for (const c of contenders) cookies.set(c.name, []);

  for (const [p, payload] of payloads.entries()) {
    for (const writer of contenders) {
      let cookie;
      try {
        cookie = await writer.encode(structuredClone(payload.value));
      } catch (err) {
        failures.push(`${writer.name} could not encode the ${payload.name} payload: ${describe(err)}`);
        continue;
      }
      cookies.get(writer.name)[p] = cookie;
      const readers = writer.format ? contenders.filter((c) => c.format === writer.format) : [writer];
      for (const reader of readers) {
        const who = reader === writer ? `${reader.name} (round trip)` : `${reader.name} reading ${writer.name}'s cookie`;
        let got;
        try {
          got = await reader.decode(cookie);
        } catch (err) {
          failures.push(`${who}, ${payload.name} payload: ${describe(err)}`);
          continue;
        }
        if (!isDeepStrictEqual(got, payload.value)) {
          failures.push(`${who}, ${payload.name} payload: decoded to ${JSON.stringify(got).slice(0, 120)}`);
        }
      }
    }
  }
  return { failures, cookies };
}

/** Byte length of a contender's cookie (both cookies for cookie-session's pair). */
export const cookieBytes = (cookie) =>
  Array.isArray(cookie) ? cookie.reduce((n, part) => n + Buffer.byteLength(part), 0) : Buffer.byteLength(cookie);
