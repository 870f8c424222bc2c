import { Receiver, Sender } from '@herd/scope';
import { CaseUnavailable } from '../harness.js';

/**
 * The batch operations of `@herd/scope` channels (issue 16). The cases that use them are written
 * against this shape and are skipped, saying why, where the installed `@herd/scope` has not got
 * them yet.
 */
export interface BatchSender extends Sender {
  /** Blocking (threads): sends every number of `values`, in order. */
  sendMany(values: ArrayLike<number>): void;
  /** The main thread's form: awaits room as it goes. */
  sendManyAsync(values: ArrayLike<number>): Promise<void>;
}

export interface BatchReceiver extends Receiver {
  /** Blocking (threads): waits for a value, then takes what is there, up to `into.length`; 0 once closed and drained. */
  recvMany(into: Float64Array): number;
  /** The main thread's form. */
  recvManyAsync(into: Float64Array): Promise<number>;
}

/** Throws `CaseUnavailable` unless the channel ends have the batch operations. */
export function requireBatchChannels(): void {
  const missing = [
    ...(['sendMany', 'sendManyAsync'] as const).filter(
      (name) => typeof (Sender.prototype as Partial<BatchSender>)[name] !== 'function',
    ),
    ...(['recvMany', 'recvManyAsync'] as const).filter(
      (name) => typeof (Receiver.prototype as Partial<BatchReceiver>)[name] !== 'function',
    ),
  ];
  if (missing.length > 0) {
    throw new CaseUnavailable(
      `this @herd/scope has no ${missing.join(', ')} (the batch channel API of issue 16)`,
    );
  }
}
