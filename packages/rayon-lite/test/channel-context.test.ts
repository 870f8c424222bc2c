import { Herd } from '@herd/herd';
import { join, par, range, ThreadPool } from '@herd/rayon-lite';
import { Receiver, Sender, syncChannel } from '@herd/scope';
import { afterAll, describe, expect, it } from 'vitest';

const pool = new ThreadPool({ numThreads: 2 });
afterAll(() => pool.close());

/**
 * A channel end moves into one thread; a pool call revives its context on every worker taking
 * part, and each copy would think it is the only sender (or receiver): the call would hang or
 * deliver values twice. Such a context is refused before anything is sent.
 */
describe('a channel end in the context of a pool call', () => {
  it('should be refused by with(ctx), naming the property, and the end stays usable', () => {
    const [tx, rx] = syncChannel(4);
    expect(() => pool.par(range(0, 10)).with({ tx })).toThrow(TypeError);
    expect(() => pool.par(range(0, 10)).with({ n: 1, tx })).toThrow(
      /^with\(ctx\): ctx\.tx is a channel Sender: a channel end moves into one thread, and a parallel call runs on several/,
    );
    expect(() => par([1]).with({ rx })).toThrow(/with\(ctx\): ctx\.rx is a channel Receiver/);
    expect(() => par([1]).with(tx)).toThrow(/with\(ctx\): ctx is a channel Sender/);
    expect(() => par([1]).with(rx)).toThrow(/with\(ctx\): ctx is a channel Receiver/);
    expect(() => par([1]).with([0, rx])).toThrow(/with\(ctx\): ctx\[1\] is a channel Receiver/);
    // Nothing was moved: the ends still work here.
    expect(tx).toBeInstanceOf(Sender);
    expect(rx).toBeInstanceOf(Receiver);
    expect(tx.trySend(7)).toBe(true);
    expect(rx.tryRecv()).toBe(7);
  });

  it("should be refused by join's ctx", async () => {
    const [tx, rx] = syncChannel(4);
    await expect(
      pool.join(
        () => 1,
        () => 2,
        { tx },
      ),
    ).rejects.toThrow(/^join\(ctx\): ctx\.tx is a channel Sender/);
    await expect(
      join(
        () => 1,
        () => 2,
        rx,
        { pool },
      ),
    ).rejects.toThrow(/^join\(ctx\): ctx is a channel Receiver/);
    expect(tx.trySend(1)).toBe(true);
  });

  it('should still accept a herd and plain values', async () => {
    const herd = new Herd();
    try {
      const total = await pool
        .par(range(0, 100))
        .with({ herd, k: 2 })
        .map((i, { herd, k }) => (herd === undefined ? -1 : i * k))
        .sum();
      expect(total).toBe(9900);
      expect(
        await pool.join(
          ({ k }) => k,
          ({ herd }) => typeof herd,
          { herd, k: 3 },
        ),
      ).toEqual([3, 'object']);
    } finally {
      herd.reset();
    }
  });
});
