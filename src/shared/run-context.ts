import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { ChildEnv } from './child-env.js'

/**
 * The run the core is part of, read once by the entry (action or command line): the pipeline reads
 * no environment of its own. Each module asks only for the fields it uses (`Pick<RunContext, 'tag'>`).
 */
export interface RunContext {
  /** The git ref the run is for (`refs/tags/v1.2.3`, `refs/heads/main`), when known. */
  ref?: string
  /** The tag the run is for; undefined for a branch, a pull request, or no ref. */
  tag?: string
  /** `owner/repo` of the repository the workflow runs in, when known. */
  repository?: string
  /** `owner/repo/.github/workflows/release.yml@refs/tags/v1`: the running workflow, when known. */
  workflowRef?: string
  /** Triggered by a pull request from a fork: no secrets, no ID tokens (and other advice). */
  forkPullRequest: boolean
  /** Whether an OIDC ID token can be requested at all, and if not, why (for the message). */
  idToken: { available: boolean; why?: string }
  /** The variables the proxy comes from, so a failure to reach it names the one to fix. */
  proxy: { https?: string; http?: string }
  /** The environment of every child process (build, pip, Python), already stripped of secrets. */
  childEnv: ChildEnv
  /** Where temporary files go (attestations): the runner's temp folder, or the system's. */
  tempDir: string
}

/** The proxy variables in the order @actions/http-client reads them (lower case first). */
export function proxyVariables(
  env: Readonly<Record<string, string | undefined>>
): RunContext['proxy'] {
  const first = (names: readonly string[]): string | undefined => names.find(name => env[name])
  return {
    https: first(['https_proxy', 'HTTPS_PROXY']),
    http: first(['http_proxy', 'HTTP_PROXY'])
  }
}

type Env = Readonly<Record<string, string | undefined>>

/**
 * The run as the runner's variables describe it, read once. `secrets` are the Redactor's forms:
 * no child process gets a variable that carries one.
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

/** The tag a run is for, or undefined (a branch, a pull request, nothing). */
export function tagOfRun(env: Env): string | undefined {
  const ref = env.GITHUB_REF
  if (ref) return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined
  // GITHUB_REF is always set on a runner; the short form is for other CI shims.
  return env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME ? env.GITHUB_REF_NAME : undefined
}

/**
 * A pull request from a fork: GitHub gives it neither secrets nor ID tokens, which needs its own
 * explanation. Unreadable event data counts as no fork (the general explanation still applies).
 */
export function isForkPullRequest(env: Env): boolean {
  const { GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: repository } = env
  const pullRequest = /^pull_request(_target)?$/.test(env.GITHUB_EVENT_NAME ?? '')
  if (!pullRequest || !eventPath || !repository) return false
  try {
    const head: unknown = JSON.parse(readFileSync(eventPath, 'utf8'))?.pull_request?.head?.repo
      ?.full_name
    return typeof head === 'string' && head.toLowerCase() !== repository.toLowerCase()
  } catch {
    return false
  }
}
