import { NetworkError } from '../shared/http.js'

/** Set when waiting may heal it; `reason` is the short form for the retry's log line. */
type Transient = { reason: string; retryAfterMs?: number }

/**
 * A trusted-publishing or credential problem the user can act on. The message is complete (what
 * happened, why, what to change) and never holds a secret: no ID token, no minted token.
 */
export class TrustedPublishingError extends Error {
  /** A 5xx, a 429, no answer: the exchange retries those with the uploads' backoff. */
  readonly transient: Transient | undefined
  constructor(message: string, options?: { cause?: unknown; transient?: Transient }) {
    super(message, options)
    this.name = 'TrustedPublishingError'
    this.transient = options?.transient
  }
}

/** 5xx and 429 may heal by waiting. */
export const isTransientStatus = (status: number): boolean =>
  status === 429 || (status >= 500 && status <= 599)

/** No answer may heal by waiting, but not a bad certificate (NetworkError.final). */
export const transientFailure = (error: unknown): Transient | undefined =>
  error instanceof NetworkError && !error.final ? { reason: error.message } : undefined

/** Signing an attestation failed; the run must stop before any upload. */
export class AttestationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AttestationError'
  }
}
