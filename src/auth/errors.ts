/**
 * A trusted-publishing or credential problem the user can act on. The message is complete (what
 * happened, why, what to change) and never holds a secret: no ID token, no minted token.
 */
export class TrustedPublishingError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TrustedPublishingError'
  }
}

/** Signing an attestation failed; the run must stop before any upload. */
export class AttestationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AttestationError'
  }
}
