/**
 * Status pages shaped like the ones PyPI sends. Warehouse raises Pyramid HTTP exceptions whose
 * status line is "<code> <message>" (the message doubles as the reason phrase), and Pyramid renders
 * the body as HTML, JSON or plain text depending on the request's Accept header. Clients parse all
 * three, so the test index renders them the same way.
 */
import { STATUS_CODES, type ServerResponse } from 'node:http'

export interface Page {
  status: number
  /** The HTTP reason phrase. */
  reason: string
  headers: Record<string, string>
  body: string | Buffer
}

/** Pyramid's explanation line for the statuses an index sends. */
const EXPLANATIONS: Record<number, string> = {
  200: '',
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401:
    'This server could not verify that you are authorized to access the document you requested.  ' +
    'Either you supplied the wrong credentials (e.g., bad password), or your browser does not ' +
    'understand how to supply the credentials required.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  409: 'There was a conflict when trying to complete your request.',
  410: 'This resource is no longer available.  No forwarding address is given.',
  413: 'The body of your request was too large for this server.',
  422: 'Unable to process the contained instructions',
  429: 'The action could not be performed because there were too many requests by the client.',
  500: 'The server has either erred or is incapable of performing the requested operation.',
  502: 'Bad gateway.',
  503: 'The server is currently unavailable. Please try again at a later time.',
  504: 'The gateway has timed out.'
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Unknown Error'
}

export interface PageOptions {
  /** The request's Accept header: picks HTML (default), JSON or plain text. */
  accept?: string
  /** For 405 pages, which name the method. */
  method?: string
  /** For 3xx pages: sets Location and the redirect wording. */
  location?: string
  headers?: Record<string, string>
}

/**
 * A page for `status` carrying `detail` the way Warehouse's `_exc_with_message` does: the detail
 * becomes the reason phrase and the `<title>`, and sits in the body after Pyramid's explanation.
 */
export function statusPage(
  status: number,
  detail: string | undefined,
  options: PageOptions = {}
): Page {
  const title = statusTitle(status)
  const statusLine = `${status} ${detail || title}`
  const format = negotiate(options.accept, ['text/html', 'application/json']) ?? 'text/plain'
  const html = format === 'text/html'
  const br = html ? '<br/>' : '\n'
  const esc = html ? escapeHtml : (s: string) => s
  const text = esc(detail ?? '')

  let body: string
  if (status >= 300 && status < 400) {
    body = `The resource has been moved to ${esc(options.location ?? '')}; you should be redirected automatically.\n${text}\n`
  } else if (status === 405) {
    body = `The method ${esc(options.method ?? 'POST')} is not allowed for this resource. ${br}${br}\n${text}`
  } else {
    body = `${esc(EXPLANATIONS[status] ?? '')}${br}${br}\n${text}\n\n`
  }

  let page: string
  let contentType: string
  if (format === 'application/json') {
    page = pythonJson({ message: body, code: statusLine, title })
    contentType = 'application/json'
  } else if (html) {
    page = `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${body}\n </body>\n</html>`
    contentType = 'text/html; charset=UTF-8'
  } else {
    page = `${statusLine}\n\n${body}`
    contentType = 'text/plain; charset=UTF-8'
  }
  const headers: Record<string, string> = { 'content-type': contentType, ...options.headers }
  if (options.location !== undefined) headers.location = options.location
  return { status, reason: reasonPhrase(detail || title), headers, body: page }
}

/** A page with a body chosen by the caller (other indexes' JSON or text bodies, faults). */
export function rawPage(
  status: number,
  body: string | Buffer,
  contentType: string,
  reason = statusTitle(status),
  headers: Record<string, string> = {}
): Page {
  return {
    status,
    reason: reasonPhrase(reason),
    headers: { 'content-type': contentType, ...headers },
    body
  }
}

/**
 * Node refuses reason phrases with characters outside Latin-1 or with line breaks; Warehouse
 * replaces what Latin-1 cannot hold with "?" too.
 */
export function reasonPhrase(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (code === 0x09 || (code >= 0x20 && code <= 0x7e) || (code >= 0x80 && code <= 0xff)) out += ch
    else if (code === 0x0a || code === 0x0d) out += ' '
    else out += '?'
  }
  return out
}

export function sendPage(res: ServerResponse, page: Page): void {
  if (res.headersSent || res.destroyed) return
  const body = typeof page.body === 'string' ? Buffer.from(page.body, 'utf8') : page.body
  res.writeHead(page.status, page.reason, {
    ...page.headers,
    'content-length': String(body.length)
  })
  res.end(body)
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')
}

const STRING_LITERALS = /"[^"\\]*(?:\\.[^"\\]*)*"/g
const TOKENS_TO_RESPACE = /"[^"\\]*(?:\\.[^"\\]*)*"|[,:]/g
const NON_ASCII = /[\u0080-\uffff]/g
const HAS_NON_ASCII = /[\u0080-\uffff]/

/** Python's `json.dumps` look (", " and ": " separators, non-ASCII as \u escapes) for flat or nested data. */
export function pythonJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent)
  // One regex pass over JSON.stringify's output: a string literal is matched whole (only strings
  // can hold non-ASCII), and a separator outside one gets Python's space. A character-by-character
  // copy cost about 1 ms for a simple page of 100 files.
  return text.replace(indent === undefined ? TOKENS_TO_RESPACE : STRING_LITERALS, token =>
    token === ',' ? ', ' : token === ':' ? ': ' : asciiOnly(token)
  )
}

/** `ensure_ascii`: each UTF-16 unit past ASCII as `\uXXXX` (astral characters as surrogate pairs). */
function asciiOnly(literal: string): string {
  if (!HAS_NON_ASCII.test(literal)) return literal
  return literal.replace(NON_ASCII, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * Picks the offer the Accept header likes best (by q, then by the order of `offers`); the first
 * offer when there is no header; undefined when the header accepts none of them.
 */
export function negotiate(accept: string | undefined, offers: string[]): string | undefined {
  if (!accept || !accept.trim()) return offers[0]
  const ranges = accept.split(',').map(part => {
    const [range, ...params] = part.trim().split(';')
    const q = params.map(p => p.trim()).find(p => p.startsWith('q='))
    return { range: range.trim().toLowerCase(), q: q ? Number(q.slice(2)) : 1 }
  })
  let best: { offer: string; q: number } | undefined
  for (const offer of offers) {
    const [type] = offer.split('/')
    const match =
      ranges.find(r => r.range === offer) ??
      ranges.find(r => r.range === `${type}/*`) ??
      ranges.find(r => r.range === '*/*')
    if (match && match.q > 0 && (!best || match.q > best.q)) best = { offer, q: match.q }
  }
  return best?.offer
}
