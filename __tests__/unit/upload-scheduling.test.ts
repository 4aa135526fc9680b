/**
 * publishAll's scheduling, seen from the wire: a counting proxy in front of the local index records
 * when each upload arrives and when its answer has been sent, so "the first file goes alone" and
 * "at most `concurrency` at once" are read from what the server side saw, not from the client's
 * own bookkeeping. Also: a large file streams with progress lines and arrives byte for byte.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { StaticTokenSource } from '../../src/auth/token-source.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import { buildMultipartBody } from '../../src/upload/multipart.js'
import { publishAll } from '../../src/upload/upload-all.js'
import { sendDistribution, type SendContext } from '../../src/upload/send.js'
import { uploadFields } from '../../src/upload/upload.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'

const TOKEN = 'pypi-parallel-token'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'parallel-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

// --- the counting proxy -------------------------------------------------------------------

interface ProxiedUpload {
  /** Arrival order of the upload POST at the proxy, from 0. */
  n: number
  status?: number
  /** Request body bytes that went through. */
  bodyBytes: number
  contentLength?: number
}

interface UploadEvent {
  kind: 'start' | 'end'
  n: number
  /** How many uploads were in flight just after this event. */
  inFlight: number
}

/**
 * An HTTP proxy on loopback that forwards everything to `target` and records, for upload POSTs,
 * when each arrived ('start') and when its answer was fully sent back ('end'), in one ordered log.
 */
async function countingProxy(target: string): Promise<{
  url: string
  events: UploadEvent[]
  uploads: ProxiedUpload[]
  maxInFlight: () => number
}> {
  const agent = new Agent({ keepAlive: true })
  const events: UploadEvent[] = []
  const uploads: ProxiedUpload[] = []
  let inFlight = 0
  let max = 0
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const isUpload = req.method === 'POST' && req.url === '/legacy/'
    const upload: ProxiedUpload = {
      n: uploads.length,
      bodyBytes: 0,
      contentLength: req.headers['content-length']
        ? Number(req.headers['content-length'])
        : undefined
    }
    if (isUpload) {
      uploads.push(upload)
      inFlight++
      max = Math.max(max, inFlight)
      events.push({ kind: 'start', n: upload.n, inFlight })
    }
    const upstream = httpRequest(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers, agent },
      answer => {
        upload.status = answer.statusCode
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => {
      if (!isUpload) return
      inFlight--
      events.push({ kind: 'end', n: upload.n, inFlight })
    })
    req.on('data', (chunk: Buffer) => (upload.bodyBytes += chunk.length))
    req.pipe(upstream)
  }
  const server = createServer(handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanup.push(
    () =>
      new Promise<void>(resolve => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => resolve())
      })
  )
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/legacy/`, events, uploads, maxInFlight: () => max }
}

// --- helpers ------------------------------------------------------------------------------

async function index(latencyMs = 0): Promise<IndexServer> {
  const server = await startIndexServer({ tokens: [TOKEN], latencyMs })
  cleanup.push(() => server.close())
  return server
}

function context(url: string, server: IndexServer, log = new RecordingLog()): SendContext {
  const http = new Http()
  cleanup.push(() => http.dispose())
  return {
    http,
    url,
    tokens: new StaticTokenSource('__token__', TOKEN),
    skipExisting: false,
    verbose: false,
    simpleUrl: server.simpleUrl,
    retry: { retries: 2, maxTotalMs: 60_000, baseDelayMs: 10, maxDelayMs: 100 },
    log,
    sleep: async () => undefined
  }
}

/** Twelve binary wheels of one release, as a CI matrix builds them: valid, distinct tags. */
async function matrixWheels(): Promise<Distribution[]> {
  const dir = await mkdtemp(path.join(work, 'matrix-'))
  const platforms = [
    'manylinux_2_17_x86_64',
    'manylinux_2_17_aarch64',
    'win_amd64',
    'macosx_11_0_arm64'
  ]
  const dists: Distribution[] = []
  for (const py of ['cp311', 'cp312', 'cp313']) {
    for (const platform of platforms) {
      const file = makeWheel(dir, {
        filename: `demo-1.0-${py}-${py}-${platform}.whl`,
        metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' }),
        extraFiles: { 'demo/_native.txt': `${py} ${platform}` }
      })
      dists.push(await inspectDistribution(file))
    }
  }
  return dists
}

// --- tests --------------------------------------------------------------------------------

describe('publishAll', () => {
  it('sends the first file alone, then at most `concurrency` at once', async () => {
    const server = await index(150)
    const proxy = await countingProxy(server.origin)
    const dists = await matrixWheels()
    const log = new RecordingLog()

    const result = await publishAll(context(proxy.url, server, log), dists, 4)

    expect(result.failure).toBeUndefined()
    expect(result.files.map(f => f.status)).toEqual(dists.map(() => 'uploaded'))
    // Every file on the index exactly once, each sent once.
    const stored = server.files().map(f => f.filename)
    expect([...stored].sort()).toEqual(dists.map(d => d.filename).sort())
    expect(server.requests).toHaveLength(12)
    for (const dist of dists) {
      const copy = server.files().find(f => f.filename === dist.filename)!
      expect(copy.sha256).toBe(dist.digests.sha256)
    }

    // The first upload was answered before the second arrived, and it was the first file.
    const firstEnd = proxy.events.findIndex(e => e.kind === 'end' && e.n === 0)
    const secondStart = proxy.events.findIndex(e => e.kind === 'start' && e.n === 1)
    expect(firstEnd).toBeGreaterThanOrEqual(0)
    expect(firstEnd).toBeLessThan(secondStart)
    expect(stored[0]).toBe(dists[0].filename)
    // Parallel after that, within the bound.
    expect(proxy.maxInFlight()).toBeLessThanOrEqual(4)
    expect(proxy.maxInFlight()).toBeGreaterThanOrEqual(2)

    // One line per file as it finishes.
    const done = log.lines.filter(l => l.level === 'info' && /^✔ .* uploaded/.test(l.message))
    expect(done).toHaveLength(12)
    for (const dist of dists) {
      expect(done.filter(l => l.message.includes(dist.filename))).toHaveLength(1)
    }
  })

  it('starts no upload after the first hard failure, and says what happened to each file', async () => {
    const server = await index(150)
    const proxy = await countingProxy(server.origin)
    const dists = await matrixWheels()
    // The third upload to arrive is refused; retrying cannot change a 400. The uploads in flight
    // beside it are answered well after it: a success answered first would rightly let the client
    // start another file while the refusal is still on its way.
    const later = { delayMs: 300 }
    server.injectFaults(
      {},
      later,
      { status: 400, body: 'Invalid value for requires_dist.' },
      ...Array.from({ length: 9 }, () => later)
    )
    const log = new RecordingLog()

    const result = await publishAll(context(proxy.url, server, log), dists, 4)

    const refused = server.requests[2]
    expect(refused.status).toBe(400)
    const failedName = refused.file!.filename
    expect(result.failure?.message).toContain(failedName)
    expect(result.failure?.message).toMatch(/HTTP 400: Invalid value for requires_dist/)

    // No upload arrived after the refusal was answered.
    const refusedEnd = proxy.events.findIndex(
      e => e.kind === 'end' && proxy.uploads[e.n].status === 400
    )
    expect(refusedEnd).toBeGreaterThanOrEqual(0)
    expect(proxy.events.slice(refusedEnd).filter(e => e.kind === 'start')).toEqual([])

    // Each file's status matches what the index saw: uploaded ⇔ stored, failed ⇔ refused,
    // not-attempted ⇔ never sent.
    const storedNames = new Set(server.files().map(f => f.filename))
    const sentNames = new Set(server.requests.map(r => r.file!.filename))
    for (const file of result.files) {
      const name = file.dist.filename
      if (name === failedName) expect(file.status).toBe('failed')
      else if (storedNames.has(name)) expect(file.status).toBe('uploaded')
      else {
        expect(file.status).toBe('not-attempted')
        expect(sentNames.has(name)).toBe(false)
      }
    }
    const count = (status: string): number => result.files.filter(f => f.status === status).length
    expect(count('failed')).toBe(1)
    expect(count('uploaded')).toBe(storedNames.size)
    expect(count('uploaded')).toBeGreaterThanOrEqual(2)
    expect(count('not-attempted')).toBeGreaterThanOrEqual(1)
    expect(count('uploaded') + count('failed') + count('not-attempted')).toBe(12)
    expect(server.requests.length).toBe(count('uploaded') + 1)
    // Every stored file once.
    expect(server.files().length).toBe(storedNames.size)
    expect(
      log.lines
        .filter(l => l.level === 'error')
        .map(l => l.message)
        .join('\n')
    ).toContain(failedName)
  })

  it('holds back a project’s other files when its first file fails', async () => {
    const server = await index()
    const proxy = await countingProxy(server.origin)
    const dists = await matrixWheels()
    server.injectFaults({
      status: 403,
      body: "The user 'someone' isn't allowed to upload to project 'demo'."
    })

    const result = await publishAll(context(proxy.url, server), dists, 4)

    expect(server.requests).toHaveLength(1)
    expect(server.files()).toEqual([])
    expect(result.files[0].status).toBe('failed')
    expect(result.files.slice(1).map(f => f.status)).toEqual(
      dists.slice(1).map(() => 'not-attempted')
    )
    expect(result.failure?.message).toMatch(/isn't allowed to upload/)
  })
})

describe('a large file', () => {
  it('streams with progress lines up to 100%, its Content-Length exact and the copy identical', async () => {
    const server = await index()
    const proxy = await countingProxy(server.origin)
    const dir = await mkdtemp(path.join(work, 'large-'))
    const file = makeWheel(dir, {
      filename: 'bigdemo-1.0-py3-none-any.whl',
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'bigdemo', Version: '1.0' }),
      // Random bytes, stored: 30 MiB on disk, nothing for compression to hide.
      extraFiles: { 'bigdemo/blob.bin': randomBytes(30 * 1024 * 1024) },
      compression: 'store'
    })
    const dist = await inspectDistribution(file)
    expect(dist.size).toBeGreaterThan(30 * 1024 * 1024)
    const log = new RecordingLog()
    const ctx = { ...context(proxy.url, server, log), progress: { minSize: 1, intervalMs: 0 } }

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome.status).toBe('uploaded')
    // Percent lines, rising to 100%.
    const percents = log.lines
      .filter(l => l.level === 'info' && l.message.startsWith(`${dist.filename}: `))
      .map(l => Number(/: (\d+)% \(/.exec(l.message)?.[1]))
    expect(percents.length).toBeGreaterThanOrEqual(30)
    expect(percents.every(p => Number.isInteger(p))).toBe(true)
    expect(percents).toEqual([...percents].sort((a, b) => a - b))
    expect(percents.at(-1)).toBe(100)
    expect(log.text('info')).toMatch(/MiB of 30\.\d MiB, \d+\.\d MiB\/s\)/)

    // The body the server received is exactly as long as announced and as computed up front.
    const expected = buildMultipartBody(uploadFields(dist), {
      filename: dist.filename,
      path: dist.path,
      size: dist.size
    }).contentLength
    expect(proxy.uploads).toHaveLength(1)
    expect(proxy.uploads[0].contentLength).toBe(expected)
    expect(proxy.uploads[0].bodyBytes).toBe(expected)

    // Byte for byte.
    const stored = server.files()
    expect(stored).toHaveLength(1)
    const bytes = await readFile(stored[0].path)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(dist.digests.sha256)
    expect(bytes.equals(await readFile(dist.path))).toBe(true)
  })

  it('prints no progress for small files at the default threshold', async () => {
    const server = await index()
    const [dist] = await matrixWheels()
    const log = new RecordingLog()
    await sendDistribution(context(server.url, server, log), dist)
    expect(log.lines.filter(l => /%/.test(l.message))).toEqual([])
    expect(server.files()).toHaveLength(1)
  })
})
