import { formatSize } from './format.js'

/**
 * How much of an answer a request may read. Every answer the action reads has a purpose with a
 * natural size (a token, an error message, one project's file list); an index that sends more is
 * broken or hostile, and reading on would only fill memory (an endless body once took 6 GB).
 */
export interface BodyCap {
  /** Largest body read, in bytes. */
  bytes: number
  /** What the answer is, for the message: "the answer to an upload". */
  what: string
  /** What the user can do about it. */
  advice: string
}

/** An answer larger than its cap: reading stopped there, and the connection was closed. */
export class AnswerTooLargeError extends Error {
  /** The URL without credentials, query or fragment. */
  readonly url: string
  constructor(
    url: string,
    readonly cap: BodyCap,
    /** The status the answer came with. */
    readonly status: number
  ) {
    const shown = urlForMessages(url)
    super(
      `${capitalize(cap.what)} from ${shown} (HTTP ${status}) is larger than ${formatSize(cap.bytes)}, ` +
        `the most this action reads for it; it stopped reading there. ${cap.advice}`
    )
    this.name = 'AnswerTooLargeError'
    this.url = shown
  }
}

/** A URL fit for a message: no user or password, and no query string (indexes put tokens there too). */
function urlForMessages(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    const hadQuery = parsed.search !== ''
    parsed.search = ''
    parsed.hash = ''
    return parsed.toString() + (hadQuery ? '?…' : '')
  } catch {
    return '(an invalid URL)'
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
