// Deep change tracking. Session content is wrapped in Proxies, created lazily as the application
// walks into it, so a set or delete at any depth (nested objects, arrays and their mutating
// methods, Object.assign, delete) marks the session changed. A request that only reads pays no
// JSON comparison and sends no Set-Cookie. Tracking state lives here, never in the user's data.

/** Plain objects and arrays are tracked; anything else (Date, Map, class instances) is not. */
function isTrackable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Proxy → its target, for every tracker, so a proxy stored back into the session (or into
// another session) is stored as plain data.
const targets = new WeakMap<object, object>();

export function unwrap<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    const target = targets.get(value as object);
    if (target !== undefined) return target as T;
  }
  return value;
}

/** Keys that never become data: setting one would change a prototype, not store a value. */
function isForbiddenKey(key: string | symbol): boolean {
  return key === '__proto__';
}

export interface Tracker {
  /** The proxy for `root`, whose `get` also answers the session methods. */
  readonly root: object;
}

/**
 * Tracks changes under `root`. `onChange` runs on every effective write. `methods` are served
 * as read-only, non-enumerable members of the root (client-sessions put `reset`, `destroy` and
 * `setDuration` on the session object).
 */
export function createTracker(
  root: Record<string, unknown>,
  onChange: () => void,
  methods: Readonly<Record<string, (...args: never[]) => unknown>>,
): Tracker {
  const proxies = new WeakMap<object, object>();

  const wrap = (value: unknown): unknown => {
    if (!isTrackable(value)) return value;
    let proxy = proxies.get(value);
    if (proxy === undefined) {
      proxy = new Proxy(value, handler);
      proxies.set(value, proxy);
      targets.set(proxy, value);
    }
    return proxy;
  };

  const handler: ProxyHandler<object> = {
    get(target, key) {
      return wrap(Reflect.get(target, key));
    },
    set(target, key, value) {
      if (isForbiddenKey(key)) return false;
      const raw = unwrap(value);
      // Re-assigning the same value is not a change (client-sessions compared JSON, so this
      // sent no cookie there either).
      if (Object.prototype.hasOwnProperty.call(target, key) && Object.is(Reflect.get(target, key), raw)) return true;
      const done = Reflect.set(target, key, raw);
      if (done) onChange();
      return done;
    },
    deleteProperty(target, key) {
      if (!Object.prototype.hasOwnProperty.call(target, key)) return true;
      const done = Reflect.deleteProperty(target, key);
      if (done) onChange();
      return done;
    },
    defineProperty(target, key, descriptor) {
      if (isForbiddenKey(key)) return false;
      const plain = 'value' in descriptor ? { ...descriptor, value: unwrap(descriptor.value) } : descriptor;
      const done = Reflect.defineProperty(target, key, plain);
      if (done) onChange();
      return done;
    },
    setPrototypeOf() {
      return false;
    },
  };

  const rootHandler: ProxyHandler<object> = {
    ...handler,
    get(target, key) {
      if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(methods, key)) return methods[key];
      return wrap(Reflect.get(target, key));
    },
    has(target, key) {
      return (typeof key === 'string' && Object.prototype.hasOwnProperty.call(methods, key)) || Reflect.has(target, key);
    },
    set(target, key, value, receiver) {
      if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(methods, key)) return false;
      return handler.set!(target, key, value, receiver);
    },
    defineProperty(target, key, descriptor) {
      if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(methods, key)) return false;
      return handler.defineProperty!(target, key, descriptor);
    },
  };

  const proxy = new Proxy(root, rootHandler);
  proxies.set(root, proxy);
  targets.set(proxy, root);
  return { root: proxy };
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
