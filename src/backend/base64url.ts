// Unpadded base64url as client-sessions read it, minus its slack. Buffer.from(text, 'base64url')
// skips characters it does not know, stops at '=' and takes '+' and '/', so those are refused by
// the callers first (js.ts checks for foreign characters and for a short decode). What stays
// lenient is what Node's decoder, and so client-sessions, always allowed: the unused low bits of
// a field's last character are ignored (the Rust core clears them the same way).

/** Whether base64 text of this length can exist: a lone character after whole groups cannot. */
export function isPossibleBase64Length(textLength: number): boolean {
  return textLength % 4 !== 1;
}

export function base64urlDecodedLength(textLength: number): number {
  return Math.floor((textLength * 3) / 4);
}
