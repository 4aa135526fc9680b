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
    const response = await this.client.request(method, url, body, headers)
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

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
