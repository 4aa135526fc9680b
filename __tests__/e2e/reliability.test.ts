/**
 * Fault injection against the local index: transient failures are retried and end with the file on
 * the index exactly once; ambiguous failures are resolved by reading the index before re-sending;
 * final refusals are never retried; a stuck index fails with a message that names the timeout.
 * Delays are recorded through an injected `sleep`, never measured.
 */
import { afterEach, beforeAll, afterAll, describe, expect, it } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer as createHttpServer } from 'node:http'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { StaticTokenSource } from '../../src/auth/token-source.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { Http, NetworkError } from '../../src/shared/http.js'
import { SIMPLE_PAGE_CAP } from '../../src/index-api/simple.js'
import { RecordingLog } from '../support/recording-log.js'
import { sendDistribution, type SendContext } from '../../src/upload/send.js'
import { UploadError } from '../../src/upload/upload.js'
import { startIndexServer, type Flavor, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText, PYTHON } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'pypi-reliability-token'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'reliability-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

let counter = 0
/** A fresh, valid wheel (of its own project unless named), in a folder of its own. */
async function wheel(name = `demo${++counter}`, content = 'data'): Promise<Distribution> {
  const dir = await mkdtemp(path.join(work, 'dist-'))
  const file = makeWheel(dir, {
    filename: `${name}-1.0-py3-none-any.whl`,
    metadata: metadataText({ 'Metadata-Version': '2.1', Name: name, Version: '1.0' }),
    extraFiles: { [`${name}/data.txt`]: content }
  })
  return inspectDistribution(file)
}

/** Every resource a test opened, closed after it whatever happened. */
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function index(flavor: Flavor = 'pypi'): Promise<IndexServer> {
  const server = await startIndexServer({ tokens: [TOKEN], flavor })
  cleanup.push(() => server.close())
  return server
}

function client(options: ConstructorParameters<typeof Http>[0] = {}): Http {
  const http = new Http(options)
  cleanup.push(() => http.dispose())
  return http
}

/** A SendContext against `server`; `delays` records every wait asked of `sleep`. */
function context(
  server: IndexServer,
  overrides: Partial<SendContext> = {}
): { ctx: SendContext; delays: number[]; log: RecordingLog } {
  const delays: number[] = []
  const log = new RecordingLog()
  const ctx: SendContext = {
    http: overrides.http ?? client(),
    url: server.url,
    tokens: new StaticTokenSource('__token__', TOKEN),
    skipExisting: false,
    verbose: false,
    simpleUrl: server.simpleUrl,
    retry: { retries: 3, maxTotalMs: 600_000, baseDelayMs: 1000, maxDelayMs: 60_000 },
    log,
    sleep: async ms => void delays.push(ms),
    ...overrides
  }
  return { ctx, delays, log }
}

/**
 * The statuses of the upload POSTs the index saw (each test has an index of its own; a POST cut
 * mid-body is recorded with status 0 and no file), and how many copies of `dist` it stored.
 */
function onIndex(server: IndexServer, dist: Distribution): { posts: number[]; stored: number } {
  return {
    posts: server.requests.map(r => r.status),
    stored: server
      .files()
      .filter(f => f.filename === dist.filename && f.sha256 === dist.digests.sha256).length
  }
}

describe('retries of transient failures', () => {
  it('retries a 503 once, stores one copy, and logs (no warning) the file, status and retry', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 503 })
    const { ctx, delays, log } = context(server)

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 2 })
    expect(onIndex(server, dist)).toEqual({ posts: [503, 200], stored: 1 })
    expect(server.files()).toHaveLength(1)
    expect(delays).toHaveLength(1)
    // A retry that recovers is a log line, not an annotation.
    expect(log.lines.filter(l => l.level === 'warning')).toEqual([])
    const retried = log.lines.filter(l => l.level === 'info' && /retry 1 of 3/.test(l.message))
    expect(retried).toHaveLength(1)
    expect(retried[0].message).toContain(dist.filename)
    expect(retried[0].message).toMatch(/HTTP 503/)
  })

  it('retries two 502s with growing, jittered, never-zero waits', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 502 }, { status: 502 })
    const { ctx, delays } = context(server)

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 3 })
    expect(onIndex(server, dist)).toEqual({ posts: [502, 502, 200], stored: 1 })
    expect(delays).toHaveLength(2)
    // Backoff: first wait within [base/2, base], second within [base, 2·base].
    expect(delays[0]).toBeGreaterThanOrEqual(500)
    expect(delays[0]).toBeLessThanOrEqual(1000)
    expect(delays[1]).toBeGreaterThanOrEqual(1000)
    expect(delays[1]).toBeLessThanOrEqual(2000)
  })

  it('retries after the connection is reset mid-body, re-streaming the whole file', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ resetAfterBytes: 200 })
    const { ctx, log } = context(server)

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 2 })
    expect(onIndex(server, dist)).toEqual({ posts: [0, 200], stored: 1 })
    const stored = server.files()[0]
    expect(stored.size).toBe(dist.size)
    expect(log.text('info')).toMatch(/closed the connection unexpectedly|No answer/)
  })

  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 429, headers: { 'Retry-After': '1' } })
    const { ctx, delays } = context(server)

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 2 })
    expect(delays).toEqual([1000])
    expect(onIndex(server, dist)).toEqual({ posts: [429, 200], stored: 1 })
  })

  it('gives up after the allowed retries with an error that counts the attempts', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 503 }, { status: 503 }, { status: 503 })
    const { ctx, delays } = context(server, {
      retry: { retries: 2, maxTotalMs: 600_000, baseDelayMs: 10, maxDelayMs: 100 }
    })

    const error = await sendDistribution(ctx, dist).then(
      () => undefined,
      (e: unknown) => e
    )

    expect(error).toBeInstanceOf(UploadError)
    expect((error as UploadError).status).toBe(503)
    expect((error as Error).message).toContain(dist.filename)
    expect((error as Error).message).toMatch(/gave up after 3 attempts/)
    expect(delays).toHaveLength(2)
    expect(onIndex(server, dist)).toEqual({ posts: [503, 503, 503], stored: 0 })
    expect(server.files()).toHaveLength(0)
  })

  it('starts no retry once the total time is spent', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 503 }, { status: 503 })
    let clock = 0
    const { ctx, delays } = context(server, {
      retry: { retries: 5, maxTotalMs: 1500, baseDelayMs: 1000, maxDelayMs: 60_000 },
      now: () => clock,
      sleep: async ms => {
        delays.push(ms)
        clock += ms
      }
    })

    await expect(sendDistribution(ctx, dist)).rejects.toThrow(/gave up after \d attempts/)
    // No wait may end past the bound, whatever the jitter drew.
    expect(delays.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1500)
    expect(server.files()).toHaveLength(0)
  })

  it('never retries a 400', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ status: 400, body: 'Invalid value for classifiers.' })
    const { ctx, delays } = context(server)

    await expect(sendDistribution(ctx, dist)).rejects.toThrow(/HTTP 400: Invalid value/)
    expect(delays).toEqual([])
    expect(onIndex(server, dist)).toEqual({ posts: [400], stored: 0 })
  })
})

describe('ambiguous failures are resolved by reading the index, not by re-sending', () => {
  for (const flavor of ['pypi', 'pypiserver'] as const) {
    it(`a 5xx after the file was stored is confirmed on the index (${flavor})`, async () => {
      // On pypiserver a re-upload of the same file would be refused with 409: re-sending would
      // turn a success into a failure.
      const server = await index(flavor)
      const dist = await wheel()
      server.injectFaults({ storeThenFail: true, status: 502 })
      const { ctx, delays, log } = context(server)

      const outcome = await sendDistribution(ctx, dist)

      expect(outcome).toEqual({ status: 'uploaded', attempts: 1, confirmedOnIndex: true })
      expect(onIndex(server, dist)).toEqual({ posts: [502], stored: 1 })
      expect(delays).toEqual([])
      expect(log.text('info')).toMatch(/sha256 matches/)
    })
  }

  it('a lost answer when the index holds another file of that name fails, naming both hashes', async () => {
    const server = await index()
    const theirs = await wheel('clash', 'their build')
    const ours = await wheel('clash', 'our build')
    expect(ours.digests.sha256).not.toBe(theirs.digests.sha256)
    const { ctx } = context(server)
    await sendDistribution(ctx, theirs)
    // Their file is there; ours meets a 503 (PyPI answers an identical-name upload with 400, but
    // a proxy can fail first).
    server.injectFaults({ status: 503 })

    await expect(sendDistribution(ctx, ours)).rejects.toThrow(ours.digests.sha256)
    expect(server.requests).toHaveLength(2)
    expect(server.files().map(f => f.sha256)).toEqual([theirs.digests.sha256])
  })
})

describe('a connection that never opens', () => {
  it('is retried without reading the index: nothing can have been stored', async () => {
    const server = await index()
    const dist = await wheel()
    // A port nobody listens on: connection refused. The simple pages sit on a server of their own
    // that counts connections, which must stay at zero.
    const closed = await tcpServer(() => undefined)
    const deadUrl = `${closed.origin}/legacy/`
    await closed.close()
    let reads = 0
    const simple = await tcpServer(socket => {
      reads++
      socket.destroy()
    })
    const { ctx, delays } = context(server, {
      url: deadUrl,
      simpleUrl: `${simple.origin}/simple/`,
      retry: { retries: 1, maxTotalMs: 60_000, baseDelayMs: 10, maxDelayMs: 100 }
    })

    await expect(sendDistribution(ctx, dist)).rejects.toThrow(
      /the index refused the connection.*gave up after 2 attempts/
    )
    expect(delays).toHaveLength(1)
    expect(reads).toBe(0)
  })
})

describe('timeouts', () => {
  it('a hang past the inactivity timeout is a NetworkError naming the timeout, then retried', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ hang: true })
    const http = client({ timeoutMs: 500 })
    const { ctx, log } = context(server, { http })

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 2 })
    expect(log.text('info')).toMatch(/no data.*0\.5 s/)
    expect(onIndex(server, dist)).toEqual({ posts: [0, 200], stored: 1 })
  })

  it('a server that accepts and never speaks fails the request after the inactivity timeout', async () => {
    const silent = await tcpServer(() => undefined)
    const http = client({ timeoutMs: 300 })
    const error = await http.get(`${silent.origin}/simple/demo/`, SIMPLE_PAGE_CAP).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).code).toBe('ETIMEDOUT')
    expect((error as Error).message).toMatch(/no data .*0\.3 s/)
  })

  it('a response that stops mid-body fails after the inactivity timeout instead of hanging', async () => {
    // Headers, a few bytes of the promised body, then silence: the body read must time out too.
    const stalling = await tcpServer(socket => {
      socket.once('data', () =>
        socket.write(
          'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n<html>'
        )
      )
    })
    const http = client({ timeoutMs: 300 })
    const error = await http.get(`${stalling.origin}/simple/demo/`, SIMPLE_PAGE_CAP).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as Error).message).toMatch(/no data .*0\.3 s/)
  })

  it('an upload the server stops reading times out and closes the file it was streaming', async () => {
    // The server takes the connection and never reads: the socket buffers fill, then nothing
    // moves either way. A big file, so the body cannot fit in those buffers.
    const deaf = await tcpServer(socket => socket.pause())
    const dir = await mkdtemp(path.join(work, 'big-'))
    const big = await inspectDistribution(
      makeWheel(dir, {
        filename: 'stalled-1.0-py3-none-any.whl',
        metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'stalled', Version: '1.0' }),
        extraFiles: { 'stalled/blob.bin': randomBytes(24 * 1024 * 1024) },
        compression: 'store'
      })
    )
    const http = client({ timeoutMs: 300 })
    const { ctx } = context(await index(), {
      http,
      url: `${deaf.origin}/legacy/`,
      simpleUrl: undefined,
      retry: { retries: 0, maxTotalMs: 0, baseDelayMs: 1, maxDelayMs: 1 }
    })

    await expect(sendDistribution(ctx, big)).rejects.toThrow(/no data sent or received for 0\.3 s/)
    // The half-sent body is let go of: no descriptor of this process still reads the file.
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(openDescriptorsOf(big.path)).toBe(0)
    // And the connection is closed, not left established behind a body that can never drain
    // (a half-close waits for that body to be written first, which never happens).
    expect(establishedConnectionsTo(deaf.origin)).toBe(0)
  })

  it('a connection that cannot be opened fails after the connect timeout', async () => {
    // A listening socket whose accept queue is full: Linux drops further SYNs, so connecting
    // hangs as it does for a firewalled host. Python holds the socket, never calling accept().
    const { port, close } = await fullBacklogListener()
    cleanup.push(close)
    const http = client({ connectTimeoutMs: 300, timeoutMs: 60_000 })
    const error = await http.get(`http://127.0.0.1:${port}/simple/demo/`, SIMPLE_PAGE_CAP).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).code).toBe('ECONNECTTIMEOUT')
    expect((error as Error).message).toMatch(/could not connect within 0\.3 s/)
  })
})

describe('a 200 that stored nothing', () => {
  it('fails the run at the read-back, naming the file (bundled action)', async () => {
    const server = await index()
    const dist = await wheel('phantom')
    server.injectFaults({ acceptWithoutStoring: true })
    const run = await runAction(
      {
        password: TOKEN,
        'repository-url': server.url,
        'packages-dir': path.dirname(dist.path),
        'verify-timeout': '2'
      },
      { runnerDefaults: true }
    )
    expect(run.exitCode).toBe(1)
    expect(server.requests.map(r => r.status)).toEqual([200])
    expect(server.files()).toHaveLength(0)
    const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors.some(l => l.includes(dist.filename) && /not listed/.test(l))).toBe(true)
    expect(errors.join('\n')).toMatch(/does not have what was uploaded/)
    expect(run.summary).toContain('not on the index')
    expect(JSON.parse(run.outputs.verified)).toEqual([])
  })
})

/** How many of this process's file descriptors are open on `file` (Linux's /proc). */
function openDescriptorsOf(file: string): number {
  return readdirSync('/proc/self/fd').filter(fd => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === file
    } catch {
      return false // closed between the listing and the look
    }
  }).length
}

/** Client-side TCP connections to `origin`'s port still ESTABLISHED (Linux's /proc/net/tcp). */
function establishedConnectionsTo(origin: string): number {
  const port = Number(new URL(origin).port).toString(16).toUpperCase().padStart(4, '0')
  return readFileSync('/proc/net/tcp', 'utf8')
    .split('\n')
    .slice(1)
    .map(line => line.trim().split(/\s+/))
    .filter(([, , remote, state]) => remote?.endsWith(`:${port}`) && state === '01').length
}

// --- raw sockets --------------------------------------------------------------------------

/** A TCP server on loopback whose connections are handed to `onConnection` and nothing else. */
async function tcpServer(
  onConnection: (socket: Socket) => void
): Promise<{ origin: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>()
  const server: Server = createServer(socket => {
    sockets.add(socket)
    socket.on('error', () => undefined)
    onConnection(socket)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  let closing: Promise<void> | undefined
  const close = (): Promise<void> =>
    (closing ??= new Promise<void>(resolve => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    }))
  cleanup.push(close)
  const { port } = server.address() as { port: number }
  return { origin: `http://127.0.0.1:${port}`, close }
}

/**
 * A port whose SYNs go unanswered: Python listens with a backlog of 0 and never accepts, and we
 * fill the accept queue. Checks its own premise (a fresh connect does not complete), so a kernel
 * that behaves otherwise fails this setup loudly instead of passing the test by accident.
 */
async function fullBacklogListener(): Promise<{ port: number; close: () => Promise<void> }> {
  const child: ChildProcess = spawn(
    PYTHON,
    [
      '-c',
      'import socket,sys\n' +
        's=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0)\n' +
        'print(s.getsockname()[1], flush=True)\n' +
        'sys.stdin.read()\n'
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  )
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())))
    child.once('error', reject)
  })
  const fillers: Socket[] = []
  const close = async (): Promise<void> => {
    for (const s of fillers) s.destroy()
    child.stdin!.end()
    await new Promise(resolve => child.once('exit', resolve))
  }
  // Queue connections until one no longer completes: the queue is full from then on.
  for (let i = 0; i < 8; i++) {
    const socket = connect(port, '127.0.0.1')
    socket.on('error', () => undefined)
    fillers.push(socket)
    const connected = await new Promise<boolean>(resolve => {
      const timer = setTimeout(() => resolve(false), 250)
      socket.once('connect', () => {
        clearTimeout(timer)
        resolve(true)
      })
    })
    if (!connected) return { port, close }
  }
  await close()
  throw new Error('the accept queue never filled: this kernel answers SYNs on a full queue')
}

describe('a hostile simple page (issue 21)', () => {
  it('cannot hang the bundled action: it stops within verify-timeout, naming the file', async () => {
    const server = await index()
    const dist = await wheel('hostilepage')
    // 8 MiB of anchors never terminated: a backtracking reader blocked the event loop on 139 KiB
    // for 15 s, so the verify-timeout timer could not fire.
    const page = '<a href="'.repeat(Math.floor((8 * 1024 * 1024) / 9))
    const hostile = createHttpServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end(page)
    })
    await new Promise<void>(resolve => hostile.listen(0, '127.0.0.1', resolve))
    cleanup.push(() => new Promise(resolve => hostile.close(resolve)))
    const { port } = hostile.address() as { port: number }
    const started = Date.now()
    const run = await runAction(
      {
        password: TOKEN,
        'repository-url': server.url,
        'index-url': `http://127.0.0.1:${port}/simple/`,
        'packages-dir': path.dirname(dist.path),
        'verify-timeout': '5'
      },
      { runnerDefaults: true }
    )
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(run.exitCode).toBe(1)
    const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
    expect(errors.some(l => l.includes(dist.filename) && /not listed/.test(l))).toBe(true)
    expect(JSON.parse(run.outputs.verified)).toEqual([])
  }, 60_000)
})
