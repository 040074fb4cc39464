// The session's change tracking, on its own: which writes are changes, what is stored (plain data,
// never a Proxy or a __proto__ key), which values are tracked, and the reserved method names.
// The same behaviour over HTTP is in middleware-basics.test.ts and pollution.test.ts.
import { describe, expect, it } from 'vitest';

import { createTracker, dropForbiddenKeys, unwrap } from '../src/core/tracking';

// Not helpers/backend: this spec needs no codec, and that helper imports the package entry.
const BACKEND = process.env.CLIENT_SESSIONS_NATIVE_BACKEND;

function tracked(content: Record<string, any>) {
  let changes = 0;
  const methods = { names: new Set(['reset', 'save']), method: (name: string) => `method ${name}` };
  const { root } = createTracker(content, () => changes++, methods);
  return { root: root as Record<string | symbol, any>, content, changes: () => changes };
}

describe(`change tracking (${BACKEND})`, () => {
  it('writing what is already there, or deleting what is not, is no change', () => {
    const t = tracked({ n: 1, nested: { list: [1, 2] }, flag: true });
    t.root.n = 1;
    t.root.flag = true;
    t.root.nested = t.root.nested;
    t.root.nested.list = t.root.nested.list;
    t.root.nested.list[0] = 1;
    expect(delete t.root.missing).toBe(true);
    expect(delete t.root.nested.missing).toBe(true);
    expect(t.changes()).toBe(0);
    t.root.n = 2;
    delete t.root.flag;
    t.root.nested.list.push(3);
    expect(t.changes()).toBe(3);
    expect(t.content).toEqual({ n: 2, nested: { list: [1, 2, 3] } });
  });

  it('a tracked object stored elsewhere in the session is stored as the plain object', () => {
    const t = tracked({ nested: { a: 1 } });
    t.root.copy = t.root.nested;
    expect(t.content.copy).toBe(t.content.nested);
    Object.defineProperty(t.root, 'defined', { value: t.root.nested, enumerable: true, configurable: true, writable: true });
    expect(t.content.defined).toBe(t.content.nested);
    expect(unwrap(t.root.nested)).toBe(t.content.nested);
    expect(unwrap(t.root)).toBe(t.content);
    const plain = { b: 2 };
    expect(unwrap(plain)).toBe(plain);
    for (const value of [5, 'x', null, undefined, true]) expect(unwrap(value)).toBe(value);
  });

  it('a write the target refuses is no change: a frozen object in the session stays as it was', () => {
    const t = tracked({});
    t.root.limits = Object.freeze({ max: 1 });
    const before = t.changes();
    // Strict code (this module) hears each refusal as a TypeError, as it would without the Proxy.
    expect(() => {
      t.root.limits.max = 2;
    }).toThrow(TypeError);
    expect(() => delete t.root.limits.max).toThrow(TypeError);
    expect(() => Object.defineProperty(t.root.limits, 'max', { value: 3 })).toThrow(TypeError);
    expect(t.changes()).toBe(before);
    expect(t.content.limits).toEqual({ max: 1 });
  });

  it('an object inside a frozen object reads as itself: a Proxy there would break the freeze', () => {
    // A Proxy must answer a non-writable, non-configurable property with its exact value, so a
    // tracked wrapper of `inner` made V8 throw on the read. Nothing under it can change anyway.
    const inner = { b: 1 };
    const t = tracked({ limits: Object.freeze({ inner, list: Object.freeze([1]) }) });
    expect(t.root.limits.inner).toBe(inner);
    expect(t.root.limits.list).toEqual([1]);
    expect(JSON.stringify(t.root)).toBe('{"limits":{"inner":{"b":1},"list":[1]}}');
    // So does one defineProperty made with its defaults; writable properties of a sealed object are still tracked.
    const defined = tracked({ d: {} });
    Object.defineProperty(defined.root.d, "fixed", { value: inner, enumerable: true });
    expect(defined.root.d.fixed).toBe(inner);
    const sealed = tracked({ s: Object.seal({ inner: { c: 1 } }) });
    sealed.root.s.inner.c = 2;
    expect(sealed.changes()).toBe(1);
  });

  it('an object is wrapped once: reading it again gives the same proxy', () => {
    const t = tracked({ nested: { list: [1] } });
    const nested = t.root.nested;
    expect(t.root.nested).toBe(nested);
    expect(nested.list).toBe(t.root.nested.list);
    expect(nested).not.toBe(t.content.nested);
  });

  it('null and primitives are stored as they are', () => {
    const t = tracked({ a: 1 });
    t.root.gone = null;
    t.root.text = 'x';
    expect(t.content).toEqual({ a: 1, gone: null, text: 'x' });
    expect(t.changes()).toBe(2);
    expect(() => dropForbiddenKeys(null)).not.toThrow();
    expect(() => dropForbiddenKeys(5)).not.toThrow();
  });

  it('only plain objects and arrays are tracked: Dates, Maps and class instances work as themselves', () => {
    class Point {
      #x = 3;
      get x(): number {
        return this.#x;
      }
    }
    const t = tracked({});
    t.root.when = new Date(0);
    t.root.map = new Map([[1, 2]]);
    t.root.point = new Point();
    expect(t.root.when.toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(t.root.map.get(1)).toBe(2);
    expect(t.root.point.x).toBe(3);
  });

  it('a null-prototype object is tracked too, and loses its __proto__ key', () => {
    const t = tracked({});
    const bag = Object.create(null) as Record<string, unknown>;
    bag['__proto__'] = { admin: true };
    bag.kept = 1;
    t.root.bag = bag;
    expect(Object.keys(t.content.bag)).toEqual(['kept']);
    const before = t.changes();
    t.root.bag.more = 2;
    expect(t.changes()).toBe(before + 1);
  });

  it('__proto__ is never defined or set, and prototypes cannot be changed', () => {
    const t = tracked({ nested: {} });
    Object.defineProperty(t.root.nested, '__proto__', { value: { polluted: 1 }, enumerable: true, configurable: true });
    Object.defineProperty(t.root, '__proto__', { value: { polluted: 1 }, enumerable: true, configurable: true });
    expect(Object.prototype.hasOwnProperty.call(t.content.nested, '__proto__')).toBe(false);
    expect(Object.prototype.hasOwnProperty.call(t.content, '__proto__')).toBe(false);
    expect(t.changes()).toBe(0);
    expect(() => Object.setPrototypeOf(t.root.nested, {})).toThrow(TypeError);
    expect(Object.getPrototypeOf(t.content.nested)).toBe(Object.prototype);
  });

  it('the reserved names are the methods, for strings only', () => {
    const t = tracked({ data: 1 });
    const symbol = Symbol('reset');
    expect(t.root.reset).toBe('method reset');
    expect('reset' in t.root).toBe(true);
    expect('data' in t.root).toBe(true);
    expect('other' in t.root).toBe(false);
    expect(symbol in t.root).toBe(false);
    t.root[symbol] = 1;
    expect(t.root[symbol]).toBe(1);
    expect(() => (t.root.save = 1)).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_RESERVED_KEY' }));
    expect(() => (t.root.save = 1)).toThrow(
      'client-sessions-native: "save" is a session method and cannot be assigned or stored on the session: keep the value under another name (the reserved names are reset and save)',
    );
    expect(() => Object.defineProperty(t.root, 'reset', { value: 1 })).toThrow(expect.objectContaining({ code: 'ERR_CLIENT_SESSIONS_RESERVED_KEY' }));
    expect(Object.keys(t.content)).toEqual(['data']);
    // The message lists every reserved name, as many as the session has.
    const three = createTracker({}, () => undefined, { names: new Set(['reset', 'destroy', 'save']), method: () => undefined });
    expect(() => Object.defineProperty(three.root, 'destroy', { value: 1 })).toThrow(
      'keep the value under another name (the reserved names are reset, destroy and save)',
    );
    // Below the root the names are ordinary data.
    t.root.nested = {};
    t.root.nested.reset = 5;
    expect(t.root.nested.reset).toBe(5);
  });
});
