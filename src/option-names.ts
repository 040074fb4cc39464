// Every option name the package reads, in one place, and the warning for any other name.
// client-sessions ignored unknown options silently, so working apps pass some (left over from
// another session library, or misspelled: `cookiename`, `cookie.httponly`) and quietly ran on
// the default. An unknown name is therefore a process warning, never an error, and each one is
// heard once per process, however many times the app builds its middleware.

import type { CookieOptions } from './cookie';
import { PACKAGE, emitWarning, type ErrorCode } from './errors';
import type { SessionOptions } from './core/settings';
import type { KeySetOptions } from './options';

// The tables are typed as records of the option interfaces, so an option added to an interface
// but not here (where it would warn as unknown) is a compile error: adding one is one line.

/** Top-level names. createCodec accepts the middleware's too: apps pass it the same object. */
const TOP_LEVEL: Record<keyof SessionOptions, true> = {
  cookieName: true,
  secret: true,
  encryptionKey: true,
  signatureKey: true,
  keys: true,
  encryptionAlgorithm: true,
  signatureAlgorithm: true,
  activeDuration: true,
  backend: true,
  requestKey: true,
  duration: true,
  cookie: true,
  proxy: true,
  onError: true,
  secureSessionMethods: true,
  format: true,
  absoluteDuration: true,
  maxChunks: true,
};

/** `cookie.*`, read by the middleware only. */
const COOKIE: Record<keyof CookieOptions, true> = {
  path: true,
  domain: true,
  httpOnly: true,
  secure: true,
  sameSite: true,
  maxAge: true,
  expires: true,
  ephemeral: true,
  partitioned: true,
  priority: true,
};

/** `keys[].*`, one key set. */
const KEY_SET: Record<keyof KeySetOptions, true> = {
  secret: true,
  encryptionKey: true,
  signatureKey: true,
  id: true,
};

interface Group {
  /** How a name in this group is written in a message. */
  prefix: string;
  names: readonly string[];
  /** What the known names are called when a message lists them. */
  label: string;
  /** Where a misplaced name may belong instead (top level and cookie attributes mix easily). */
  neighbour?: Group;
}

const TOP_LEVEL_GROUP: Group = { prefix: '', names: Object.keys(TOP_LEVEL), label: 'options' };
const COOKIE_GROUP: Group = { prefix: 'cookie.', names: Object.keys(COOKIE), label: 'cookie options', neighbour: TOP_LEVEL_GROUP };
TOP_LEVEL_GROUP.neighbour = COOKIE_GROUP;
const KEY_SET_GROUP: Group = { prefix: 'keys[].', names: Object.keys(KEY_SET), label: 'key set options' };

/**
 * Names other session libraries use for one of ours, by lower-cased path: what spelling cannot
 * find. `name` and a top-level `maxAge` are cookie-session's and express-session's; `secureProxy`
 * is the `cookies` module's deprecated alias of `secure`, which client-sessions passed through.
 */
const MEANT = new Map<string, readonly string[]>([
  ['name', ['cookieName']],
  ['cookie.name', ['cookieName']],
  ['maxage', ['cookie.maxAge', 'duration']],
  ['cookie.secureproxy', ['cookie.secure']],
]);

/** Which function was given the options: the adapters take the session options, createCodec only the codec's. */
export type OptionsEntry = 'middleware' | 'fastify' | 'web' | 'hono' | 'react-router' | 'createCodec';

/**
 * Fastify hands a plugin the object given to `register`, with Fastify's own register options in
 * it; they are Fastify's, not unknown.
 */
const FASTIFY_REGISTER_OPTIONS: readonly string[] = ['prefix', 'logLevel', 'logSerializers'];

export interface UnknownOption {
  /** `cookiename`, `cookie.httponly`, `keys[].id`: also what a warning is remembered by. */
  path: string;
  message: string;
}

/** The unknown names in one options object, with their messages. Only names, never values. */
export function findUnknownOptions(options: object, entry: OptionsEntry): UnknownOption[] {
  let found = unknownIn(options, TOP_LEVEL_GROUP);
  if (entry === 'fastify') found = found.filter(({ path }) => !FASTIFY_REGISTER_OPTIONS.includes(path));
  const { cookie, keys } = options as { cookie?: unknown; keys?: unknown };
  if (entry !== 'createCodec' && isOptionsObject(cookie)) found.push(...unknownIn(cookie, COOKIE_GROUP));
  if (Array.isArray(keys)) {
    for (const set of keys as unknown[]) if (isOptionsObject(set)) found.push(...unknownIn(set, KEY_SET_GROUP));
  }
  return found.filter((option, index) => found.findIndex((other) => other.path === option.path) === index);
}

const warned = new Set<string>();
const UNKNOWN_OPTION_CODE: ErrorCode = 'ERR_CLIENT_SESSIONS_UNKNOWN_OPTION';

/** One process warning per unknown option path, the first time this process sees it. */
export function warnAboutUnknownOptions(options: unknown, entry: OptionsEntry): void {
  if (!isOptionsObject(options)) return;
  for (const { path, message } of findUnknownOptions(options, entry)) {
    if (warned.has(path)) continue;
    warned.add(path);
    emitWarning(message, UNKNOWN_OPTION_CODE);
  }
}

function isOptionsObject(value: unknown): value is object {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// Own enumerable string keys only: symbols and inherited properties are not options.
function unknownIn(options: object, group: Group): UnknownOption[] {
  return Object.keys(options)
    .filter((name) => !group.names.includes(name))
    .map((name) => {
      const path = group.prefix + name;
      const suggestions = suggestionsFor(name, group);
      const text = `${PACKAGE}: unknown option ${group.prefix}${shown(name)}`;
      const message =
        suggestions.length > 0
          ? `${text} (did you mean ${suggestions.join(' or ')}?); it is ignored`
          : `${text}; it is ignored (known ${group.label}: ${group.names.join(', ')})`;
      return { path, message };
    });
}

/**
 * What a name probably meant: a known meaning first, then the same name in another case, here
 * or in the neighbouring group (so a top-level `secure` finds `cookie.secure` before the
 * similarly spelled `secret`), then a close spelling here or there.
 */
function suggestionsFor(name: string, group: Group): readonly string[] {
  const lower = name.toLowerCase();
  const meant = MEANT.get(group.prefix + lower);
  if (meant !== undefined) return meant;
  const places = group.neighbour === undefined ? [group] : [group, group.neighbour];
  for (const place of places) {
    const same = place.names.find((known) => known.toLowerCase() === lower);
    if (same !== undefined) return [place.prefix + same];
  }
  // Two edits on a name of three letters or fewer would match almost anything.
  const allowed = lower.length <= 3 ? 1 : 2;
  for (const place of places) {
    let best: string | undefined;
    let bestDistance = allowed + 1;
    for (const known of place.names) {
      const distance = editDistance(lower, known.toLowerCase());
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    if (best !== undefined) return [place.prefix + best];
  }
  return [];
}

/**
 * Damerau-Levenshtein distance (optimal string alignment): insertions, deletions,
 * substitutions and swaps of neighbouring letters each count one.
 */
export function editDistance(a: string, b: string): number {
  let twoRowsUp: number[] = [];
  let previousRow = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previousRow[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min(previousRow[j]! + 1, row[j - 1]! + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, twoRowsUp[j - 2]! + 1);
      row.push(best);
    }
    twoRowsUp = previousRow;
    previousRow = row;
  }
  return previousRow[b.length]!;
}

// A name is printed as it is when it looks like one; anything else (spaces, control
// characters, a very long key) is quoted and cut, so a warning stays one readable line.
const PLAIN_NAME = /^[A-Za-z_$][\w$-]{0,63}$/;

function shown(name: string): string {
  if (PLAIN_NAME.test(name)) return name;
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}...` : name);
}
