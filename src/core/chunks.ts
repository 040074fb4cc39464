// Format 2's chunking (SECURITY.md, "Chunking"): how many cookies a value needs, and where it is
// cut. The count is sealed into the value, so it is chosen before encoding, from the value's
// length, which depends only on the JSON's: ⌈4·(62 + bytes)/3⌉ characters.

import { MAX_CHUNKS } from '../codec';
import { MAX_SET_COOKIE_LENGTH } from './settings';

/** Format 2's value length in characters for JSON of `jsonBytes` UTF-8 bytes. */
export function format2ValueLength(jsonBytes: number): number {
  return Math.ceil((4 * (62 + jsonBytes)) / 3);
}

/** The name of chunk `index`: the cookie's own name for 0, then `name.1`, `name.2`, `name.3`. */
export function chunkName(cookieName: string, index: number): string {
  return index === 0 ? cookieName : `${cookieName}.${index}`;
}

/**
 * How many cookies a value of `valueLength` characters needs when each Set-Cookie line adds
 * `overhead` bytes besides the name and the value, or undefined past `maxChunks`. Every line
 * stays within the 4096 bytes browsers keep.
 */
export function chunkCount(cookieName: string, valueLength: number, overhead: number, maxChunks: number): number | undefined {
  let room = 0;
  for (let count = 1; count <= Math.min(maxChunks, MAX_CHUNKS); count++) {
    room += capacity(cookieName, count - 1, overhead);
    if (room >= valueLength) return count;
  }
  return undefined;
}

/** Cuts `value` into `count` pieces, each filling its cookie, the last taking the rest. */
export function splitValue(cookieName: string, value: string, count: number, overhead: number): string[] {
  const pieces: string[] = [];
  let start = 0;
  for (let index = 0; index < count; index++) {
    const end = index === count - 1 ? value.length : Math.min(value.length, start + capacity(cookieName, index, overhead));
    pieces.push(value.slice(start, end));
    start = end;
  }
  return pieces;
}

function capacity(cookieName: string, index: number, overhead: number): number {
  // `name=` (ASCII: a cookie name is a token) and the attributes, then the value.
  return MAX_SET_COOKIE_LENGTH - (chunkName(cookieName, index).length + 1 + overhead);
}

/** The chunk indexes (1 to 3) set in a chunkCookies mask at or past `from`. */
export function staleChunks(mask: number, from: number): number[] {
  const stale: number[] = [];
  for (let index = Math.max(1, from); index < MAX_CHUNKS; index++) if ((mask & (1 << (index - 1))) !== 0) stale.push(index);
  return stale;
}

/**
 * Which chunk cookies a Cookie header carries, as decodeFromHeader reports them: for a session
 * deleted without being read. A rough scan is enough: a wrong guess only expires a cookie that
 * was not there.
 */
export function chunkCookiesIn(header: string | undefined, cookieName: string): number {
  if (header === undefined || !header.includes(`${cookieName}.`)) return 0;
  let mask = 0;
  for (let index = 1; index < MAX_CHUNKS; index++) {
    const name = `${cookieName}.${index}=`;
    for (let at = header.indexOf(name); at !== -1; at = header.indexOf(name, at + 1)) {
      if (at === 0 || header[at - 1] === ' ' || header[at - 1] === ';') {
        mask |= 1 << (index - 1);
        break;
      }
    }
  }
  return mask;
}
