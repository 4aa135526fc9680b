import { readFileSync } from 'node:fs'

/**
 * What trusted publishing needs to know about the workflow run, read from the runner's GITHUB_*
 * variables. Plain functions over an env object, so tests pass a map instead of touching
 * process.env.
 */

/** `owner/repo/.github/workflows/release.yml@refs/tags/v1` taken apart. */
export interface WorkflowRef {
  owner: string
  repo: string
  /** `owner/repo` */
  repository: string
  /** Path inside the repository, e.g. `.github/workflows/release.yml`. */
  path: string
  /** Basename, e.g. `release.yml`: what a PyPI trusted publisher names. */
  filename: string
  /** What follows `@`, e.g. `refs/tags/v1`; '' when absent. */
  ref: string
}

export function parseWorkflowRef(value: string | undefined): WorkflowRef | undefined {
  if (!value) return undefined
  const at = value.indexOf('@')
  const location = at >= 0 ? value.slice(0, at) : value
  const ref = at >= 0 ? value.slice(at + 1) : ''
  const [owner, repo, ...rest] = location.split('/')
  if (!owner || !repo || rest.length === 0) return undefined
  const path = rest.join('/')
  return {
    owner,
    repo,
    repository: `${owner}/${repo}`,
    path,
    filename: rest[rest.length - 1],
    ref
  }
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
