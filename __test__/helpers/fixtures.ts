// The golden cookies client-sessions@0.8.0 made (scripts/make-golden-cookies.cjs), shared with
// the Rust tests in crates/core/tests/golden.rs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CodecOptions, EncryptionAlgorithm, SignatureAlgorithm } from '../../src/index';

export interface GoldenVector {
  name: string;
  cookieName: string;
  secret?: string;
  encryptionKey?: string;
  signatureKey?: string;
  encryptionAlgorithm: EncryptionAlgorithm;
  signatureAlgorithm: SignatureAlgorithm;
  createdAt: number;
  duration: number;
  json: string;
  cookie: string;
}

export const goldenVectors: GoldenVector[] = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'client-sessions-0.8.json'), 'utf8'),
).vectors;

/** Options for our codec that match the ones the vector was made with. */
export function optionsFor(v: GoldenVector): CodecOptions {
  const keys =
    v.secret !== undefined
      ? { secret: v.secret }
      : { encryptionKey: Buffer.from(v.encryptionKey!, 'hex'), signatureKey: Buffer.from(v.signatureKey!, 'hex') };
  return {
    cookieName: v.cookieName,
    encryptionAlgorithm: v.encryptionAlgorithm,
    signatureAlgorithm: v.signatureAlgorithm,
    ...keys,
  };
}

/** Options in client-sessions' own shape (it mutates them, so a fresh object each time). */
export function originalOptionsFor(v: GoldenVector): Record<string, unknown> {
  return { ...optionsFor(v) };
}

export interface SuiteCookieFixture {
  secret: string;
  cookieName: string;
  createdAt: number;
  duration: number;
  json: string;
  accepted: { name: string; cookie: string }[];
  refused: { name: string; cookie: string }[];
}

/** The cookie client-sessions' own test suite records, and other spellings of it (shared with cargo). */
export const suiteCookie: SuiteCookieFixture = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'client-sessions-suite-cookie.json'), 'utf8'),
);
