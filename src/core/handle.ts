// A session object that stays the same object for the whole request, for adapters that hand the
// application one value up front (the web store's load(), Hono's c.get()) instead of a request
// property read on each use. It forwards every operation to the session's current tracked root,
// so it decodes the cookie only on its first use, and stays valid across regenerate(), an
// assigned replacement and a deletion, where the Connect adapter's req.session getter returns
// a new root.

import type { SessionState } from './session-state';

const STATE: unique symbol = Symbol('client-sessions-native:state');

/**
 * The handle's traps. One class with its traps on the prototype, as in tracking.ts, so every
 * handle has the same shape. The target is an empty object that never holds anything (its
 * prototype only serves util.inspect, below): the descriptors given out are reported
 * configurable, which keeps the Proxy invariants for keys the target lacks.
 */
class HandleHandler implements ProxyHandler<object> {
  constructor(readonly state: SessionState<any>) {}

  get(_target: object, key: PropertyKey): unknown {
    if (key === STATE) return this.state;
    return Reflect.get(this.state.content, key);
  }

  set(_target: object, key: PropertyKey, value: unknown): boolean {
    return Reflect.set(this.state.content, key, value);
  }

  has(_target: object, key: PropertyKey): boolean {
    return Reflect.has(this.state.content, key);
  }

  deleteProperty(_target: object, key: PropertyKey): boolean {
    return Reflect.deleteProperty(this.state.content, key);
  }

  ownKeys(): ArrayLike<string | symbol> {
    return Reflect.ownKeys(this.state.content);
  }

  getOwnPropertyDescriptor(_target: object, key: PropertyKey): PropertyDescriptor | undefined {
    const descriptor = Reflect.getOwnPropertyDescriptor(this.state.content, key);
    if (descriptor !== undefined) descriptor.configurable = true;
    return descriptor;
  }

  defineProperty(_target: object, key: PropertyKey, descriptor: PropertyDescriptor): boolean {
    // A non-configurable property would have to exist on the empty target too: the session's
    // data is JSON, where every property is an ordinary, configurable one.
    return Reflect.defineProperty(this.state.content, key, { ...descriptor, configurable: true });
  }

  getPrototypeOf(): object | null {
    return Object.prototype;
  }

  setPrototypeOf(): boolean {
    return false;
  }

  preventExtensions(): boolean {
    return false;
  }
}

// util.inspect (console.log) shows a Proxy's target, not what its traps give, and the target
// here is always empty: it would print every session as {}. The target's prototype gives
// inspect the content instead: Node's and Deno's console.log and util.inspect, and Bun's
// util.inspect, call it (Bun's console.log prints a Proxy's target as it is). `this` is the
// handle, or the target itself when inspect is asked to show proxies (then it prints as it is).
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

class HandleTarget {
  [INSPECT](this: { [STATE]?: SessionState<any> }): object {
    return this[STATE]?.content ?? this;
  }
}

/** The stable session object for one request's state. */
export function sessionHandle(state: SessionState<any>): object {
  return new Proxy(new HandleTarget(), new HandleHandler(state));
}

/** The state behind a handle, or undefined for anything else. */
export function stateOfHandle(value: unknown): SessionState<any> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const state = (value as { [STATE]?: unknown })[STATE];
  return state === undefined ? undefined : (state as SessionState<any>);
}
