import { getProxyUrl } from '@actions/http-client/lib/proxy'
import type { RunContext } from './run-context.js'

/**
 * A failed connection in words a release engineer can act on, instead of a system call's or an
 * HTTP parser's message. Through a proxy, failures to reach it or refusals of its CONNECT are
 * named as the proxy's: "connection refused" there would send people looking at the index.
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

/** The variables a proxy may come from (RunContext.proxy): named in the messages about it. */
export type ProxyVariables = RunContext['proxy']

/**
 * The proxy a request to `url` goes through, by the rules of every Actions toolkit client
 * (lower case first, NO_PROXY, loopback never proxied). Username and password come back decoded.
 */
export function proxyUrlFor(url: URL | string): URL | undefined {
  const proxy = getProxyUrl(typeof url === 'string' ? new URL(url) : url)
  return proxy?.hostname ? proxy : undefined
}

/** Failures before any connection to the index (or to the proxy) exists. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN'])

/** Node's codes for a TLS certificate the runner does not trust, with the reason shown. */
const CERTIFICATE_REASONS: Record<string, string> = {
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet: check the runner clock',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
  HOSTNAME_MISMATCH: 'the certificate is for another host name',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: '',
  UNABLE_TO_GET_ISSUER_CERT: '',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: '',
  CERT_UNTRUSTED: '',
  CERT_REVOKED: ''
}

/** undici's refusal of a CONNECT the proxy did not answer with 200. */
const PROXY_STATUS = /^Proxy response \((\d+)\) !== 200/

export function describeNetworkFailure(
  url: string,
  cause: unknown,
  variables: ProxyVariables = {}
): NetworkFailure {
  const given = (cause as { code?: unknown } | null)?.code
  const code = typeof given === 'string' ? given : undefined
  const detail = cause instanceof Error ? cause.message : String(cause)
  const { host, hostname } = new URL(url)

  const proxy = proxyFor(url, variables)
  const viaProxy = proxy && describeProxyFailure(proxy, code, detail)
  if (viaProxy) return viaProxy

  const failure = (text: string, unsent = false, final = false): NetworkFailure => ({
    text,
    code,
    unsent,
    final
  })
  if (code?.startsWith('HPE_')) {
    return failure(
      'the index sent a malformed HTTP response (is something other than an HTTP server ' +
        'listening there, or should the URL start with https:// instead of http://?)'
    )
  }
  if (code && Object.hasOwn(CERTIFICATE_REASONS, code)) {
    const reason = CERTIFICATE_REASONS[code] || 'signed by an authority the runner does not know'
    return failure(
      `the TLS certificate of ${hostname} is not trusted (${reason}). If a company ` +
        'proxy or a private CA signs it, point NODE_EXTRA_CA_CERTS at that CA certificate (PEM) ' +
        'in the job environment.',
      true,
      true
    )
  }
  switch (code) {
    case 'ECONNREFUSED':
      return failure(
        `the index refused the connection (nothing listens on ${host}; is the URL right, and is the index running?)`,
        true
      )
    case 'ENOTFOUND':
      return failure(
        `the host name ${hostname} could not be resolved (check the URL for typos)`,
        true
      )
    case 'EAI_AGAIN':
      return failure(
        `the host name ${hostname} could not be resolved right now (a temporary DNS failure on the runner)`,
        true
      )
    case 'ECONNECTTIMEOUT':
      return failure(`${detail} (is ${hostname} reachable from this runner?)`, true)
    case 'EDEADLINE':
      // The request's own deadline (see Http): its message says which limit and how long.
      return failure(detail)
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return failure('the index closed the connection unexpectedly (connection reset)')
    case 'ETIMEDOUT':
      // Ours name the inactivity timeout and its length; the system's are about connecting.
      return detail.startsWith('no data')
        ? failure(`${detail} (inactivity timeout)`)
        : failure(`the connection to ${hostname} timed out`)
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return failure(
        `the TLS handshake with ${hostname} failed: the server does not speak TLS on that port ` +
          '(should the URL start with http:// instead of https://?)',
        true,
        true
      )
    default:
      return /timeout/i.test(detail)
        ? { ...failure('no data within the timeout'), code: code ?? 'ETIMEDOUT' }
        : failure(detail)
  }
}

/**
 * The proxy the client uses for this URL, and the variable it came from (as the entry found it;
 * the upper-case spelling when the entry named none).
 */
export function proxyFor(
  url: string,
  variables: ProxyVariables = {}
): { url: string; variable: string } | undefined {
  const proxy = proxyUrlFor(url)
  if (!proxy) return undefined
  const https = new URL(url).protocol === 'https:'
  const variable =
    (https ? variables.https : variables.http) ?? (https ? 'HTTPS_PROXY' : 'HTTP_PROXY')
  // Shown without user and password.
  return { url: `${proxy.protocol}//${proxy.host}`, variable }
}

function describeProxyFailure(
  proxy: { url: string; variable: string },
  code: string | undefined,
  detail: string
): NetworkFailure | undefined {
  const named = `the proxy ${proxy.url} (from ${proxy.variable})`
  const status = PROXY_STATUS.exec(detail)
  if (status) {
    const answer = Number(status[1])
    const text =
      answer === 407
        ? `${named} refused the connection: it wants proxy credentials (HTTP 407). Put them ` +
          `in ${proxy.variable} as http://user:password@host:port, from a secret.`
        : `${named} could not open a connection to the index (it answered HTTP ${answer} to ` +
          'CONNECT): the proxy may not reach the index host, or may not allow it. If the index ' +
          'should be reached directly, add its host to NO_PROXY.'
    return { text, code: 'EPROXY', unsent: true, final: answer >= 400 && answer < 500 }
  }
  // Every connection goes to the proxy first, so a connect-phase failure is the proxy's.
  if (!code || !CONNECT_CODES.has(code)) return undefined
  const why =
    code === 'ECONNREFUSED'
      ? 'the connection was refused'
      : code === 'ECONNECTTIMEOUT'
        ? 'connecting timed out'
        : 'its host name could not be resolved'
  return {
    text: `could not reach ${named}: ${why}. Check ${proxy.variable} (and NO_PROXY for hosts to reach directly).`,
    code,
    unsent: true,
    final: false
  }
}
