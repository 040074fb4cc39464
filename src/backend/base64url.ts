// Strict unpadded base64url checks. Buffer.from(text, 'base64url') skips characters it does not
// know, so the text is checked first: the same single accepted spelling as the Rust core.

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Only URL-safe characters, a possible length, and zero bits after the last whole byte. */
export function isCanonicalBase64url(text: string): boolean {
  const tail = text.length % 4;
  if (tail === 1 || !BASE64URL.test(text)) return false;
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
