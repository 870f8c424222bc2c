// Moved to compile-pipeline.ts, where the generated code throws them.
export { HALT, StageFailure } from './compile-pipeline.js';
