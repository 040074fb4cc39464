// ChaCha20-Poly1305 (RFC 8439) in plain TypeScript, for runtimes whose node:crypto has no
// chacha20-poly1305 (Bun 1.4, whose node:crypto is BoringSSL's and has neither chacha20 nor
// chacha20-poly1305; possibly Workers' nodejs_compat and older runtimes). The same bytes as
// node:crypto's cipher, and slower: xchacha20.ts uses it only where that cipher is missing.
//
// Constant time in the usual sense for JavaScript: no branch, loop bound or array index depends
// on a key, keystream, tag or plaintext byte (only on lengths, which are public), and Poly1305
// uses no BigInt (whose arithmetic takes time that depends on the values). The tag is compared
// with node:crypto's timingSafeEqual, before any plaintext exists. What the JIT makes of this is
// outside the code's control, as for any JavaScript.

import { timingSafeEqual } from 'node:crypto';

export const CHACHA20_KEY_LENGTH = 32;
export const CHACHA20_NONCE_LENGTH = 12;
export const POLY1305_TAG_LENGTH = 16;

// "expand 32-byte k", as four little-endian words.
const SIGMA0 = 0x61707865;
const SIGMA1 = 0x3320646e;
const SIGMA2 = 0x79622d32;
const SIGMA3 = 0x6b206574;

export function readLe(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

export function writeLe(out: Uint8Array, at: number, word: number): void {
  out[at] = word;
  out[at + 1] = word >>> 8;
  out[at + 2] = word >>> 16;
  out[at + 3] = word >>> 24;
}

/** Words 0..3 of a ChaCha20 state: the constants. */
export function setConstants(state: Uint32Array): void {
  state[0] = SIGMA0;
  state[1] = SIGMA1;
  state[2] = SIGMA2;
  state[3] = SIGMA3;
}

/**
 * The ChaCha20 rounds (RFC 8439 §2.3): the 16 words of `input` through 20 rounds (10
 * column-and-diagonal double rounds), written to `output` without the final addition of the
 * input. The block function adds it; HChaCha20 (xchacha20.ts) takes the words as they are.
 */
export function chachaRounds(input: Uint32Array, output: Uint32Array): void {
  let x0 = input[0]!;
  let x1 = input[1]!;
  let x2 = input[2]!;
  let x3 = input[3]!;
  let x4 = input[4]!;
  let x5 = input[5]!;
  let x6 = input[6]!;
  let x7 = input[7]!;
  let x8 = input[8]!;
  let x9 = input[9]!;
  let x10 = input[10]!;
  let x11 = input[11]!;
  let x12 = input[12]!;
  let x13 = input[13]!;
  let x14 = input[14]!;
  let x15 = input[15]!;
  // The quarter round QR(a, b, c, d), written out: a += b; d ^= a; d <<<= 16; c += d; b ^= c;
  // b <<<= 12; a += b; d ^= a; d <<<= 8; c += d; b ^= c; b <<<= 7 (all mod 2^32).
  for (let round = 0; round < 10; round++) {
    // Columns: QR(0, 4, 8, 12), QR(1, 5, 9, 13), QR(2, 6, 10, 14), QR(3, 7, 11, 15).
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 16) | (x12 >>> 16);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 12) | (x4 >>> 20);
    x0 = (x0 + x4) | 0; x12 ^= x0; x12 = (x12 << 8) | (x12 >>> 24);
    x8 = (x8 + x12) | 0; x4 ^= x8; x4 = (x4 << 7) | (x4 >>> 25);

    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 16) | (x13 >>> 16);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 12) | (x5 >>> 20);
    x1 = (x1 + x5) | 0; x13 ^= x1; x13 = (x13 << 8) | (x13 >>> 24);
    x9 = (x9 + x13) | 0; x5 ^= x9; x5 = (x5 << 7) | (x5 >>> 25);

    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 16) | (x14 >>> 16);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 12) | (x6 >>> 20);
    x2 = (x2 + x6) | 0; x14 ^= x2; x14 = (x14 << 8) | (x14 >>> 24);
    x10 = (x10 + x14) | 0; x6 ^= x10; x6 = (x6 << 7) | (x6 >>> 25);

    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 16) | (x15 >>> 16);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 12) | (x7 >>> 20);
    x3 = (x3 + x7) | 0; x15 ^= x3; x15 = (x15 << 8) | (x15 >>> 24);
    x11 = (x11 + x15) | 0; x7 ^= x11; x7 = (x7 << 7) | (x7 >>> 25);

    // Diagonals: QR(0, 5, 10, 15), QR(1, 6, 11, 12), QR(2, 7, 8, 13), QR(3, 4, 9, 14).
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 16) | (x15 >>> 16);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 12) | (x5 >>> 20);
    x0 = (x0 + x5) | 0; x15 ^= x0; x15 = (x15 << 8) | (x15 >>> 24);
    x10 = (x10 + x15) | 0; x5 ^= x10; x5 = (x5 << 7) | (x5 >>> 25);

    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 16) | (x12 >>> 16);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 12) | (x6 >>> 20);
    x1 = (x1 + x6) | 0; x12 ^= x1; x12 = (x12 << 8) | (x12 >>> 24);
    x11 = (x11 + x12) | 0; x6 ^= x11; x6 = (x6 << 7) | (x6 >>> 25);

    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 16) | (x13 >>> 16);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 12) | (x7 >>> 20);
    x2 = (x2 + x7) | 0; x13 ^= x2; x13 = (x13 << 8) | (x13 >>> 24);
    x8 = (x8 + x13) | 0; x7 ^= x8; x7 = (x7 << 7) | (x7 >>> 25);

    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 16) | (x14 >>> 16);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 12) | (x4 >>> 20);
    x3 = (x3 + x4) | 0; x14 ^= x3; x14 = (x14 << 8) | (x14 >>> 24);
    x9 = (x9 + x14) | 0; x4 ^= x9; x4 = (x4 << 7) | (x4 >>> 25);
  }
  output[0] = x0;
  output[1] = x1;
  output[2] = x2;
  output[3] = x3;
  output[4] = x4;
  output[5] = x5;
  output[6] = x6;
  output[7] = x7;
  output[8] = x8;
  output[9] = x9;
  output[10] = x10;
  output[11] = x11;
  output[12] = x12;
  output[13] = x13;
  output[14] = x14;
  output[15] = x15;
}

/** The ChaCha20 block function (RFC 8439 §2.3): the rounds of `state`, plus `state`. */
function chachaBlock(state: Uint32Array, out: Uint32Array): void {
  chachaRounds(state, out);
  // Uint32Array stores mod 2^32.
  for (let i = 0; i < 16; i++) out[i] = out[i]! + state[i]!;
}

/**
 * XORs `data[start..end]` with the ChaCha20 keystream (RFC 8439 §2.4) of `state`, from the block
 * counter in `state[12]` on, in place; `state[12]` is left one past the last block used. The
 * keystream blocks go through `keystream` (16 words), which the caller wipes.
 */
function chacha20XorInPlace(state: Uint32Array, keystream: Uint32Array, data: Uint8Array, start: number, end: number): void {
  for (let at = start; at < end; at += 64) {
    chachaBlock(state, keystream);
    state[12] = state[12]! + 1;
    if (end - at >= 64) {
      for (let i = 0; i < 16; i++) {
        const word = keystream[i]!;
        const p = at + 4 * i;
        data[p]! ^= word;
        data[p + 1]! ^= word >>> 8;
        data[p + 2]! ^= word >>> 16;
        data[p + 3]! ^= word >>> 24;
      }
    } else {
      for (let i = 0; i < end - at; i++) data[at + i]! ^= keystream[i >>> 2]! >>> (8 * (i & 3));
    }
  }
}

// ---- Poly1305 (RFC 8439 §2.5), poly1305-donna's 32-bit layout ----
//
// The accumulator h and the clamped r are five 26-bit limbs (h = h0 + h1·2^26 + ... + h4·2^104),
// and the product h·r mod 2^130-5 is poly1305-donna-32's: d_k = Σ h_i·r_(k-i), with
// 5·r_j in place of r_j where the index wraps (2^130 ≡ 5), then a carry chain. donna computes the
// 26×28-bit products in 64-bit integers; JavaScript has no 64-bit integer multiply short of
// BigInt (not constant time), and Math.imul keeps only the low 32 bits of a product. So each
// multiplier (r_j or 5·r_j, below 2^29) is split into 13-bit halves m = mLo + mHi·2^13 once per
// key, and d_k is summed as lo_k = Σ h_i·mLo and hi_k = Σ h_i·mHi: every product is below 2^43
// and every sum below 2^45, exact integers in a float64 (below 2^53). The carry chain recombines
// d_k = lo_k + hi_k·2^13 limb by limb; the floor of a non-negative quotient below 2^32 is
// `>>> 0` (ToUint32 truncates), so there is no Math.floor, and no branch on anything secret.
//
// Bounds, with the limbs as donna leaves them between blocks (h0, h2, h3, h4 < 2^26, h1 < 2^26
// + 2^9): after adding a block, h_i < 2^27 + 2^9; r_j < 2^26 and 5·r_j < 5·2^26, so mLo < 2^13,
// mHi < 5·2^13; lo_k < 5·2^27·2^13 < 2^43, hi_k < 5·2^27·5·2^13 < 2^45; hi_k / 2^13 < 2^32;
// the carry into limb k+1 (that quotient plus (lo_k + carry + ...) / 2^26) is below 2^32.

/** 2^-13 and 2^-26: exact scalings, so a quotient is a multiplication (no division). */
const INV_2_13 = 1 / 8192;
const INV_2_26 = 1 / 67108864;
const TWO_13 = 8192;
const TWO_26 = 67108864;
const INV_2_32 = 1 / 4294967296;
const LIMB = 0x3ffffff;
/** The 2^128 bit of a whole 16-byte block, in limb 4. */
const HIBIT = 1 << 24;

// The Poly1305 state, in one Uint32Array so it can be wiped: r's five limbs, the accumulator's
// five, s (the pad) as four words.
const R = 0;
const H = 5;
const PAD = 10;
const POLY_STATE_LENGTH = 14;

/** Poly1305's key setup from the one-time key as eight little-endian words (r, then s). */
function polyInit(poly: Uint32Array, key: Uint32Array): void {
  const t0 = key[0]!;
  const t1 = key[1]!;
  const t2 = key[2]!;
  const t3 = key[3]!;
  // r, clamped (r &= 0x0ffffffc0ffffffc0ffffffc0fffffff), as 26-bit limbs: donna's masks.
  poly[R] = t0 & 0x3ffffff;
  poly[R + 1] = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
  poly[R + 2] = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
  poly[R + 3] = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
  poly[R + 4] = (t3 >>> 8) & 0x00fffff;
  for (let i = 0; i < 5; i++) poly[H + i] = 0;
  for (let i = 0; i < 4; i++) poly[PAD + i] = key[4 + i]!;
}

/**
 * The whole 16-byte blocks of `m[at..end]` into the accumulator, each with the 2^128 bit
 * `hibit` (HIBIT for a whole block, 0 for a final short block already padded with 0x01).
 */
function polyBlocks(poly: Uint32Array, m: Uint8Array, at: number, end: number, hibit: number): void {
  const r0 = poly[R]!;
  const r1 = poly[R + 1]!;
  const r2 = poly[R + 2]!;
  const r3 = poly[R + 3]!;
  const r4 = poly[R + 4]!;
  const s1 = r1 * 5;
  const s2 = r2 * 5;
  const s3 = r3 * 5;
  const s4 = r4 * 5;
  const r0l = r0 & 0x1fff;
  const r0h = r0 >>> 13;
  const r1l = r1 & 0x1fff;
  const r1h = r1 >>> 13;
  const r2l = r2 & 0x1fff;
  const r2h = r2 >>> 13;
  const r3l = r3 & 0x1fff;
  const r3h = r3 >>> 13;
  const r4l = r4 & 0x1fff;
  const r4h = r4 >>> 13;
  const s1l = s1 & 0x1fff;
  const s1h = s1 >>> 13;
  const s2l = s2 & 0x1fff;
  const s2h = s2 >>> 13;
  const s3l = s3 & 0x1fff;
  const s3h = s3 >>> 13;
  const s4l = s4 & 0x1fff;
  const s4h = s4 >>> 13;
  let h0 = poly[H]!;
  let h1 = poly[H + 1]!;
  let h2 = poly[H + 2]!;
  let h3 = poly[H + 3]!;
  let h4 = poly[H + 4]!;
  for (; at + 16 <= end; at += 16) {
    const t0 = readLe(m, at);
    const t1 = readLe(m, at + 4);
    const t2 = readLe(m, at + 8);
    const t3 = readLe(m, at + 12);
    h0 += t0 & LIMB;
    h1 += ((t0 >>> 26) | (t1 << 6)) & LIMB;
    h2 += ((t1 >>> 20) | (t2 << 12)) & LIMB;
    h3 += ((t2 >>> 14) | (t3 << 18)) & LIMB;
    h4 += (t3 >>> 8) | hibit;

    // h·r: d_k = lo_k + hi_k·2^13.
    const lo0 = h0 * r0l + h1 * s4l + h2 * s3l + h3 * s2l + h4 * s1l;
    const hi0 = h0 * r0h + h1 * s4h + h2 * s3h + h3 * s2h + h4 * s1h;
    const lo1 = h0 * r1l + h1 * r0l + h2 * s4l + h3 * s3l + h4 * s2l;
    const hi1 = h0 * r1h + h1 * r0h + h2 * s4h + h3 * s3h + h4 * s2h;
    const lo2 = h0 * r2l + h1 * r1l + h2 * r0l + h3 * s4l + h4 * s3l;
    const hi2 = h0 * r2h + h1 * r1h + h2 * r0h + h3 * s4h + h4 * s3h;
    const lo3 = h0 * r3l + h1 * r2l + h2 * r1l + h3 * r0l + h4 * s4l;
    const hi3 = h0 * r3h + h1 * r2h + h2 * r1h + h3 * r0h + h4 * s4h;
    const lo4 = h0 * r4l + h1 * r3l + h2 * r2l + h3 * r1l + h4 * r0l;
    const hi4 = h0 * r4h + h1 * r3h + h2 * r2h + h3 * r1h + h4 * r0h;

    // The carry chain. For each limb: hi_k = q·2^13 + (hi_k - q·2^13), so d_k + carry =
    // (lo_k + carry + (hi_k - q·2^13)·2^13) + q·2^26; the low 26 bits of the first part are the
    // limb, and its high part plus q is the carry into the next limb.
    let q = (hi0 * INV_2_13) >>> 0;
    let t = lo0 + (hi0 - q * TWO_13) * TWO_13;
    let c = (t * INV_2_26) >>> 0;
    h0 = t - c * TWO_26;
    c += q;

    q = (hi1 * INV_2_13) >>> 0;
    t = lo1 + c + (hi1 - q * TWO_13) * TWO_13;
    c = (t * INV_2_26) >>> 0;
    h1 = t - c * TWO_26;
    c += q;

    q = (hi2 * INV_2_13) >>> 0;
    t = lo2 + c + (hi2 - q * TWO_13) * TWO_13;
    c = (t * INV_2_26) >>> 0;
    h2 = t - c * TWO_26;
    c += q;

    q = (hi3 * INV_2_13) >>> 0;
    t = lo3 + c + (hi3 - q * TWO_13) * TWO_13;
    c = (t * INV_2_26) >>> 0;
    h3 = t - c * TWO_26;
    c += q;

    q = (hi4 * INV_2_13) >>> 0;
    t = lo4 + c + (hi4 - q * TWO_13) * TWO_13;
    c = (t * INV_2_26) >>> 0;
    h4 = t - c * TWO_26;
    c += q;

    // The carry out of limb 4 is worth 2^130 ≡ 5.
    h0 += c * 5;
    c = (h0 * INV_2_26) >>> 0;
    h0 -= c * TWO_26;
    h1 += c;
  }
  poly[H] = h0;
  poly[H + 1] = h1;
  poly[H + 2] = h2;
  poly[H + 3] = h3;
  poly[H + 4] = h4;
}

/** The tag, (h mod 2^130-5 + s) mod 2^128, written to `out` at `at` (donna's final steps). */
function polyFinish(poly: Uint32Array, out: Uint8Array, at: number): void {
  let h0 = poly[H]!;
  let h1 = poly[H + 1]!;
  let h2 = poly[H + 2]!;
  let h3 = poly[H + 3]!;
  let h4 = poly[H + 4]!;
  // Carry h fully.
  let c = h1 >>> 26;
  h1 &= LIMB;
  h2 += c;
  c = h2 >>> 26;
  h2 &= LIMB;
  h3 += c;
  c = h3 >>> 26;
  h3 &= LIMB;
  h4 += c;
  c = h4 >>> 26;
  h4 &= LIMB;
  h0 += c * 5;
  c = h0 >>> 26;
  h0 &= LIMB;
  h1 += c;

  // g = h + 5 - 2^130 = h - p; g4 is negative exactly when h < p.
  let g0 = h0 + 5;
  c = g0 >>> 26;
  g0 &= LIMB;
  let g1 = h1 + c;
  c = g1 >>> 26;
  g1 &= LIMB;
  let g2 = h2 + c;
  c = g2 >>> 26;
  g2 &= LIMB;
  let g3 = h3 + c;
  c = g3 >>> 26;
  g3 &= LIMB;
  let g4 = (h4 + c - (1 << 26)) | 0;

  // h if h < p, else g, chosen by a mask (no branch): all ones to take g, zero to keep h.
  let mask = (g4 >>> 31) - 1;
  g0 &= mask;
  g1 &= mask;
  g2 &= mask;
  g3 &= mask;
  g4 &= mask;
  mask = ~mask;
  h0 = (h0 & mask) | g0;
  h1 = (h1 & mask) | g1;
  h2 = (h2 & mask) | g2;
  h3 = (h3 & mask) | g3;
  h4 = (h4 & mask) | g4;

  // h mod 2^128 as four words, plus s mod 2^128 (each carry is 0 or 1).
  const w0 = (h0 | (h1 << 26)) >>> 0;
  const w1 = ((h1 >>> 6) | (h2 << 20)) >>> 0;
  const w2 = ((h2 >>> 12) | (h3 << 14)) >>> 0;
  const w3 = ((h3 >>> 18) | (h4 << 8)) >>> 0;
  let f = w0 + poly[PAD]!;
  writeLe(out, at, f >>> 0);
  f = w1 + poly[PAD + 1]! + ((f * INV_2_32) >>> 0);
  writeLe(out, at + 4, f >>> 0);
  f = w2 + poly[PAD + 2]! + ((f * INV_2_32) >>> 0);
  writeLe(out, at + 8, f >>> 0);
  f = w3 + poly[PAD + 3]! + ((f * INV_2_32) >>> 0);
  writeLe(out, at + 12, f >>> 0);
}

/** `m[start..end]` followed by zeros to a multiple of 16 bytes (RFC 8439 §2.8's pad16). */
function polyPadded(poly: Uint32Array, m: Uint8Array, start: number, end: number, scratch: Uint8Array): void {
  const whole = start + (end - start - ((end - start) % 16));
  polyBlocks(poly, m, start, whole, HIBIT);
  if (whole < end) {
    scratch.fill(0);
    scratch.set(m.subarray(whole, end));
    polyBlocks(poly, scratch, 0, 16, HIBIT);
    scratch.fill(0);
  }
}

// Scratch for one call at a time (everything here is synchronous), wiped after each: the
// ChaCha20 state (it holds the key), a keystream block, the Poly1305 state, a 16-byte block for
// padding and lengths, and the computed tag while it is compared.
const state = new Uint32Array(16);
const keystream = new Uint32Array(16);
const poly = new Uint32Array(POLY_STATE_LENGTH);
const block = new Uint8Array(16);
const computedTag = Buffer.alloc(POLY1305_TAG_LENGTH);

function wipe(): void {
  state.fill(0);
  keystream.fill(0);
  poly.fill(0);
  block.fill(0);
  computedTag.fill(0);
}

/** Fills `state` from a key (eight words) and a 12-byte nonce as three words; the counter is 0. */
function setState(key: Uint32Array, n0: number, n1: number, n2: number): void {
  setConstants(state);
  for (let i = 0; i < 8; i++) state[4 + i] = key[i]!;
  state[12] = 0;
  state[13] = n0;
  state[14] = n1;
  state[15] = n2;
}

/**
 * The AEAD's Poly1305 (RFC 8439 §2.8): the one-time key from keystream block 0 (§2.6), then the
 * tag of `AD ‖ pad16 ‖ C ‖ pad16 ‖ le64(len AD) ‖ le64(len C)` written to `out` at `outAt`.
 * Leaves the counter at 1.
 */
function aeadTag(aad: Uint8Array, ciphertext: Uint8Array, start: number, end: number, out: Uint8Array, outAt: number): void {
  state[12] = 0;
  chachaBlock(state, keystream);
  state[12] = 1;
  polyInit(poly, keystream);
  keystream.fill(0);
  polyPadded(poly, aad, 0, aad.length, block);
  polyPadded(poly, ciphertext, start, end, block);
  writeLe(block, 0, aad.length >>> 0);
  writeLe(block, 4, (aad.length * INV_2_32) >>> 0);
  writeLe(block, 8, (end - start) >>> 0);
  writeLe(block, 12, ((end - start) * INV_2_32) >>> 0);
  polyBlocks(poly, block, 0, 16, HIBIT);
  polyFinish(poly, out, outAt);
}

/**
 * AEAD_CHACHA20_POLY1305 encryption in place, on a key as eight little-endian words and the
 * nonce as three: `buffer[start..tagStart]` becomes its ciphertext and the 16-byte tag is written
 * at `tagStart` (the buffer must have room).
 */
export function sealInPlace(key: Uint32Array, n0: number, n1: number, n2: number, aad: Uint8Array, buffer: Uint8Array, start: number, tagStart: number): void {
  try {
    setState(key, n0, n1, n2);
    state[12] = 1;
    chacha20XorInPlace(state, keystream, buffer, start, tagStart);
    aeadTag(aad, buffer, start, tagStart, buffer, tagStart);
  } finally {
    wipe();
  }
}

/**
 * AEAD_CHACHA20_POLY1305 decryption: the plaintext of `sealed` (ciphertext, then the 16-byte
 * tag) in a new Buffer, or undefined when the tag is wrong. The tag is computed over the
 * ciphertext and compared with timingSafeEqual first; nothing is decrypted unless it matches.
 */
export function open(key: Uint32Array, n0: number, n1: number, n2: number, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  const tagStart = sealed.length - POLY1305_TAG_LENGTH;
  if (tagStart < 0) return undefined;
  try {
    setState(key, n0, n1, n2);
    aeadTag(aad, sealed, 0, tagStart, computedTag, 0);
    if (!timingSafeEqual(computedTag, sealed.subarray(tagStart))) return undefined;
    const plaintext = Buffer.from(sealed.subarray(0, tagStart));
    chacha20XorInPlace(state, keystream, plaintext, 0, tagStart);
    return plaintext;
  } finally {
    wipe();
  }
}

// ---- The same on byte keys and nonces, as RFC 8439 states them (tests, and reference) ----

/** A 32-byte key as the eight little-endian words ChaCha20 works on. */
export function keyWords(key: Uint8Array): Uint32Array {
  if (key.length !== CHACHA20_KEY_LENGTH) throw new RangeError('a ChaCha20 key is 32 bytes');
  const words = new Uint32Array(8);
  for (let i = 0; i < 8; i++) words[i] = readLe(key, 4 * i);
  return words;
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== CHACHA20_NONCE_LENGTH) throw new RangeError("ChaCha20's nonce is 12 bytes");
}

/** The ChaCha20 block function (RFC 8439 §2.3): 64 bytes of keystream. */
export function chacha20Block(key: Uint8Array, counter: number, nonce: Uint8Array): Buffer {
  const out = Buffer.alloc(64);
  return chacha20(key, counter, nonce, out);
}

/** ChaCha20 encryption (RFC 8439 §2.4) from block `counter` on. */
export function chacha20(key: Uint8Array, counter: number, nonce: Uint8Array, data: Uint8Array): Buffer {
  checkNonce(nonce);
  const out = Buffer.from(data);
  const words = keyWords(key);
  try {
    setState(words, readLe(nonce, 0), readLe(nonce, 4), readLe(nonce, 8));
    state[12] = counter;
    chacha20XorInPlace(state, keystream, out, 0, out.length);
  } finally {
    words.fill(0);
    wipe();
  }
  return out;
}

/** Poly1305 (RFC 8439 §2.5) of a message under a 32-byte one-time key. */
export function poly1305(key: Uint8Array, message: Uint8Array): Buffer {
  const words = keyWords(key);
  const tag = Buffer.alloc(POLY1305_TAG_LENGTH);
  try {
    polyInit(poly, words);
    const whole = message.length - (message.length % 16);
    polyBlocks(poly, message, 0, whole, HIBIT);
    if (whole < message.length) {
      // The last short block: its bytes, then 0x01, then zeros, without the 2^128 bit.
      block.fill(0);
      block.set(message.subarray(whole));
      block[message.length - whole] = 1;
      polyBlocks(poly, block, 0, 16, 0);
    }
    polyFinish(poly, tag, 0);
  } finally {
    words.fill(0);
    wipe();
  }
  return tag;
}

/** The Poly1305 one-time key for a key and nonce (RFC 8439 §2.6): keystream block 0's first 32 bytes. */
export function poly1305KeyGen(key: Uint8Array, nonce: Uint8Array): Buffer {
  return chacha20Block(key, 0, nonce).subarray(0, 32);
}

/** AEAD_CHACHA20_POLY1305 encryption (RFC 8439 §2.8): the ciphertext, then the tag. */
export function chacha20Poly1305Encrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  checkNonce(nonce);
  const out = Buffer.alloc(plaintext.length + POLY1305_TAG_LENGTH);
  out.set(plaintext);
  const words = keyWords(key);
  try {
    sealInPlace(words, readLe(nonce, 0), readLe(nonce, 4), readLe(nonce, 8), aad, out, 0, plaintext.length);
  } finally {
    words.fill(0);
  }
  return out;
}

/** AEAD_CHACHA20_POLY1305 decryption: the plaintext, or undefined if the tag is wrong. */
export function chacha20Poly1305Decrypt(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer | undefined {
  checkNonce(nonce);
  const words = keyWords(key);
  try {
    return open(words, readLe(nonce, 0), readLe(nonce, 4), readLe(nonce, 8), aad, sealed);
  } finally {
    words.fill(0);
  }
}
