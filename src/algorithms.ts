// The algorithm names client-sessions accepts and the sizes tied to each.

export type EncryptionAlgorithm = 'aes128' | 'aes192' | 'aes256';

export type SignatureAlgorithm =
  | 'sha256'
  | 'sha256-drop128'
  | 'sha384'
  | 'sha384-drop192'
  | 'sha512'
  | 'sha512-drop256';

interface EncryptionSpec {
  /** Exact key length in bytes. */
  keyLength: number;
  /** The `node:crypto` cipher name (client-sessions' `aes256` is CBC). */
  cipher: string;
  /** The same key size in ECB mode: the js backend's CBC decryption runs on it (see js.ts). */
  blockCipher: string;
}

interface SignatureSpec {
  /** Smallest signature key client-sessions' middleware accepts, in bytes. */
  minKeyLength: number;
  hash: 'sha256' | 'sha384' | 'sha512';
  /** Bytes of tag kept in the cookie: the whole HMAC, or its first half for `-dropN`. */
  tagLength: number;
}

export const ENCRYPTION_ALGORITHMS: Readonly<Record<EncryptionAlgorithm, EncryptionSpec>> = {
  aes128: { keyLength: 16, cipher: 'aes-128-cbc', blockCipher: 'aes-128-ecb' },
  aes192: { keyLength: 24, cipher: 'aes-192-cbc', blockCipher: 'aes-192-ecb' },
  aes256: { keyLength: 32, cipher: 'aes-256-cbc', blockCipher: 'aes-256-ecb' },
};

export const SIGNATURE_ALGORITHMS: Readonly<Record<SignatureAlgorithm, SignatureSpec>> = {
  sha256: { minKeyLength: 32, hash: 'sha256', tagLength: 32 },
  'sha256-drop128': { minKeyLength: 32, hash: 'sha256', tagLength: 16 },
  sha384: { minKeyLength: 48, hash: 'sha384', tagLength: 48 },
  'sha384-drop192': { minKeyLength: 48, hash: 'sha384', tagLength: 24 },
  sha512: { minKeyLength: 64, hash: 'sha512', tagLength: 64 },
  'sha512-drop256': { minKeyLength: 64, hash: 'sha512', tagLength: 32 },
};

export const DEFAULT_ENCRYPTION_ALGORITHM: EncryptionAlgorithm = 'aes256';
export const DEFAULT_SIGNATURE_ALGORITHM: SignatureAlgorithm = 'sha256';

/** Both keys derived from a secret are HMAC-SHA256 outputs. */
export const DERIVED_KEY_LENGTH = 32;

export const KDF_ENCRYPTION_LABEL = 'cookiesession-encryption';
export const KDF_SIGNATURE_LABEL = 'cookiesession-signature';

export function isEncryptionAlgorithm(name: string): name is EncryptionAlgorithm {
  return Object.prototype.hasOwnProperty.call(ENCRYPTION_ALGORITHMS, name);
}

export function isSignatureAlgorithm(name: string): name is SignatureAlgorithm {
  return Object.prototype.hasOwnProperty.call(SIGNATURE_ALGORITHMS, name);
}
