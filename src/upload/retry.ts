import { AnswerTooLargeError } from '../shared/http-body.js'
import { NetworkError } from '../shared/http.js'
import { UploadError } from './upload.js'

export interface RetryPolicy {
  /** Retries after the first try (0: never retry). */
  retries: number
  /** No retry starts after this much time has passed since the first try, in ms. */
  maxTotalMs: number
  /** First backoff; doubles on each retry, with full jitter. */
  baseDelayMs: number
  /** Longest single wait (Retry-After included). */
  maxDelayMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 5,
  maxTotalMs: 10 * 60_000,
  baseDelayMs: 1000,
  maxDelayMs: 60_000
}

export type FailureKind =
  /** The request never reached the index (no connection): nothing can have been stored. */
  | 'unsent'
  /** The request may have been stored (no answer, or a 5xx after the body went out). */
  | 'ambiguous'
  /** Refused before storing: rate limit. */
  | 'rate-limited'
  /** A refusal retrying cannot change. */
  | 'final'

/** Network failures that happen before a connection exists, so before any byte was sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN'])

/**
 * What a failure means for retrying. Network failures and 5xx answers are ambiguous: the index
 * (or the proxy in front of it) may have stored the file before the answer was lost, so the
 * caller asks the index before sending again. A connection that was never opened is not: reading
 * the index then would only wait on the same unreachable host. 429 is the index asking us to
 * slow down.
 */
export function classifyFailure(error: unknown): FailureKind {
  // An answer larger than any upload result: the same index would answer the same way again.
  if (error instanceof AnswerTooLargeError) return 'final'
  // A deadline passed (an index trickling its answer) is like the inactivity timeout: ambiguous.
  if (error instanceof NetworkError) {
    return error.code && NOT_CONNECTED.has(error.code) ? 'unsent' : 'ambiguous'
  }
  if (error instanceof UploadError) {
    if (error.status === 429) return 'rate-limited'
    if (error.status >= 500 && error.status <= 599) return 'ambiguous'
  }
  return 'final'
}

/**
 * The wait before retry number `retry` (1-based): exponential backoff with full jitter, so that
 * parallel uploads that failed together do not come back together; a Retry-After wins when
 * given (bounded by maxDelayMs). `random` is injectable for tests.
 */
export function backoffDelay(
  retry: number,
  policy: RetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random
): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.maxDelayMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  // Half fixed, half random: never a zero wait (twine's failing pattern), still spread out.
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}
