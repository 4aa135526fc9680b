/**
 * The environment of every program this action starts (the build and its backend's dependencies,
 * pip, the description check's Python): nothing in it may publish. Children take only a
 * `ChildEnv`, and only `ChildEnv.from` makes one, so no call site can hand over `process.env`.
 */
import { MIN_SECRET_LENGTH } from './redact.js'

/** Compared upper-cased, as Windows compares names. */
const CREDENTIAL_NAMES = new Set([
  // Mints PyPI tokens for any project trusting this workflow.
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  // Reach the runner's own services (signed query strings in the URLs).
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'TWINE_PASSWORD'
])

/**
 * The runner's file commands: a child could claim uploads in the outputs, write raw HTML into the
 * summary, or set variables and PATH for every later step of the job.
 */
export const FILE_COMMAND_NAMES = new Set([
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_PATH'
])

/** A variable that holds a credential by its name: every action input, the runner's tokens… */
export function carriesCredential(name: string): boolean {
  const upper = name.toUpperCase()
  // Every action input: the token, URLs that may carry credentials…
  return upper.startsWith('INPUT_') || CREDENTIAL_NAMES.has(upper)
}

function removedByName(name: string): boolean {
  return carriesCredential(name) || FILE_COMMAND_NAMES.has(name.toUpperCase())
}

export class ChildEnv {
  // A private field makes the type nominal: an object literal or `process.env` is not a ChildEnv.
  readonly #vars: Readonly<Record<string, string>>

  private constructor(vars: Record<string, string>) {
    this.#vars = Object.freeze(vars)
  }

  /**
   * `parent` without the inputs, the runner's tokens, and any variable whose value holds one of
   * `secrets` (the Redactor's forms, see src/settings/secrets.ts): a copy under another name goes too.
   */
  static from(parent: NodeJS.ProcessEnv, secrets: Iterable<string> = []): ChildEnv {
    const known = [...secrets].filter(s => s.length >= MIN_SECRET_LENGTH)
    const vars: Record<string, string> = {}
    for (const [name, value] of Object.entries(parent)) {
      if (value === undefined || removedByName(name)) continue
      if (known.some(secret => value.includes(secret))) continue
      vars[name] = value
    }
    return new ChildEnv(vars)
  }

  with(extra: Record<string, string>): ChildEnv {
    const vars = { ...this.#vars }
    for (const [name, value] of Object.entries(extra)) {
      if (removedByName(name)) throw new Error(`${name} may not be passed to a child process`)
      vars[name] = value
    }
    return new ChildEnv(vars)
  }

  /** Found without case too, as Windows does. */
  get(name: string): string | undefined {
    if (this.#vars[name] !== undefined) return this.#vars[name]
    const upper = name.toUpperCase()
    return Object.entries(this.#vars).find(([key]) => key.toUpperCase() === upper)?.[1]
  }

  /** A fresh copy for `spawn`. */
  toSpawn(): NodeJS.ProcessEnv {
    return { ...this.#vars }
  }
}
