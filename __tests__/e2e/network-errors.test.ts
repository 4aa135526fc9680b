/**
 * Network failures in words, against real sockets on 127.0.0.1: a closed port, a proxy variable
 * pointing at a closed port, a proxy that refuses CONNECT, and a server that answers garbage.
 * The messages name what failed (the index, or the proxy and the variable it came from) and never
 * quote a parser's or a system call's message.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { createServer as createHttpServer, type IncomingMessage } from 'node:http'
import {
  connect as netConnect,
  createServer,
  type AddressInfo,
  type Server,
  type Socket
} from 'node:net'
import { runContextFromEnv } from '../../src/shared/run-context.js'
import { SIMPLE_PAGE_CAP } from '../../src/index-api/simple.js'
import { Http, NetworkError } from '../../src/shared/http.js'
import { classifyFailure } from '../../src/upload/send.js'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

const PROXY_VARIABLES = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy'
]

/** Sets proxy variables for one test (the HTTP client reads process.env, as on a runner). */
function proxyEnv(values: Record<string, string>): void {
  const saved = Object.fromEntries(PROXY_VARIABLES.map(name => [name, process.env[name]]))
  for (const name of PROXY_VARIABLES) delete process.env[name]
  Object.assign(process.env, values)
  cleanup.push(() => {
    for (const name of PROXY_VARIABLES) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })
}

/** A client as a run makes it: the proxy variables named as the edge reads them (after proxyEnv). */
function client(): Http {
  const proxy = runContextFromEnv(process.env).proxy
  const http = new Http({ timeoutMs: 5000, connectTimeoutMs: 5000, proxy })
  cleanup.push(() => http.dispose())
  return http
}

async function listen(server: Server | ReturnType<typeof createHttpServer>): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(() => new Promise(resolve => server.close(resolve)))
  return (server.address() as AddressInfo).port
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}

async function failure(promise: Promise<unknown>): Promise<NetworkError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(NetworkError)
  return error as NetworkError
}

describe('network failures in words', () => {
  it('a closed port: the index refused the connection, nothing was sent', async () => {
    proxyEnv({})
    const port = await closedPort()
    const error = await failure(client().get(`http://127.0.0.1:${port}/simple/`, SIMPLE_PAGE_CAP))
    expect(error.message).toBe(
      `No answer from http://127.0.0.1:${port}: the index refused the connection ` +
        `(nothing listens on 127.0.0.1:${port}; is the URL right, and is the index running?)`
    )
    expect(error.message).not.toMatch(/ECONNREFUSED|connect /)
    expect(classifyFailure(error)).toBe('unsent')
  })

  it('a host name that does not resolve is named', async () => {
    proxyEnv({})
    // .invalid never resolves (RFC 2606); the resolver answers without leaving the machine
    // on a runner without DNS, and the test only needs the failure.
    const error = await failure(client().get('http://index.invalid/simple/', SIMPLE_PAGE_CAP))
    expect(error.message).toMatch(
      /^No answer from http:\/\/index\.invalid: the host name index\.invalid could not be resolved/
    )
    expect(classifyFailure(error)).toBe('unsent')
  })

  it('a server that sends garbage: a malformed HTTP response, not the parser message', async () => {
    proxyEnv({})
    const garbage = createServer(socket => {
      socket.on('data', () => socket.end('\x00\x01 this is not HTTP at all \r\n\r\n'))
      socket.on('error', () => undefined)
    })
    const port = await listen(garbage)
    const error = await failure(client().get(`http://127.0.0.1:${port}/simple/`, SIMPLE_PAGE_CAP))
    expect(error.message).toContain('the index sent a malformed HTTP response')
    expect(error.message).not.toMatch(/HPE_|Parse Error|Expected HTTP/)
  })

  it('HTTPS_PROXY pointing at a closed port names the proxy and the variable, not the index', async () => {
    const port = await closedPort()
    proxyEnv({ HTTPS_PROXY: `http://127.0.0.1:${port}` })
    // Loopback targets bypass proxies, so the index is named by a (never resolved) host name:
    // the client connects to the proxy only.
    const error = await failure(
      client().get('https://upload.example.test/legacy/', SIMPLE_PAGE_CAP)
    )
    expect(error.message).toBe(
      `No answer from https://upload.example.test: could not reach the proxy ` +
        `http://127.0.0.1:${port} (from HTTPS_PROXY): the connection was refused. ` +
        'Check HTTPS_PROXY (and NO_PROXY for hosts to reach directly).'
    )
    expect(classifyFailure(error)).toBe('unsent')
  })

  it('a proxy answering 407 to CONNECT asks for proxy credentials, without echoing them; no retry', async () => {
    const proxy = createHttpServer((_req, res) => res.writeHead(400).end())
    proxy.on('connect', (_req, socket) => {
      socket.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n'
      )
    })
    const port = await listen(proxy)
    proxyEnv({ https_proxy: `http://alice:s3cret@127.0.0.1:${port}` })
    const error = await failure(
      client().get('https://upload.example.test/legacy/', SIMPLE_PAGE_CAP)
    )
    expect(error.message).toContain(
      `the proxy http://127.0.0.1:${port} (from https_proxy) refused the connection: it wants proxy credentials (HTTP 407)`
    )
    expect(error.message).not.toContain('s3cret')
    expect(error.message).not.toContain('tunneling socket')
    expect(classifyFailure(error)).toBe('final')
  })

  it('a proxy answering 502 to CONNECT says the proxy could not reach the index', async () => {
    const proxy = createHttpServer((_req, res) => res.writeHead(400).end())
    proxy.on('connect', (_req, socket) => {
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
    })
    const port = await listen(proxy)
    proxyEnv({ HTTP_PROXY: `http://127.0.0.1:${port}` })
    const error = await failure(client().get('http://upload.example.test/legacy/', SIMPLE_PAGE_CAP))
    expect(error.message).toContain(
      `the proxy http://127.0.0.1:${port} (from HTTP_PROXY) could not open a connection to the index (it answered HTTP 502 to CONNECT)`
    )
    expect(classifyFailure(error)).toBe('unsent')
  })
})

describe('through a proxy that works', () => {
  it('tunnels with CONNECT to the host the URL names, with the proxy credentials from the variable', async () => {
    const target = createHttpServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`you asked for ${req.url}`)
    })
    const targetPort = await listen(target)
    const connects: Array<{ authority: string; auth: string | undefined }> = []
    const proxy = createHttpServer((_req, res) => res.writeHead(400).end())
    proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
      connects.push({ authority: req.url ?? '', auth: req.headers['proxy-authorization'] })
      // Every tunnel ends at the local server, whatever host was asked for.
      const upstream = netConnect(targetPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    const port = await listen(proxy)
    proxyEnv({ http_proxy: `http://alice:s%40cret@127.0.0.1:${port}` })
    const answer = await client().get('http://index.example.test/simple/demo/', SIMPLE_PAGE_CAP)
    expect(answer.status).toBe(200)
    expect(answer.body).toBe('you asked for /simple/demo/')
    expect(connects).toEqual([
      {
        authority: 'index.example.test:80',
        auth: `Basic ${Buffer.from('alice:s@cret').toString('base64')}`
      }
    ])
  })

  it('NO_PROXY sends a listed host around the proxy', async () => {
    const port = await closedPort()
    proxyEnv({ HTTP_PROXY: `http://127.0.0.1:${port}`, NO_PROXY: 'example.test' })
    const error = await failure(
      client().get('http://index.example.test:9/simple/', SIMPLE_PAGE_CAP)
    )
    // Straight to the host (which does not resolve), not to the (closed) proxy.
    expect(error.message).not.toContain('proxy')
  })
})
