import { show } from '@herd/shared';
import { ChannelCore } from './channel-core.js';
import { MAX_CAPACITY } from './channel-layout.js';
import { EndOwnership } from './end-ownership.js';
import { Receiver } from './receiver.js';
import { Sender } from './sender.js';

/**
 * The capacity `channel()` uses when none is given.
 *
 * @example
 * ```ts
 * const [tx] = channel();
 * tx.capacity === DEFAULT_CHANNEL_CAPACITY; // true (65,536)
 * ```
 */
export const DEFAULT_CHANNEL_CAPACITY = 65_536;

/**
 * A bounded many-to-many channel of numbers (Ptrs) in a SharedArrayBuffer ring, as crossbeam's
 * `bounded`. Senders wait while it holds `capacity` values; capacity 0 makes a rendezvous
 * channel, where each send waits until a receiver took the value.
 *
 * @param capacity - how many values it holds, an integer from 0 to 2^24
 * @returns `[sender, receiver]`; clone either end for more producers or consumers
 * @throws RangeError / TypeError when `capacity` is not such an integer
 * @example
 * ```ts
 * const [tx, rx] = syncChannel(10);
 * await scope((s) => {
 *   s.spawn((herd, tx) => { const bump = herd.get(); tx.send(bump.allocStr('Hello')); bump.release(); tx.close(); }, herd, tx);
 *   s.spawn((herd, rx) => { for (const p of rx) console.log(herd.memory.str(p)); }, herd, rx);
 * });
 * ```
 */
export function syncChannel(capacity: number): [Sender, Receiver] {
  if (typeof capacity !== 'number') throw new TypeError(`capacity must be a number, got ${show(capacity)}`);
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > MAX_CAPACITY) {
    throw new RangeError(`capacity must be an integer from 0 to ${MAX_CAPACITY}, got ${capacity}`);
  }
  // Each end has its own view (its cached positions are its own).
  const core = ChannelCore.create(capacity);
  return [
    new Sender(core, new EndOwnership()),
    new Receiver(new ChannelCore(core.buffer), new EndOwnership()),
  ];
}

/**
 * A channel for when no particular bound matters: a `syncChannel` of a large capacity (65,536
 * values by default: 512 KiB of 8-byte slots, plus a 4.4 KiB control block), since shared
 * memory cannot grow without bound. Senders only wait if receivers fall that far behind.
 *
 * @param capacity - defaults to `DEFAULT_CHANNEL_CAPACITY`
 * @returns `[sender, receiver]`
 * @example
 * ```ts
 * const [tx, rx] = channel();
 * tx.trySend(1); // true
 * ```
 */
export function channel(capacity: number = DEFAULT_CHANNEL_CAPACITY): [Sender, Receiver] {
  return syncChannel(capacity);
}
