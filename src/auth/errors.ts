/**
 * A trusted-publishing or credential problem the user can act on. The message is complete (what
 * happened, why, what to change) and never holds a secret: no ID token, no minted token.
 */
export class TrustedPublishingError extends Error {
  /**
   * Set when waiting may heal it (a 5xx, a 429, no answer): the exchange retries those with the
   * uploads' backoff. `reason` is the short form for the retry's log line.
   */
  readonly transient: { reason: string; retryAfterMs?: number } | undefined
  constructor(
    message: string,
    options?: { cause?: unknown; transient?: { reason: string; retryAfterMs?: number } }
  ) {
    super(message, options)
    this.name = 'TrustedPublishingError'
    this.transient = options?.transient
  }
}

/** Signing an attestation failed; the run must stop before any upload. */
export class AttestationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AttestationError'
  }
}
