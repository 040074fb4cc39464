// MACs are compared in constant time on both backends, checked by reading the source. No
// functional test can see a `===` on a tag (it gives the same answers, only its timing leaks
// how many leading bytes matched), so this spec reads the code that verifies MACs:
//
// - every clause (the text between `;`, `{`, `}`, `&&`, `||` and `?`, with comments and
//   string contents removed, so line breaks and formatting do not matter) that compares with
//   `===`, `!==`, `==`, `!=`, `.equals(`, `.compare(`, `Buffer.compare(`, `.eq(`, `.ne(` or
//   `.cmp(` must not mention a MAC value: an identifier with the word tag, mac, hmac, expected
//   or digest in it (camelCase and snake_case are split into words), unless it is a length or a
//   position (`tag.length`, `tag.len()`, `tagLength`, `tag_len`, `tagStart`, ...), which are
//   public;
// - the js backend's #decode compares the tag with `timingSafeEqual`, and the Rust decode goes
//   through `mac_verify`, whose only comparison is `verify_truncated_left`/`verify_slice`.
//
// Limits: it is lexical, not a data-flow analysis. A MAC copied into a variable with a neutral
// name (`const a = tag; ... a === b`) or compared inside a helper with a neutral name is not
// seen; ordering comparisons (`<`, `>`) and hand-written loops over the bytes are not checked;
// and it trusts that timingSafeEqual and the hmac crate's verify are constant-time. It fails
// closed on renames: if the primitives or the functions named here move, the positive checks
// fail and the spec must be updated along with the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { BACKEND } from './helpers/backend';

const ROOT = join(__dirname, '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/**
 * The code without comments and with every string, template and character literal emptied,
 * so neither can hide or fake a comparison. Rust `#[cfg(test)] mod tests` blocks are dropped.
 */
function codeOnly(source: string, language: 'ts' | 'rust'): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
      out += ' ';
    } else if (c === '"' || c === '`' || (c === "'" && language === 'ts')) {
      i = skipQuoted(source, i, c);
      out += `${c}${c}`;
    } else if (language === 'rust' && c === 'r' && /^r#*"/.test(source.slice(i, i + 8)) && !/[A-Za-z0-9_]/.test(source[i - 1] ?? '')) {
      const hashes = /^r(#*)"/.exec(source.slice(i))![1]!;
      const end = source.indexOf(`"${hashes}`, i + hashes.length + 2);
      i = end < 0 ? source.length : end + hashes.length + 1;
      out += '""';
    } else if (language === 'rust' && c === "'" && (source[i + 2] === "'" || (next === '\\' && source.indexOf("'", i + 2) > 0))) {
      // A char literal ('x', '\n', '\u{1F600}'); a lifetime ('a) has no closing quote.
      i = source.indexOf("'", i + 2) + 1;
      out += "''";
    } else {
      out += c;
      i++;
    }
  }
  return language === 'rust' ? out.replace(/#\[cfg\(test\)\]\s*mod\s+tests\s*\{[\s\S]*$/, '') : out;
}

function skipQuoted(source: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < source.length && source[i] !== quote) i += source[i] === '\\' ? 2 : 1;
  return i + 1;
}

const COMPARISON = /===|!==|==|!=|\.equals\s*\(|\.compare\s*\(|\bBuffer\s*\.\s*compare\b|\.eq\s*\(|\.ne\s*\(|\.cmp\s*\(/;
const MAC_WORDS = new Set(['tag', 'mac', 'hmac', 'expected', 'digest']);
const PUBLIC_WORDS = new Set(['length', 'len', 'start', 'end', 'index', 'dot', 'count']);

/** The words of an identifier: `#tagLength` → tag, length; `created_at_text` → created, at, text. */
function words(identifier: string): string[] {
  return identifier
    .replace(/^[#$]/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split('_')
    .filter(Boolean);
}

/** The identifiers in a clause that name a MAC value (not its length or position). */
function macValuesIn(clause: string): string[] {
  const found: string[] = [];
  for (const match of clause.matchAll(/[#$]?[A-Za-z_][A-Za-z0-9_$]*/g)) {
    const parts = words(match[0]);
    if (!parts.some((w) => MAC_WORDS.has(w)) || parts.some((w) => PUBLIC_WORDS.has(w))) continue;
    const after = clause.slice(match.index! + match[0].length);
    if (/^\s*\.\s*(?:length|byteLength|len\s*\(\s*\)|is_empty\s*\(\s*\))/.test(after)) continue;
    // The name of a function or macro being called (mac_verify(...), keyed_mac!(...)) is not a
    // value; what a call returns is compared through the clause's other identifiers.
    if (/^\s*!?\s*\(/.test(after)) continue;
    found.push(match[0]);
  }
  return found;
}

/** Every clause that compares a MAC value with a non-constant-time operator. */
function macComparisons(code: string): string[] {
  const clauses = code.split(/;|\{|\}|&&|\|\||\?(?![.?])/);
  return clauses
    .filter((clause) => COMPARISON.test(clause) && macValuesIn(clause).length > 0)
    .map((clause) => clause.replace(/\s+/g, ' ').trim());
}

/** The body of the first function whose header matches `header`, braces balanced. */
function bodyOf(code: string, header: RegExp): string {
  const match = header.exec(code);
  if (!match) throw new Error(`no function matching ${header}`);
  const open = code.indexOf('{', match.index + match[0].length);
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '{') depth++;
    else if (code[i] === '}' && --depth === 0) return code.slice(open, i + 1);
  }
  throw new Error(`unbalanced braces after ${header}`);
}

const JS_BACKEND = 'src/backend/js.ts';
const RUST_CODEC = 'crates/core/src/codec.rs';

/** Every file where a MAC is computed or handled, on both backends. */
function sourcesToScan(): Array<[string, 'ts' | 'rust']> {
  const rust = (dir: string): Array<[string, 'rust']> =>
    readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.rs'))
      .map((f): [string, 'rust'] => [`${dir}/${f}`, 'rust']);
  return [
    [JS_BACKEND, 'ts'],
    ['src/backend/xchacha20.ts', 'ts'],
    ['src/backend/chacha20-poly1305.ts', 'ts'],
    ['src/backend/native.ts', 'ts'],
    ['src/util.ts', 'ts'],
    ...rust('crates/core/src'),
    ...rust('crates/node/src'),
  ];
}

describe(`MACs are compared in constant time, read from the source (${BACKEND})`, () => {
  it('the checker sees a comparison of a MAC however it is written, and only then', () => {
    const planted = [
      'if (expected.subarray(0, this.#tagLength).equals(tag)) keyIndex = i;',
      'if (Buffer.compare(expected, tag) === 0) return true;',
      "const ok = expected.toString('hex')\n    ===\n    tag.toString('hex');",
      'if (digest == tagText) {}',
      'if (hmac.digest().compare(mac) !== 0) return invalid();',
      'let ok = m.finalize().into_bytes()[..tag.len()] == *tag;',
      'if expected_tag.as_slice() != fields.tag.as_slice() { return None; }',
      'if tag.eq(&expected) {}',
    ];
    for (const code of planted) expect(macComparisons(codeOnly(code, 'ts')), code).toHaveLength(1);
    const fine = [
      'if (tag.length !== this.#tagLength) return;',
      'if tag.len() != signature.tag_len() { return false; }',
      'if (timingSafeEqual(expected.subarray(0, this.#tagLength), tag)) { keyIndex = i; }',
      "const tagStart = value.length - this.#tagTextLength; if (value.charCodeAt(tagStart - 1) !== DOT) {}",
      'keyed_mac!(key, iv, ciphertext, created_at, duration, |m| m.verify_truncated_left(tag).is_ok())',
      "if (decoded.status === 'valid') return decoded; // a tag === comparison in a comment",
    ];
    for (const code of fine) expect(macComparisons(codeOnly(code, 'ts')), code).toEqual([]);
    // Strings and comments cannot fake or hide one; formatting does not matter.
    expect(codeOnly('const a = "tag === x"; /* mac == y */ // tag == z\n', 'ts')).toBe('const a = "";   \n');
    expect(macComparisons(codeOnly('if (\n  tag\n  // why\n  ==\n  expected\n) {}', 'rust'))).toHaveLength(1);
  });

  it('no MAC is compared with ===, ==, .equals, .compare or Buffer.compare on either backend', () => {
    const scanned: string[] = [];
    for (const [path, language] of sourcesToScan()) {
      const code = codeOnly(read(path), language);
      expect(macComparisons(code), path).toEqual([]);
      scanned.push(path);
    }
    expect(scanned).toEqual(expect.arrayContaining([JS_BACKEND, RUST_CODEC, 'crates/core/src/wire.rs']));
  });

  it('the js backend verifies the tag with timingSafeEqual', () => {
    const decode = bodyOf(codeOnly(read(JS_BACKEND), 'ts'), /#decode\s*\(\s*value\s*:\s*string\s*,\s*now\s*:\s*number\s*\)\s*:\s*DecodeResult/);
    const calls = [...decode.matchAll(/timingSafeEqual\s*\(([^;{]*)\)/g)].map((m) => m[1]!);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/\btag\b/);
    expect(calls[0]).toMatch(/\bexpected\b/);
  });

  it('the Rust core verifies the tag only through verify_truncated_left or verify_slice', () => {
    const code = codeOnly(read(RUST_CODEC), 'rust');
    const decode = bodyOf(code, /pub fn decode\s*\(/);
    expect(decode).toMatch(/\bmac_verify\s*\(/);
    // decode never computes a tag of its own to compare by hand.
    expect(decode).not.toMatch(/\bmac_tag\s*\(|finalize\s*\(/);
    const verify = bodyOf(code, /fn mac_verify\s*\(/);
    expect(verify).toMatch(/\.verify_(?:truncated_left|slice)\s*\(\s*tag\s*\)/);
    expect(verify).not.toMatch(/finalize|into_bytes/);
  });
});
