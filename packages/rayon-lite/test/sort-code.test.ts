import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IterJob } from '../src/protocol.js';
import { toSharedView } from '../src/shared-view.js';
import { describePipeline, pipelineSource } from '../src/worker/pipeline-code.js';

type Sortable = Float64Array | Float32Array | Int32Array | BigInt64Array;

/**
 * Runs parSort's run-sorting phase on this thread, over one run: the code a worker compiles,
 * with what a worker gives it. `kind` may differ from the array's to reach other code paths.
 */
function sortOneRun(array: Sortable, kind: string): void {
  const shared = new (array.constructor as new (b: SharedArrayBuffer) => Sortable)(
    new SharedArrayBuffer(array.byteLength),
  );
  shared.set(array as never);
  const to = { ...toSharedView(shared), kind };
  const job = {
    type: 'iter',
    id: 1,
    source: { kind: 'range', start: 0 },
    length: 1,
    pieces: 1,
    regions: 1,
    stages: [],
    terminal: { op: 'sortRuns', from: null, to, runLength: array.length, compare: null },
    helpable: false,
    context: null,
    memory: null,
    slot: 0,
  } as unknown as IterJob;
  const pipeline = describePipeline(job);
  const runPiece = new Function('env', pipelineSource(pipeline))({
    fns: [],
    callbacks: pipeline.callbacks,
    checkpoint: (span: number) => span * 2,
    source: null,
    start: 0,
    length: 1,
    pieces: 1,
    stages: [],
    terminal: job.terminal,
    others: [],
    sortFrom: null,
    sortTo: shared,
    Failure: Error,
    HALT: Symbol('halt'),
    keep: () => {},
  }) as (piece: number) => void;
  runPiece(0);
  array.set(shared as never);
}

/** Equal as TypedArray#sort leaves them, bit for bit where JavaScript can tell (NaN, -0). */
function expectSameOrder(actual: ArrayLike<unknown>, expected: ArrayLike<unknown>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      throw new Error(`differs at ${i}: ${String(actual[i])} instead of ${String(expected[i])}`);
    }
  }
}

/** Any 64-bit pattern: NaNs of both signs, infinities, -0, subnormals. */
const doubles = fc
  .array(fc.tuple(fc.nat({ max: 0xffffffff }), fc.nat({ max: 0xffffffff })), { maxLength: 600 })
  .map((words) => new Float64Array(new Uint32Array(words.flat()).buffer));

describe('the radix sort of parSort runs', () => {
  it('should order any doubles as TypedArray#sort, NaNs of either sign last', () => {
    fc.assert(
      fc.property(
        doubles,
        fc.array(fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1, -1)),
        (a, specials) => {
          const array = Float64Array.from([...a, ...specials]);
          const expected = array.slice().sort();
          sortOneRun(array, 'Float64Array');
          expectSameOrder(array, expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should order any floats, 32-bit integers and 64-bit integers as TypedArray#sort', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 0xffffffff }), { maxLength: 600 }), (words) => {
        const floats = new Float32Array(new Uint32Array(words).buffer);
        const expectedFloats = floats.slice().sort();
        sortOneRun(floats, 'Float32Array');
        expectSameOrder(floats, expectedFloats);
        const ints = new Int32Array(new Uint32Array(words).buffer);
        const expectedInts = ints.slice().sort();
        sortOneRun(ints, 'Int32Array');
        expectSameOrder(ints, expectedInts);
        const bigints = new BigInt64Array(new Uint32Array(words.length % 2 ? [...words, 7] : words).buffer);
        const expectedBigints = bigints.slice().sort();
        sortOneRun(bigints, 'BigInt64Array');
        expectSameOrder(bigints, expectedBigints);
      }),
      { numRuns: 300 },
    );
  });

  it('should sort a kind it has no layout for with TypedArray#sort', () => {
    // Float16Array (Node 22+) has no radix layout here; any such kind takes the native path.
    const array = Float64Array.from([3, -0, Number.NaN, 0, -2, 1]);
    sortOneRun(array, 'Float16Array');
    expectSameOrder(array, Float64Array.from([-2, -0, 0, 1, 3, Number.NaN]));
  });
});
