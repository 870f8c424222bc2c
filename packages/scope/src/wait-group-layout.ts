// The shared memory of one WaitGroup: one word holds the count and whether the group is broken,
// so that a change and the state a waiter parks on are the same word.
//
//   byte 0     +----------------------------------+
//              | COUNT                            |  the count (bits 0-29) | BROKEN (bit 30)
//   byte 4     | BROKEN_BY                        |  owner tag of the thread whose death broke it
//   byte 60    | KIND = WAIT_GROUP_KIND           |
//   byte 64    +----------------------------------+
//
// `add` and `done` change the count with one compare-exchange (refusing to go below zero); the one
// that brings it to zero clears BROKEN and notifies every waiter parked on COUNT. BROKEN is set when
// a thread the group crossed into died while the count was above zero: that thread may have owed
// a `done()` that will never come. Waits then throw rather than wait forever, until the count
// reaches zero all the same (the dead thread had done its share), which mends the group.

/** Int32 index of each word. */
export const COUNT = 0;
export const BROKEN_BY = 1;

export const COUNT_MASK = (1 << 30) - 1;
/** In COUNT: a thread the group crossed into died while the count was above zero. */
export const BROKEN = 1 << 30;

/** The largest count. */
export const MAX_COUNT = COUNT_MASK;

export const WAIT_GROUP_WORDS = 16;
