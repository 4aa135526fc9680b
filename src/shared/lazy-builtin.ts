import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)

/**
 * A Node built-in module loaded on first use rather than at start-up. Loading one costs its share
 * of every run's start-up (measured on Node 24: child_process ~7 ms, worker_threads ~4 ms), so
 * the ones only some runs need (child processes for a build or Python, a hashing thread for a
 * large file) wait until a run needs them. Synchronous, unlike `import()`, so callers stay as
 * they are.
 */
export function lazyBuiltin<T>(id: `node:${string}`): () => T {
  let module: T | undefined
  return () => (module ??= load(id) as T)
}
