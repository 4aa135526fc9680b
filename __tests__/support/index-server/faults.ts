/**
 * Misbehaviour on demand, for the upload endpoint only: one queued fault is taken by each upload
 * POST, in order. Faults model what real indexes and the proxies in front of them do: fail with a
 * status, stall, cut the connection mid-body, store the file yet report a failure (the ambiguous
 * case a retry must resolve), or report success without storing anything.
 */
import type { IncomingMessage } from 'node:http'
import { rawPage, statusPage, statusTitle, type Page } from './http-pages.js'

export interface Fault {
  /** Answer this status instead of handling the upload (default 500 when `body` is set). */
  status?: number
  /** Raw response body; Content-Type from `headers` or text/plain. */
  body?: string
  /** Extra response headers (added to whatever answer is sent). */
  headers?: Record<string, string>
  /** Wait this long before answering. Alone, it only delays normal handling. */
  delayMs?: number
  /** Read the request, then never answer (until the server closes). */
  hang?: boolean
  /** Destroy the connection once this many body bytes have arrived. */
  resetAfterBytes?: number
  /** Handle the upload normally, store the file, then answer `status` (default 500) instead of 200. */
  storeThenFail?: boolean
  /** Decide as usual, answer 200 when the upload is acceptable, but store nothing. */
  acceptWithoutStoring?: boolean
  /** Answer `status` (default 400) with the request's Authorization header and password in the text. */
  echoAuth?: boolean
}

/** Whether the fault answers by itself, before (instead of) normal handling. */
export function answersInstead(fault: Fault): boolean {
  if (fault.storeThenFail || fault.acceptWithoutStoring) return false
  return fault.status !== undefined || fault.body !== undefined || !!fault.echoAuth
}

/** The answer of a fault that answers by itself, or replaces a success (`storeThenFail`). */
export function faultAnswer(fault: Fault, req: IncomingMessage): { page: Page; message: string } {
  const accept = req.headers.accept
  if (fault.echoAuth && fault.body === undefined) {
    const authorization = req.headers.authorization ?? ''
    const message = `Invalid credentials. Authorization: ${authorization}; password: ${basicPassword(authorization)}`
    return {
      page: statusPage(fault.status ?? 400, message, { accept, headers: fault.headers }),
      message
    }
  }
  const status = fault.status ?? (fault.echoAuth ? 400 : 500)
  if (fault.body !== undefined) {
    const contentType = fault.headers?.['content-type'] ?? 'text/plain; charset=utf-8'
    return {
      page: rawPage(status, fault.body, contentType, statusTitle(status), fault.headers),
      message: fault.body
    }
  }
  return {
    page: statusPage(status, undefined, { accept, headers: fault.headers }),
    message: statusTitle(status)
  }
}

/** The password of a Basic Authorization header ('' when there is none). */
export function basicPassword(authorization: string): string {
  const [scheme, credentials = ''] = authorization.trim().split(/\s+/, 2)
  if (scheme?.toLowerCase() !== 'basic') return ''
  const decoded = Buffer.from(credentials, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? '' : decoded.slice(colon + 1)
}
