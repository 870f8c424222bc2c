import {
  CROSSING,
  decodeError,
  encodeError,
  encodeTask,
  encodeValues,
  explainError,
  loadTask,
  reviveValues,
} from '@herd/scope/runtime';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs fixture without types
import { Counter } from './fixtures/counter.mjs';

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);

describe('encodeTask', () => {
  it('should send a function as its source and name', () => {
    function add(a: number, b: number) {
      return a + b;
    }
    const wire = encodeTask(add, 'fn');
    expect(wire).toMatchObject({ kind: 'source', name: 'add' });
    expect(wire.kind === 'source' && wire.source).toContain('a + b');
  });

  it('should turn a module task URL into a string', () => {
    expect(encodeTask({ module: fixture('tasks.mjs'), name: 'double' }, 'task')).toEqual({
      kind: 'module',
      module: fixture('tasks.mjs').href,
      name: 'double',
    });
  });

  it('should reject what is not a task with a TypeError naming the parameter and the value', () => {
    expect(() => encodeTask(42 as never, 'fn')).toThrow(
      /fn must be a function or \{ module, name \}, got 42/,
    );
    expect(() => encodeTask(Math.max, 'fn')).toThrow(/fn must be a function written in JavaScript/);
    expect(() => encodeTask((() => 1).bind(null), 'work')).toThrow(TypeError);
    expect(() => encodeTask(class A {} as never, 'fn')).toThrow(/not a class/);
    expect(() => encodeTask({ module: './x.js', name: 'run' }, 'task')).toThrow(
      /task.module must not be relative/,
    );
    expect(() => encodeTask({ module: fixture('tasks.mjs'), name: '' }, 'task')).toThrow(/task.name/);
  });
});

describe('loadTask', () => {
  it('should compile arrows, function expressions, async functions and method shorthand', async () => {
    const object = {
      triple(x: number) {
        return x * 3;
      },
    };
    const arrow = await loadTask(encodeTask((x: number) => x + 1, 'fn'));
    const declared = await loadTask(
      encodeTask(function inc(x: number) {
        return x + 1;
      }, 'fn'),
    );
    const asyncFn = await loadTask(encodeTask(async (x: number) => x * 2, 'fn'));
    const method = await loadTask(encodeTask(object.triple, 'fn'));
    expect([arrow(1), declared(2), await asyncFn(3), method(4)]).toEqual([2, 3, 6, 12]);
  });

  it('should compile a source once and reuse it', async () => {
    const wire = encodeTask((x: number) => x, 'fn');
    expect(await loadTask(wire)).toBe(await loadTask({ ...wire }));
  });

  it('should give shipped code the helpers esbuild and tsc inject', async () => {
    const source = `function outer(x) {
      const inner = /* @__PURE__ */ __name((y) => y * 2, "inner");
      return __awaiter(this, void 0, void 0, function* () {
        const v = yield Promise.resolve(inner(x));
        const { a, ...rest } = __assign({}, { a: 1, b: v });
        return __rest({ a, ...rest }, ['a']).b + inner.name.length;
      });
    }`;
    const fn = await loadTask({ kind: 'source', source, name: 'outer' });
    expect(await fn(5)).toBe(10 + 'inner'.length);
  });

  it('should import a module task, dotted names included', async () => {
    const double = await loadTask({ kind: 'module', module: fixture('tasks.mjs').href, name: 'double' });
    const triple = await loadTask({
      kind: 'module',
      module: fixture('tasks.mjs').href,
      name: 'nested.triple',
    });
    expect([double(4), triple(4)]).toEqual([8, 12]);
  });

  it('should say which export is missing', async () => {
    await expect(
      loadTask({ kind: 'module', module: fixture('tasks.mjs').href, name: 'nope' }),
    ).rejects.toThrow(/has no function export 'nope' \(it exports .*double/);
  });
});

describe('encodeValues and reviveValues', () => {
  it('should replace crossables at the top level and in a context object by markers', async () => {
    const counter = new Counter();
    counter.add(5);
    const { wire, crossings } = encodeValues([counter, { counter, n: 1 }, [counter], 7]);
    expect(crossings).toHaveLength(1); // one object, one crossing, wherever it appears
    expect(wire[0]).toMatchObject({ '@herd/crossing': 1, revive: 'Counter.fromShared' });
    expect(wire[2]).toEqual([counter]);
    const [live, context, , n] = (await reviveValues(structuredClone(wire))) as [
      InstanceType<typeof Counter>,
      { counter: InstanceType<typeof Counter>; n: number },
      unknown,
      number,
    ];
    expect(live).not.toBe(counter);
    expect(context.counter).toBe(live); // revived once, so a channel end passed twice stays one end
    live.add(1);
    context.counter.add(1);
    expect([counter.value, n]).toEqual([7, 7]);
  });

  it('should leave values without crossables as they are', () => {
    const context = { a: 1 };
    expect(encodeValues([context]).wire[0]).toBe(context);
  });

  it('should expose the registered crossing symbol', () => {
    expect(CROSSING).toBe(Symbol.for('@herd/crossing'));
  });
});

describe('encodeError and decodeError', () => {
  const roundTrip = (error: unknown) => decodeError(structuredClone(encodeError(error)));

  it('should keep built-in classes, name, message, stack, cause and own properties', () => {
    const original = new TypeError('bad type', { cause: new RangeError('inner') });
    Object.assign(original, { code: 'E_BAD', detail: { n: 1 } });
    const decoded = roundTrip(original) as TypeError & { code: string; detail: unknown };
    expect(decoded).toBeInstanceOf(TypeError);
    expect([decoded.name, decoded.message, decoded.stack]).toEqual(['TypeError', 'bad type', original.stack]);
    expect(decoded.cause).toBeInstanceOf(RangeError);
    expect((decoded.cause as Error).message).toBe('inner');
    expect([decoded.code, decoded.detail]).toEqual(['E_BAD', { n: 1 }]);
  });

  it('should keep a custom class name on a plain Error and AggregateError errors', () => {
    class ParseError extends Error {
      override name = 'ParseError';
    }
    const decoded = roundTrip(new AggregateError([new ParseError('p'), new SyntaxError('s')], 'many'));
    expect(decoded).toBeInstanceOf(AggregateError);
    const [first, second] = (decoded as AggregateError).errors;
    expect([first.name, first.message, second instanceof SyntaxError]).toEqual(['ParseError', 'p', true]);
  });

  it('should bring DOMException back as itself', () => {
    const decoded = roundTrip(new DOMException('stop', 'AbortError'));
    expect(decoded).toBeInstanceOf(DOMException);
    expect(decoded.name).toBe('AbortError');
  });

  it('should carry a thrown non-error and an uncloneable property', () => {
    expect(roundTrip({ reason: 'plain object' })).toEqual({ reason: 'plain object' });
    const error = Object.assign(new Error('x'), { fn: () => 1 });
    expect(typeof (roundTrip(error) as unknown as { fn: unknown }).fn).toBe('string');
  });

  it('should survive a cause cycle', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(roundTrip(a).message).toBe('a');
  });
});

describe('explainError', () => {
  it('should name the variable a shipped function cannot see and say how to pass it', () => {
    const wire = encodeTask(function work() {
      return 1;
    }, 'fn');
    const explained = explainError(new ReferenceError('limit is not defined'), wire) as Error;
    expect(explained).toBeInstanceOf(ReferenceError);
    expect(explained.message).toMatch(/the function work uses "limit".*Pass it as an argument/);
    expect((explained.cause as Error).message).toBe('limit is not defined');
  });

  it('should explain a renamed import as an import, with advice that works for functions', () => {
    const wire = encodeTask(function work() {
      return 1;
    }, 'fn');
    for (const name of ['import_helpers', 'helpers_1']) {
      const explained = explainError(new ReferenceError(`${name} is not defined`), wire) as Error;
      expect(explained.message).toMatch(/an import renamed by a bundler or compiler/);
      expect(explained.message).toMatch(/module task .*or define the helper inside the function/);
      expect(explained.message).not.toMatch(/\.with\(/);
    }
  });

  it('should tell a helper of an old target from a missing variable', () => {
    const wire = encodeTask(function work() {
      return 1;
    }, 'fn');
    const explained = explainError(new ReferenceError('__generator is not defined'), wire) as Error;
    expect(explained.message).toMatch(
      /a helper a compiler adds for an old target .*compile for ES2018 or later/,
    );
  });

  it('should leave other errors and module tasks alone', () => {
    const error = new TypeError('x is not a function');
    expect(
      explainError(
        error,
        encodeTask(() => 1, 'fn'),
      ),
    ).toBe(error);
    const reference = new ReferenceError('y is not defined');
    expect(explainError(reference, { kind: 'module', module: 'file:///x.js', name: 'run' })).toBe(reference);
  });
});
