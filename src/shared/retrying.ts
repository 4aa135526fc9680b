import { backoffDelay, formatDelay, sleep as realSleep, type RetryPolicy } from './backoff.js'

/** How a failure counts for `withRetries`: undefined = give up now. */
export type Transience = { retryAfterMs?: number } | undefined

export interface RetryingOptions {
  policy: RetryPolicy
  /** Whether this failure may heal by waiting (and how long the server asked us to wait). */
  transient: (error: unknown) => Transience
  /** One line per retry (info: a retry that recovers is not a problem worth an annotation). */
  onRetry: (error: unknown, retry: number, delayMs: number) => void
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

/**
 * Runs `attempt` until it succeeds, a failure is not transient, the retries are spent or the next
 * retry would start past `policy.maxTotalMs`; then the last failure is thrown as it was. For
 * requests that are safe to repeat as they are (the upload has its own loop, which first asks the
 * index whether a lost answer stored the file).
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  options: RetryingOptions
): Promise<T> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
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
      await sleep(delay)
    }
  }
}

/** "retry 1 of 5 in 1.2 s", for the retry lines of every caller. */
export function retryNote(retry: number, policy: RetryPolicy, delayMs: number): string {
  return `retry ${retry} of ${policy.retries} in ${formatDelay(delayMs)}`
}
