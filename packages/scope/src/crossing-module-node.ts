// Where a thread imports this package's crossables from to revive them, on worker_threads
// platforms: this very bundle, so a revived Sender is the class a module task imports too. The
// browser build uses crossing-module-web.ts instead.

/** The module a thread imports to revive this package's crossables. */
export const crossingModule: string = import.meta.url;
