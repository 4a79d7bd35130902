/**
 * Imported first by score.worker.ts. The scorer's syllable counter (`syllable`) imports
 * `pluralize`, a UMD file that fills `module.exports` only when a global `require` function
 * exists; Vite's production bundler wraps it without one, so in this worker its default import
 * came out undefined and every score of a non-empty draft threw "(0, x.default) is not a function".
 * A stub makes it take its CommonJS branch; it is never called (nothing else in the bundle asks).
 */
const scope = globalThis as { require?: unknown };
scope.require ??= () => {
  throw new Error('require() is not available in the score worker');
};
