import { Http } from '../shared/http.js'
import type { BodyCap } from '../shared/http-body.js'
import type { RunContext } from '../shared/run-context.js'
import { isTransientStatus, transientFailure, TrustedPublishingError } from './errors.js'

/** Gets an ID token for an audience (the runner's, a CI system's, or a stand-in in tests). */
export type IdTokenFetcher = (audience: string) => Promise<string>

export const TRUSTED_PUBLISHING_DOCS = 'https://docs.pypi.org/trusted-publishers/'
export const TROUBLESHOOTING_URL = 'https://docs.pypi.org/trusted-publishers/troubleshooting/'

/** The JSON object `text` holds, or undefined (not JSON, or not an object). */
export function jsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** The facts about the run the explanation depends on. */
export type IdTokenContext = Pick<RunContext, 'forkPullRequest' | 'idToken'>

/**
 * An ID-token request that failed. `failure` says what went wrong; the message adds the command
 * line's advice, which the action replaces with its own (action/context.ts).
 */
export class IdTokenRequestError extends TrustedPublishingError {
  constructor(
    readonly failure: string,
    advice: string,
    options: ConstructorParameters<typeof TrustedPublishingError>[1]
  ) {
    super(`Trusted publishing: ${failure}${advice ? ` ${advice}` : ''}`, options)
    this.name = 'IdTokenRequestError'
  }
}

/** The answers are one JWT (a few KiB) in a small JSON document. */
const ID_TOKEN_CAP: BodyCap = {
  bytes: 64 * 1024,
  what: 'the ID token answer',
  advice: 'The CI system is misbehaving; try again, or use an API token.'
}

/**
 * A capped GET of an ID token, whose body (the token) is returned. A 5xx, a 429 or no answer is
 * marked transient, so the exchange retries it with a fresh request. Not core.getIDToken: it reads
 * answers uncapped, retries by itself and marks nothing transient, and puts the body of a refusal
 * in its error.
 */
export async function requestIdToken(
  provider: string,
  url: string,
  headers: Record<string, string>,
  advice: string,
  timeoutMs = 30_000
): Promise<string> {
  const http = new Http({ timeoutMs, connectTimeoutMs: 10_000 })
  const response = await http
    .get(url, ID_TOKEN_CAP, headers)
    .catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error)
      throw new IdTokenRequestError(`asking ${provider} for an ID token failed: ${reason}`, '', {
        cause: error,
        transient: transientFailure(error)
      })
    })
    .finally(() => http.dispose())
  const { status } = response
  // The body is not shown: it may be a token in a shape we did not expect.
  const failure = `${provider} answered HTTP ${status} without an ID token.`
  const transient = isTransientStatus(status) ? { reason: `HTTP ${status}` } : undefined
  if (status !== 200) throw new IdTokenRequestError(failure, advice, { transient })
  return response.body
}

/** An ID token from GitHub's runner: ACTIONS_ID_TOKEN_REQUEST_URL with its bearer token. */
export async function githubRunnerIdToken(
  env: Readonly<Record<string, string | undefined>>,
  audience: string,
  options: { timeoutMs?: number } = {}
): Promise<string> {
  const provider = 'GitHub Actions'
  const advice =
    "Give the job `permissions: id-token: write`, or pass an API token with '--password'."
  const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '')
  url.searchParams.set('audience', audience)
  const headers = {
    Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`,
    Accept: 'application/json'
  }
  const body = await requestIdToken(provider, url.toString(), headers, advice, options.timeoutMs)
  const value = jsonObject(body)?.value
  if (typeof value === 'string' && value) return value
  throw new IdTokenRequestError(`${provider} answered HTTP 200 without an ID token.`, advice, {})
}

/** Why there is no GitHub ID token, and the two ways out (or, for a fork's pull request, what to do). */
export function noIdTokenMessage(run: IdTokenContext, cause?: string): string {
  const what = cause
    ? `Trusted publishing needs a GitHub ID token, and getting one failed: ${cause}`
    : 'Trusted publishing needs a GitHub ID token, and this job has no access to one' +
      (run.idToken.why ? ` (${run.idToken.why}).` : '.')
  if (run.forkPullRequest) {
    return [
      what,
      '',
      'This run was triggered by a pull request from a fork. GitHub gives such runs neither ID ' +
        "tokens nor secrets, even with 'id-token: write', so they cannot publish.",
      'Publish from an event a fork cannot trigger instead: a pushed tag, a published release, or ' +
        'workflow_dispatch — and skip the publish step on pull requests.'
    ].join('\n')
  }
  return [
    what,
    'No token was given either (no `password`/`token` input), so there is ' +
      'nothing to authenticate with. Two ways out:',
    '',
    '1. Trusted publishing (recommended): give the publishing job permission to request an ID ' +
      'token, and register this workflow as a trusted publisher on the index:',
    '',
    '    permissions:',
    '      id-token: write',
    '',
    `   ${TRUSTED_PUBLISHING_DOCS}`,
    '',
    '2. An API token: store it as a repository secret and pass it, e.g.',
    '',
    '    password: ${{ secrets.PYPI_API_TOKEN }}',
    '',
    '   If you already pass a secret: an empty secret looks exactly like none. A typo in the ' +
      "secret's name, or a secret defined in another environment or repository, reads as an " +
      'empty string.'
  ].join('\n')
}
