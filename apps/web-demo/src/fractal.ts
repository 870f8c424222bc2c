// The pure kernels of the demo: escape counts of the Mandelbrot set, one row at a time, and the
// relief shading of those counts. The threads and the page's own check run these same functions.

/** Which part of the plane a picture shows, and how finely. */
export interface View {
  /** The point at the picture's centre. */
  cx: number;
  cy: number;
  /** Plane units per pixel. */
  scale: number;
  width: number;
  height: number;
  /** Iterations after which a point counts as inside the set. */
  maxIter: number;
}

/** A view of the whole set, `width` x `height` pixels. */
export function homeView(width: number, height: number, maxIter = 600): View {
  return { cx: -0.6, cy: 0, scale: 3.2 / width, width, height, maxIter };
}

/** `view` zoomed `factor` times around pixel (`x`, `y`). */
export function zoomed(view: View, x: number, y: number, factor: number): View {
  return {
    ...view,
    cx: view.cx + (x - view.width / 2) * view.scale,
    cy: view.cy + (y - view.height / 2) * view.scale,
    scale: view.scale / factor,
  };
}

/** Writes the escape count of every pixel of `row` into `out[offset …]`. */
export function escapeRow(view: View, row: number, out: Uint16Array, offset: number): void {
  const { cx, cy, scale, width, height, maxIter } = view;
  const ci = cy + (row - height / 2) * scale;
  for (let col = 0; col < width; col++) {
    const cr = cx + (col - width / 2) * scale;
    let zr = 0;
    let zi = 0;
    let n = 0;
    while (n < maxIter) {
      const zr2 = zr * zr;
      const zi2 = zi * zi;
      if (zr2 + zi2 > 4) break;
      zi = 2 * zr * zi + ci;
      zr = zr2 - zi2 + cr;
      n++;
    }
    out[offset + col] = n;
  }
}

/** A smooth cyclic palette (a + b cos 2π(c t + d)), 0..255 per channel. */
function paletteChannel(t: number, phase: number): number {
  return 255 * (0.5 + 0.5 * Math.cos(2 * Math.PI * (t + phase)));
}

/**
 * Shades `row` as a lit relief: the counts are heights, lit from the top left, coloured by a
 * cyclic palette; points inside the set are black. `above`/`below` are the neighbouring rows
 * (the row itself at the picture's edges). Writes RGBA into `rgba[offset …]`.
 */
export function shadeRow(
  view: View,
  above: Uint16Array,
  here: Uint16Array,
  below: Uint16Array,
  rgba: Uint8Array | Uint8ClampedArray,
  offset: number,
): void {
  const { width, maxIter } = view;
  const height = (n: number) => Math.sqrt(n);
  for (let col = 0; col < width; col++) {
    const n = here[col]!;
    const o = offset + col * 4;
    rgba[o + 3] = 255;
    if (n >= maxIter) {
      rgba[o] = 0;
      rgba[o + 1] = 0;
      rgba[o + 2] = 0;
      continue;
    }
    const left = here[col > 0 ? col - 1 : col]!;
    const right = here[col < width - 1 ? col + 1 : col]!;
    const dx = height(Math.min(right, maxIter)) - height(Math.min(left, maxIter));
    const dy = height(Math.min(below[col]!, maxIter)) - height(Math.min(above[col]!, maxIter));
    // Surface normal of the height field, lit from the top left.
    const nx = -dx * 2.5;
    const ny = -dy * 2.5;
    const length = Math.sqrt(nx * nx + ny * ny + 1);
    const light = Math.max(0, (-nx - ny + 1) / (length * Math.sqrt(3)));
    const shade = 0.3 + 0.85 * light;
    const t = Math.log2(1 + n) * 0.22;
    // Rounded here, so a Uint8Array and a Uint8ClampedArray hold the same bytes.
    rgba[o] = Math.min(255, Math.round(paletteChannel(t, 0.5) * shade));
    rgba[o + 1] = Math.min(255, Math.round(paletteChannel(t, 0.6) * shade));
    rgba[o + 2] = Math.min(255, Math.round(paletteChannel(t, 0.75) * shade));
  }
}

/** FNV-1a over 16-bit values: a fingerprint of a picture's escape counts. */
export function fingerprint(counts: Uint16Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < counts.length; i++) {
    h = Math.imul(h ^ (counts[i]! & 0xff), 0x01000193);
    h = Math.imul(h ^ (counts[i]! >>> 8), 0x01000193);
  }
  return h >>> 0;
}
