// Refuses what cannot be a pool call's context. A channel end (`Sender`, `Receiver`) moves into
// exactly one thread — each copy believes it is the only sender or receiver of its kind — while a
// pool call revives its context in every worker that takes part: the call would hang, or deliver
// values twice.
import { Receiver, Sender } from '@herd/scope';

/**
 * Throws when `ctx`, or one of its own properties, is a channel end.
 *
 * @param where - the parameter as the user knows it, e.g. `'with(ctx)'`
 * @throws TypeError naming the property
 */
export function checkContext(ctx: unknown, where: string): void {
  refuseChannelEnd(ctx, 'ctx', where);
  if (ctx === null || typeof ctx !== 'object' || ctx instanceof Sender || ctx instanceof Receiver) return;
  for (const key of Object.keys(ctx)) {
    const path = Array.isArray(ctx) ? `ctx[${key}]` : `ctx.${key}`;
    refuseChannelEnd((ctx as Record<string, unknown>)[key], path, where);
  }
}

function refuseChannelEnd(value: unknown, path: string, where: string): void {
  const kind = value instanceof Sender ? 'Sender' : value instanceof Receiver ? 'Receiver' : null;
  if (kind === null) return;
  throw new TypeError(
    `${where}: ${path} is a channel ${kind}: a channel end moves into one thread, and a parallel call runs on several; spawn a thread with @herd/scope for it, or collect the results`,
  );
}
