// Strict unpadded base64url. Buffer.from(text, 'base64url') skips characters it does not know
// and ignores stray bits, so the text is checked first: each byte string then has the single
// accepted spelling the Rust core accepts. (The character set is checked by the cookie syntax
// pattern in js.ts.)

/**
 * For text already known to hold only base64url characters: a possible length, and zero bits
 * after the last whole byte.
 */
export function hasCanonicalTail(text: string): boolean {
  const tail = text.length % 4;
  if (tail === 1) return false;
  if (tail === 0) return true;
  const last = sextet(text.charCodeAt(text.length - 1));
  return (last & (tail === 2 ? 0x0f : 0x03)) === 0;
}

export function base64urlDecodedLength(textLength: number): number {
  return Math.floor((textLength * 3) / 4);
}

function sextet(code: number): number {
  if (code >= 65 && code <= 90) return code - 65; // A-Z
  if (code >= 97 && code <= 122) return code - 71; // a-z
  if (code >= 48 && code <= 57) return code + 4; // 0-9
  return code === 45 ? 62 : 63; // '-' or '_'
}
