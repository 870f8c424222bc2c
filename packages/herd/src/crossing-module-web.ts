// Where a thread imports this package's crossables from to revive them, in a browser: a module of
// their own (dist/browser/crossing.js, self-contained). A bundler merges this package into the
// page's chunks, and a thread that imported the chunk this code ends up in would run the page.
// Written as the literal bundlers follow, so they copy the module beside the page's code.

/** The module a thread imports to revive this package's crossables. */
export const crossingModule: string = new URL('./crossing.js', import.meta.url).href;
