import type { IncomingHttpHeaders } from 'node:http'
import type { Readable } from 'node:stream'
import { HttpClient } from '@actions/http-client'
import { USER_AGENT } from './version.js'

export interface HttpResponse {
  status: number
  /** The reason phrase; PyPI puts its message there (HTTP/1.1 only). */
  statusText: string
  headers: IncomingHttpHeaders
  body: string
}

export interface RequestOptions {
  headers?: Record<string, string | number>
  /** A body factory, so that a retry can re-stream it. */
  body?: () => Readable | string
}

export interface HttpOptions {
  /** Inactivity timeout on the socket, in ms. */
  timeoutMs?: number
}

/**
 * The one HTTP client of a run: uploads, simple-index reads and token exchanges share its
 * keep-alive connections, its User-Agent and its policy. Redirects are never followed here:
 * the caller decides, so credentials are never replayed to another host.
 */
export class Http {
  private readonly client: HttpClient

  constructor(options: HttpOptions = {}) {
    this.client = new HttpClient(USER_AGENT, [], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
      socketTimeout: options.timeoutMs ?? 120_000
    })
  }

  async request(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers = { ...(options.headers ?? {}) }
    const body = options.body?.() ?? null
    let response
    try {
      response = await this.client.request(method, url, body, headers)
    } catch (error) {
      throw new NetworkError(url, error)
    }
    return {
      status: response.message.statusCode ?? 0,
      statusText: response.message.statusMessage ?? '',
      headers: response.message.headers,
      body: await response.readBody()
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request('GET', url, { headers })
  }

  /** Closes keep-alive sockets so nothing holds the process open. */
  dispose(): void {
    this.client.dispose()
  }
}

/** No HTTP answer at all: refused, reset, DNS, TLS, or the inactivity timeout. */
export class NetworkError extends Error {
  readonly code: string | undefined
  constructor(
    readonly url: string,
    cause: unknown
  ) {
    const code = (cause as { code?: string })?.code
    const detail = cause instanceof Error ? cause.message : String(cause)
    super(`No answer from ${new URL(url).origin}: ${describeNetworkFailure(code, detail)}`)
    this.name = 'NetworkError'
    this.code = code ?? (/timeout/i.test(detail) ? 'ETIMEDOUT' : undefined)
  }
}

function describeNetworkFailure(code: string | undefined, detail: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the URL right, and is the index running?)'
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve (check the URL for typos)'
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the connection was reset'
    default:
      return /timeout/i.test(detail) ? 'no data within the timeout' : detail
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
