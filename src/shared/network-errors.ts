import { proxyUrlFor } from './proxy.js'
import type { RunContext } from './run-context.js'

/**
 * A failed connection in words a release engineer can act on, instead of a system call's or an
 * HTTP parser's message. When the request went through a proxy (HTTPS_PROXY / HTTP_PROXY, chosen
 * by the runner's proxy variables), failures to reach it or refusals of its CONNECT are about the proxy,
 * not the index, and are named as such: "connection refused" there would send people looking at
 * the index.
 */
export interface NetworkFailure {
  /** The sentence after "No answer from <origin>: ". */
  text: string
  /** The failure's code (ECONNREFUSED…), or ETIMEDOUT for an unnamed timeout. */
  code: string | undefined
  /** No byte of the request can have reached the index: nothing can have been stored. */
  unsent: boolean
  /** Retrying cannot help (a certificate the runner does not trust, a proxy wanting credentials). */
  final: boolean
}

/** Failures before any connection to the index (or to the proxy) exists. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN'])

/** What Node reports for a TLS certificate the runner does not trust. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH'
])

const TUNNEL_STATUS = /^tunneling socket could not be established, statusCode=(\d+)/
const TUNNEL_CAUSE = /^tunneling socket could not be established, cause=(.*)$/s

interface CauseShape {
  code?: unknown
  message?: unknown
  hostname?: unknown
}

/** The variables a proxy may come from (RunContext.proxy): named in the messages about it. */
export type ProxyVariables = RunContext['proxy']

export function describeNetworkFailure(
  url: string,
  cause: unknown,
  variables: ProxyVariables = {}
): NetworkFailure {
  const error = (cause ?? {}) as CauseShape
  const code = typeof error.code === 'string' ? error.code : undefined
  const detail = cause instanceof Error ? cause.message : String(cause)
  const proxy = proxyFor(url, variables)
  const host = new URL(url).hostname

  if (proxy) {
    const viaProxy = describeProxyFailure(proxy, code, detail)
    if (viaProxy) return viaProxy
  }
  const failure = (
    text: string,
    options: { unsent?: boolean; final?: boolean; code?: string } = {}
  ): NetworkFailure => ({
    text,
    code: options.code ?? code,
    unsent: options.unsent ?? false,
    final: options.final ?? false
  })

  if (code?.startsWith('HPE_')) {
    return failure(
      'the index sent a malformed HTTP response (is something other than an HTTP server ' +
        'listening there, or should the URL start with https:// instead of http://?)'
    )
  }
  if (code && CERTIFICATE_CODES.has(code)) {
    return failure(
      `the TLS certificate of ${host} is not trusted (${certificateReason(code)}). If a company ` +
        'proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA certificate (PEM) ' +
        'in the job environment.',
      { unsent: true, final: true }
    )
  }
  switch (code) {
    case 'ECONNREFUSED':
      return failure(
        `the index refused the connection (nothing listens on ${new URL(url).host}; is the URL right, and is the index running?)`,
        { unsent: true }
      )
    case 'ENOTFOUND':
      return failure(`the host name ${host} could not be resolved (check the URL for typos)`, {
        unsent: true
      })
    case 'EAI_AGAIN':
      return failure(
        `the host name ${host} could not be resolved right now (a temporary DNS failure on the runner)`,
        { unsent: true }
      )
    case 'ECONNECTTIMEOUT':
      return failure(`${detail} (is ${host} reachable from this runner?)`, { unsent: true })
    case 'EDEADLINE':
      // The request's own deadline (see Http): its message says which limit and how long.
      return failure(detail)
    case 'ECONNRESET':
    case 'EPIPE':
      return failure('the index closed the connection unexpectedly (connection reset)')
    case 'ETIMEDOUT':
      // Ours name the inactivity timeout and its length; the system's are about connecting.
      return detail.startsWith('no data')
        ? failure(`${detail} (inactivity timeout)`)
        : failure(`the connection to ${host} timed out`)
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return failure(
        `the TLS handshake with ${host} failed: the server does not speak TLS on that port ` +
          '(should the URL start with http:// instead of https://?)',
        { unsent: true, final: true }
      )
    default:
      return /timeout/i.test(detail)
        ? failure('no data within the timeout', { code: code ?? 'ETIMEDOUT' })
        : failure(detail)
  }
}

/**
 * The proxy the client uses for this URL, and the variable it came from (as the entry
 * found it; the upper-case spelling when the entry named none).
 */
export function proxyFor(
  url: string,
  variables: ProxyVariables = {}
): { url: string; variable: string } | undefined {
  const proxy = proxyUrlFor(url)?.href
  if (!proxy) return undefined
  const https = new URL(url).protocol === 'https:'
  const variable =
    (https ? variables.https : variables.http) ?? (https ? 'HTTPS_PROXY' : 'HTTP_PROXY')
  return { url: withoutCredentials(proxy), variable }
}

function describeProxyFailure(
  proxy: { url: string; variable: string },
  code: string | undefined,
  detail: string
): NetworkFailure | undefined {
  const named = `the proxy ${proxy.url} (from ${proxy.variable})`
  const status = TUNNEL_STATUS.exec(detail)
  if (status) {
    const answer = Number(status[1])
    if (answer === 407) {
      return {
        text:
          `${named} refused the connection: it wants proxy credentials (HTTP 407). Put them ` +
          `in ${proxy.variable} as http://user:password@host:port, from a secret.`,
        code: 'EPROXY',
        unsent: true,
        final: true
      }
    }
    return {
      text:
        `${named} could not open a connection to the index (it answered HTTP ${answer} to ` +
        'CONNECT): the proxy may not reach the index host, or may not allow it. If the index ' +
        'should be reached directly, add its host to NO_PROXY.',
      code: 'EPROXY',
      unsent: true,
      final: answer >= 400 && answer < 500
    }
  }
  const tunnelCause = TUNNEL_CAUSE.exec(detail)
  const causeCode = tunnelCause ? /\b(E[A-Z_]+)\b/.exec(tunnelCause[1])?.[1] : code
  // Every connection goes to the proxy first, so a connect-phase failure is the proxy's.
  if (tunnelCause || (causeCode && CONNECT_CODES.has(causeCode))) {
    const why =
      causeCode === 'ECONNREFUSED'
        ? 'the connection was refused'
        : causeCode === 'ENOTFOUND' || causeCode === 'EAI_AGAIN'
          ? 'its host name could not be resolved'
          : causeCode === 'ECONNECTTIMEOUT' || causeCode === 'ETIMEDOUT'
            ? 'connecting timed out'
            : 'the connection failed'
    return {
      text: `could not reach ${named}: ${why}. Check ${proxy.variable} (and NO_PROXY for hosts to reach directly).`,
      code: causeCode ?? code,
      unsent: true,
      final: false
    }
  }
  return undefined
}

function certificateReason(code: string): string {
  switch (code) {
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'self-signed certificate'
    case 'CERT_HAS_EXPIRED':
      return 'the certificate has expired'
    case 'CERT_NOT_YET_VALID':
      return 'the certificate is not valid yet: check the runner clock'
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
    case 'HOSTNAME_MISMATCH':
      return 'the certificate is for another host name'
    default:
      return 'signed by an authority the runner does not know'
  }
}

/** A proxy URL as it can be shown: user and password removed. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url)
    parsed.username = ''
    parsed.password = ''
    return parsed.toString().replace(/\/$/, '')
  } catch {
    return '(unparseable proxy URL)'
  }
}
