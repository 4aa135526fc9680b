import { readFile } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { Agent, ProxyAgent, type Dispatcher } from 'undici'
import { AnswerTooLargeError, type BodyCap } from './http-body.js'
import { formatSize } from './format.js'
import { LimitError, NetworkError, proxyUrlFor } from './network-errors.js'
import type { RunContext } from './run-context.js'
import { USER_AGENT } from './version.js'

export { NetworkError }

export interface HttpResponse {
  status: number
  /** The reason phrase; PyPI puts its message there (HTTP/1.1 only). */
  statusText: string
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string | undefined>
  body: string
}

export interface RequestOptions {
  headers?: Record<string, string | number>
  /** A body factory, so that a retry can re-stream it. */
  body?: () => Readable | string | Buffer
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
  /** Inactivity timeout, in ms: no byte either way for this long fails the request. */
  timeoutMs?: number
  /** Time allowed to open a connection (TCP and TLS), in ms. */
  connectTimeoutMs?: number
  /** The variables the proxy comes from (RunContext.proxy), named when the proxy fails. */
  proxy?: RunContext['proxy']
  /** twine's --cert (the only CAs trusted, as in requests) and --client-cert (PEM: cert and key). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer }
}

/** The PEM files of `--cert` and `--client-cert`, read before the first request. */
export async function readTlsFiles(paths: {
  caCert?: string
  clientCert?: string
}): Promise<HttpOptions['tls']> {
  const read = async (file: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(file)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error)
      throw new Error(`The ${what} file '${file}' cannot be read (${code}); nothing was sent.`, {
        cause: error
      })
    }
  }
  const ca = paths.caCert ? await read(paths.caCert, 'CA bundle (--cert)') : undefined
  // One PEM file holds both, as requests takes it: Node's TLS picks each block it needs.
  const pem = paths.clientCert ? await read(paths.clientCert, 'client certificate') : undefined
  return ca || pem ? { ca, cert: pem, key: pem } : undefined
}

/**
 * The slowest upload rate that still counts as progress (16 KiB/s, a 128 kbit/s link): a body may
 * take its size at this rate on top of the answer's deadline, so a server that reads a few bytes
 * a second (which the inactivity timeout never notices) cannot hold an upload for ever.
 */
const SLOWEST_SEND_RATE = 16 * 1024

/**
 * The one HTTP client of a run, on undici: one keep-alive Agent for direct requests and one
 * ProxyAgent (CONNECT tunnel) per proxy. Redirects are never followed: the caller decides, so
 * credentials never reach another host. Every answer is read up to the caller's cap, and every
 * request has a deadline on top of the inactivity timeout (which a trickling index never trips):
 * - a streamed body's answer must arrive in full within twice `timeout` of the body being sent;
 * - the whole request must end within `connect-timeout` + twice `timeout` + the body's size at
 *   SLOWEST_SEND_RATE.
 */
export class Http {
  private readonly connectTimeoutMs: number
  private readonly timeoutMs: number
  /** By proxy URL ('' for direct), made on first use. */
  private readonly dispatchers = new Map<string, Dispatcher>()

  constructor(private readonly options: HttpOptions = {}) {
    this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000
    this.timeoutMs = options.timeoutMs ?? 120_000
  }

  /**
   * The proxy comes from @actions/http-client's rules (lower case first, NO_PROXY, loopback never
   * proxied); undici's EnvHttpProxyAgent was tried and rejected: no loopback bypass, other rules.
   */
  private dispatcherFor(url: URL): Dispatcher {
    const proxy = proxyUrlFor(url)
    const key = proxy?.href ?? ''
    let dispatcher = this.dispatchers.get(key)
    if (!dispatcher) {
      const timeouts = { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs }
      const connect = { timeout: this.connectTimeoutMs, ...this.options.tls }
      dispatcher = proxy
        ? new ProxyAgent({
            uri: proxy.origin,
            // getProxyUrl gives them decoded.
            token:
              proxy.username || proxy.password
                ? basicAuth(proxy.username, proxy.password)
                : undefined,
            proxyTls: { timeout: this.connectTimeoutMs },
            requestTls: connect,
            ...timeouts
          })
        : new Agent({ connect, ...timeouts })
      this.dispatchers.set(key, dispatcher)
    }
    return dispatcher
  }

  async request(method: string, url: string, options: RequestOptions): Promise<HttpResponse> {
    const target = new URL(url)
    const headers: Record<string, string> = {
      'user-agent': USER_AGENT,
      ...Object.fromEntries(
        Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)])
      )
    }
    const body = options.body?.() ?? null
    const streamed = body !== null && typeof body !== 'string' && !Buffer.isBuffer(body)
    const { cap } = options

    const timers: NodeJS.Timeout[] = []
    let expired: Error | undefined
    let abort: ((error: Error) => void) | undefined
    let reject: (error: Error) => void = () => undefined
    const expire = (error: Error): void => {
      if (expired) return
      expired = error
      if (abort) abort(error)
      else reject(error)
    }
    const after = (ms: number, error: () => Error): void => {
      timers.push(setTimeout(() => expire(error()), Math.max(0, ms)))
    }
    const answerMs = 2 * this.timeoutMs
    const sendMs = ((Number(headers['content-length']) || 0) / SLOWEST_SEND_RATE) * 1000
    const wholeMs = Math.round(this.connectTimeoutMs + answerMs + sendMs)
    after(wholeMs, () =>
      deadlineError(
        wholeMs,
        'the request',
        `connect-timeout and twice 'timeout'${sendMs >= 1 ? `, plus the body's size at ${formatSize(SLOWEST_SEND_RATE)}/s` : ''}`
      )
    )
    if (options.timeLimit) {
      const { ms, reason } = options.timeLimit
      after(ms, () => new LimitError('EDEADLINE', `${reason} before the answer came`))
    }

    try {
      return await new Promise<HttpResponse>((resolve, fail) => {
        reject = fail
        const chunks: Buffer[] = []
        let size = 0
        let answer: Omit<HttpResponse, 'body'> = { status: 0, statusText: '', headers: {} }
        const tooLarge = (): boolean => {
          abort?.(new AnswerTooLargeError(url, cap, answer.status))
          return false
        }
        const handler: Dispatcher.DispatchHandlers & { onRequestSent?: () => void } = {
          onConnect: a => {
            abort = a
            if (expired) a(expired)
          },
          onHeaders: (status, raw, _resume, statusText) => {
            if (status < 200) return true
            answer = { status, statusText, headers: headersOf(raw) }
            return Number(answer.headers['content-length']) > cap.bytes ? tooLarge() : true
          },
          onData: chunk => {
            size += chunk.length
            if (size > cap.bytes) return tooLarge()
            chunks.push(chunk)
            return true
          },
          onComplete: () => resolve({ ...answer, body: Buffer.concat(chunks).toString('utf8') }),
          onError: fail,
          // Requests with no body or a short text (a GET, a token request) have the whole-request
          // deadline only.
          onRequestSent: streamed
            ? () =>
                after(answerMs, () =>
                  deadlineError(answerMs, 'the answer to the sent request', "twice 'timeout'")
                )
            : undefined
        }
        this.dispatcherFor(target).dispatch(
          {
            origin: target.origin,
            path: target.pathname + target.search,
            method: method as Dispatcher.HttpMethod,
            headers,
            body
          },
          handler
        )
      })
    } catch (error) {
      // A body left half-sent would keep its file open.
      if (streamed) body.destroy()
      if (error instanceof AnswerTooLargeError) throw error
      throw new NetworkError(url, expired ?? this.ourWords(error, target), this.options.proxy)
    } finally {
      for (const timer of timers) clearTimeout(timer)
    }
  }

  /** undici's timeouts, as the limits the user set. */
  private ourWords(error: unknown, target: URL): unknown {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new LimitError(
        'ECONNECTTIMEOUT',
        `could not connect within ${seconds(this.connectTimeoutMs)} s (is ${target.hostname} reachable from this runner?)`
      )
    }
    if (code !== 'UND_ERR_HEADERS_TIMEOUT' && code !== 'UND_ERR_BODY_TIMEOUT') return error
    const text = `no data sent or received for ${seconds(this.timeoutMs)} s (inactivity timeout)`
    return new LimitError('ETIMEDOUT', text)
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
    for (const dispatcher of this.dispatchers.values())
      void dispatcher.destroy().catch(() => undefined)
    this.dispatchers.clear()
  }
}

function headersOf(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString('latin1').toLowerCase()
    const value = raw[i + 1].toString('latin1')
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value
  }
  return headers
}

function deadlineError(ms: number, what: string, basis: string): Error {
  return new LimitError(
    'EDEADLINE',
    `${what} did not complete within ${seconds(ms)} s (${basis}), although data kept moving: ` +
      "the index sends or reads too slowly. Raise 'timeout' if it is only slow."
  )
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10)
}

/** Where a redirect points, resolved against the URL asked; undefined for any other answer. */
export function redirectTarget(response: HttpResponse, url: string): string | undefined {
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined
  const location = response.headers.location
  return location ? new URL(location, url).toString() : undefined
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
}
