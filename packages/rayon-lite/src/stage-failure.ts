import type { TaskWire } from '@herd/scope/runtime';

/** Thrown inside a worker when a callback throws; carries what the error message will name. */
export class StageFailure {
  constructor(
    readonly stage: string,
    readonly index: number,
    readonly error: unknown,
    readonly wire: TaskWire | null,
  ) {}
}

/**
 * Thrown by a short-circuit terminal (any, all, findAny) once it has its answer, to leave the
 * piece loop at once without a check per item.
 */
export const HALT: unique symbol = Symbol('halt');
