import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ChildEnv } from '../shared/child-env.js'
import { proxyVariables, type RunContext } from '../shared/run-context.js'

/**
 * The run as GitHub Actions describes it in the runner's variables (GITHUB_*, ACTIONS_*,
 * RUNNER_TEMP, the proxy variables), read once here and handed to the core as a RunContext.
 * `secrets` are the Redactor's forms: no child process gets a variable that carries one.
 */
export function runContextFromEnv(
  env: NodeJS.ProcessEnv,
  secrets: Iterable<string> = []
): RunContext {
  return {
    ref: env.GITHUB_REF || undefined,
    tag: tagOfRun(env),
    repository: env.GITHUB_REPOSITORY || undefined,
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
    forkPullRequest: isForkPullRequest(env),
    idToken:
      env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
        ? { available: true }
        : { available: false, why: 'ACTIONS_ID_TOKEN_REQUEST_URL is not set' },
    proxy: proxyVariables(env),
    childEnv: ChildEnv.from(env, secrets),
    tempDir: env.RUNNER_TEMP || tmpdir()
  }
}

/** The variables GitHub Actions sets for the ref a run is for. */
export interface RefEnvironment {
  GITHUB_REF?: string
  GITHUB_REF_TYPE?: string
  GITHUB_REF_NAME?: string
}

/** The tag a run is for, or undefined when the run is for a branch, a pull request, or nothing. */
export function tagOfRun(env: RefEnvironment): string | undefined {
  const ref = env.GITHUB_REF
  if (ref !== undefined && ref !== '') {
    return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined
  }
  // GITHUB_REF is always set on a runner; the short form is accepted for other CI shims.
  if (env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME
  return undefined
}

const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target'])

/**
 * True when the run was triggered by a pull request whose head lives in another repository (a
 * fork). GitHub gives such runs neither secrets nor ID tokens, so both ways to authenticate are
 * closed and the user needs a different explanation. Unreadable event data counts as "not a fork":
 * the general explanation still applies then.
 */
export function isForkPullRequest(env: NodeJS.ProcessEnv): boolean {
  if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? '')) return false
  const eventPath = env.GITHUB_EVENT_PATH
  const repository = env.GITHUB_REPOSITORY
  if (!eventPath || !repository) return false
  let event: unknown
  try {
    event = JSON.parse(readFileSync(eventPath, 'utf8'))
  } catch {
    return false
  }
  const head = (event as { pull_request?: { head?: { repo?: { full_name?: unknown } } } })
    ?.pull_request?.head?.repo?.full_name
  return typeof head === 'string' && head.toLowerCase() !== repository.toLowerCase()
}
