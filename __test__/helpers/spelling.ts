// What counts as the same cookie spelled differently: client-sessions decoded with Node's base64
// decoder, which ignores the unused low bits of a field's last character, and so do both of our
// backends. Tests that change a cookie character by character use this as their oracle.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Whether `forged` is `original` spelled differently: the same numbers, and iv, ciphertext and
 * MAC texts of base64url that decode to the same bytes.
 */
export function sameCookie(original: string, forged: string): boolean {
  const a = original.split('.');
  const b = forged.split('.');
  if (a.length !== 5 || b.length !== 5) return false;
  return a.every((field, i) => {
    const other = b[i]!;
    if (i === 2 || i === 3) return field === other;
    if (!BASE64URL.test(other) || other.length % 4 === 1) return false;
    return Buffer.from(field, 'base64url').equals(Buffer.from(other, 'base64url'));
  });
}
