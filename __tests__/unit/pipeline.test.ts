/**
 * publish() driven through its dependency seam (PipelineDeps), with a real index on loopback: the
 * whole run without the action's edge, as a second entry (a command line) would drive it. Each test
 * reads what the index holds and what it was sent, not the pipeline's own bookkeeping.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DistributionError } from '../../src/dists/distribution.js'
import { prepare } from '../../src/pipeline/prepare.js'
import { publish, type PipelineDeps } from '../../src/pipeline/publish.js'
import { readSettings } from '../../src/settings/settings.js'
import { RecordingLog } from '../support/recording-log.js'
import type { RunContext } from '../../src/shared/run-context.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { runContext, WITH_ID_TOKEN } from '../support/run-context.js'
import { makeWheel, metadataText, makePlainWheel } from '../support/make-dists.js'
import {
  addTrustedPublishing,
  idTokenFetcherFor,
  startIdTokenService,
  type IdTokenService
} from '../support/oidc-server.js'

const TOKEN = 'pypi-pipeline-seam-token'

let work: string
let ids: IdTokenService
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'pipeline-'))
  ids = await startIdTokenService()
})
afterAll(async () => {
  await ids.close()
  await rm(work, { recursive: true, force: true })
})

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  while (closers.length) await closers.pop()!()
})

async function index(): Promise<IndexServer> {
  const server = await startIndexServer({ tokens: [TOKEN] })
  closers.push(() => server.close())
  return server
}

/** A packages dir holding one wheel per version given. */
async function packagesDir(name: string, versions: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(work, `${name}-`))
  for (const version of versions) {
    makeWheel(dir, {
      filename: `${name}-${version}-py3-none-any.whl`,
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: name, Version: version })
    })
  }
  return dir
}

function settingsFor(inputs: Record<string, string>) {
  return readSettings(name => inputs[name] ?? '', {}).settings
}

async function deps(
  overrides: Partial<PipelineDeps> = {},
  run: Partial<RunContext> = {}
): Promise<PipelineDeps> {
  return {
    log: new RecordingLog(),
    run: runContext({ tempDir: await mkdtemp(path.join(work, 'temp-')), ...run }),
    getIdToken: async () => {
      throw new Error('no ID token in this test')
    },
    onSecret: () => undefined,
    ...overrides
  }
}

const uploads = (server: IndexServer) => server.requests.filter(r => r.method === 'POST')

/** A relay in front of the index that notes each request's method and path. */
async function loggingProxy(target: string): Promise<{ origin: string; requests: string[] }> {
  const requests: string[] = []
  const relay = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    const upstream = httpRequest(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>(resolve => relay.listen(0, '127.0.0.1', resolve))
  closers.push(
    () =>
      new Promise<void>(resolve => {
        relay.closeAllConnections()
        relay.close(() => resolve())
      })
  )
  return { origin: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`, requests }
}

describe('publish() through its seam', () => {
  it('uploads with a token, reads the file back, and reports both', async () => {
    const server = await index()
    const dir = await packagesDir('seam_demo', ['1.0'])
    const result = await publish(
      settingsFor({
        password: TOKEN,
        'repository-url': server.url,
        'index-url': server.simpleUrl,
        'packages-dir': dir
      }),
      await deps()
    )
    expect(result.failure).toBeUndefined()
    expect(result.files.map(f => [f.dist.filename, f.status, f.verified])).toEqual([
      ['seam_demo-1.0-py3-none-any.whl', 'uploaded', true]
    ])
    expect(server.files().map(f => f.filename)).toEqual(['seam_demo-1.0-py3-none-any.whl'])
    expect(server.files()[0].sha256).toBe(result.dists[0].digests.sha256)
    expect(result.verification?.verified.map(d => d.filename)).toEqual([
      'seam_demo-1.0-py3-none-any.whl'
    ])
  })

  it('stops before any request when a file breaks a rule, with every problem at once', async () => {
    const server = await index()
    // A file name whose version is not the metadata's: a rule every index needs, not only PyPI.
    const dir = await mkdtemp(path.join(work, 'seam-bad-'))
    for (const [inName, inMetadata] of [
      ['1.0', '1.1'],
      ['2.0', '2.1']
    ]) {
      makeWheel(dir, {
        filename: `seam_bad-${inName}-py3-none-any.whl`,
        metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'seam-bad', Version: inMetadata })
      })
    }
    const error = await publish(
      settingsFor({
        password: TOKEN,
        'repository-url': server.url,
        'packages-dir': dir,
        'allow-multiple-versions': 'true'
      }),
      await deps()
    ).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DistributionError)
    const files = (error as DistributionError).problems.map(p => path.basename(p.file ?? ''))
    expect(new Set(files)).toEqual(
      new Set(['seam_bad-1.0-py3-none-any.whl', 'seam_bad-2.0-py3-none-any.whl'])
    )
    expect(server.requests).toEqual([])
  })

  it('hands each file over as soon as it is read, before the checks of the whole set (the read-ahead of the index starts there)', async () => {
    const dir = await mkdtemp(path.join(work, 'seam-ahead-'))
    makePlainWheel(dir, 'seam-ahead', '1.0')
    // Reads fine (so its project is known), then fails the filename/metadata check.
    makeWheel(dir, {
      filename: 'seam_ahead-2.0-py3-none-any.whl',
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'seam-ahead', Version: '2.1' })
    })
    const handed: string[] = []
    const error = await prepare(
      settingsFor({ password: TOKEN, 'packages-dir': dir, 'allow-multiple-versions': 'true' }),
      new RecordingLog(),
      runContext(),
      { onInspected: dist => handed.push(`${dist.name} ${dist.filename}`) }
    ).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(DistributionError)
    expect(handed.sort()).toEqual([
      'seam-ahead seam_ahead-1.0-py3-none-any.whl',
      'seam-ahead seam_ahead-2.0-py3-none-any.whl'
    ])
  })

  it('a run reads each project page once, and uploads after it', async () => {
    const server = await index()
    const seen = await loggingProxy(server.origin)
    const dir = await packagesDir('seam_once', ['1.0'])
    makeWheel(dir, {
      filename: 'seam_once-1.0-py2-none-any.whl',
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'seam-once', Version: '1.0' }),
      extraFiles: { 'seam_once/py2.txt': 'py2' }
    })
    const result = await publish(
      settingsFor({
        password: TOKEN,
        'repository-url': `${seen.origin}/legacy/`,
        'index-url': `${seen.origin}/simple/`,
        'packages-dir': dir
      }),
      await deps()
    )
    expect(result.failure).toBeUndefined()
    // One read ahead, two uploads, one read back.
    expect(seen.requests).toEqual([
      'GET /simple/seam-once/',
      'POST /legacy/',
      'POST /legacy/',
      'GET /simple/seam-once/'
    ])
  })

  it('dry-run sends no file and mints no token, and names the identity it would use', async () => {
    const server = await index()
    const endpoints = addTrustedPublishing(server, {
      publishers: [{ repository: 'octo-org/octo-repo', workflow: 'release.yml' }]
    })
    const dir = await packagesDir('seam_dry', ['1.0'])
    const seam = await deps({ getIdToken: idTokenFetcherFor(ids) }, WITH_ID_TOKEN)
    const result = await publish(
      settingsFor({ 'repository-url': server.url, 'packages-dir': dir, 'dry-run': 'true' }),
      seam
    )
    expect(result.dryRun).toBe(true)
    expect(result.files.map(f => f.status)).toEqual(['not-attempted'])
    expect(uploads(server)).toEqual([])
    // An ID token may be read to name the identity; it is never exchanged for a PyPI token.
    expect(endpoints.minted).toEqual([])
    expect(endpoints.mintRequests).toEqual([])
    expect((seam.log as RecordingLog).text()).toContain('octo-org/octo-repo')
    expect(server.files()).toEqual([])
  })

  it('trusted publishing through getIdToken and onSecret: the minted token uploads and is handed over first', async () => {
    const server = await index()
    const endpoints = addTrustedPublishing(server, {
      publishers: [
        { repository: 'octo-org/octo-repo', workflow: 'release.yml', projects: ['seam-tp'] }
      ]
    })
    const dir = await packagesDir('seam_tp', ['1.0'])
    const secrets: string[] = []
    const result = await publish(
      settingsFor({
        'repository-url': server.url,
        'index-url': server.simpleUrl,
        'packages-dir': dir,
        attestations: 'false'
      }),
      await deps(
        { getIdToken: idTokenFetcherFor(ids), onSecret: secret => secrets.push(secret) },
        WITH_ID_TOKEN
      )
    )
    expect(result.failure).toBeUndefined()
    expect(endpoints.minted).toHaveLength(1)
    const minted = endpoints.minted[0].token
    // The ID token and the minted token reach onSecret before the upload uses them.
    expect(secrets).toContain(minted)
    expect(secrets).toContain(ids.issued.at(-1))
    const upload = uploads(server).find(r => r.file)
    expect(upload?.status).toBe(200)
    expect(Buffer.from(upload!.headers.authorization!.split(' ')[1], 'base64').toString()).toBe(
      `__token__:${minted}`
    )
    expect(server.files().map(f => f.filename)).toEqual(['seam_tp-1.0-py3-none-any.whl'])
  })
})
