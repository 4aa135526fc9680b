import type { ChildEnv } from './child-env.js'

/**
 * What the core needs to know about the run it is part of, already interpreted: one entry (the
 * GitHub Actions edge in src/action/context.ts, or a command line) reads its surroundings once
 * and fills this in; the pipeline reads no environment of its own. It lives in shared/ because every
 * stage takes a slice of it (the tag guard, authentication, the network-error wording), and a
 * stage may only import from below itself. Each module asks for the fields it uses, e.g.
 * `Pick<RunContext, 'tag'>`, so a test passes a small literal and a reader sees what it depends
 * on. Nothing here is specific to GitHub: another CI or a command line fills the same fields.
 */
export interface RunContext {
  /** The git ref the run is for (`refs/tags/v1.2.3`, `refs/heads/main`), when known. */
  ref?: string
  /** The tag the run is for; undefined for a branch, a pull request, or a run for no ref. */
  tag?: string
  /** `owner/repo` of the repository the workflow runs in, when known. */
  repository?: string
  /** `owner/repo/.github/workflows/release.yml@refs/tags/v1`: the running workflow, when known. */
  workflowRef?: string
  /**
   * The run was triggered by a pull request from a fork: such runs get neither secrets nor ID
   * tokens, and the explanation of a missing credential differs.
   */
  forkPullRequest: boolean
  /** Whether an OIDC ID token can be requested at all, and if not, why (for the message). */
  idToken: { available: boolean; why?: string }
  /**
   * The variables that set the proxy for https:// and http:// URLs, when one is set, so that a
   * failure to reach the proxy names the variable to fix.
   */
  proxy: { https?: string; http?: string }
  /** The environment of every child process (build, pip, Python), already stripped of secrets. */
  childEnv: ChildEnv
  /** Where temporary files go (attestations): the runner's temp folder, or the system's. */
  tempDir: string
}

/**
 * The variables the proxy comes from, in the order @actions/http-client reads them (lower case
 * first). The client itself picks the proxy; this only names where it came from, for messages.
 */
export function proxyVariables(
  env: Readonly<Record<string, string | undefined>>
): RunContext['proxy'] {
  const first = (names: readonly string[]): string | undefined => names.find(name => env[name])
  return {
    https: first(['https_proxy', 'HTTPS_PROXY']),
    http: first(['http_proxy', 'HTTP_PROXY'])
  }
}
