import {
  Agent as HttpAgent,
  request as httpRequest,
  type Agent,
  type ClientRequest,
  type IncomingHttpHeaders,
  type IncomingMessage
} from 'node:http'
import type { Socket } from 'node:net'
import { Readable, Writable } from 'node:stream'
import { AnswerTooLargeError, readCappedBody, type BodyCap } from './http-body.js'
import { formatSize } from './format.js'
import { describeNetworkFailure, type ProxyVariables } from './network-errors.js'
import { proxyUrlFor } from './proxy.js'
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
  /** A body factory, so that a retry can re-stream it; a Buffer is sent in one write. */
  body?: () => Readable | string | Buffer
  /**
   * Told of each Buffer of the body once the socket has taken it (a stream's chunks one by one as
   * they are written; a one-Buffer body when the whole request has been), so its memory may be
   * read into again. What a failed request never wrote is not told of: that memory is simply not
   * used again.
   */
  onSent?: (chunk: Buffer) => void
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
 * - an upload's answer (headers and body) must arrive in full within twice `timeout` of its body
 *   having been handed over. Twice, so a silent index is still reported by the
 *   inactivity timeout, which says more, and a slow index gets a whole `timeout` for its answer on
 *   top of the time it may think in silence; answers are small (capped), so this is generous;
 * - the whole request (any request: a GET, a token request) must end within `connect-timeout` +
 *   twice `timeout` + the body's size at SLOWEST_SEND_RATE: an upload is never cut for being large
 *   on a slow link, only a server that reads it at a trickle is.
 */
export class Http {
  private readonly connectTimeoutMs: number
  private readonly timeoutMs: number
  private readonly proxy: ProxyVariables
  /** One keep-alive agent per way out (direct or through a proxy) and scheme, made on first use. */
  private readonly agents = new Map<string, Promise<Agent>>()

  constructor(options: HttpOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000
    this.timeoutMs = options.timeoutMs ?? 120_000
    this.proxy = options.proxy ?? {}
  }

  /**
   * The agent for `url`: through the proxy the runner's variables name for it (the rules every
   * Actions toolkit client follows, from @actions/http-client's proxy module: lower case first,
   * NO_PROXY, loopback never proxied), tunnelled with CONNECT as that client does; otherwise a
   * direct keep-alive agent. `node:https` and the tunnel are loaded only by a run that uses them.
   */
  private agentFor(url: URL): Promise<Agent> {
    const proxy = proxyUrlFor(url)
    const key = `${url.protocol}${proxy ? ` via ${proxy.href}` : ''}`
    let agent = this.agents.get(key)
    if (!agent) {
      agent = proxy ? tunnelAgent(url, proxy) : this.directAgent(url)
      this.agents.set(key, agent)
    }
    return agent
  }

  /**
   * A direct agent whose sockets get a connect deadline (a host that drops SYNs would otherwise
   * only fail after the long inactivity timeout).
   */
  private async directAgent(url: URL): Promise<Agent> {
    const tls = url.protocol === 'https:'
    const agent = tls
      ? new (await import('node:https')).Agent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true })
    const create = (
      agent as unknown as { createConnection: (o: object, cb?: unknown) => Socket }
    ).createConnection.bind(agent)
    const limit = this.connectTimeoutMs
    Object.assign(agent, {
      createConnection: (options: object, callback?: unknown): Socket => {
        const socket = create(options, callback)
        const timer = setTimeout(() => {
          const error = Object.assign(new Error(`could not connect within ${seconds(limit)} s`), {
            code: 'ECONNECTTIMEOUT'
          })
          socket.destroy(error)
        }, limit)
        timer.unref()
        const clear = (): void => clearTimeout(timer)
        socket.once(tls ? 'secureConnect' : 'connect', clear)
        socket.once('close', clear)
        return socket
      }
    })
    return agent
  }

  async request(method: string, url: string, options: RequestOptions): Promise<HttpResponse> {
    const headers: Record<string, string | number> = {
      'user-agent': USER_AGENT,
      ...lowerCaseKeys(options.headers ?? {})
    }
    const body = options.body?.() ?? null
    if (typeof body === 'string' || Buffer.isBuffer(body)) {
      headers['content-length'] = Buffer.byteLength(body)
    }

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
    const sendMs = (bodyBytes(headers) / SLOWEST_SEND_RATE) * 1000
    const wholeMs = Math.round(this.connectTimeoutMs + answerMs + sendMs)
    after(wholeMs, () =>
      deadlineError(
        wholeMs,
        'the request',
        `connect-timeout and twice 'timeout'${sendMs >= 1 ? `, plus the body's size at ${formatSize(SLOWEST_SEND_RATE)}/s` : ''}`
      )
    )
    const armAnswerDeadline = (): void =>
      after(answerMs, () =>
        deadlineError(answerMs, 'the answer to the sent request', "twice 'timeout'")
      )
    // An upload's body is handed over when its stream ends, or (a small file's body, one Buffer)
    // when the request has been written. Requests without a body or with a short text (a GET, a
    // token request) have the whole-request deadline only.
    if (body instanceof Readable) body.once('end', armAnswerDeadline)
    if (options.timeLimit) {
      const { ms, reason } = options.timeLimit
      after(ms, () =>
        Object.assign(new Error(`${reason} before the answer came`), { code: 'EDEADLINE' })
      )
    }

    const exchange = async (): Promise<HttpResponse> => {
      const target = new URL(url)
      const message = await this.send(method, target, headers, body, controller.signal, {
        onSent: options.onSent,
        onWritten: () => {
          if (!Buffer.isBuffer(body)) return
          armAnswerDeadline()
          options.onSent?.(body)
        }
      })
      return {
        status: message.statusCode ?? 0,
        statusText: message.statusMessage ?? '',
        headers: message.headers,
        body: await this.readAnswer(message, url, options.cap)
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
      throw new NetworkError(url, error, this.proxy)
    } finally {
      for (const timer of timers) clearTimeout(timer)
    }
  }

  /**
   * Sends the request; resolves with the answer's head. The inactivity timeout covers the whole
   * exchange (no byte either way for `timeout`): the socket is destroyed, not half-closed, so a
   * stalled connection lets go of the file it streams from at once.
   */
  private async send(
    method: string,
    url: URL,
    headers: Record<string, string | number>,
    body: Readable | string | Buffer | null,
    signal: AbortSignal,
    hooks: { onSent?: (chunk: Buffer) => void; onWritten: () => void }
  ): Promise<IncomingMessage> {
    const agent = await this.agentFor(url)
    const https = url.protocol === 'https:'
    const request = (https ? (await import('node:https')).request : httpRequest)(url, {
      method,
      headers,
      agent,
      signal
    })
    return new Promise<IncomingMessage>((resolve, reject) => {
      request.once('response', resolve)
      request.on('error', reject)
      request.setTimeout(this.timeoutMs, () => request.destroy(inactivityError(this.timeoutMs)))
      request.once('finish', hooks.onWritten)
      if (body instanceof Readable) pipeBody(body, request, hooks.onSent)
      else request.end(body ?? undefined)
    })
  }

  /**
   * The capped body: every failure rejects (a server that sends its headers and then stalls, or a
   * connection cut mid-body), and silence longer than the inactivity timeout is a failure.
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

  /**
   * Closes keep-alive sockets so nothing holds the process open. (A tunnel agent keeps none: it
   * closes each tunnel when its request ends.)
   */
  dispose(): void {
    for (const agent of this.agents.values()) {
      void agent.then(
        a => (a as Partial<Agent>).destroy?.(),
        () => undefined
      )
    }
    this.agents.clear()
  }
}

/** The proxy agent for `url` through `proxy`: a CONNECT tunnel, whatever the target's scheme. */
async function tunnelAgent(url: URL, proxy: URL): Promise<Agent> {
  const tunnel = await import('tunnel')
  const make =
    url.protocol === 'https:'
      ? proxy.protocol === 'https:'
        ? tunnel.httpsOverHttps
        : tunnel.httpsOverHttp
      : proxy.protocol === 'https:'
        ? tunnel.httpOverHttps
        : tunnel.httpOverHttp
  return make({
    maxSockets: Infinity,
    proxy: {
      host: proxy.hostname,
      port: Number(proxy.port) || (proxy.protocol === 'https:' ? 443 : 80),
      ...(proxy.username || proxy.password
        ? { proxyAuth: `${proxy.username}:${proxy.password}` }
        : {})
    }
  })
}

function lowerCaseKeys(headers: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
}

/**
 * Streams `body` into the request. Each chunk is handed to the request, and `onSent` is told of it
 * when the request's write callback says the socket has it, so the body can read into the same
 * memory again. A body that fails destroys the request (the error reaches the caller through it);
 * the request ends when the body does.
 */
function pipeBody(
  body: Readable,
  request: ClientRequest,
  onSent: ((chunk: Buffer) => void) | undefined
): void {
  const writer = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const sent = onSent ? (): void => onSent(chunk) : undefined
      if (request.write(chunk, sent)) done()
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
  writer.on('error', () => undefined)
  body.on('error', error => writer.destroy(error))
  body.pipe(writer)
}

/** The size of a request body, from its Content-Length (0 when there is none). */
function bodyBytes(headers: Record<string, string | number>): number {
  return Number(headers['content-length']) || 0
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
