import { Herd } from '@herd/herd';
import { type JoinHandle, type Receiver, scope, syncChannel } from '@herd/scope';
import { describe, expect, expectTypeOf, it } from 'vitest';

describe('spawn types', () => {
  it("should type a function's parameters from the arguments, so a typo fails to compile", async () => {
    const herd = new Herd({ maxBytes: 1 << 20 });
    const [tx, rx] = syncChannel(1);
    const [returned, received] = await scope(async (s) => {
      const producer = s.spawn(
        (herd, tx, label) => {
          // Typed, not `any`: each typo below fails to compile (the function runs in a thread, so
          // its checks are the compiler's, not expectTypeOf's).
          // @ts-expect-error the herd has `memory`, not `memroy`
          herd.memroy;
          // @ts-expect-error a Sender has `send`, not `sned`
          tx.sned;
          // @ts-expect-error a string has no `toFixed`
          label.toFixed;
          const p = herd.scoped((bump) => bump.allocStr(label));
          tx.send(p);
          return p;
        },
        herd,
        tx,
        'typed',
      );
      expectTypeOf(producer).toEqualTypeOf<JoinHandle<number>>();
      const consumer = s.spawn(async (rx: Receiver) => rx.recv(), rx);
      expectTypeOf(consumer).toEqualTypeOf<JoinHandle<number>>();
      return [await producer.join(), await consumer.join()];
    });
    expect(received).toBe(returned);
    expect(herd.memory.str(received!)).toBe('typed');
  });
});
