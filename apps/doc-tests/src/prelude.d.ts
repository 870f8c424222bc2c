// What the examples take for granted: values a reader has from the sentences around an example
// (a `bump` made earlier, the `herd` of the previous block, a `pool`, a channel's ends). Each
// example is checked as a module of its own, with these in scope.
import type { Bump, Memory, Ptr } from '@herd/bump';
import type { Herd, Member } from '@herd/herd';
import type { ThreadPool } from '@herd/rayon-lite';
import type { Barrier, Condvar, Mutex, MutexGuard, Receiver, Scope, Sender, WaitGroup } from '@herd/scope';

declare global {
  const bump: Bump;
  const herd: Herd;
  const member: Member;
  const m: Memory;
  const p: Ptr;
  const q: Ptr;
  const pool: ThreadPool;
  const tx: Sender;
  const rx: Receiver;
  const s: Scope;
  // The sync primitives' examples: a lock and the shared memory it guards, and the others.
  const mutex: Mutex;
  const guard: MutexGuard;
  const shared: Int32Array;
  const cv: Condvar;
  const barrier: Barrier;
  const wg: WaitGroup;
}
