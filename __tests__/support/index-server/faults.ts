/**
 * Misbehaviour on demand, for the upload endpoint only: one queued fault is taken by each upload
 * POST, in order. Faults model what real indexes and the proxies in front of them do: fail with a
 * status, stall, cut the connection mid-body, store the file yet report a failure (the ambiguous
 * case a retry must resolve), report success without storing anything, answer with a body that
 * never ends, or trickle an answer a byte at a time. The streaming answers are exported for other
 * routes (simple pages, trusted publishing) too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
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
  /**
   * Handle the upload normally, store the file, then answer `status` (default 500) instead of 200
   * (with `endlessBody` or `trickle`: that stream, default status 200).
   */
  storeThenFail?: boolean
  /** Decide as usual, answer 200 when the upload is acceptable, but store nothing. */
  acceptWithoutStoring?: boolean
  /** Answer `status` (default 400) with the request's Authorization header and password in the text. */
  echoAuth?: boolean
  /**
   * Answer `status` (default 400) with this text made of the password the request carried (its
   * Basic header's), as an index that echoes it in some encoding; Content-Type from `headers`.
   */
  echoAs?: (password: string) => string
  /** Answer `status` (default 200) with a body that never ends (see sendEndlessBody). */
  endlessBody?: boolean
  /** Answer `status` (default 200) one byte at a time, every `trickle` ms (see sendTrickle). */
  trickle?: number
}

/** Whether the fault answers by itself, before (instead of) normal handling. */
export function answersInstead(fault: Fault): boolean {
  if (fault.storeThenFail || fault.acceptWithoutStoring) return false
  return (
    fault.status !== undefined ||
    fault.body !== undefined ||
    !!fault.echoAuth ||
    fault.echoAs !== undefined ||
    streamsAnswer(fault)
  )
}

/** Whether the fault's answer is a stream (endless or trickled) rather than a page. */
export function streamsAnswer(fault: Fault): boolean {
  return !!fault.endlessBody || fault.trickle !== undefined
}

/** Sends a streaming fault's answer; returns what it did, for the request record. */
export function streamFaultAnswer(fault: Fault, res: ServerResponse): string {
  const status = fault.status ?? 200
  if (fault.endlessBody) {
    sendEndlessBody(res, { status, headers: fault.headers })
    return 'endless body'
  }
  sendTrickle(res, { status, intervalMs: fault.trickle, headers: fault.headers })
  return `trickle (a byte every ${fault.trickle ?? 1000} ms)`
}

export interface StreamOptions {
  status?: number
  headers?: Record<string, string>
}

/**
 * Sends `status` and then a body without end, as fast as the client takes it (chunked, no
 * Content-Length): an index gone wrong, or a URL that is not an index at all. Stops after
 * `safetyBytes` (default 1 GiB) only so that a client without a cap fails its test instead of
 * taking the machine's memory.
 */
export function sendEndlessBody(
  res: ServerResponse,
  options: StreamOptions & { safetyBytes?: number } = {}
): void {
  const chunk = Buffer.alloc(64 * 1024, 'x')
  let left = options.safetyBytes ?? 1024 * 1024 * 1024
  res.writeHead(options.status ?? 200, {
    'Content-Type': 'text/html; charset=utf-8',
    ...options.headers
  })
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      left -= chunk.length
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end()
  }
  pump()
}

/**
 * Sends `status` and headers, then one byte every `intervalMs` (default 1000) for ever: no gap
 * is long enough for an inactivity timeout, so only an overall deadline ends the request.
 */
export function sendTrickle(
  res: ServerResponse,
  options: StreamOptions & { intervalMs?: number } = {}
): void {
  res.writeHead(options.status ?? 200, {
    'Content-Type': 'text/html; charset=utf-8',
    ...options.headers
  })
  res.flushHeaders()
  const timer = setInterval(() => res.write('x'), options.intervalMs ?? 1000)
  res.once('close', () => clearInterval(timer))
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
  if (fault.echoAs) {
    const body = fault.echoAs(basicPassword(req.headers.authorization ?? ''))
    const contentType = fault.headers?.['content-type'] ?? 'text/plain; charset=utf-8'
    const status = fault.status ?? 400
    return {
      page: rawPage(status, body, contentType, statusTitle(status), fault.headers),
      message: body
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
