import type { HttpResponse } from './http.js'

/**
 * The one retry policy of a run: uploads and the trusted-publishing exchange wait the same way
 * between tries, so a flaky index gets the same patience whichever request it failed.
 */
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

/** Seconds for a log line: `1.5 s`. */
export function formatDelay(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** Retry-After: delta-seconds or an HTTP date. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const value = response.headers['retry-after']
  if (typeof value !== 'string' || !value.trim()) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
