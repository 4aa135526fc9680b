import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'
import { TLSSocket } from 'node:tls'
import { Readable, Writable } from 'node:stream'
import { HttpClient } from '@actions/http-client'
import { AnswerTooLargeError, readCappedBody, type BodyCap } from './http-body.js'
import { formatSize } from './format.js'
import { describeNetworkFailure, type ProxyVariables } from './network-errors.js'
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
  /** The most of the answer's body that is read. Required: no answer is read unbounded. */
  cap: BodyCap
  /** A hard end the caller puts on top of the client's own deadline (e.g. what is left of verify-timeout). */
  timeLimit?: TimeLimit
}

export interface TimeLimit {
  /** From now, in ms. */
  ms: number
  /** Why the request is cut there, for the message: "verify-timeout ran out". */
  reason: string
}

export interface HttpOptions {
  /** Inactivity timeout on the socket, in ms: no byte either way for this long fails the request. */
  timeoutMs?: number
  /** Time allowed to open a connection (TCP and TLS), in ms. */
  connectTimeoutMs?: number
  /** The variables the proxy comes from (RunContext.proxy), named when the proxy fails. */
  proxy?: ProxyVariables
}

/**
 * The slowest upload rate that still counts as progress, in bytes per second: a request body may
 * take its size at this rate on top of the answer's deadline. 16 KiB/s is a 128 kbit/s link, so
 * any real link finishes long before; a server that reads a few bytes a second (which keeps the
 * inactivity timeout from ever firing) cannot hold a 100 MiB upload for more than ~2 hours.
 */
const SLOWEST_SEND_RATE = 16 * 1024

/**
 * The one HTTP client of a run: uploads, simple-index reads and token exchanges share its
 * keep-alive connections, its User-Agent and its policy. Redirects are never followed here:
 * the caller decides, so credentials are never replayed to another host.
 *
 * Every request is bounded in size and time. Its answer is read up to the caller's cap. The
 * inactivity timeout (`timeout`) only measures gaps, so an index that trickles a byte a second
 * would keep a request alive for ever; each request therefore also has a deadline:
 *
 * - the answer (headers and body) must arrive in full within twice `timeout` of the request body
 *   having been handed over (at once for a GET). Twice, so a silent index is still reported by the
 *   inactivity timeout, which says more, and a slow index gets a whole `timeout` for its answer on
 *   top of the time it may think in silence; answers are small (capped), so this is generous;
 * - the whole request must end within `connect-timeout` + twice `timeout` + the body's size at
 *   SLOWEST_SEND_RATE: an upload is never cut for being large on a slow link, only a server that
 *   reads it at a trickle is.
 */
export class Http {
  private readonly client: HttpClient
  private readonly connectTimeoutMs: number
  private readonly timeoutMs: number
  private readonly proxy: ProxyVariables
  private readonly armed = new WeakSet<object>()
  /** Handed to the next request the client prepares (see `request`). */
  private nextSignal: AbortSignal | undefined

  constructor(options: HttpOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000
    this.timeoutMs = options.timeoutMs ?? 120_000
    this.proxy = options.proxy ?? {}
    // @actions/http-client offers no way to abort a request; its handlers may change the options
    // of each request it prepares, and Node's `signal` option then destroys that request (and
    // its socket, new or reused) when a deadline passes.
    const signalHandler = {
      prepareRequest: (options: { signal?: AbortSignal }): void => {
        if (this.nextSignal) options.signal = this.nextSignal
        this.nextSignal = undefined
      },
      canHandleAuthentication: (): boolean => false,
      handleAuthentication: (): Promise<never> => Promise.reject(new Error('unused'))
    }
    this.client = new HttpClient(USER_AGENT, [signalHandler], {
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

  async request(method: string, url: string, options: RequestOptions): Promise<HttpResponse> {
    const headers = { ...(options.headers ?? {}) }
    const body = options.body?.() ?? null
    this.armSockets(url)

    const controller = new AbortController()
    const timers: NodeJS.Timeout[] = []
    let expired: Error | undefined
    let onExpired: (error: Error) => void = () => undefined
    const expire = (error: Error): void => {
      if (expired) return
      expired = error
      controller.abort(error)
      onExpired(error)
    }
    const after = (ms: number, error: () => Error): void => {
      timers.push(setTimeout(() => expire(error()), Math.max(0, ms)))
    }
    const answerMs = 2 * this.timeoutMs
    const sendMs = (bodyBytes(body, headers) / SLOWEST_SEND_RATE) * 1000
    const wholeMs = Math.round(this.connectTimeoutMs + answerMs + sendMs)
    after(wholeMs, () =>
      deadlineError(
        wholeMs,
        'the request',
        `connect-timeout and twice 'timeout'${sendMs >= 1 ? `, plus the body's size at ${formatSize(SLOWEST_SEND_RATE)}/s` : ''}`
      )
    )
    if (body instanceof Readable) {
      body.once('end', () =>
        after(answerMs, () =>
          deadlineError(answerMs, 'the answer to the sent request', "twice 'timeout'")
        )
      )
    }
    if (options.timeLimit) {
      const { ms, reason } = options.timeLimit
      after(ms, () =>
        Object.assign(new Error(`${reason} before the answer came`), { code: 'EDEADLINE' })
      )
    }

    const exchange = async (): Promise<HttpResponse> => {
      this.nextSignal = controller.signal
      // The client prepares the request synchronously in this call, taking the signal.
      const pending = this.client.request(method, url, sendable(body), headers)
      this.nextSignal = undefined
      const response = await pending
      return {
        status: response.message.statusCode ?? 0,
        statusText: response.message.statusMessage ?? '',
        headers: response.message.headers,
        body: await this.readAnswer(response.message, url, options.cap)
      }
    }
    const deadline = new Promise<never>((_, reject) => (onExpired = reject))
    const work = exchange()
    work.catch(() => undefined) // lost the race to a deadline: already reported
    try {
      return await Promise.race([work, deadline])
    } catch (error) {
      // A body left half-sent would keep its file open: nothing else ever reads it to the end.
      if (body instanceof Readable) body.destroy()
      if (expired) throw new NetworkError(url, expired, this.proxy)
      if (error instanceof AnswerTooLargeError) throw error
      throw new NetworkError(url, this.explain(error), this.proxy)
    } finally {
      for (const timer of timers) clearTimeout(timer)
    }
  }

  /** @actions/http-client reports its inactivity timeout as "Request timeout: <path>". */
  private explain(error: unknown): unknown {
    if (error instanceof Error && /^Request timeout/.test(error.message)) {
      return inactivityError(this.timeoutMs)
    }
    return error
  }

  /**
   * The capped body. @actions/http-client's readBody() waits for 'end' only, so a server that
   * sends its headers and then stalls (or a connection cut mid-body) would hang the run for ever:
   * here every failure rejects, and silence longer than the inactivity timeout is a failure.
   */
  private async readAnswer(message: IncomingMessage, url: string, cap: BodyCap): Promise<string> {
    const socket = message.socket as Socket | null
    let timer: NodeJS.Timeout | undefined
    const arm = (): void => {
      clearTimeout(timer)
      timer = setTimeout(() => message.destroy(inactivityError(this.timeoutMs)), this.timeoutMs)
    }
    arm()
    message.on('data', arm)
    try {
      return await readCappedBody(message, url, cap)
    } catch (error) {
      if (error instanceof AnswerTooLargeError) throw error
      // A socket destroyed by its inactivity timeout surfaces here as a bare "aborted".
      throw (socket?.errored as Error | null | undefined) ?? error
    } finally {
      clearTimeout(timer)
    }
  }

  async get(
    url: string,
    cap: BodyCap,
    headers: Record<string, string> = {},
    timeLimit?: TimeLimit
  ): Promise<HttpResponse> {
    return this.request('GET', url, { headers, cap, timeLimit })
  }

  /** Closes keep-alive sockets so nothing holds the process open. */
  dispose(): void {
    this.client.dispose()
  }
}

/** A body stream that takes back its chunks once they are sent (see `sendable`). */
interface Recycling {
  recycle(chunk: Buffer): void
}

/**
 * What is handed to @actions/http-client, which pipes a stream body into the request. A body that
 * recycles its chunks is piped into a writer that passes each chunk to the request and hands it
 * back when the request's write callback says the socket has taken it, so the body can read into
 * the same memory again. Destroying that writer (a failing body does) destroys the request, as
 * destroying the request itself would.
 */
function sendable(body: Readable | string | null): Readable | string | null {
  if (!(body instanceof Readable) || typeof (body as Partial<Recycling>).recycle !== 'function') {
    return body
  }
  const recycling = body as Readable & Recycling
  return {
    on: (event: string, listener: () => void) => recycling.on(event, listener),
    pipe: (request: Writable) => {
      const writer = new Writable({
        write(chunk: Buffer, _encoding, done) {
          if (request.write(chunk, () => recycling.recycle(chunk))) done()
          else request.once('drain', () => done())
        },
        final(done) {
          request.end()
          done()
        },
        destroy(error, done) {
          if (error) request.destroy(error)
          done(error)
        }
      })
      // The error reaches the caller through the request it destroys.
      writer.on('error', () => undefined)
      return recycling.pipe(writer)
    }
  } as unknown as Readable
}

/** The size of a request body, from its Content-Length (0 when there is none). */
function bodyBytes(
  body: Readable | string | null,
  headers: Record<string, string | number>
): number {
  if (typeof body === 'string') return Buffer.byteLength(body)
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'content-length' && Number(value) > 0) return Number(value)
  }
  return 0
}

function deadlineError(ms: number, what: string, basis: string): Error {
  return Object.assign(
    new Error(
      `${what} did not complete within ${seconds(ms)} s (${basis}), although data kept moving: ` +
        "the index sends or reads too slowly. Raise 'timeout' if it is only slow."
    ),
    { code: 'EDEADLINE' }
  )
}

function inactivityError(timeoutMs: number): Error {
  return Object.assign(new Error(`no data sent or received for ${seconds(timeoutMs)} s`), {
    code: 'ETIMEDOUT'
  })
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** No (complete) HTTP answer: refused, reset, DNS, TLS, a proxy, the inactivity timeout or a deadline. */
export class NetworkError extends Error {
  readonly code: string | undefined
  /** No byte of the request can have reached the index. */
  readonly unsent: boolean
  /** Retrying cannot help (an untrusted certificate, a proxy wanting credentials). */
  readonly final: boolean
  constructor(
    readonly url: string,
    cause: unknown,
    proxy: ProxyVariables = {}
  ) {
    const failure = describeNetworkFailure(url, cause, proxy)
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
