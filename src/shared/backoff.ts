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

/** "retry 1 of 5 in 1.2 s", for the retry lines of every caller. */
export function retryNote(retry: number, policy: RetryPolicy, delayMs: number): string {
  return `retry ${retry} of ${policy.retries} in ${(delayMs / 1000).toFixed(1)} s`
}

export interface RetryingOptions {
  policy: RetryPolicy
  /** Whether this failure may heal by waiting (and how long the server asked us to wait). */
  transient: (error: unknown) => { retryAfterMs?: number } | undefined
  /** One line per retry (info: a retry that recovers is not a problem worth an annotation). */
  onRetry: (error: unknown, retry: number, delayMs: number) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, the retries are spent or the next
 * retry would start past `policy.maxTotalMs` (the bound is on when a retry starts: checking
 * before the wait alone let the last backoff run the total past it); then the last failure is
 * thrown as it was. An upload's attempt first asks the index whether a lost answer stored the file.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: RetryingOptions
): Promise<T> {
  const now = options.now ?? Date.now
  const startedAt = now()
  for (let retry = 1; ; retry++) {
    try {
      return await attempt()
    } catch (error) {
      const transience = options.transient(error)
      if (!transience || retry > options.policy.retries) throw error
      const delay = backoffDelay(retry, options.policy, transience.retryAfterMs)
      if (now() - startedAt + delay > options.policy.maxTotalMs) throw error
      options.onRetry(error, retry, delay)
      await (options.sleep ?? sleep)(delay)
    }
  }
}

/** Retry-After: delta-seconds or an HTTP date. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const value = response.headers['retry-after']
  if (typeof value !== 'string' || !value.trim()) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}
