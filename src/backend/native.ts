// The Rust codec behind N-API. The generated loader (binding.js) is required lazily and inside
// try/catch, so a missing or broken binary is a recorded reason, not a crash.

import type { NativeCodec as NativeCodecClass } from '../../binding';
import { MAX_COOKIE_VALUE_LENGTH, absentResult, type CookieFormat, type DecodeResult, type TestableCodec } from '../codec';
import type { ResolvedCodecOptions } from '../options';
import { checkBytes, checkChunks, checkIv, checkJson, checkKeyIndex, checkMillis, checkNonce, checkNow, checkSealedTimes } from './checks';
import { unpackDecoded } from './unpack';

interface NativeBinding {
  NativeCodec: typeof NativeCodecClass;
}

type LoadState = { binding: NativeBinding } | { error: Error };

let state: LoadState | undefined;

/** The native binding, or the reason it could not be loaded. Tried once per process. */
export function loadNative(): LoadState {
  if (state === undefined) {
    try {
      // `#native-binding` is binding.js, except in bundles for Workers and browsers (the
      // `workerd`, `worker` and `browser` conditions of package.json's `imports`), where it is
      // no-native.ts: bundling binding.js there would pull in the platform package's .node file,
      // which bundlers cannot load, and node:fs and node:child_process.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const binding = require('#native-binding') as Partial<NativeBinding>;
      if (typeof binding.NativeCodec !== 'function') {
        throw new Error('the loaded binary does not export NativeCodec (it is from another version)');
      }
      state = { binding: binding as NativeBinding };
    } catch (err) {
      state = { error: err instanceof Error ? err : new Error(String(err)) };
    }
  }
  return state;
}

export class NativeCodec implements TestableCodec {
  readonly backend = 'native' as const;
  readonly cookieName: string;
  readonly format: CookieFormat;
  readonly #inner: NativeCodecClass;
  readonly #keyCount: number;

  constructor(options: ResolvedCodecOptions, binding: NativeBinding) {
    this.cookieName = options.cookieName;
    this.format = options.format;
    this.#keyCount = options.keys.length;
    this.#inner = new binding.NativeCodec({
      cookieName: options.cookieName,
      encryptionAlgorithm: options.encryptionAlgorithm,
      signatureAlgorithm: options.signatureAlgorithm,
      keys: options.keys,
      activeDuration: options.activeDuration,
      format: options.format,
      absoluteDuration: options.absoluteDuration,
    });
  }

  // The arguments are checked in the js backend's order, so misuse fails the same way on both.
  encode(json: string, createdAt: number, duration: number, issuedAt?: number, chunks?: number): string {
    if (this.format === 2) {
      const count = this.#checkFormat2(json, createdAt, duration, issuedAt, chunks);
      return this.#inner.encode(json, createdAt, duration, issuedAt ?? createdAt, count);
    }
    checkChunks(chunks, 1);
    this.#checkFormat1(json, createdAt, duration);
    // Format 1 has no issuedAt: whatever is given is ignored.
    return this.#inner.encode(json, createdAt, duration, createdAt, 1);
  }

  encodeWithIv(json: string, createdAt: number, duration: number, iv: Uint8Array, issuedAt?: number, chunks?: number): string {
    if (this.format === 2) {
      const nonce = checkNonce(iv);
      const count = this.#checkFormat2(json, createdAt, duration, issuedAt, chunks);
      return this.#inner.encodeWithIv(json, createdAt, duration, nonce, issuedAt ?? createdAt, count);
    }
    checkChunks(chunks, 1);
    const checked = checkIv(iv);
    this.#checkFormat1(json, createdAt, duration);
    return this.#inner.encodeWithIv(json, createdAt, duration, checked, createdAt, 1);
  }

  #checkFormat1(json: string, createdAt: number, duration: number): void {
    checkMillis(createdAt, 'createdAt');
    checkMillis(duration, 'duration');
    checkJson(json);
  }

  /** Checks format 2's arguments; returns the chunk count. */
  #checkFormat2(json: string, createdAt: number, duration: number, issuedAt: number | undefined, chunks: number | undefined): number {
    checkMillis(createdAt, 'createdAt');
    checkMillis(duration, 'duration');
    checkSealedTimes(createdAt, duration, issuedAt);
    const count = checkChunks(chunks, 2);
    checkJson(json);
    return count;
  }

  decode(value: string, now: number = Date.now()): DecodeResult {
    const nowMillis = checkNow(now);
    if (typeof value !== 'string') return invalid('malformed');
    // Every UTF-16 unit is at least one UTF-8 byte, so a value this long is too large in Rust
    // too; refused here, it is never copied across (a 100 MB value took 130 ms to convert).
    if (value.length > MAX_COOKIE_VALUE_LENGTH) return invalid('too-large');
    return unpackDecoded(this.#inner.decode(value, nowMillis));
  }

  decodeFromHeader(header: string | undefined, now: number = Date.now()): DecodeResult {
    const nowMillis = checkNow(now);
    // Most requests carry no session cookie: answer those without crossing into Rust. (A header
    // with a chunk cookie `name.1` contains the name too, so chunkCookies is 0 here either way.)
    if (typeof header !== 'string' || !header.includes(this.cookieName)) return absentResult();
    return unpackDecoded(this.#inner.decodeFromHeader(header, nowMillis));
  }

  computeMac(keyIndex: number, iv: Uint8Array, ciphertext: Uint8Array, createdAt: string, duration: string): Buffer {
    checkKeyIndex(keyIndex, this.#keyCount);
    return this.#inner.computeMac(keyIndex, checkBytes(iv, 'iv'), checkBytes(ciphertext, 'ciphertext'), String(createdAt), String(duration));
  }
}

function invalid(reason: 'malformed' | 'too-large'): DecodeResult {
  return { status: 'invalid', reason, createdAt: 0, duration: 0, issuedAt: 0, format: 0, keyIndex: 0, chunkCookies: 0, refresh: false };
}
