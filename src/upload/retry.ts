import { AnswerTooLargeError } from '../shared/http-body.js'
import { NetworkError } from '../shared/http.js'
import { UploadError } from './upload.js'

export type FailureKind =
  /** The request never reached the index (no connection): nothing can have been stored. */
  | 'unsent'
  /** The request may have been stored (no answer, or a 5xx after the body went out). */
  | 'ambiguous'
  /** Refused before storing: rate limit. */
  | 'rate-limited'
  /** A refusal retrying cannot change. */
  | 'final'

/**
 * What a failure means for retrying. Network failures and 5xx answers are ambiguous: the index
 * (or the proxy in front of it) may have stored the file before the answer was lost, so the
 * caller asks the index before sending again. A connection that was never opened is not: reading
 * the index then would only wait on the same unreachable host. 429 is the index asking us to
 * slow down. An untrusted certificate or a proxy that wants credentials does not heal by waiting.
 */
export function classifyFailure(error: unknown): FailureKind {
  // An answer larger than any upload result: the same index would answer the same way again.
  if (error instanceof AnswerTooLargeError) return 'final'
  // A deadline passed (an index trickling its answer) is like the inactivity timeout: ambiguous.
  if (error instanceof NetworkError) {
    if (error.final) return 'final'
    return error.unsent ? 'unsent' : 'ambiguous'
  }
  if (error instanceof UploadError) {
    if (error.status === 429) return 'rate-limited'
    if (error.status >= 500 && error.status <= 599) return 'ambiguous'
  }
  return 'final'
}
