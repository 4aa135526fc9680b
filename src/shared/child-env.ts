/**
 * The environment of every program this action starts (the build, pip, the description check's
 * Python). A build backend and each of its dependencies run with it, so it must hold nothing
 * that publishes: not the token given as an input, not what mints one (the runner's ID-token
 * request URL and bearer), not the runner's own service tokens. `runProcess`/`startProcess` take
 * only a `ChildEnv`, and only `ChildEnv.from` makes one, so no call site can hand a child the
 * action's own `process.env`.
 */

/**
 * Variables removed by name (compared upper-cased: Windows names ignore case). The ID-token pair
 * lets its holder mint PyPI tokens for any project trusting this workflow; the runtime token, the
 * results and cache URLs (which carry signed query strings) reach the runner's own services.
 */
const REMOVED_NAMES = new Set([
  'ACTIONS_ID_TOKEN_REQUEST_URL',
  'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_RUNTIME_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_CACHE_URL',
  'ACTIONS_CACHE_SERVICE_V2',
  'TWINE_PASSWORD',
  // The runner's file commands: a child holding these could set this step's outputs (claim a
  // file was uploaded or verified), write raw HTML into the job summary, or set variables and
  // PATH for every later step of the publishing job. Only the action writes them.
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_PATH'
])

/** Every action input (`INPUT_PASSWORD`, `INPUT_TOKEN`, URLs that may carry credentials…). */
const REMOVED_PREFIX = 'INPUT_'

/** Shorter secrets are not looked for (the Redactor's rule): they would match ordinary values. */
const MIN_SECRET_LENGTH = 4

function lookup(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (env[name] !== undefined) return env[name]
  const upper = name.toUpperCase()
  for (const [key, value] of Object.entries(env)) if (key.toUpperCase() === upper) return value
  return undefined
}

/** An environment fit for a child process; see the module comment. */
export class ChildEnv {
  // A private field makes the type nominal: an object literal or `process.env` is not a ChildEnv.
  readonly #vars: Readonly<Record<string, string>>

  private constructor(vars: Record<string, string>) {
    this.#vars = Object.freeze(vars)
  }

  /**
   * `parent` without the inputs, the runner's tokens, and any variable whose value contains one
   * of `secrets`: the Redactor's forms, which hold every secret the run was given (see
   * src/settings/secrets.ts) — so a copy of a secret under another name goes too.
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

  /** This environment with some variables set (PYTHONPATH, PYTHONUNBUFFERED); inputs stay out. */
  with(extra: Record<string, string>): ChildEnv {
    const vars = { ...this.#vars }
    for (const [name, value] of Object.entries(extra)) {
      if (removedByName(name)) throw new Error(`${name} may not be passed to a child process`)
      vars[name] = value
    }
    return new ChildEnv(vars)
  }

  /** One variable (name compared without case on Windows, as the OS does). */
  get(name: string): string | undefined {
    return lookup(this.#vars, name)
  }

  /** A fresh copy for `spawn`. */
  toSpawn(): NodeJS.ProcessEnv {
    return { ...this.#vars }
  }
}

function removedByName(name: string): boolean {
  const upper = name.toUpperCase()
  return upper.startsWith(REMOVED_PREFIX) || REMOVED_NAMES.has(upper)
}
