// Deep change tracking. Session content is wrapped in Proxies, created lazily as the application
// walks into it, so a set or delete at any depth (nested objects, arrays and their mutating
// methods, Object.assign, delete) marks the session changed. A request that only reads pays no
// JSON comparison and sends no Set-Cookie. Tracking state lives here, never in the user's data.

import { codedError } from '../errors';

/** Plain objects and arrays are tracked; anything else (Date, Map, class instances) is not. */
function isTrackable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// A tracked proxy answers this key with its target, so a proxy stored back into the session
// (or into another session) is stored as plain data. A module-private symbol instead of a
// global WeakMap from proxy to target (and a Map instead of a WeakMap per session): counted
// with `npm run bench:instructions -- fastify:native,express4:native --routes=read,write`,
// the WeakMaps cost 20,000 instructions per Fastify /read (162,228 against 142,232) and
// 14,600 per /write, about 10,000 on Express; the key test is one comparison per read.
const TARGET: unique symbol = Symbol('client-sessions-native:target');

export function unwrap<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    const target = (value as { [TARGET]?: unknown })[TARGET];
    if (target !== undefined) return target as T;
  }
  return value;
}

function isFrozenProperty(target: object, key: PropertyKey): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
  return descriptor !== undefined && descriptor.configurable === false && descriptor.writable === false;
}

/** Keys that never become data: setting one would change a prototype, not store a value. */
function isForbiddenKey(key: PropertyKey): boolean {
  return key === '__proto__';
}

/**
 * Removes own `__proto__` keys at any depth of a value about to be stored. JSON.parse makes
 * `{"__proto__": …}` an own data property, so request JSON assigned to the session (or below it)
 * would carry one, and an Object.assign or spread of that object later sets a prototype.
 */
export function dropForbiddenKeys(value: unknown, seen?: Set<object>): void {
  if (!isTrackable(value)) return;
  if (seen?.has(value)) return;
  (seen ??= new Set()).add(value);
  if (hasOwn(value, '__proto__')) delete (value as Record<string, unknown>)['__proto__'];
  for (const key of Object.keys(value)) dropForbiddenKeys((value as Record<string, unknown>)[key], seen);
}

/** The root's reserved members: which names they are, and how to get one (made on demand). */
export interface MethodSource {
  readonly names: ReadonlySet<string>;
  method(name: string): unknown;
}

const hasOwn = (object: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The Proxy handler for everything below the root. Handlers are class instances with their
 * traps on the prototype, so every session shares one shape and one set of trap functions
 * (a fresh object of closures per request made the traps polymorphic and cost a measurable
 * share of a request in the HTTP benchmark).
 */
class NestedHandler implements ProxyHandler<object> {
  constructor(readonly tree: TrackedTree) {}

  get onChange(): () => void {
    return this.tree.onChange;
  }

  // No prototype is handed out through the session: a tracked Proxy of Object.prototype let a
  // naive deep merge of request JSON write to every object in the process.
  get(target: object, key: PropertyKey): unknown {
    if (isForbiddenKey(key)) return undefined;
    if (key === TARGET) return target;
    // The inherited `constructor` is Object (or Array), whose `prototype` is every object's: a
    // merge that walks into functions reached Object.prototype through it. An own key of that
    // name is data like any other.
    if (key === 'constructor' && !hasOwn(target, key)) return undefined;
    const value = Reflect.get(target, key);
    if (!isTrackable(value)) return value;
    // A non-writable, non-configurable property (Object.freeze, or defineProperty's defaults)
    // must read as its exact value, a Proxy invariant V8 enforces with a TypeError; nothing
    // below it can be replaced anyway. Asked of objects only: primitive reads, the common case,
    // cost no descriptor lookup.
    if (isFrozenProperty(target, key)) return value;
    return this.tree.proxyFor(value);
  }

  // Setting `__proto__` is ignored rather than refused: a refusal throws in strict code, and
  // the merge that does it is usually copying request data, where a 500 helps nobody.
  set(target: object, key: PropertyKey, value: unknown): boolean {
    if (isForbiddenKey(key)) return true;
    const raw = unwrap(value);
    // Re-assigning the same value is not a change (client-sessions compared JSON, so this
    // sent no cookie there either).
    if (hasOwn(target, key) && Object.is(Reflect.get(target, key), raw)) return true;
    if (typeof raw === 'object') dropForbiddenKeys(raw);
    const done = Reflect.set(target, key, raw);
    if (done) this.onChange();
    return done;
  }

  deleteProperty(target: object, key: PropertyKey): boolean {
    if (!hasOwn(target, key)) return true;
    const done = Reflect.deleteProperty(target, key);
    if (done) this.onChange();
    return done;
  }

  defineProperty(target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    if (isForbiddenKey(key)) return true;
    const plain = 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor;
    dropForbiddenKeys(plain.value);
    const done = Reflect.defineProperty(target, key, plain);
    if (done) this.onChange();
    return done;
  }

  setPrototypeOf(): boolean {
    return false;
  }
}

/** The root's handler: also serves the session methods, which are never data. */
class RootHandler extends NestedHandler {
  constructor(
    tree: TrackedTree,
    readonly methods: MethodSource,
  ) {
    super(tree);
  }

  override get(target: object, key: PropertyKey): unknown {
    if (typeof key === 'string' && this.methods.names.has(key)) return this.methods.method(key);
    return super.get(target, key);
  }

  has(target: object, key: PropertyKey): boolean {
    return (typeof key === 'string' && this.methods.names.has(key)) || Reflect.has(target, key);
  }

  // A trap that returns false makes V8 throw "'set' on proxy: trap returned falsish" in strict
  // code and ignore the write in sloppy code; either way the value is silently not stored. The
  // coded error says why and what to do, in both.
  override set(target: object, key: PropertyKey, value: unknown): boolean {
    if (typeof key === 'string' && this.methods.names.has(key)) throw reservedKey(key, this.methods.names);
    return super.set(target, key, value);
  }

  override defineProperty(target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    if (typeof key === 'string' && this.methods.names.has(key)) throw reservedKey(key, this.methods.names);
    return super.defineProperty(target, key, descriptor);
  }
}

function reservedKey(key: string, names: ReadonlySet<string>): Error {
  const list = [...names];
  return codedError(
    'ERR_CLIENT_SESSIONS_RESERVED_KEY',
    `"${key}" is a session method and cannot be assigned or stored on the session: keep the value under another name (the reserved names are ${list.slice(0, -1).join(', ')} and ${list[list.length - 1]})`,
    TypeError,
  );
}

/** One session's tracked objects: the change callback and the proxy made for each object. */
class TrackedTree {
  /**
   * Target → proxy, made on first nested access (most requests never go below the root). A
   * Map, not a WeakMap: the tree lives for one request, and the targets as long as the session.
   */
  #proxies: Map<object, object> | undefined;
  #handler: NestedHandler | undefined;

  constructor(readonly onChange: () => void) {}

  proxyFor(value: object): object {
    this.#proxies ??= new Map();
    let proxy = this.#proxies.get(value);
    if (proxy === undefined) {
      this.#handler ??= new NestedHandler(this);
      proxy = new Proxy(value, this.#handler);
      this.#proxies.set(value, proxy);
    }
    return proxy;
  }
}

export interface Tracker {
  /** The proxy for the root, whose `get` also answers the session methods. */
  readonly root: object;
}

/**
 * Tracks changes under `root`. `onChange` runs on every effective write. `methods` are served
 * as read-only, non-enumerable members of the root (client-sessions put `reset`, `destroy` and
 * `setDuration` on the session object).
 */
export function createTracker(root: Record<string, unknown>, onChange: () => void, methods: MethodSource): Tracker {
  return { root: new Proxy(root, new RootHandler(new TrackedTree(onChange), methods)) };
}

/**
 * Parses session JSON into plain objects. `__proto__` keys are dropped (JSON.parse keeps them as
 * own properties, which code that copies the session with Object.assign would turn into a
 * prototype change). The slower reviver only runs when the text could spell that key: JSON
 * can only write it literally or with a \u escape.
 */
export function parseContent(json: string): Record<string, unknown> | undefined {
  const value: unknown = json.includes('proto') || json.includes('\\u')
    ? JSON.parse(json, function (this: unknown, key: string, v: unknown) {
        return key === '__proto__' ? undefined : v;
      })
    : JSON.parse(json);
  return isTrackable(value) && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
