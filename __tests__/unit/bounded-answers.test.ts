/**
 * Answers are bounded in size and time, against real servers on 127.0.0.1: a body that never ends
 * fails with a message naming the cap, the URL (without credentials) and what to do, while memory
 * stays bounded; an index that trickles a byte at a time (which no inactivity timeout notices) is
 * cut off by the request's deadline; and the read-back ends at verify-timeout even when a simple
 * page never comes. Timeouts are configured small so each test takes about a second at most.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { TrustedPublishingError } from '../../src/auth/errors.js'
import { createTokenMinter, type ExchangeOptions } from '../../src/auth/oidc.js'
import { StaticTokenSource } from '../../src/auth/token-source.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { AnswerTooLargeError } from '../../src/shared/http-body.js'
import { Http, NetworkError, type HttpOptions } from '../../src/shared/http.js'
import { SIMPLE_PAGE_CAP } from '../../src/index-api/simple.js'
import { RecordingLog } from '../support/recording-log.js'
import { classifyFailure } from '../../src/upload/send.js'
import { sendDistribution, type SendContext } from '../../src/upload/send.js'
import { verifyOnIndex } from '../../src/index-api/verify.js'
import {
  sendEndlessBody,
  sendTrickle,
  startIndexServer,
  type IndexServer
} from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import {
  idTokenFetcherFor,
  startIdTokenService,
  startTrustedPublishingServer,
  type IdTokenService,
  type TrustedPublishingOptions
} from '../support/oidc-server.js'

const exchangeToken = (options: ExchangeOptions) => createTokenMinter(options)()

const TOKEN = 'pypi-bounded-token'
const MiB = 1024 * 1024

let work: string
let ids: IdTokenService
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'bounded-'))
  ids = await startIdTokenService()
})
afterAll(async () => {
  await ids.close()
  await rm(work, { recursive: true, force: true })
})

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

async function index(): Promise<IndexServer> {
  const server = await startIndexServer({ tokens: [TOKEN] })
  cleanup.push(() => server.close())
  return server
}

function client(options: HttpOptions = {}): Http {
  const http = new Http(options)
  cleanup.push(() => http.dispose())
  return http
}

let counter = 0
async function wheel(): Promise<Distribution> {
  const name = `bounded${++counter}`
  const dir = await mkdtemp(path.join(work, 'dist-'))
  return inspectDistribution(
    makeWheel(dir, {
      filename: `${name}-1.0-py3-none-any.whl`,
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: name, Version: '1.0' }),
      extraFiles: { [`${name}/data.txt`]: 'data' }
    })
  )
}

function context(
  server: IndexServer,
  http: Http
): { ctx: SendContext; log: RecordingLog; delays: number[] } {
  const log = new RecordingLog()
  const delays: number[] = []
  const ctx: SendContext = {
    http,
    url: server.url,
    tokens: new StaticTokenSource('__token__', TOKEN),
    skipExisting: false,
    verbose: false,
    simpleUrl: server.simpleUrl,
    retry: { retries: 3, maxTotalMs: 600_000, baseDelayMs: 1000, maxDelayMs: 60_000 },
    log,
    sleep: async ms => void delays.push(ms)
  }
  return { ctx, log, delays }
}

/** What `promise` rejects with (undefined when it resolves). */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error
  )
}

/**
 * Runs `work` and measures the largest growth of the process's resident memory meanwhile. RSS
 * is coarse, so the bounds below are generous; a reader without a cap goes to the endless body's
 * safety stop (1 GiB), far over them.
 */
async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ value: T; peak: number }> {
  const start = process.memoryUsage.rss()
  let peak = 0
  const sample = (): void => void (peak = Math.max(peak, process.memoryUsage.rss() - start))
  const timer = setInterval(sample, 2)
  try {
    const value = await work()
    sample()
    return { value, peak }
  } finally {
    clearInterval(timer)
  }
}

async function elapsed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now()
  const value = await work()
  return { value, ms: performance.now() - start }
}

describe('an answer larger than its purpose', () => {
  it('to an upload: fails naming the URL, the cap and what to do, in bounded memory, sent once', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ endlessBody: true })
    const { ctx } = context(server, client())

    const { value: error, peak } = await withPeakMemory(() =>
      rejectionOf(sendDistribution(ctx, dist))
    )

    expect(error).toBeInstanceOf(AnswerTooLargeError)
    const message = (error as Error).message
    expect(message).toContain(`The answer to an upload from ${server.url} (HTTP 200)`)
    expect(message).toContain('larger than 1.0 MiB')
    expect(message).toMatch(
      /'repository-url'.*a re-run is safe: a file the index holds with the same sha256 is not sent again/s
    )
    expect(peak).toBeLessThan(64 * MiB)
    // An index that answers like this would answer the same again: not re-sent.
    expect(server.requests.filter(r => r.method === 'POST')).toHaveLength(1)
    expect(classifyFailure(error)).toBe('final')
  })

  it('to an upload the index stored: confirmed on the index instead of failing', async () => {
    const server = await index()
    const dist = await wheel()
    server.injectFaults({ storeThenFail: true, endlessBody: true })
    const { ctx, log } = context(server, client())

    const outcome = await sendDistribution(ctx, dist)

    expect(outcome).toEqual({ status: 'uploaded', attempts: 1, confirmedOnIndex: true })
    expect(log.text('warning')).toMatch(/larger than 1\.0 MiB.*lists it with our sha256/s)
    expect(server.requests).toHaveLength(1)
  })

  it('a simple page: fails with the cap, naming the URL without credentials or query', async () => {
    const server = await index()
    server.addRoute('GET', /^\/simple\//, (_req, res) => sendEndlessBody(res))
    const http = client()
    const url = `http://reader:s3cret-pass@127.0.0.1:${new URL(server.origin).port}/simple/demo/?token=t0ken`
    // The simple page's own cap is 64 MiB; a smaller one keeps the test fast.
    const cap = { ...SIMPLE_PAGE_CAP, bytes: 2 * MiB }

    const error = await rejectionOf(http.get(url, cap))

    expect(error).toBeInstanceOf(AnswerTooLargeError)
    const message = (error as Error).message
    expect(message).toContain(`from ${server.origin}/simple/demo/?…`)
    expect(message).toContain('larger than 2.0 MiB')
    expect(message).toContain("'index-url'")
    expect(message).not.toMatch(/s3cret|reader|t0ken/)
  })

  it('announced by Content-Length: fails at once, without waiting for the body', async () => {
    const server = await index()
    server.addRoute('GET', /^\/simple\//, (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(10 * 1024 * MiB) })
      res.flushHeaders() // and nothing more: the body never comes
    })
    const http = client({ timeoutMs: 10_000 })

    const { value: error, ms } = await elapsed(() =>
      rejectionOf(http.get(`${server.simpleUrl}demo/`, SIMPLE_PAGE_CAP))
    )

    expect(error).toBeInstanceOf(AnswerTooLargeError)
    expect(ms).toBeLessThan(2000)
  })

  it('from trusted publishing: fails with the cap, in bounded memory', async () => {
    const server = await trustedPublishing({ audienceFault: { kind: 'endless-body' } })

    const { value: error, peak } = await withPeakMemory(() =>
      rejectionOf(
        exchangeToken({
          http: client(),
          repositoryUrl: server.url,
          getIdToken: idTokenFetcherFor(ids),
          onSecret: () => undefined
        })
      )
    )

    expect(error).toBeInstanceOf(TrustedPublishingError)
    const message = (error as Error).message
    expect(message).toContain('The trusted-publishing answer from')
    expect(message).toContain('/_/oidc/audience (HTTP 200) is larger than 64.0 KiB')
    expect(message).toContain('use an API token')
    expect(peak).toBeLessThan(64 * MiB)
  })
})

describe('an answer trickled a byte at a time', () => {
  it('to an upload: cut off by the deadline, then resolved like a lost answer', async () => {
    const server = await index()
    const dist = await wheel()
    // A byte every 50 ms: no gap near the 300 ms inactivity timeout, so only a deadline ends it.
    server.injectFaults({ trickle: 50 })
    const http = client({ timeoutMs: 300, connectTimeoutMs: 200 })
    const { ctx, log } = context(server, http)

    const { value: outcome, ms } = await elapsed(() => sendDistribution(ctx, dist))

    expect(outcome).toEqual({ status: 'uploaded', attempts: 2 })
    // The answer's deadline: twice `timeout` after the file was sent.
    // A retry that recovers is a log line, not a warning.
    expect(log.text('warning')).toBe('')
    expect(log.text('info')).toMatch(
      /the answer to the sent request did not complete within 0\.6 s \(twice 'timeout'\).*Raise 'timeout'/
    )
    expect(ms).toBeLessThan(3000)
    expect(server.files().filter(f => f.filename === dist.filename)).toHaveLength(1)
  })

  it('a simple page: cut off by the deadline, as a retryable, ambiguous failure', async () => {
    const server = await index()
    server.addRoute('GET', /^\/simple\//, (_req, res) => sendTrickle(res, { intervalMs: 50 }))
    const http = client({ timeoutMs: 300, connectTimeoutMs: 200 })

    const { value: error, ms } = await elapsed(() =>
      rejectionOf(http.get(`${server.simpleUrl}demo/`, SIMPLE_PAGE_CAP))
    )

    expect(error).toBeInstanceOf(NetworkError)
    expect((error as NetworkError).code).toBe('EDEADLINE')
    // connect-timeout + twice timeout: 0.2 + 0.6 s.
    expect((error as Error).message).toMatch(/did not complete within 0\.8 s/)
    expect(ms).toBeLessThan(2500)
    expect(classifyFailure(error)).toBe('ambiguous')
  })

  it('a token mint: cut off by the deadline on every try, then given up', async () => {
    const server = await trustedPublishing({ mintFault: { kind: 'trickle', intervalMs: 50 } })

    const { value: error, ms } = await elapsed(() =>
      rejectionOf(
        exchangeToken({
          http: client({ timeoutMs: 300, connectTimeoutMs: 200 }),
          repositoryUrl: server.url,
          getIdToken: idTokenFetcherFor(ids),
          onSecret: () => undefined,
          // A deadline is retried like any lost answer; one retry, without waiting, shows it.
          retry: {
            policy: { retries: 1, maxTotalMs: 60_000, baseDelayMs: 0, maxDelayMs: 0 },
            sleep: async () => undefined
          }
        })
      )
    )

    expect(error).toBeInstanceOf(TrustedPublishingError)
    expect((error as Error).message).toMatch(
      /mint-token.*the request did not complete within 0\.[89] s/s
    )
    expect(server.endpoints.mintRequests).toHaveLength(2)
    expect(ms).toBeLessThan(4000)
  })
})

describe('verify-timeout', () => {
  it('ends the read-back on time although a simple page never comes', async () => {
    const server = await index()
    const dist = await wheel()
    // Takes the request and never answers. The client's own limits are long (60 s of silence).
    server.addRoute('GET', /^\/simple\//, () => undefined)
    const http = client({ timeoutMs: 60_000 })

    const { value: result, ms } = await elapsed(() =>
      verifyOnIndex([dist], {
        http,
        simpleUrl: server.simpleUrl,
        timeoutMs: 1000,
        log: new RecordingLog()
      })
    )

    expect(ms).toBeLessThan(2500)
    expect(result.verified).toEqual([])
    expect(result.failed).toHaveLength(1)
    expect(result.failed[0].reason).toMatch(
      /not listed on .* after 1 s \(the last read failed: .*verify-timeout \(1 s\) ran out/
    )
  })
})

async function trustedPublishing(
  options: TrustedPublishingOptions
): ReturnType<typeof startTrustedPublishingServer> {
  const server = await startTrustedPublishingServer({
    publishers: [{ repository: 'octo-org/octo-repo', workflow: 'release.yml' }],
    ...options
  })
  cleanup.push(() => server.close())
  return server
}
