import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectLostError, RayError, RayTaskError, SerializationError } from '../errors.js';
import { deserialize, encode, registerExtension, registerSerializer, serialize } from './index.js';

function roundTrip<T>(value: T): T {
  return deserialize(serialize(value)) as T;
}

function throwsSerialization(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof SerializationError, `expected a SerializationError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

/** A stand-in for ObjectRef, registered at a test-only tag. */
class FakeRef {
  constructor(readonly id: string) {}
}
class FakeRefSubclass extends FakeRef {}
registerExtension({
  tag: 99,
  cls: FakeRef,
  encode: (ref, ctx) => {
    ctx.containedRefs.push(ref.id);
    return ref.id;
  },
  decode: (id: string) => new FakeRef(id),
});

class Point {
  constructor(readonly x: number, readonly y: number, readonly label?: Point) {}
}
registerSerializer(Point, {
  name: 'test.Point',
  serialize: (p) => ({ x: p.x, y: p.y, label: p.label }),
  deserialize: (d: { x: number; y: number; label?: Point }) => new Point(d.x, d.y, d.label),
});

describe('errors', () => {
  it('round-trips built-in errors as the same class with message and stack', () => {
    for (const err of [new Error('e'), new TypeError('t'), new RangeError('r'), new SyntaxError('s')]) {
      const back = roundTrip(err);
      assert.equal(back.constructor, err.constructor);
      assert.ok(back instanceof err.constructor);
      assert.equal(back.message, err.message);
      assert.equal(back.stack, err.stack);
    }
  });

  it('round-trips RayError subclasses with code and typed fields', () => {
    const lost = roundTrip(new ObjectLostError('obj-1'));
    assert.ok(lost instanceof ObjectLostError && lost instanceof RayError);
    assert.equal(lost.objectId, 'obj-1');
    assert.equal(lost.code, 'OBJECT_LOST');
    const task = roundTrip(new RayTaskError('f', 42, new TypeError('bad input')));
    assert.ok(task instanceof RayTaskError);
    assert.equal(task.pid, 42);
    assert.equal(task.taskName, 'f');
    assert.ok(task.cause instanceof TypeError);
    assert.equal((task.cause as Error).message, 'bad input');
  });

  it('keeps cause chains, non-error causes, own fields and a code', () => {
    const err = Object.assign(new Error('outer', { cause: new RangeError('inner', { cause: { reason: 'data', n: 1n } }) }), {
      code: 'E_CUSTOM',
      detail: { rows: [1, 2], at: new Date(3) },
    });
    const back = roundTrip(err) as Error & { code: string; detail: unknown };
    assert.equal(back.code, 'E_CUSTOM');
    assert.deepStrictEqual(back.detail, err.detail);
    const inner = back.cause as RangeError;
    assert.ok(inner instanceof RangeError);
    assert.deepStrictEqual(inner.cause, { reason: 'data', n: 1n });
  });

  it('brings an unregistered Error subclass back as Error with its name', () => {
    class MyError extends Error {
      override name = 'MyError';
    }
    const back = roundTrip(new MyError('mine'));
    assert.ok(back instanceof Error);
    assert.equal(back.name, 'MyError');
    assert.equal(back.message, 'mine');
  });

  it('survives cyclic causes and fields that cannot be serialized', () => {
    const err = new Error('loop') as Error & { socket?: unknown; fine?: number };
    (err as { cause?: unknown }).cause = err;
    err.socket = { onData: () => {} };
    err.fine = 1;
    const back = roundTrip(err) as Error & { socket: unknown; fine: number };
    assert.equal(back.message, 'loop');
    assert.equal(back.fine, 1);
    assert.match(String(back.socket), /not serializable.*function/);
    assert.match(String(back.cause), /circular cause/);
  });

  it('round-trips errors nested in data', () => {
    const back = roundTrip({ results: [1, new TypeError('x')] });
    assert.ok(back.results[1] instanceof TypeError);
  });
});

describe('registered extensions', () => {
  it('rebuilds instances and reports contained refs in order', () => {
    const value = { a: new FakeRef('r1'), list: [new FakeRef('r2'), new Map([['k', new FakeRef('r3')]])] };
    const enc = encode(value);
    assert.deepEqual(enc.containedRefs, ['r1', 'r2', 'r3']);
    const back = roundTrip(value);
    assert.ok(back.a instanceof FakeRef);
    assert.equal(back.a.id, 'r1');
    assert.deepStrictEqual(back, value);
    assert.deepEqual(encode({ none: 1 }).containedRefs, []);
  });

  it('uses the extension of the nearest registered ancestor for subclasses', () => {
    const enc = encode(new FakeRefSubclass('sub'));
    assert.deepEqual(enc.containedRefs, ['sub']);
    assert.ok(roundTrip(new FakeRefSubclass('sub')) instanceof FakeRef);
  });

  it('rejects duplicate tags, duplicate classes and malformed registrations', () => {
    class Other {}
    const ext = { tag: 99, cls: Other, encode: () => 0, decode: () => new Other() };
    throwsSerialization(() => registerExtension(ext), /tag 99 is already used by class FakeRef/);
    throwsSerialization(() => registerExtension({ ...ext, tag: 98, cls: FakeRef }), /FakeRef is already registered/);
    throwsSerialization(() => registerSerializer(FakeRef, { name: 'x', serialize: () => 0, deserialize: () => new FakeRef('') }), /already registered/);
    assert.throws(() => registerExtension({ ...ext, tag: -1 }), RangeError);
    assert.throws(() => registerExtension({ ...ext, tag: 1.5 }), RangeError);
    assert.throws(() => registerExtension({ ...ext, tag: 97, cls: Object }), TypeError);
  });
});

describe('registerSerializer', () => {
  it('round-trips user classes, nested inside each other and inside data', () => {
    const p = new Point(1, 2, new Point(3, 4));
    const back = roundTrip({ points: [p, new Point(-1, 0.5)] });
    assert.ok(back.points[0] instanceof Point);
    assert.ok(back.points[0]!.label instanceof Point);
    assert.deepStrictEqual(back, { points: [p, new Point(-1, 0.5)] });
  });

  it('rejects a duplicate name or class', () => {
    class Point2 {}
    throwsSerialization(() => registerSerializer(Point2, { name: 'test.Point', serialize: () => 0, deserialize: () => new Point2() }), /'test.Point' is already registered/);
    throwsSerialization(() => registerSerializer(Point, { name: 'other', serialize: () => 0, deserialize: () => new Point(0, 0) }), /already registered/);
    assert.throws(() => registerSerializer(Point2, { name: '', serialize: () => 0, deserialize: () => new Point2() }), TypeError);
  });

  it('fails clearly when the receiving process has no serializer of that name', () => {
    class Ghost {}
    registerSerializer(Ghost, { name: 'test.Ghost', serialize: () => 1, deserialize: () => new Ghost() });
    const bytes = serialize(new Ghost());
    const at = Buffer.from(bytes).indexOf('test.Ghost');
    bytes[at + 9] = 'z'.charCodeAt(0); // now names 'test.Ghosz', which nobody registered
    throwsSerialization(() => deserialize(bytes), /no serializer of that name.*registerSerializer\(Class, \{ name: 'test.Ghosz'/);
  });

  it('wraps errors thrown by user serializers', () => {
    class Fragile {}
    registerSerializer(Fragile, {
      name: 'test.Fragile',
      serialize: () => {
        throw new Error('cannot');
      },
      deserialize: () => new Fragile(),
    });
    throwsSerialization(() => serialize({ f: new Fragile() }), /value\.f: the serializer 'test\.Fragile' of class Fragile threw Error: cannot/);
  });

  it('allows a serializer to call serialize itself (re-entrant use)', () => {
    class Blob2 {
      constructor(readonly inner: unknown) {}
    }
    registerSerializer(Blob2, {
      name: 'test.Blob2',
      serialize: (b) => serialize(b.inner),
      deserialize: (bytes: Uint8Array) => new Blob2(deserialize(bytes)),
    });
    const back = roundTrip([new Blob2({ x: [1, 2, 3] }), 'after']);
    assert.deepStrictEqual(back, [new Blob2({ x: [1, 2, 3] }), 'after']);
  });
});

describe('values that cannot be serialized', () => {
  it('names an unknown class and says to call registerSerializer', () => {
    class Widget {
      size = 1;
    }
    throwsSerialization(() => serialize(new Widget()), /class Widget.*registerSerializer\(Widget, \{/);
    throwsSerialization(() => encode({ parts: [1, { w: new Widget() }] }), /^Cannot serialize value\.parts\[1\]\.w: instances of class Widget/);
  });

  it('rejects functions, classes, symbols, promises and weak collections', () => {
    throwsSerialization(() => serialize(() => 1), /functions cannot be serialized/);
    throwsSerialization(() => serialize({ cb: function named() {} }), /value\.cb: functions cannot be serialized \(found function named\)/);
    throwsSerialization(() => serialize(class K {}), /found class K/);
    throwsSerialization(() => serialize(Symbol('s')), /symbols cannot be serialized \(found Symbol\(s\)\)/);
    throwsSerialization(() => serialize(new Map([[1, Symbol.iterator]])), /value\.get\(1\): symbols/);
    throwsSerialization(() => serialize(Promise.resolve(1)), /Promise cannot be serialized; await it/);
    throwsSerialization(() => serialize(new WeakMap()), /class WeakMap/);
  });

  it('reports errors thrown by getters with the path', () => {
    const o = {
      get bad(): never {
        throw new Error('getter broke');
      },
    };
    throwsSerialization(() => serialize(o), /value\.bad: reading it threw Error: getter broke/);
  });

  it('leaves the serializer usable after a failure', () => {
    assert.throws(() => serialize({ a: [1, 2, () => 0] }));
    assert.deepStrictEqual(roundTrip({ a: [1, 2] }), { a: [1, 2] });
  });
});
