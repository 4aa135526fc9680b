import { ChildEnv } from '../../src/shared/child-env.js'
import type { RunContext } from '../../src/shared/run-context.js'

/**
 * A run outside any CI (no tag, no repository, no ID token, no proxy), with the fields a test
 * names replaced. Children get this process's environment, stripped as the edge strips it.
 */
export function runContext(overrides: Partial<RunContext> = {}): RunContext {
  return {
    forkPullRequest: false,
    idToken: { available: false, why: 'no ID token in this test' },
    proxy: {},
    childEnv: childEnv(),
    tempDir: overrides.tempDir ?? '/nonexistent-temp-dir',
    ...overrides
  }
}

/** A run that can request an ID token (the stand-in ID-token service answers it). */
export const WITH_ID_TOKEN: Partial<RunContext> = { idToken: { available: true } }

/** The environment a test's child processes get: this process's, stripped as an entry strips it. */
export function childEnv(): ChildEnv {
  return ChildEnv.from(process.env)
}
