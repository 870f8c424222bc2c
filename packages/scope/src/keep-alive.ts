// A pending `Atomics.waitAsync` does not keep Node's event loop alive (nodejs/node#61941): a
// process whose only work is an awaited `recvAsync()` would exit mid-await. Whoever awaits one
// holds the loop open with a ref'd timer for as long as any such wait is pending.

let holders = 0;
let timer: ReturnType<typeof setInterval> | undefined;

/** Holds the event loop open; call the returned function (once) when the wait settled. */
export function holdEventLoop(): () => void {
  if (holders++ === 0) timer = setInterval(() => {}, 1 << 30);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
