/**
 * verifyOnIndex against the local index: it keeps reading until files appear, fails naming a file
 * still missing when the bound is reached, fails at once on a different sha256, reads HTML-only
 * simple pages by their `#sha256=` links. Time is a fake clock
 * advanced by the injected `sleep`, so the bound is checked without waiting for it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { StaticTokenSource } from '../../src/auth/token-source.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { basicAuth, Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import { sendDistribution } from '../../src/upload/send.js'
import { verifyOnIndex, type VerifyOptions } from '../../src/index-api/verify.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'

const TOKEN = 'pypi-verify-token'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'verify-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

// A fresh index per test: what is listed is exactly what the test put there.
let server: IndexServer
let http: Http
beforeEach(async () => {
  server = await startIndexServer({ tokens: [TOKEN] })
  http = new Http()
})
afterEach(async () => {
  http.dispose()
  await server.close()
})

let counter = 0
/** A real wheel; same name and tag with other `content` gives another build of the same file. */
async function wheel(
  options: { name?: string; content?: string; pythonTag?: string; metadataName?: string } = {}
): Promise<Distribution> {
  const name = options.name ?? `ver${++counter}`
  const dir = await mkdtemp(path.join(work, 'dist-'))
  const file = makeWheel(dir, {
    filename: `${name}-1.0-${options.pythonTag ?? 'py3'}-none-any.whl`,
    metadata: metadataText({
      'Metadata-Version': '2.1',
      Name: options.metadataName ?? name,
      Version: '1.0'
    }),
    extraFiles: { [`${name}/data.txt`]: options.content ?? 'ours' }
  })
  return inspectDistribution(file)
}

async function upload(dist: Distribution): Promise<void> {
  const outcome = await sendDistribution(
    {
      http,
      url: server.url,
      tokens: new StaticTokenSource('__token__', TOKEN),
      skipExisting: false,
      verbose: false,
      retry: { retries: 0, maxTotalMs: 0, baseDelayMs: 1, maxDelayMs: 1 },
      log: new RecordingLog()
    },
    dist
  )
  expect(outcome.status).toBe('uploaded')
}

/** Options with a fake clock: `sleep` records the wait and advances `now`. */
function options(overrides: Partial<VerifyOptions> = {}): {
  opts: VerifyOptions
  sleeps: number[]
  log: RecordingLog
} {
  let clock = 0
  const sleeps: number[] = []
  const log = new RecordingLog()
  const opts: VerifyOptions = {
    http,
    simpleUrl: server.simpleUrl,
    timeoutMs: 10_000,
    log,
    now: () => clock,
    sleep: async ms => {
      sleeps.push(ms)
      clock += ms
    },
    ...overrides
  }
  return { opts, sleeps, log }
}

describe('verifyOnIndex', () => {
  it('keeps reading until a file appears, then verifies it', async () => {
    const late = await wheel()
    const { opts, sleeps, log } = options()
    // The index lists the file only after the first read (a CDN or a queue lagging behind).
    const sleep = opts.sleep!
    opts.sleep = async ms => {
      await sleep(ms)
      if (sleeps.length === 1) await upload(late)
    }

    const result = await verifyOnIndex([late], opts)

    expect(result).toEqual({ verified: [late], unverifiable: [], unreadable: [], failed: [] })
    expect(sleeps).toHaveLength(1)
    expect(log.text('info')).toMatch(/Waiting for the index to list 1 file\(s\)/)
  })

  it('fails naming the missing file once the bound is reached, having waited all of it', async () => {
    const there = await wheel({ name: 'present' })
    // A sibling of `there` in a project the index has, and a file of a project it does not have.
    const sibling = await wheel({ name: 'present', pythonTag: 'py2' })
    const alsoMissing = await wheel({ name: 'absentproject' })
    await upload(there)
    const { opts, sleeps } = options({ timeoutMs: 10_000 })

    const result = await verifyOnIndex([there, sibling, alsoMissing], opts)

    expect(result.verified).toEqual([there])
    expect(result.failed.map(f => f.dist.filename)).toEqual([
      sibling.filename,
      alsoMissing.filename
    ])
    for (const { reason } of result.failed) {
      expect(reason).toBe(`not listed on ${server.simpleUrl} after 10 s`)
    }
    // Waited the whole bound but the last read's share (a tenth here: reads are cut at the
    // bound, so the last one starts before it); backoff between reads.
    expect(sleeps.reduce((a, b) => a + b, 0)).toBe(9_000)
    expect(sleeps.slice(0, 3)).toEqual([1000, 2000, 4000])
  })

  it('fails at once when the index lists the file with another sha256', async () => {
    const theirs = await wheel({ name: 'clash', content: 'their build' })
    const ours = await wheel({ name: 'clash', content: 'our build' })
    await upload(theirs)
    const { opts, sleeps } = options()

    const result = await verifyOnIndex([ours], opts)

    expect(result.verified).toEqual([])
    expect(result.failed).toEqual([
      {
        dist: ours,
        reason: `listed on ${server.simpleUrl} with sha256 ${theirs.digests.sha256}, not ${ours.digests.sha256}`,
        listedSha256: theirs.digests.sha256
      }
    ])
    expect(sleeps).toEqual([])
  })

  it('reads HTML-only simple pages by their #sha256= links, and says when there is no hash', async () => {
    const hashed = await wheel({ name: 'htmlonly' })
    const unhashed = await wheel({ name: 'htmlonly', pythonTag: 'py2' })
    const unhashedName = unhashed.filename
    await upload(hashed)
    // A PEP 503 index that never speaks JSON, with PyPI's attributes on its links; one old link
    // carries only an md5.
    const accepts: string[] = []
    const auths: string[] = []
    server.addRoute('GET', /^\/html-simple\/[^/]+\/$/, (req, res) => {
      accepts.push(String(req.headers.accept))
      auths.push(String(req.headers.authorization))
      const links = server
        .files()
        .map(
          f =>
            `<a href="https://files.example.org/packages/ab/cd/${f.filename}#sha256=${f.sha256.toUpperCase()}" ` +
            `data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=${'0'.repeat(64)}">${f.filename}</a><br/>`
        )
        .concat(`<a href="/files/${unhashedName}#md5=${'1'.repeat(32)}">${unhashedName}</a><br/>`)
        .join('\n')
      const body = `<!DOCTYPE html><html><head><title>Links for htmlonly</title></head><body><h1>Links for htmlonly</h1>\n${links}\n</body></html>`
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end(body)
    })
    const authorization = basicAuth('__token__', TOKEN)
    const { opts, sleeps } = options({
      simpleUrl: `${server.origin}/html-simple/`,
      authorization
    })

    const result = await verifyOnIndex([hashed, unhashed], opts)

    expect(result.verified).toEqual([hashed])
    expect(result.unverifiable.map(d => d.filename)).toEqual([unhashedName])
    expect(result.failed).toEqual([])
    expect(sleeps).toEqual([])
    // It asked for JSON first and took the HTML it got; the credentials went along.
    expect(accepts[0]).toContain('application/vnd.pypi.simple.v1+json')
    expect(auths).toEqual([authorization])
  })

  it('reads each project once per round, whatever spelling of its name the files use', async () => {
    const a = await wheel({ name: 'spelled' })
    const b = await wheel({ name: 'spelled', pythonTag: 'py2', metadataName: 'Spelled' })
    await upload(a)
    let reads = 0
    server.addRoute('GET', /^\/counted\/[^/]+\/$/, (_req, res) => {
      reads++
      const links = server
        .files()
        .map(f => `<a href="/p/${f.filename}#sha256=${f.sha256}">${f.filename}</a>`)
        .join('\n')
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(`<html><body>${links}</body></html>`)
    })
    const { opts } = options({ simpleUrl: `${server.origin}/counted/`, timeoutMs: 0 })

    const result = await verifyOnIndex([a, b], opts)

    expect(result.verified).toEqual([a])
    expect(result.failed.map(f => f.dist)).toEqual([b])
    expect(reads).toBe(1)
  })
})
