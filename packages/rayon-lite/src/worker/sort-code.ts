// The worker code of `parSort`'s two phases (see par-sort.ts), written into a pipeline's piece
// runner as its terminal. Each item of a phase is a run to sort or a segment of a merge to write.
//
// - `sortRuns`: run r, items [r·runLength, (r+1)·runLength), is sorted into `to` (read from
//   `from` when that is not null). Without a comparator by a least-significant-digit radix sort
//   on the items' bits — 11 bits a pass over keys that order as TypedArray#sort does (for floats:
//   the sign flips the other bits; NaNs are moved after +Infinity at the end) — measured ~3x
//   faster than TypedArray#sort's native code on 5M doubles. With a comparator, by a merge sort
//   that calls it inline (stable).
// - `mergeRuns`: runs 2k and 2k+1 of `from` (each sorted, `width` long) are merged into `to`.
//   Each merge is cut into `parts` segments of the output that workers write independently: a
//   segment finds where it starts in each run by binary search ("merge path"), then merges.
//   On ties the earlier run's item comes first, so the sort is stable.

/** How a kind of typed array is sorted by its bits: words per item, and the key of the words. */
interface KeyLayout {
  /** The unsigned view over the items' words. */
  view: 'Uint32Array' | 'Uint16Array' | 'Uint8Array';
  /** 2 for 8-byte items (low word first: little-endian), else 1. */
  words: 1 | 2;
  /** The key's bits: an unsigned number per word that orders as TypedArray#sort orders the items. */
  key: (word: string, high: string) => string;
  /** Digit sizes, least significant first. */
  digits: number[];
  float: boolean;
}

const LAYOUTS: Record<string, KeyLayout> = {
  Float64Array: {
    view: 'Uint32Array',
    words: 2,
    // Negative: flip every bit; positive: flip the sign bit (the low word is flipped with the high one).
    key: (w, high) => `((${w} ^ ((${high} >> 31) | ${w === high ? '0x80000000' : '0'})) >>> 0)`,
    digits: [11, 11, 11, 11, 11, 9],
    float: true,
  },
  BigInt64Array: {
    view: 'Uint32Array',
    words: 2,
    key: (w, high) => (w === high ? `((${w} ^ 0x80000000) >>> 0)` : w),
    digits: [11, 11, 11, 11, 11, 9],
    float: false,
  },
  BigUint64Array: {
    view: 'Uint32Array',
    words: 2,
    key: (w) => w,
    digits: [11, 11, 11, 11, 11, 9],
    float: false,
  },
  Float32Array: {
    view: 'Uint32Array',
    words: 1,
    key: (w) => `((${w} ^ ((${w} >> 31) | 0x80000000)) >>> 0)`,
    digits: [11, 11, 10],
    float: true,
  },
  Int32Array: {
    view: 'Uint32Array',
    words: 1,
    key: (w) => `((${w} ^ 0x80000000) >>> 0)`,
    digits: [11, 11, 10],
    float: false,
  },
  Uint32Array: { view: 'Uint32Array', words: 1, key: (w) => w, digits: [11, 11, 10], float: false },
  Int16Array: { view: 'Uint16Array', words: 1, key: (w) => `(${w} ^ 0x8000)`, digits: [8, 8], float: false },
  Uint16Array: { view: 'Uint16Array', words: 1, key: (w) => w, digits: [8, 8], float: false },
  Int8Array: { view: 'Uint8Array', words: 1, key: (w) => `(${w} ^ 0x80)`, digits: [8], float: false },
  Uint8Array: { view: 'Uint8Array', words: 1, key: (w) => w, digits: [8], float: false },
  Uint8ClampedArray: { view: 'Uint8Array', words: 1, key: (w) => w, digits: [8], float: false },
};

/**
 * Digit `pass` of a key as an expression: `lo`/`hi` are the key's words (`lo` alone for one-word
 * keys), digits counted from the least significant bit.
 */
function digitExpression(layout: KeyLayout, pass: number): string {
  const shift = layout.digits.slice(0, pass).reduce((a, b) => a + b, 0);
  const mask = (1 << layout.digits[pass]!) - 1;
  if (layout.words === 1) return shift === 0 ? `(lo & ${mask})` : `((lo >>> ${shift}) & ${mask})`;
  if (shift + layout.digits[pass]! <= 32)
    return shift === 0 ? `(lo & ${mask})` : `((lo >>> ${shift}) & ${mask})`;
  if (shift >= 32) return shift === 32 ? `(hi & ${mask})` : `((hi >>> ${shift - 32}) & ${mask})`;
  return `(((lo >>> ${shift}) | (hi << ${32 - shift})) & ${mask})`;
}

/** The statements that read item `i` of word view `S` into `lo`/`hi` (raw words) and `klo`/`khi` (key words). */
function readItem(layout: KeyLayout, view: string, i: string): string {
  if (layout.words === 1) return `const w = ${view}[${i}]; const lo = ${layout.key('w', 'w')};`;
  return `const w0 = ${view}[2 * ${i}]; const w1 = ${view}[2 * ${i} + 1]; const lo = ${layout.key('w0', 'w1')}; const hi = ${layout.key('w1', 'w1')};`;
}

function writeItem(layout: KeyLayout, view: string, p: string): string {
  return layout.words === 1 ? `${view}[${p}] = w;` : `${view}[2 * ${p}] = w0; ${view}[2 * ${p} + 1] = w1;`;
}

/** Sorting a run by the bits of its items, from `src` (words) into `out` (words), `len` items. */
function radixCode(layout: KeyLayout): string {
  const { digits, words } = layout;
  const buckets = digits.map((d) => 1 << d);
  const offsets = buckets.map((_, k) => buckets.slice(0, k).reduce((a, b) => a + b, 0));
  const total = buckets.reduce((a, b) => a + b, 0);
  const count = digits.map((_, k) => `counts[${offsets[k]} + ${digitExpression(layout, k)}]++;`).join(' ');
  const passes = digits
    .map(
      (_, k) => `  if (!constant[${k}]) {
    const D = (passes - 1 - done) % 2 === 0 ? out : tmp;
    let sum = 0;
    for (let d = ${offsets[k]}; d < ${offsets[k]! + buckets[k]!}; d++) { const c = counts[d]; counts[d] = sum; sum += c; }
    for (let i = 0; i < len; i++) { ${readItem(layout, 'S', 'i')} const p = counts[${offsets[k]} + ${digitExpression(layout, k)}]++; ${writeItem(layout, 'D', 'p')} }
    S = D;
    done++;
  }`,
    )
    .join('\n');
  return `const counts = new Uint32Array(${total});
const constant = new Array(${digits.length}).fill(false);
function radixSort(src, out, len) {
  counts.fill(0);
  for (let i = 0; i < len; i++) { ${readItem(layout, 'src', 'i')} ${count} }
  // A digit every item shares orders nothing: its pass is skipped.
  let passes = 0;
  ${digits
    .map(
      (_, k) =>
        `constant[${k}] = false; for (let d = ${offsets[k]}; d < ${offsets[k]! + buckets[k]!}; d++) if (counts[d] === len) { constant[${k}] = true; break; } if (!constant[${k}]) passes++;`,
    )
    .join('\n  ')}
  if (passes === 0) { if (src !== out) out.set(src); return; }
  const tmp = new ${layout.view}(len * ${words});
  let S = src;
  // The passes alternate between out and tmp so that the last writes out; sorting in place an
  // odd number of passes, the items first move to tmp.
  if (src === out && passes % 2 === 1) { tmp.set(src); S = tmp; }
  let done = 0;
${passes}
}`;
}

/**
 * The code of a sort phase: functions declared once per call, and the statement run per item.
 *
 * @param kind - the typed array's kind, e.g. `'Float64Array'`
 * @param compare - the index of the user's comparator among the pipeline's callbacks, or null
 */
export function sortPhaseCode(
  op: 'sortRuns' | 'mergeRuns',
  kind: string,
  compare: number | null,
): { decls: string; consume: (v: string) => string } {
  // A kind without a layout here (Float16Array, where there is one) is sorted by TypedArray#sort.
  const layout = LAYOUTS[kind] ?? null;
  const float = kind.startsWith('Float');
  return op === 'sortRuns' ? sortRunsCode(layout, compare) : mergeRunsCode(float, compare);
}

const NATIVE_SORT_RUN = `function sortRun(r) {
  const lo = r * runLength;
  const hi = Math.min(sortTo.length, lo + runLength);
  at = lo;
  const run = sortTo.subarray(lo, hi);
  if (sortFrom !== null) run.set(sortFrom.subarray(lo, hi));
  run.sort();
}`;

function sortRunsCode(
  layout: KeyLayout | null,
  compare: number | null,
): { decls: string; consume: (v: string) => string } {
  return {
    decls: `const runLength = terminal.runLength;
const sortFrom = env.sortFrom;
const sortTo = env.sortTo;
${compare !== null ? byCompareCode(compare) : layout === null ? NATIVE_SORT_RUN : byBitsCode(layout)}`,
    consume: (v) => `sortRun(${v});`,
  };
}

function byBitsCode(layout: KeyLayout): string {
  const view = layout.view;
  const nanLast = layout.float
    ? `// Negative NaNs have the smallest keys: they go after the positive ones, at the end.
  const sorted = sortTo.subarray(lo, hi);
  let nans = 0;
  while (nans < len && sorted[nans] !== sorted[nans]) nans++;
  if (nans > 0) { const moved = sorted.slice(0, nans); sorted.copyWithin(0, nans); sorted.set(moved, len - nans); }`
    : '';
  return `const toWords = new ${view}(sortTo.buffer, sortTo.byteOffset, sortTo.length * ${layout.words});
const fromWords = sortFrom === null ? null : new ${view}(sortFrom.buffer, sortFrom.byteOffset, sortFrom.length * ${layout.words});
${radixCode(layout)}
// The radix sort reads an item's low word first (little-endian); elsewhere TypedArray#sort sorts.
const sortNatively = new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1;
${NATIVE_SORT_RUN.replace('function sortRun(', 'function sortRunNatively(')}
function sortRun(r) {
  if (sortNatively) return sortRunNatively(r);
  const lo = r * runLength;
  const hi = Math.min(sortTo.length, lo + runLength);
  const len = hi - lo;
  at = lo;
  const out = toWords.subarray(lo * ${layout.words}, hi * ${layout.words});
  radixSort(fromWords === null ? out : fromWords.subarray(lo * ${layout.words}, hi * ${layout.words}), out, len);
  ${nanLast}
}`;
}

/**
 * Runs sorted with the user's comparator: by a merge sort written here, which calls it inline;
 * TypedArray#sort(compare) calls it through the engine, measured ~2x slower.
 */
function byCompareCode(compare: number): string {
  return `${afterFunction(compare)}
const Kind = sortTo.constructor;
function sortRun(r) {
  const lo = r * runLength;
  const hi = Math.min(sortTo.length, lo + runLength);
  at = lo;
  const run = sortTo.subarray(lo, hi);
  if (sortFrom !== null) run.set(sortFrom.subarray(lo, hi));
  mergeSort(run, new Kind(hi - lo));
}
/** Stable: insertion sort of blocks of 32, then merges of pairs of blocks, back and forth with tmp. */
function mergeSort(a, tmp) {
  const n = a.length;
  for (let lo = 0; lo < n; lo += 32) {
    const hi = Math.min(n, lo + 32);
    for (let i = lo + 1; i < hi; i++) {
      const x = a[i];
      let j = i - 1;
      while (j >= lo && after(a[j], x)) {
        a[j + 1] = a[j];
        j--;
      }
      a[j + 1] = x;
    }
  }
  let src = a;
  let dst = tmp;
  for (let width = 32; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(n, lo + width);
      const hi = Math.min(n, lo + 2 * width);
      if (mid >= hi || !after(src[mid - 1], src[mid])) {
        dst.set(src.subarray(lo, hi), lo);
        continue;
      }
      let i = lo;
      let j = mid;
      let o = lo;
      while (i < mid && j < hi) {
        const x = src[i];
        const y = src[j];
        if (after(x, y)) {
          dst[o++] = y;
          j++;
        } else {
          dst[o++] = x;
          i++;
        }
      }
      if (i < mid) dst.set(src.subarray(i, mid), o);
      else dst.set(src.subarray(j, hi), o);
    }
    const swap = src;
    src = dst;
    dst = swap;
  }
  if (src !== a) a.set(src);
}`;
}

/**
 * `after(x, y)`: whether the comparator puts `x` strictly after `y` (`compare(x, y) > 0`, as
 * Array.prototype.sort reads it); a thenable result is refused.
 */
function afterFunction(compare: number): string {
  return `function after(x, y) { step = ${compare}; const c = F${compare}(x, y); if (typeof c !== 'number' && isThenable(c)) throw syncFailure(${compare}, c); return c > 0; }`;
}

/**
 * Whether `y` (from the later run) goes strictly before `x`, as the body of `before(y, x)`.
 * Floats follow TypedArray#sort: -0 before +0, NaN last.
 */
function beforeBody(float: boolean, compare: number | null): string {
  if (compare !== null) return 'return after(x, y);';
  if (float) return 'return y < x || (x !== x && y === y) || (y === 0 && x === 0 && 1 / y < 1 / x);';
  return 'return y < x;';
}

function mergeRunsCode(
  float: boolean,
  compare: number | null,
): { decls: string; consume: (v: string) => string } {
  return {
    decls: `const width = terminal.width;
const parts = terminal.parts;
const from = env.sortFrom;
const to = env.sortTo;
const total = to.length;
${compare === null ? '' : afterFunction(compare)}
function before(y, x) { ${beforeBody(float, compare)} }
/** How many of the first k items of merge(a, b) come from a (a = from[a0, a0+na), b = from[b0, b0+nb)). */
function corank(k, a0, na, b0, nb) {
  let lo = Math.max(0, k - nb);
  let hi = Math.min(k, na);
  while (lo < hi) {
    const i = Math.floor((lo + hi) / 2);
    if (before(from[b0 + k - i - 1], from[a0 + i])) hi = i;
    else lo = i + 1;
  }
  return lo;
}
function mergeSegment(s) {
  const pair = Math.floor(s / parts);
  const part = s - pair * parts;
  const a0 = pair * 2 * width;
  const a1 = Math.min(total, a0 + width);
  const b1 = Math.min(total, a1 + width);
  const na = a1 - a0;
  const nb = b1 - a1;
  const k1 = Math.floor((part * (na + nb)) / parts);
  const k2 = Math.floor(((part + 1) * (na + nb)) / parts);
  let o = a0 + k1;
  const oEnd = a0 + k2;
  at = o;
  if (o === oEnd) return;
  if (nb === 0) {
    to.set(from.subarray(o, oEnd), o);
    return;
  }
  let i = a0 + corank(k1, a0, na, a1, nb);
  let j = a1 + (k1 - (i - a0));
  while (o < oEnd && i < a1 && j < b1) {
    const x = from[i];
    const y = from[j];
    if (before(y, x)) {
      to[o++] = y;
      j++;
    } else {
      to[o++] = x;
      i++;
    }
  }
  if (o < oEnd) {
    if (i < a1) to.set(from.subarray(i, i + (oEnd - o)), o);
    else to.set(from.subarray(j, j + (oEnd - o)), o);
  }
}`,
    consume: (v) => `mergeSegment(${v});`,
  };
}
