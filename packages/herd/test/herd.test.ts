import { AllocError as BumpAllocError } from '@herd/bump';
import { describe, expect, it } from 'vitest';
import { AllocError, Herd, HerdBusyError, MemberReleasedError, UseAfterResetError } from '../src/index.js';
import { assertDisjoint } from './helpers.js';

const small = () => new Herd({ maxBytes: 1 << 20, chunkSize: 1024 });

describe('Herd', () => {
  it('should reject options that are not numbers or out of range, naming them', () => {
    expect(() => new Herd({ maxBytes: 2 ** 32 + 16 })).toThrow(RangeError);
    expect(() => new Herd({ maxBytes: 2 ** 32 + 16 })).toThrow(/options\.maxBytes/);
    expect(() => new Herd({ maxBytes: '1' as unknown as number })).toThrow(TypeError);
    expect(() => new Herd({ maxBytes: 1.5e6 + 0.5 })).toThrow(/options\.maxBytes/);
    expect(() => new Herd({ chunkSize: 8 })).toThrow(/options\.chunkSize/);
    expect(() => new Herd({ maxMembers: 0 })).toThrow(/options\.maxMembers/);
    expect(() => new Herd(null as unknown as object)).toThrow(TypeError);
  });

  it('should hand out members that allocate and whose data outlives them', () => {
    const herd = small();
    const bump = herd.get();
    const p = bump.alloc(16);
    bump.memory.f64[p >>> 3] = 1.5;
    const s = bump.allocStr('héllo 🌍');
    bump.release();
    expect(herd.memory.f64[p >>> 3]).toBe(1.5);
    expect(herd.memory.str(s)).toBe('héllo 🌍');
    expect(bump.memory).toBe(herd.memory);
  });

  it('should never hand out Ptr 0', () => {
    const herd = small();
    const bump = herd.get();
    expect(bump.alloc(0)).not.toBe(0);
    expect(bump.alloc(8)).not.toBe(0);
  });

  it('should have every allocation method of Bump on a member', () => {
    const herd = small();
    using bump = herd.get();
    const z = bump.allocZeroed(32);
    expect([...herd.memory.u8.subarray(z, z + 32)].every((b) => b === 0)).toBe(true);
    expect([...bump.allocSlice(Int16Array, 4)]).toEqual([0, 0, 0, 0]);
    expect([...bump.allocSliceCopy(new Float64Array([1, 2]))]).toEqual([1, 2]);
    expect([...bump.allocSliceFill(BigInt64Array, 2, 5n)]).toEqual([5n, 5n]);
    expect([...bump.allocSliceFillWith(Uint8Array, 3, (i) => i * 2)]).toEqual([0, 2, 4]);
    expect(bump.tryAlloc(2 << 20)).toBeNull();
  });

  it('should continue a released member in the same chunk on the next get (rescue)', () => {
    const herd = small();
    const first = herd.get();
    const a = first.alloc(24);
    first.release();
    const second = herd.get();
    const b = second.alloc(8);
    expect(b).toBe(a + 24);
    second.release();
    expect(herd.allocatedBytes()).toBe(1024);
  });

  it('should give two leased members disjoint chunks', () => {
    const herd = small();
    const a = herd.get();
    const b = herd.get();
    const ranges: Array<[number, number]> = [];
    for (let i = 0; i < 200; i++) {
      const size = 1 + ((i * 37) % 200);
      ranges.push([a.alloc(size, 1), 0], [b.alloc(size, 1), 0]);
      ranges[ranges.length - 2]![1] = ranges[ranges.length - 2]![0] + size;
      ranges[ranges.length - 1]![1] = ranges[ranges.length - 1]![0] + size;
    }
    expect(() => assertDisjoint(ranges)).not.toThrow();
    a.release();
    b.release();
  });

  it('should count leases in leased() and refuse reset while any is out, saying how many', () => {
    const herd = small();
    const a = herd.get();
    const b = herd.get();
    expect(herd.leased()).toBe(2);
    expect(() => herd.reset()).toThrow(HerdBusyError);
    expect(() => herd.reset()).toThrow(/2 members are leased \(thread 0 \(a main thread\): 2\)/);
    try {
      herd.reset();
    } catch (e) {
      expect((e as HerdBusyError).leased).toBe(2);
    }
    a.release();
    b[Symbol.dispose]();
    expect(herd.leased()).toBe(0);
    herd.reset();
  });

  it('should reuse memory after reset and free it all in one step', () => {
    const herd = small();
    const bump = herd.get();
    const first = bump.alloc(64);
    for (let i = 0; i < 100; i++) bump.allocStr(`string ${i}`);
    bump.release();
    expect(herd.allocatedBytes()).toBeGreaterThan(0);
    herd.reset();
    expect(herd.allocatedBytes()).toBe(0);
    const again = herd.get();
    expect(again.alloc(64)).toBe(first);
    again.release();
  });

  it('should refuse use of a released member, and of one from before a reset', () => {
    const herd = small();
    const bump = herd.get();
    bump.alloc(8);
    bump.release();
    expect(bump.leased).toBe(false);
    expect(() => bump.alloc(8)).toThrow(MemberReleasedError);
    expect(() => bump.allocStr('x')).toThrow(MemberReleasedError);
    expect(() => bump.tryAlloc(8)).toThrow(MemberReleasedError);
    bump.release(); // a second release does nothing
    expect(herd.leased()).toBe(0);
    herd.reset();
    expect(() => bump.alloc(8)).toThrow(MemberReleasedError);
  });

  it('should fail with AllocError on the member that runs out, leaving others and data intact', () => {
    const herd = new Herd({ maxBytes: 64 << 10, chunkSize: 4096 });
    const a = herd.get();
    const b = herd.get();
    const kept = b.allocStr('still here');
    expect(() => a.alloc(1 << 20)).toThrow(RangeError); // over the whole reservation: bad input
    let filled = 0;
    for (;;) {
      const p = a.tryAlloc(1000);
      if (p === null) break;
      filled++;
    }
    expect(filled).toBeGreaterThan(10);
    expect(() => a.alloc(1000)).toThrow(AllocError);
    expect(() => a.alloc(1000)).toThrow(/used up/);
    expect(herd.memory.str(kept)).toBe('still here');
    expect(b.alloc(16)).toBeGreaterThan(0); // b still has room in its own chunk
    a.release();
    b.release();
    herd.reset();
    const c = herd.get();
    expect(c.alloc(1000)).toBeGreaterThan(0);
    c.release();
  });

  it('should give back the chunk a failed allocSliceFillWith took, so failures never pile up', () => {
    const herd = new Herd({ maxBytes: 1 << 24, chunkSize: 1 << 16 });
    const bump = herd.get();
    const first = bump.alloc(8);
    const before = herd.allocatedBytes();
    for (let round = 0; round < 6; round++) {
      expect(() =>
        bump.allocSliceFillWith(Float64Array, 100_000, (i) => {
          if (i === 99_999) throw new Error('fill failed');
          return i;
        }),
      ).toThrow('fill failed');
      expect(herd.allocatedBytes()).toBe(before);
    }
    expect(bump.alloc(8)).toBe(first + 8);
    const other = herd.get();
    expect(() =>
      bump.allocSliceFillWith(Float64Array, 100_000, () => {
        other.alloc(8); // another member carves after this one's new chunk: that chunk is kept, empty
        throw new Error('again');
      }),
    ).toThrow('again');
    const kept = herd.allocatedBytes();
    expect(kept).toBeGreaterThan(before + 800_000);
    expect(() =>
      bump.allocSliceFillWith(Float64Array, 100_000, () => {
        throw new Error('and again');
      }),
    ).toThrow('and again');
    expect(herd.allocatedBytes()).toBe(kept);
    bump.release();
    other.release();
  });

  it('should export AllocError and rebuild its errors by name across threads', () => {
    expect(AllocError).toBe(BumpAllocError);
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for('@herd/error-classes')
    ]!;
    expect(registry.get('HerdBusyError')).toBe(HerdBusyError);
    expect(registry.get('MemberReleasedError')).toBe(MemberReleasedError);
  });

  it('should work at the largest reservation, 4 GiB, with Ptrs past 2^31', () => {
    const herd = new Herd({ maxBytes: 2 ** 32 });
    const bump = herd.get();
    bump.alloc(2 ** 31 + 1000, 16); // reserved, never touched: no memory is committed for it
    const s = bump.allocStr('past two gigabytes');
    const p = bump.alloc(16);
    herd.memory.f64[p >>> 3] = 2.5;
    const slice = bump.allocSliceCopy(new Float64Array([1, 2, 3]));
    expect(s).toBeGreaterThan(2 ** 31);
    expect(herd.memory.str(s)).toBe('past two gigabytes');
    expect(herd.memory.f64[p >>> 3]).toBe(2.5);
    expect([...slice]).toEqual([1, 2, 3]);
    expect(herd.memory.f64.length).toBe(2 ** 29);
    bump.release();
    herd.reset();
  });

  it('should refuse a get when every member slot is leased, and recover after a release', () => {
    const herd = new Herd({ maxBytes: 1 << 20, maxMembers: 2 });
    const a = herd.get();
    const b = herd.get();
    expect(() => herd.get()).toThrow(HerdBusyError);
    expect(herd.leased()).toBe(2);
    a.release();
    const c = herd.get();
    expect(herd.leased()).toBe(2);
    b.release();
    c.release();
  });

  it('should return the main thread leases through releaseThread and ignore their later release', () => {
    const herd = small();
    const a = herd.get();
    const p = a.allocStr('abandoned');
    herd.get();
    expect(herd.releaseThread(0)).toBe(2);
    expect(herd.leased()).toBe(0);
    expect(herd.memory.str(p)).toBe('abandoned');
    expect(() => a.alloc(1 << 16)).toThrow(MemberReleasedError); // needs a chunk: the lease is checked
    a.release();
    expect(herd.leased()).toBe(0);
    const b = herd.get();
    expect(b.alloc(8)).toBeGreaterThan(p); // the abandoned chunk is not handed out again
    b.release();
    expect(() => herd.releaseThread(-1)).toThrow(RangeError);
  });

  it('should round-trip through toShared and fromShared to the same memory and members', () => {
    const herd = small();
    const bump = herd.get();
    const p = bump.allocStr('shared');
    bump.release();
    const twin = Herd.fromShared(herd.toShared());
    expect(twin.memory.str(p)).toBe('shared');
    const m = twin.get();
    expect(herd.leased()).toBe(1);
    expect(() => herd.reset()).toThrow(HerdBusyError);
    m.release();
    herd.reset();
    expect(twin.allocatedBytes()).toBe(0);
  });

  it('should reject a descriptor that is not a herd', () => {
    expect(() => Herd.fromShared(null as never)).toThrow(TypeError);
    expect(() => Herd.fromShared({ buffer: new ArrayBuffer(64) } as never)).toThrow(/SharedArrayBuffer/);
    expect(() => Herd.fromShared({ buffer: new SharedArrayBuffer(256) } as never)).toThrow(/magic/);
    const d = small().toShared();
    new Int32Array(d.buffer)[1] = 99;
    expect(() => Herd.fromShared(d)).toThrow(/layout version 99/);
  });

  it('should refuse a descriptor whose buffer is shorter than its header says', () => {
    const herd = small();
    const whole = new Uint8Array(herd.toShared().buffer);
    const cut = new SharedArrayBuffer(whole.length / 2);
    new Uint8Array(cut).set(whole.subarray(0, cut.byteLength));
    expect(() => Herd.fromShared({ kind: 'herd', version: 2, buffer: cut })).toThrow(TypeError);
    expect(() => Herd.fromShared({ kind: 'herd', version: 2, buffer: cut })).toThrow(
      /is 524288 bytes but its header describes a herd of 1048576/,
    );
  });

  it('should name the threads that hold leases when it refuses, and call a leak a leak', () => {
    const herd = new Herd({ maxBytes: 1 << 20, maxMembers: 4 });
    const held = [herd.get(), herd.get(), herd.get()];
    const refused = (() => {
      try {
        herd.reset();
      } catch (e) {
        return e as HerdBusyError;
      }
      throw new Error('reset should have refused');
    })();
    expect(refused).toBeInstanceOf(HerdBusyError);
    expect(refused.holders).toEqual(new Map([[0, 3]]));
    expect(refused.message).toMatch(/3 members are leased \(thread 0 \(a main thread\): 3\)/);
    held.push(herd.get());
    expect(() => herd.get()).toThrow(
      /thread 0 \(this one\) holds 4 of them. A member leased per item and never released\?/,
    );
    for (const member of held) member.release();
    const few = new Herd({ maxBytes: 1 << 20, maxMembers: 4 });
    const twin = Herd.fromShared(few.toShared());
    const mine = [few.get()];
    // Leases held by another thread (ids forged through the table's owner word for the test).
    const words = new Int32Array(few.toShared().buffer);
    for (let k = 0; k < 3; k++) mine.push(twin.get());
    for (let slot = 1; slot < 4; slot++) words[16 + slot * 8 + 5] = 7;
    expect(() => few.get()).toThrow(/raise the herd's maxMembers \(4\)/);
    expect(few.releaseThread(7)).toBe(3);
    mine[0]!.release();
  });

  it('should free the lock of a thread that died holding it, through releaseThread', () => {
    const herd = small();
    const words = new Int32Array(herd.toShared().buffer);
    // Thread 9 took the lock (word 5 holds its id + 1) and was terminated there.
    words[5] = 10;
    expect(herd.releaseThread(9)).toBe(0);
    expect(words[5]).toBe(0);
    const member = herd.get();
    member.release();
  });

  it('should lease a member for the length of a function, sync or async, and release it however it ends', async () => {
    const herd = small();
    const p = herd.scoped((bump) => bump.allocStr('kept'));
    expect(herd.memory.str(p)).toBe('kept');
    expect(herd.leased()).toBe(0);
    const q = herd.scoped(async (bump) => {
      // A timer, not a microtask: the member must stay leased across a real turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(herd.leased()).toBe(1);
      return bump.allocStr('later');
    });
    expect(herd.memory.str(await q)).toBe('later');
    expect(herd.leased()).toBe(0);
    expect(() =>
      herd.scoped(() => {
        throw new RangeError('inside');
      }),
    ).toThrow(RangeError);
    await expect(
      herd.scoped(async () => {
        throw new RangeError('inside, later');
      }),
    ).rejects.toThrow(RangeError);
    expect(herd.leased()).toBe(0);
    expect(() => herd.scoped(5 as never)).toThrow(/fn must be a function, got 5/);
  });

  it('should describe itself for the crossing protocol', () => {
    const herd = small();
    const crossing = (herd as unknown as Record<symbol, () => Record<string, unknown>>)[
      Symbol.for('@herd/crossing')
    ]!();
    expect(crossing.revive).toBe('Herd.fromShared');
    expect(typeof crossing.module).toBe('string');
    herd.get();
    const done = crossing.done as (id: number, died: boolean) => void;
    done(0, false); // the task ended: the thread gave back what it leased itself
    expect(herd.leased()).toBe(1);
    done(0, true); // the thread died mid-task: its leases are taken back
    expect(herd.leased()).toBe(0);
  });
});

describe('Herd({ debug: true })', () => {
  it('should poison what reset freed, so a read through a stale Ptr throws, in every thread', async () => {
    const herd = new Herd({ maxBytes: 1 << 20, debug: true });
    const p = herd.scoped((bump) => bump.allocStr('before the reset'));
    expect(herd.memory.str(p)).toBe('before the reset');
    herd.reset();
    expect(() => herd.memory.str(p)).toThrow(UseAfterResetError);
    expect(() => Herd.fromShared(herd.toShared()).memory.str(p)).toThrow(UseAfterResetError);
    // Allocated and written again, the memory reads as what was written.
    const q = herd.scoped((bump) => bump.allocStr('after'));
    expect(herd.memory.str(q)).toBe('after');
    expect(() => new Herd({ debug: 'yes' as never })).toThrow(/options\.debug must be a boolean/);
  });

  it('should cost nothing when off: a plain herd reads stale memory as it lies', () => {
    const herd = new Herd({ maxBytes: 1 << 20 });
    const p = herd.scoped((bump) => bump.allocStr('stale'));
    herd.reset();
    expect(herd.memory.str(p)).toBe('stale');
  });
});
