// The entry of every thread a scope spawns: load the task, revive its arguments, run it, post
// one result, close the channel ends it still holds, and let the thread end by itself (so the
// thread's console output is flushed before its `exit` event).
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { encodeError } from './runtime/error-codec.js';
import { explainError } from './runtime/explain-error.js';
import { loadTask } from './runtime/task-codec.js';
import { endTask, THREAD_CONTEXT, type ThreadContext } from './runtime/thread-context.js';
import { reviveValues } from './runtime/value-codec.js';
import { isThreadData, type ThreadData, type ThreadResult } from './thread-protocol.js';

async function run(port: NonNullable<typeof parentPort>, data: ThreadData): Promise<void> {
  let result: ThreadResult;
  try {
    const fn = await loadTask(data.task);
    const args = await reviveValues(data.args);
    result = { ok: true, value: await fn(...args) };
  } catch (error) {
    result = { ok: false, error: encodeError(explainError(error, data.task)) };
  }
  endTask();
  try {
    port.postMessage(result);
  } catch (error) {
    const reason = new TypeError(
      `the thread's return value cannot be cloned back to the parent thread: ${(error as Error).message}`,
      { cause: error },
    );
    port.postMessage({ ok: false, error: encodeError(reason) } satisfies ThreadResult);
  }
}

if (parentPort && isThreadData(workerData)) {
  const context: ThreadContext = { id: threadId, main: false, task: new Map() };
  Object.defineProperty(globalThis, THREAD_CONTEXT, { value: context });
  void run(parentPort, workerData);
}
