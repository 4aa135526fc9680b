import {
  DEFAULT_RETRY_POLICY,
  retryAfterMs,
  retryNote,
  withRetries,
  type RetryPolicy
} from '../shared/backoff.js'
import { excerpt as cut } from '../shared/excerpt.js'
import { hideTokenLike } from '../shared/redact.js'
import { AnswerTooLargeError, type BodyCap } from '../shared/http-body.js'
import type { Http, HttpResponse } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { decodeClaims, refusalMessage } from './claims.js'
import { jsonObject, type IdTokenFetcher } from './id-token.js'
import { isTransientStatus, transientFailure, TrustedPublishingError } from './errors.js'

/**
 * The trusted-publishing exchange (protocol §5): audience, ID token, short-lived `pypi-` token.
 * Failures say what the index answered and what to change, never with either token.
 */

export type { IdTokenFetcher }

export interface MintedToken {
  token: string
  /** Epoch milliseconds, on OUR clock, after which the index refuses the token. */
  expiresAt: number
}

export interface ExchangeOptions {
  http: Http
  /** The upload URL; the exchange talks to the same scheme and host. */
  repositoryUrl: string
  getIdToken: IdTokenFetcher
  /** Each secret (ID token, minted token) the moment it exists, before it can reach a log. */
  onSecret: (secret: string) => void
  /** Retries of 5xx, 429 and network failures; default: the uploads' policy. */
  retry?: ExchangeRetry
}

/** How the exchange retries (the same backoff as uploads), and where it says so. */
export interface ExchangeRetry {
  policy?: RetryPolicy
  log?: Log
  sleep?: (ms: number) => Promise<void>
}

/** PyPI's minted tokens live 15 minutes; used when the index does not say. */
const DEFAULT_TOKEN_LIFETIME_MS = 15 * 60 * 1000

const BODY_EXCERPT = 500

/** Small JSON answers; 64 KiB leaves room for a proxy's error page. */
const OIDC_ANSWER_CAP: BodyCap = {
  bytes: 64 * 1024,
  what: 'the trusted-publishing answer',
  advice:
    "Check that 'repository-url' is the index's upload URL; if the index is right, it is " +
    'misbehaving: wait a few minutes and try again, or use an API token.'
}

export function oidcUrls(repositoryUrl: string): { audience: string; mint: string } {
  const origin = new URL(repositoryUrl).origin
  return { audience: `${origin}/_/oidc/audience`, mint: `${origin}/_/oidc/mint-token` }
}

/** Mints a fresh token at each call; the audience is asked once per run. */
export function createTokenMinter(options: ExchangeOptions): () => Promise<MintedToken> {
  let audience: Promise<string> | undefined
  return async () => {
    audience ??= fetchAudience(options.http, options.repositoryUrl, options.retry)
    const aud = await audience.catch((error: unknown) => {
      audience = undefined // a later renewal may try again
      throw error
    })
    // Each try gets a fresh ID token: when a mint's answer is lost, the index may have spent the
    // token's jti already and would refuse it as reused.
    return retrying('the token request', options.retry, async () => {
      const idToken = await options.getIdToken(aud)
      options.onSecret(idToken)
      return mintToken(options, idToken)
    })
  }
}

/** Retries what the index may heal by itself, saying so on one info line per retry. */
function retrying<T>(what: string, retry: ExchangeRetry | undefined, attempt: () => Promise<T>) {
  const policy = retry?.policy ?? DEFAULT_RETRY_POLICY
  return withRetries(attempt, {
    policy,
    transient: error => (error instanceof TrustedPublishingError ? error.transient : undefined),
    onRetry: (error, n, delayMs) =>
      retry?.log?.info(
        `Trusted publishing: ${what} failed (${(error as TrustedPublishingError).transient?.reason}); ` +
          retryNote(n, policy, delayMs)
      ),
    sleep: retry?.sleep
  })
}

/** A 5xx or a 429 may heal by waiting (at least as long as its Retry-After asks). */
const transientAnswer = (response: HttpResponse): TrustedPublishingError['transient'] =>
  isTransientStatus(response.status)
    ? { reason: statusLine(response), retryAfterMs: retryAfterMs(response) }
    : undefined

export const fetchAudience = (http: Http, repositoryUrl: string, retry?: ExchangeRetry) =>
  retrying('asking for the token audience', retry, async () => {
    const url = oidcUrls(repositoryUrl).audience
    const response = await http
      .get(url, OIDC_ANSWER_CAP, { Accept: 'application/json' })
      .catch((error: unknown) => unanswered(url, error))
    if (response.status === 403 || response.status === 404) {
      throw new TrustedPublishingError(
        `This index does not support trusted publishing; use a token. (${new URL(url).host} answered HTTP ` +
          `${response.status} to GET ${url}${response.status === 403 ? ': trusted publishing is disabled there' : ''}.)\n` +
          "Pass an API token for this index as 'password' (or 'token'), e.g. " +
          '`password: ${{ secrets.INDEX_TOKEN }}`.'
      )
    }
    if (response.status !== 200) {
      throw new TrustedPublishingError(
        `Trusted publishing: asking ${url} for the token audience failed: ${describeResponse(response)}\n` +
          'The index may be down or misconfigured; wait a few minutes and try again, or use an API token.',
        { transient: transientAnswer(response) }
      )
    }
    const audience = jsonObject(response.body)?.audience
    if (typeof audience !== 'string' || audience === '') {
      throw new TrustedPublishingError(
        `Trusted publishing: ${url} answered 200 without an audience (expected {"audience": "…"}): ` +
          excerpt(response.body)
      )
    }
    return audience
  })

/** Trades an ID token for an upload token; calls `onSecret` with it before returning. */
async function mintToken(options: ExchangeOptions, idToken: string): Promise<MintedToken> {
  const url = oidcUrls(options.repositoryUrl).mint
  const scrub = (text: string): string => scrubJwts(text, idToken)
  const answer = await options.http
    .request('POST', url, {
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: () => JSON.stringify({ token: idToken }),
      cap: OIDC_ANSWER_CAP
    })
    .catch((error: unknown) => unanswered(url, error, scrub))
  // Scrubbed before anything is cut or quoted, so a truncated echo cannot slip through.
  const response = { ...answer, body: scrub(answer.body) }
  const payload = jsonObject(response.body)
  if (payload === undefined) {
    throw new TrustedPublishingError(
      `Token request to ${url} failed: the index answered ${describeResponse(response)}\n` +
        'That is not the JSON a trusted-publishing index sends: the index is probably down or ' +
        'misconfigured. Wait a few minutes and try again.',
      { transient: transientAnswer(response) }
    )
  }
  if (response.status < 200 || response.status >= 300) {
    const claims = decodeClaims(idToken)
    const why = refusalMessage(url, response.status, payload, claims, excerpt(response.body))
    throw new TrustedPublishingError(scrub(why), { transient: transientAnswer(response) })
  }
  const token = payload.token
  if (typeof token !== 'string' || token === '') {
    throw new TrustedPublishingError(
      `Token request to ${url} answered HTTP ${response.status} without a token ` +
        `(expected {"success": true, "token": "…", "expires": …}). The index is probably ` +
        'misconfigured; wait a few minutes and try again.'
    )
  }
  options.onSecret(token)
  return { token, expiresAt: expiryOf(payload.expires, response.headers.date, Date.now()) }
}

/**
 * `expires` is on the index's clock: made a lifetime with its Date header, so a skewed runner
 * clock cannot make us send a token the index considers expired.
 */
function expiryOf(expires: unknown, dateHeader: string | undefined, now: number): number {
  if (typeof expires !== 'number' || !Number.isFinite(expires)) {
    return now + DEFAULT_TOKEN_LIFETIME_MS
  }
  const lifetime = expires * 1000 - Date.parse(dateHeader ?? '') // NaN without a Date header
  return lifetime > 0 && lifetime <= 24 * 60 * 60 * 1000 ? now + lifetime : expires * 1000
}

const statusLine = (response: HttpResponse): string =>
  `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`

function describeResponse(response: HttpResponse): string {
  const location = response.headers.location ? ` (redirect to ${response.headers.location})` : ''
  return `${statusLine(response)}${location}: ${excerpt(response.body)}`
}

function excerpt(body: string): string {
  // What could be a token is hidden before the cut (the Redactor finds the known ones after).
  const text = hideTokenLike(body.trim())
  if (text === '') return '(empty body)'
  return text.length > BODY_EXCERPT ? `${cut(text, BODY_EXCERPT)} (truncated)` : text
}

/** An index might echo the ID token back; it must not reach a log. */
export function scrubJwts(text: string, idToken: string): string {
  return text
    .split(idToken)
    .join('***')
    .replace(/[\w.-]+/g, run => {
      // A JWT-shaped run (`eyJ….eyJ…`) is cut from its first `eyJ` on: found with string search,
      // since a pattern retried at each `eyJ` of a long run is quadratic (issue 21).
      const start = run.indexOf('eyJ')
      return start >= 0 && run.indexOf('.eyJ', start + 4) > 0 ? `${run.slice(0, start)}***` : run
    })
}

/** No usable answer: the client's error says why (and, for an oversized answer, what to do). */
function unanswered(url: string, error: unknown, scrub = (text: string) => text): never {
  const why =
    error instanceof AnswerTooLargeError
      ? error.message
      : `could not reach ${url}: ${error instanceof Error ? error.message : String(error)}`
  throw new TrustedPublishingError(`Trusted publishing: ${scrub(why)}`, {
    cause: error,
    transient: transientFailure(error)
  })
}
