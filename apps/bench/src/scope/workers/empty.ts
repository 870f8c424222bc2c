// The `new Worker` baseline of scope/spawn: a thread that does nothing and exits.
export {};
