import { getProxyUrl } from '@actions/http-client/lib/proxy'
import type { RunContext } from './run-context.js'

/**
 * The proxy a request to `url` goes through, by the rules of every Actions toolkit client
 * (lower case first, NO_PROXY, loopback never proxied). Username and password come back decoded.
 */
export function proxyUrlFor(url: URL | string): URL | undefined {
  const proxy = getProxyUrl(typeof url === 'string' ? new URL(url) : url)
  return proxy?.hostname ? proxy : undefined
}

/** A limit of Http's own ran out: its message is already in words (which limit, how long). */
export class LimitError extends Error {
  constructor(
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const RESET = 'the index closed the connection unexpectedly (connection reset)'
const NOT_TLS =
  'the TLS handshake with {hostname} failed: the server does not speak TLS on that port ' +
  '(should the URL start with http:// instead of https://?)'
const UNKNOWN_CA = 'signed by an authority the runner does not know'

/** The words for a failure's code; 'HPE_' stands for every HTTP parser code. */
const WORDS: Record<string, string> = {
  HPE_: 'the index sent a malformed HTTP response (is something other than an HTTP server listening there, or should the URL start with https:// instead of http://?)',
  ECONNREFUSED:
    'the index refused the connection (nothing listens on {host}; is the URL right, and is the index running?)',
  ENOTFOUND: 'the host name {hostname} could not be resolved (check the URL for typos)',
  EAI_AGAIN:
    'the host name {hostname} could not be resolved right now (a temporary DNS failure on the runner)',
  ECONNRESET: RESET,
  EPIPE: RESET,
  UND_ERR_SOCKET: RESET,
  // The system's, about connecting (Http's own, LimitErrors, name the inactivity timeout).
  ETIMEDOUT: 'the connection to {hostname} timed out',
  EPROTO: NOT_TLS,
  ERR_SSL_WRONG_VERSION_NUMBER: NOT_TLS
}

/** Node's codes for a TLS certificate the runner does not trust, with the reason shown. */
const CERTIFICATE_REASONS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet: check the runner clock',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  HOSTNAME_MISMATCH: 'the certificate is for another host name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT: UNKNOWN_CA,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNKNOWN_CA,
  CERT_UNTRUSTED: UNKNOWN_CA,
  CERT_REVOKED: UNKNOWN_CA
}

/** Failures before any connection to the index exists; the FINAL ones do not heal by waiting. */
const UNSENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNECTTIMEOUT'])
const FINAL = new Set([
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  ...Object.keys(CERTIFICATE_REASONS)
])

/** Through a proxy, every connection goes to it first: a connect-phase failure is the proxy's. */
const PROXY_UNREACHABLE = new Map([
  ['ECONNREFUSED', 'the connection was refused'],
  ['ECONNECTTIMEOUT', 'connecting timed out'],
  ['ENOTFOUND', 'its host name could not be resolved'],
  ['EAI_AGAIN', 'its host name could not be resolved']
])

/** undici's refusal of a CONNECT the proxy did not answer with 200. */
const PROXY_STATUS = /^Proxy response \((\d+)\) !== 200/

/** unsent: no byte of the request can have reached the index; final: unsent, and for good. */
type Described = { text: string; code: string | undefined; kind?: 'unsent' | 'final' }

/**
 * A failed connection in words a release engineer can act on, instead of a system call's or an
 * HTTP parser's message. Through a proxy, failures to reach it or refusals of its CONNECT are
 * named as the proxy's: "connection refused" there would send people looking at the index.
 */
function describe(url: string, cause: unknown, variables: RunContext['proxy']): Described {
  const given = (cause as { code?: unknown } | null)?.code
  const code = typeof given === 'string' ? given : undefined
  const detail = cause instanceof Error ? cause.message : String(cause)
  const { host, hostname, protocol } = new URL(url)

  const proxy = proxyUrlFor(url)
  if (proxy) {
    const https = protocol === 'https:'
    // As the entry found it; shown without user and password.
    const variable = (https ? variables.https : variables.http) ?? `HTTP${https ? 'S' : ''}_PROXY`
    const named = `the proxy ${proxy.protocol}//${proxy.host} (from ${variable})`
    const status = Number(PROXY_STATUS.exec(detail)?.[1])
    const unreachable = PROXY_UNREACHABLE.get(code ?? '')
    if (status) {
      const text =
        status === 407
          ? `${named} refused the connection: it wants proxy credentials (HTTP 407). Put them ` +
            `in ${variable} as http://user:password@host:port, from a secret.`
          : `${named} could not open a connection to the index (it answered HTTP ${status} to ` +
            'CONNECT): the proxy may not reach the index host, or may not allow it. If the index ' +
            'should be reached directly, add its host to NO_PROXY.'
      return { text, code: 'EPROXY', kind: status >= 400 && status < 500 ? 'final' : 'unsent' }
    }
    if (unreachable) {
      const text = `could not reach ${named}: ${unreachable}. Check ${variable} (and NO_PROXY for hosts to reach directly).`
      return { text, code, kind: 'unsent' }
    }
  }

  const known = code?.startsWith('HPE_') ? 'HPE_' : (code ?? '')
  const kind = FINAL.has(known) ? 'final' : UNSENT.has(known) ? 'unsent' : undefined
  if (cause instanceof LimitError) return { text: detail, code, kind }
  if (Object.hasOwn(CERTIFICATE_REASONS, known)) {
    const text =
      `the TLS certificate of ${hostname} is not trusted (${CERTIFICATE_REASONS[known]}). If a ` +
      'company proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA certificate ' +
      '(PEM) in the job environment.'
    return { text, code, kind }
  }
  if (Object.hasOwn(WORDS, known)) {
    const text = WORDS[known].replace('{host}', () => host).replace('{hostname}', () => hostname)
    return { text, code, kind }
  }
  return /timeout/i.test(detail)
    ? { text: 'no data within the timeout', code: code ?? 'ETIMEDOUT' }
    : { text: detail, code }
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
    proxy: RunContext['proxy'] = {}
  ) {
    const { text, code, kind } = describe(url, cause, proxy)
    super(`No answer from ${new URL(url).origin}: ${text}`)
    this.name = 'NetworkError'
    this.code = code
    this.unsent = kind !== undefined
    this.final = kind === 'final'
  }
}
