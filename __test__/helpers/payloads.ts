// Session contents that stress the format: unicode (emoji, ZWJ sequences, U+2028/2029),
// characters JSON escapes, nesting, and one near 3 KB.
export const payloads: Record<string, unknown> = {
  empty: {},
  small: { user: 'alice', n: 1 },
  unicode: {
    text: 'caf\u00e9 \u{1F600} \u{1F468}\u200D\u{1F469}\u200D\u{1F467} line\u2028sep\u2029para \uFEFF',
    quote: '"\\</script>\u0000\u001f',
    keys: { '\u00fc\u00f1\u00ee': '\u4e2d\u6587', '': 'empty key' },
  },
  nested: {
    user: { id: 7, roles: ['admin', 'user'], prefs: { theme: 'dark', tz: null, deep: { a: [[1, [2, [3]]]] } } },
    cart: [
      { sku: 'a1', qty: 2, price: 9.99 },
      { sku: 'b2', qty: 1, price: -0.5e-7 },
    ],
    ok: true,
  },
  large: { blob: 'x'.repeat(2900), items: Array.from({ length: 10 }, (_, i) => ({ i, s: `item ${i}` })) },
};

export const ENCRYPTION_ALGORITHMS = ['aes128', 'aes192', 'aes256'] as const;
export const SIGNATURE_ALGORITHMS = [
  'sha256',
  'sha256-drop128',
  'sha384',
  'sha384-drop192',
  'sha512',
  'sha512-drop256',
] as const;
export const KEY_LENGTHS = { aes128: 16, aes192: 24, aes256: 32 } as const;

/** Distinct, deterministic raw keys for an algorithm pair (signature key long enough for sha512). */
export function rawKeys(enc: keyof typeof KEY_LENGTHS, seed = 1): { encryptionKey: Buffer; signatureKey: Buffer } {
  return {
    encryptionKey: Buffer.from(Array.from({ length: KEY_LENGTHS[enc] }, (_, i) => (i * 13 + seed) & 0xff)),
    signatureKey: Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 7 + seed * 31 + 5) & 0xff)),
  };
}
