import type { ChildEnv } from './child-env.js'

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
