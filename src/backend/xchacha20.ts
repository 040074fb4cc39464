// XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha-03) for format 2 on the js backend: HChaCha20 of
// the key and the nonce's first 16 bytes gives a subkey, then ChaCha20-Poly1305 (RFC 8439) runs
// under that subkey with the 12-byte nonce 0x00000000 ‖ nonce[16..24]. HChaCha20 is computed
// here. The ChaCha20-Poly1305 is node:crypto's `chacha20-poly1305` wherever node:crypto has it
// (Node, Deno), and otherwise (Bun 1.4, whose node:crypto lacks it) the plain TypeScript one in
// chacha20-poly1305.ts: the same bytes, slower. Which one is decided once, when this module loads.

import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';

import { chachaRounds, keyWords as chachaKeyWords, open as plainOpen, readLe, sealInPlace as plainSealInPlace, setConstants, writeLe } from './chacha20-poly1305';

export const XCHACHA20_KEY_LENGTH = 32;
export const XCHACHA20_NONCE_LENGTH = 24;
export const POLY1305_TAG_LENGTH = 16;

const AEAD_CIPHER = 'chacha20-poly1305';

/**
 * Whether this runtime's node:crypto has ChaCha20-Poly1305. Node (since 11.2) and Deno do; Bun
 * (BoringSSL, up to at least 1.4) has neither chacha20 nor chacha20-poly1305 in node:crypto.
 */
export const HAS_CHACHA20_POLY1305: boolean = getCiphers().includes(AEAD_CIPHER);

/** A 32-byte key as the eight little-endian words ChaCha20 works on. */
export function keyWords(key: Uint8Array): Uint32Array {
  if (key.length !== XCHACHA20_KEY_LENGTH) throw new RangeError('an XChaCha20 key is 32 bytes');
  return chachaKeyWords(key);
}

// Scratch for one call at a time (everything here is synchronous), wiped after each use:
// HChaCha20's input state and rounds, and the subkey as words and as bytes (for node:crypto).
// The 12-byte nonce's first four bytes stay zero.
const hState = new Uint32Array(16);
const hRounds = new Uint32Array(16);
const subkeyWords = new Uint32Array(8);
const subkey = Buffer.alloc(XCHACHA20_KEY_LENGTH);
const shortNonce = Buffer.alloc(12);

/**
 * HChaCha20 (draft-irtf-cfrg-xchacha-03 §2.2): the ChaCha20 state of the constants, the key and
 * the 16 bytes of `nonce` at `nonceOffset`, through ChaCha20's 20 rounds (chachaRounds) without
 * the final addition; the subkey is words 0..3 and 12..15, written to `subkeyWords`.
 */
function hchacha20Words(key: Uint32Array, nonce: Uint8Array, nonceOffset: number): void {
  setConstants(hState);
  for (let i = 0; i < 8; i++) hState[4 + i] = key[i]!;
  for (let i = 0; i < 4; i++) hState[12 + i] = readLe(nonce, nonceOffset + 4 * i);
  chachaRounds(hState, hRounds);
  for (let i = 0; i < 4; i++) {
    subkeyWords[i] = hRounds[i]!;
    subkeyWords[4 + i] = hRounds[12 + i]!;
  }
  hState.fill(0);
  hRounds.fill(0);
}

/** HChaCha20: the 32-byte subkey for `key` and the 16 bytes of `nonce` at `nonceOffset`, written to `out`. */
export function hchacha20Into(key: Uint32Array, nonce: Uint8Array, nonceOffset: number, out: Uint8Array): void {
  hchacha20Words(key, nonce, nonceOffset);
  for (let i = 0; i < 8; i++) writeLe(out, 4 * i, subkeyWords[i]!);
  subkeyWords.fill(0);
}

/** HChaCha20 of a 32-byte key and a 16-byte input: the 32-byte subkey. */
export function hchacha20(key: Uint8Array, input: Uint8Array): Buffer {
  if (input.length !== 16) throw new RangeError("HChaCha20's input is 16 bytes");
  const out = Buffer.alloc(32);
  hchacha20Into(keyWords(key), input, 0, out);
  return out;
}

/** An XChaCha20-Poly1305 on a key as eight little-endian words and the 24 bytes of `nonce` at `nonceOffset` (it may be the buffer itself). */
export interface XChaCha20Poly1305 {
  /** Which ChaCha20-Poly1305 runs under the subkey. */
  readonly name: 'node:crypto' | 'js';
  /**
   * Seals in place: `buffer[plaintextStart..tagStart]` is replaced by its ciphertext and the
   * 16-byte tag is written at `tagStart` (the buffer must have room).
   */
  seal(key: Uint32Array, nonce: Uint8Array, nonceOffset: number, aad: Uint8Array, buffer: Buffer, plaintextStart: number, tagStart: number): void;
  /** Opens `sealed` (ciphertext, then the 16-byte tag): the plaintext, or undefined when the tag is wrong. */
  open(key: Uint32Array, nonce: Uint8Array, nonceOffset: number, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined;
}

function prepareNodeCrypto(key: Uint32Array, nonce: Uint8Array, nonceOffset: number): void {
  hchacha20Into(key, nonce, nonceOffset, subkey);
  for (let i = 0; i < 8; i++) shortNonce[4 + i] = nonce[nonceOffset + 16 + i]!;
}

/** node:crypto's chacha20-poly1305 under the subkey: the AEAD, the tag and its constant-time check are node:crypto's. */
export const NODE_CRYPTO_XCHACHA20_POLY1305: XChaCha20Poly1305 = {
  name: 'node:crypto',
  seal(key, nonce, nonceOffset, aad, buffer, plaintextStart, tagStart) {
    prepareNodeCrypto(key, nonce, nonceOffset);
    try {
      const cipher = createCipheriv(AEAD_CIPHER, subkey, shortNonce, { authTagLength: POLY1305_TAG_LENGTH });
      cipher.setAAD(aad, { plaintextLength: tagStart - plaintextStart });
      cipher.update(buffer.subarray(plaintextStart, tagStart)).copy(buffer, plaintextStart);
      cipher.final();
      cipher.getAuthTag().copy(buffer, tagStart);
    } finally {
      subkey.fill(0);
    }
  },
  // node:crypto's final() checks the tag in constant time; nothing update() returned is used
  // before it has.
  open(key, nonce, nonceOffset, aad, sealed) {
    const tagStart = sealed.length - POLY1305_TAG_LENGTH;
    if (tagStart < 0) return undefined;
    prepareNodeCrypto(key, nonce, nonceOffset);
    let opened: Buffer | undefined;
    try {
      const decipher = createDecipheriv(AEAD_CIPHER, subkey, shortNonce, { authTagLength: POLY1305_TAG_LENGTH });
      decipher.setAAD(aad, { plaintextLength: tagStart });
      decipher.setAuthTag(sealed.subarray(tagStart));
      // Node checks the tag in final(); Workers' node:crypto (BoringSSL's one-shot AEAD) checks
      // it in update(), which then throws a DOMException (OperationError) and returns nothing.
      try {
        opened = decipher.update(sealed.subarray(0, tagStart));
        decipher.final();
      } catch {
        opened?.fill(0);
        return undefined;
      }
    } finally {
      subkey.fill(0);
    }
    return opened;
  },
};

/**
 * The plain TypeScript ChaCha20-Poly1305 (chacha20-poly1305.ts) under the subkey, which never
 * leaves JavaScript as bytes: HChaCha20's words go straight into the ChaCha20 state. It computes
 * the tag over the ciphertext and compares it with timingSafeEqual before decrypting anything.
 */
export const JS_XCHACHA20_POLY1305: XChaCha20Poly1305 = {
  name: 'js',
  seal(key, nonce, nonceOffset, aad, buffer, plaintextStart, tagStart) {
    hchacha20Words(key, nonce, nonceOffset);
    try {
      plainSealInPlace(subkeyWords, 0, readLe(nonce, nonceOffset + 16), readLe(nonce, nonceOffset + 20), aad, buffer, plaintextStart, tagStart);
    } finally {
      subkeyWords.fill(0);
    }
  },
  open(key, nonce, nonceOffset, aad, sealed) {
    if (sealed.length < POLY1305_TAG_LENGTH) return undefined;
    hchacha20Words(key, nonce, nonceOffset);
    try {
      return plainOpen(subkeyWords, 0, readLe(nonce, nonceOffset + 16), readLe(nonce, nonceOffset + 20), aad, sealed);
    } finally {
      subkeyWords.fill(0);
    }
  },
};

/** The XChaCha20-Poly1305 of this process: node:crypto's cipher where it exists, else the plain one. */
export const XCHACHA20_POLY1305: XChaCha20Poly1305 = HAS_CHACHA20_POLY1305 ? NODE_CRYPTO_XCHACHA20_POLY1305 : JS_XCHACHA20_POLY1305;

/** Seals in place with this process's XChaCha20-Poly1305 (see XChaCha20Poly1305.seal). */
export const xchachaSealInPlace = XCHACHA20_POLY1305.seal;

/** Opens with this process's XChaCha20-Poly1305 (see XChaCha20Poly1305.open). */
export const xchachaOpen = XCHACHA20_POLY1305.open;

/** AEAD_XChaCha20_Poly1305 encryption (draft §2.3): the ciphertext, then the tag. */
export function xchacha20poly1305Encrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  aead: XChaCha20Poly1305 = XCHACHA20_POLY1305,
): Buffer {
  if (nonce.length !== XCHACHA20_NONCE_LENGTH) throw new RangeError("XChaCha20's nonce is 24 bytes");
  const out = Buffer.alloc(plaintext.length + POLY1305_TAG_LENGTH);
  out.set(plaintext);
  const words = keyWords(key);
  try {
    aead.seal(words, nonce, 0, aad, out, 0, plaintext.length);
  } finally {
    words.fill(0);
  }
  return out;
}

/** AEAD_XChaCha20_Poly1305 decryption: the plaintext, or undefined if the tag is wrong. */
export function xchacha20poly1305Decrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  sealed: Uint8Array,
  aead: XChaCha20Poly1305 = XCHACHA20_POLY1305,
): Buffer | undefined {
  if (nonce.length !== XCHACHA20_NONCE_LENGTH) throw new RangeError("XChaCha20's nonce is 24 bytes");
  const words = keyWords(key);
  try {
    return aead.open(words, nonce, 0, aad, sealed);
  } finally {
    words.fill(0);
  }
}
