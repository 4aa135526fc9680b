import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { Readable } from 'node:stream'
import { HttpClient } from '@actions/http-client'
import { describeNetworkFailure } from './network-errors.js'
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
  /** Inactivity timeout on the socket, in ms: no byte either way for this long fails the request. */
  timeoutMs?: number
  /** Time allowed to open a connection (TCP and TLS), in ms. */
  connectTimeoutMs?: number
}

/**
 * The one HTTP client of a run: uploads, simple-index reads and token exchanges share its
 * keep-alive connections, its User-Agent and its policy. Redirects are never followed here:
 * the caller decides, so credentials are never replayed to another host.
 */
export class Http {
  private readonly client: HttpClient
  private readonly connectTimeoutMs: number
  private readonly timeoutMs: number
  private readonly armed = new WeakSet<object>()

  constructor(options: HttpOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000
    this.timeoutMs = options.timeoutMs ?? 120_000
    this.client = new HttpClient(USER_AGENT, [], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: true,
      socketTimeout: this.timeoutMs
    })
  }

  /**
   * @actions/http-client has one inactivity timeout and no connect timeout; a host that drops SYNs
   * would only fail after the (long) inactivity timeout. So each new socket of the client's agent
   * gets its own connect deadline. Its inactivity timeout only half-closes the socket
   * (`socket.end()`), which leaves a stalled connection (and the file it streams from) open until
   * the server lets go, so a socket that times out is destroyed here instead.
   */
  private armSockets(url: string): void {
    const agent = this.client.getAgent(url) as unknown as {
      createConnection?: (options: object, callback?: unknown) => Socket
    }
    if (this.armed.has(agent) || typeof agent.createConnection !== 'function') return
    this.armed.add(agent)
    const create = agent.createConnection.bind(agent)
    const limit = this.connectTimeoutMs
    const inactivity = this.timeoutMs
    agent.createConnection = (options: object, callback?: unknown): Socket => {
      const socket = create(options, callback)
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`could not connect within ${seconds(limit)} s`), {
          code: 'ECONNECTTIMEOUT'
        })
        socket.destroy(error)
      }, limit)
      timer.unref()
      const clear = (): void => clearTimeout(timer)
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', clear)
      socket.once('close', clear)
      // Emitted only while a request has set the socket's timeout (idle pooled sockets have none).
      socket.on('timeout', () => socket.destroy(inactivityError(inactivity)))
      return socket
    }
  }

  async request(method: string, url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const headers = { ...(options.headers ?? {}) }
    const body = options.body?.() ?? null
    this.armSockets(url)
    try {
      const response = await this.client.request(method, url, body, headers)
      return {
        status: response.message.statusCode ?? 0,
        statusText: response.message.statusMessage ?? '',
        headers: response.message.headers,
        body: await readBody(response.message, this.timeoutMs)
      }
    } catch (error) {
      // A body left half-sent would keep its file open: nothing else ever reads it to the end.
      if (body instanceof Readable) body.destroy()
      throw new NetworkError(url, this.explain(error))
    }
  }

  /** @actions/http-client reports its inactivity timeout as "Request timeout: <path>". */
  private explain(error: unknown): unknown {
    if (error instanceof Error && /^Request timeout/.test(error.message)) {
      return inactivityError(this.timeoutMs)
    }
    return error
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    return this.request('GET', url, { headers })
  }

  /** Closes keep-alive sockets so nothing holds the process open. */
  dispose(): void {
    this.client.dispose()
  }
}

/**
 * The whole response body. @actions/http-client's readBody() waits for 'end' only, so a server
 * that sends its headers and then stalls (or a connection cut mid-body) would hang the run for
 * ever: here every failure rejects, and silence longer than the inactivity timeout is a failure.
 */
function readBody(message: IncomingMessage, timeoutMs: number): Promise<string> {
  const socket = message.socket as Socket | null
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let timer: NodeJS.Timeout | undefined
    const fail = (error: unknown): void => {
      clearTimeout(timer)
      // A socket destroyed by its inactivity timeout surfaces here as a bare "aborted".
      reject((socket?.errored as Error | null | undefined) ?? error)
    }
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        const error = inactivityError(timeoutMs)
        message.destroy(error)
        fail(error)
      }, timeoutMs)
    }
    arm()
    message.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      arm()
    })
    message.once('end', () => {
      clearTimeout(timer)
      resolve(Buffer.concat(chunks).toString('utf8'))
    })
    message.once('error', fail)
    message.once('close', () => {
      if (!message.complete) fail(new Error('the connection closed before the answer was complete'))
    })
  })
}

function inactivityError(timeoutMs: number): Error {
  return Object.assign(new Error(`no data sent or received for ${seconds(timeoutMs)} s`), {
    code: 'ETIMEDOUT'
  })
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** No HTTP answer at all: refused, reset, DNS, TLS, a proxy, or the inactivity timeout. */
export class NetworkError extends Error {
  readonly code: string | undefined
  /** No byte of the request can have reached the index. */
  readonly unsent: boolean
  /** Retrying cannot help (an untrusted certificate, a proxy wanting credentials). */
  readonly final: boolean
  constructor(
    readonly url: string,
    cause: unknown
  ) {
    const failure = describeNetworkFailure(url, cause)
    super(`No answer from ${new URL(url).origin}: ${failure.text}`)
    this.name = 'NetworkError'
    this.code = failure.code
    this.unsent = failure.unsent
    this.final = failure.final
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
