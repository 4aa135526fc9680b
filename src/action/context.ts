import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { TrustedPublishingError } from '../auth/errors.js'
import {
  githubRunnerIdToken,
  IdTokenRequestError,
  noIdTokenMessage,
  type IdTokenContext,
  type IdTokenFetcher
} from '../auth/id-token.js'
import { ChildEnv } from '../shared/child-env.js'
import { oneLine } from '../shared/format.js'
import { proxyVariables, type RunContext } from '../shared/run-context.js'

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

/**
 * The action's ID-token fetcher. Ours, not core.getIDToken (see requestIdToken): a failure becomes
 * an explanation of what to change in the workflow, keeping its transient mark for the exchange.
 */
export function actionsIdTokenFetcher(run: IdTokenContext, env: Env): IdTokenFetcher {
  return async (audience: string) => {
    const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
      name => !env[name]
    )
    if (missing.length) {
      throw new TrustedPublishingError(
        noIdTokenMessage(run, `the runner did not set ${missing.join(' or ')} for this step`)
      )
    }
    return githubRunnerIdToken(env, audience).catch((error: unknown) => {
      // Without the command line's advice: the action gives its own two ways out.
      const cause =
        error instanceof IdTokenRequestError ? error.failure.replace(/\.$/, '') : String(error)
      throw new TrustedPublishingError(noIdTokenMessage(run, oneLine(cause)), {
        cause: error,
        transient: error instanceof TrustedPublishingError ? error.transient : undefined
      })
    })
  }
}
