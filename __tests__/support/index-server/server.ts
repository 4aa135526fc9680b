/**
 * A PyPI-compatible index on 127.0.0.1 for tests, demos and benchmarks: real HTTP, real multipart
 * parsing, files streamed to disk, PyPI's upload rules and words, the simple and JSON read APIs,
 * and faults on demand. Free of jest, so plain node can run it too (`npm run demo`).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  answersInstead,
  faultAnswer,
  streamFaultAnswer,
  streamsAnswer,
  type Fault
} from './faults.js'
import type { Flavor } from './flavors.js'
import { rawPage, sendPage, statusPage, type Page } from './http-pages.js'
import { prepareHashers, receiveForm, type ReceivedForm } from './multipart-upload.js'
import { handleRead } from './read-api.js'
import { Registry, type StoredFile, type TokenGrant } from './registry.js'
import { handleUpload, uploadPage, type UploadSettings } from './upload-handler.js'
import { texts } from './warehouse-texts.js'

export interface IndexServerOptions {
  /** Accepted API tokens (PyPI: password of user `__token__`). Default `['pypi-test-token']`. */
  tokens?: Array<string | TokenGrant>
  /** Per-file limit in bytes; default 100 MiB, PyPI's ("File too large. Limit for project … is 100 MB"). */
  maxFileSize?: number
  /** Which index to imitate where indexes differ: "already exists" answers and credential refusals. */
  flavor?: Flavor
  /**
   * Added before answering each request (benchmarks), after the index's own work: it stands for
   * the network's round trip, which a real index's work never overlaps.
   */
  latencyMs?: number
  /** Where files are stored; default a fresh temp dir, removed on close. */
  storageDir?: string
  /** Open each upload like PyPI does (zip / tar with WHEEL, METADATA, RECORD, PKG-INFO). Default false. */
  checkArchives?: boolean
}

export interface RecordedRequest {
  method: string
  /** Path and query string. */
  path: string
  headers: IncomingHttpHeaders
  /** Every non-file form field, in the order received. */
  fields: Array<[string, string]>
  file?: { filename: string; contentType: string; size: number; sha256: string }
  /** The status answered; 0 while unanswered, or when the connection was cut. */
  status: number
  /** The index's message (the Warehouse text, a fault's body), '' for a plain success. */
  message: string
}

/** Handles one extra route; `body` is the whole request body. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer
) => void | Promise<void>

export interface IndexServer {
  /** The upload URL, `http://127.0.0.1:<port>/legacy/`. */
  url: string
  /** `http://127.0.0.1:<port>`. */
  origin: string
  /** `http://127.0.0.1:<port>/simple/`. */
  simpleUrl: string
  storageDir: string
  /** Every file stored, in upload order. */
  files(): StoredFile[]
  /** Every POST that was not an extra route, in arrival order. */
  requests: RecordedRequest[]
  /** Queues faults for the next upload POSTs, one each, in order. */
  injectFaults(...faults: Fault[]): void
  /** Faults still queued. */
  pendingFaults(): number
  /** Accepts another token (e.g. one minted by a trusted-publishing route). */
  addToken(token: string | TokenGrant): void
  /** Deletes a stored file; its name can then never be uploaded again (PyPI's rule). */
  deleteFile(filename: string): Promise<boolean>
  /** Serves `method` + `path` (exact path, or a RegExp on the path) with `handler`, before the built-in routes. */
  addRoute(method: string, path: string | RegExp, handler: RouteHandler): void
  close(): Promise<void>
}

export const DEFAULT_TOKEN = 'pypi-test-token'
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024

interface Route {
  method: string
  path: string | RegExp
  handler: RouteHandler
}

export async function startIndexServer(options: IndexServerOptions = {}): Promise<IndexServer> {
  const ownsStorage = options.storageDir === undefined
  const storageDir = options.storageDir ?? (await mkdtemp(join(tmpdir(), 'index-server-')))
  const packagesDir = join(storageDir, 'packages')
  const incomingDir = join(storageDir, 'incoming')
  await mkdir(packagesDir, { recursive: true })
  await mkdir(incomingDir, { recursive: true })
  await prepareHashers()

  const registry = new Registry()
  const addToken = (token: string | TokenGrant): void => {
    const grant = typeof token === 'string' ? { token } : token
    registry.tokens.set(grant.token, grant)
  }
  for (const token of options.tokens ?? [DEFAULT_TOKEN]) addToken(token)

  const settings: UploadSettings = {
    registry,
    flavor: options.flavor ?? 'pypi',
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    packagesDir,
    checkArchives: options.checkArchives ?? false
  }
  const faults: Fault[] = []
  const requests: RecordedRequest[] = []
  const routes: Route[] = []
  const timers = new Set<NodeJS.Timeout>()
  let closed = false
  let origin = ''

  /** Resolves after `ms`; never, once the server is closed (the connection is gone anyway). */
  const sleep = (ms: number): Promise<void> =>
    new Promise(resolve => {
      if (ms <= 0) return resolve()
      const timer = setTimeout(() => {
        timers.delete(timer)
        resolve()
      }, ms)
      timers.add(timer)
    })
  const latency = (): Promise<void> => sleep(options.latencyMs ?? 0)

  const recordStart = (req: IncomingMessage, url: URL): RecordedRequest => {
    const record: RecordedRequest = {
      method: req.method ?? 'POST',
      path: url.pathname + url.search,
      headers: { ...req.headers },
      fields: [],
      status: 0,
      message: ''
    }
    requests.push(record)
    return record
  }

  const recordForm = (record: RecordedRequest, form: ReceivedForm): void => {
    record.fields = form.fields
    const file = form.file
    if (file)
      record.file = {
        filename: file.filename,
        contentType: file.contentType,
        size: file.size,
        sha256: file.sha256
      }
  }

  const answer = (
    res: ServerResponse,
    record: RecordedRequest,
    page: Page,
    message: string
  ): void => {
    record.status = page.status
    record.message = message
    sendPage(res, page)
  }

  async function handleUploadPost(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL
  ): Promise<void> {
    const record = recordStart(req, url)
    const fault = faults.shift()

    if (fault?.resetAfterBytes !== undefined) {
      cutAfter(req, fault.resetAfterBytes)
      record.message = `connection reset after ${fault.resetAfterBytes} body bytes`
      return
    }

    const storesNormally = !fault || !(fault.hang || answersInstead(fault))
    const form = await receiveForm(req, {
      tempDir: incomingDir,
      maxFileSize: settings.maxFileSize,
      keepFile: storesNormally && !closed
    })
    recordForm(record, form)
    if (form.error && req.destroyed) {
      record.message = form.error
      return
    }
    if (fault?.hang) {
      record.message = 'never answered (hang fault)'
      return
    }
    if (fault?.delayMs) await sleep(fault.delayMs)
    // The added latency stands for the network's round trip, which comes on top of the index's
    // own work (it never overlaps it): the work is done first, then the answer waits `latencyMs`.
    if (fault && streamsAnswer(fault) && !fault.storeThenFail) {
      await latency()
      record.status = fault.status ?? 200
      record.message = streamFaultAnswer(fault, res)
      return
    }
    if (fault && answersInstead(fault)) {
      await latency()
      const { page, message } = faultAnswer(fault, req)
      answer(res, record, page, message)
      return
    }
    const outcome = await handleUpload(
      {
        form,
        authorization: req.headers.authorization,
        accept: req.headers.accept,
        queryAction: url.searchParams.get(':action') ?? undefined,
        host: req.headers.host
      },
      settings,
      { commit: !fault?.acceptWithoutStoring && !closed }
    )
    await latency()
    if (fault?.storeThenFail && outcome.stored && streamsAnswer(fault)) {
      record.status = fault.status ?? 200
      record.message = streamFaultAnswer(fault, res)
      return
    }
    let { page, message } = outcome
    if (fault?.storeThenFail && outcome.stored) {
      ;({ page, message } = faultAnswer({ ...fault, status: fault.status ?? 500 }, req))
    }
    if (fault?.headers) page = { ...page, headers: { ...page.headers, ...fault.headers } }
    answer(res, record, page, message)
  }

  /** POSTs that are not uploads: read them (so the client gets its answer), record, refuse. */
  async function handleOtherPost(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL
  ): Promise<void> {
    const record = recordStart(req, url)
    const form = await receiveForm(req, {
      tempDir: incomingDir,
      maxFileSize: settings.maxFileSize,
      keepFile: false
    })
    recordForm(record, form)
    await latency()
    const accept = req.headers.accept
    if (url.pathname === '/legacy') {
      const page = statusPage(308, texts.missingTrailingSlash, { accept, location: '/legacy/' })
      answer(res, record, page, texts.missingTrailingSlash)
    } else if (url.pathname === '/' || url.pathname.startsWith('/simple')) {
      answer(
        res,
        record,
        statusPage(405, undefined, { accept, method: 'POST' }),
        'Method Not Allowed'
      )
    } else {
      answer(res, record, statusPage(404, undefined, { accept }), 'Not Found')
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin)
    const method = (req.method ?? 'GET').toUpperCase()
    const route = routes.find(
      r =>
        r.method === method &&
        (typeof r.path === 'string' ? r.path === url.pathname : r.path.test(url.pathname))
    )
    if (route) {
      const body = await readBody(req)
      await latency()
      await route.handler(req, res, body)
      return
    }
    if (method === 'POST') {
      if (url.pathname === '/legacy/') await handleUploadPost(req, res, url)
      else await handleOtherPost(req, res, url)
      return
    }
    await readBody(req)
    await latency()
    if (method === 'GET' || method === 'HEAD') {
      if (handleRead(req, res, { registry, origin })) return
      if (url.pathname === '/legacy/') return sendPage(res, uploadPage(req.headers.host))
      return sendPage(res, rawPage(404, '404 Not Found', 'text/plain; charset=UTF-8'))
    }
    sendPage(res, statusPage(405, undefined, { accept: req.headers.accept, method }))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (closed) return
      if (res.headersSent) res.destroy()
      else sendPage(res, statusPage(500, `Test index error: ${(error as Error).message}`))
    })
  })
  // Uploads of hundreds of MB, and faults that stall, must not meet Node's own 5-minute cut-off.
  server.requestTimeout = 0
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`

  return {
    url: `${origin}/legacy/`,
    origin,
    simpleUrl: `${origin}/simple/`,
    storageDir,
    files: () => registry.files(),
    requests,
    injectFaults: (...more: Fault[]) => void faults.push(...more),
    pendingFaults: () => faults.length,
    addToken,
    async deleteFile(filename: string): Promise<boolean> {
      const file = registry.remove(filename)
      if (file) await rm(file.path, { force: true })
      return !!file
    },
    addRoute(method: string, path: string | RegExp, handler: RouteHandler): void {
      routes.push({ method: method.toUpperCase(), path, handler })
    },
    async close(): Promise<void> {
      if (closed) return
      closed = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      const stopped = new Promise<void>(resolve => server.close(() => resolve()))
      // Hanging faults and keep-alive sockets would hold the process open.
      server.closeAllConnections()
      await stopped
      if (ownsStorage) await rm(storageDir, { recursive: true, force: true })
    }
  }
}

/** Destroys the connection once `bytes` body bytes have arrived (or at the body's end). */
function cutAfter(req: IncomingMessage, bytes: number): void {
  if (bytes <= 0) {
    req.socket.destroy()
    return
  }
  let seen = 0
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length
    if (seen >= bytes) req.socket.destroy()
  })
  req.on('end', () => req.socket.destroy())
}

const MAX_ROUTE_BODY = 10 * 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_ROUTE_BODY) chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}
