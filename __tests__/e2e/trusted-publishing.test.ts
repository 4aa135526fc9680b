/**
 * Trusted publishing and attestations through the bundled action (`node dist/index.js`), the way
 * the runner runs it: the runner's ID-token service, the index's OIDC endpoints, Fulcio and Rekor
 * are stand-ins on 127.0.0.1, and the files go to the local test index over real sockets.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { X509Certificate, createHash, verify } from 'node:crypto'
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  FIXTURE_DISTS_DIR,
  fixtureFilenames,
  fixtureProjects,
  type FixtureProject
} from '../support/fixtures.js'
import { basicPassword, startIndexServer, type IndexServer } from '../support/index-server.js'
import {
  addTrustedPublishing,
  githubClaims,
  startIdTokenService,
  startUploadGate,
  type GithubClaimsOptions,
  type IdTokenService,
  type TrustedPublishingEndpoints,
  type TrustedPublishingOptions
} from '../support/oidc-server.js'
import { runAction, type ActionRun } from '../support/run-action.js'
import { startSigstoreStandIn, type SigstoreStandIn } from '../support/sigstore-server.js'

const REPOSITORY = 'octo-org/octo-repo'
const WORKFLOW = 'release.yml'
const publishable = fixtureProjects.filter(p => p.filenamesFollowPypiRules)
const hatch = publishable.find(p => p.dir === 'hatch-sample')!
const flit = publishable.find(p => p.dir === 'flit-sample')!
const PUBLISH_PREDICATE = 'https://docs.pypi.org/attestations/publish/v1'

let work: string
/** Servers started by the running test, closed after it. */
let toClose: Array<{ close(): Promise<void> }> = []

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'e2e-tp-'))
})
afterEach(async () => {
  for (const server of toClose.reverse()) await server.close()
  toClose = []
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const value = await server
  toClose.push(value)
  return value
}

/** A packages dir holding copies of the projects' built files. */
async function packagesDir(name: string, projects: readonly FixtureProject[]): Promise<string> {
  const dir = path.join(work, name)
  await mkdir(dir, { recursive: true })
  for (const p of projects) await cp(path.join(FIXTURE_DISTS_DIR, p.dir), dir, { recursive: true })
  return dir
}

interface TrustedIndex {
  index: IndexServer
  endpoints: TrustedPublishingEndpoints
  ids: IdTokenService
}

/**
 * A fresh index accepting no API token, with trusted publishing for `octo-org/octo-repo`'s
 * `release.yml` (a pending publisher for the projects, so it may create them), and an ID-token
 * service whose tokens carry `claims`.
 */
async function trustedIndex(
  projects: readonly FixtureProject[],
  options: { claims?: GithubClaimsOptions; publishing?: TrustedPublishingOptions } = {}
): Promise<TrustedIndex> {
  const index = await started(startIndexServer({ tokens: [], checkArchives: true }))
  const endpoints = addTrustedPublishing(index, {
    publishers: [
      { repository: REPOSITORY, workflow: WORKFLOW, projects: projects.map(p => p.name) }
    ],
    ...options.publishing
  })
  const ids = await started(
    startIdTokenService({
      claims: githubClaims({ repository: REPOSITORY, workflow: WORKFLOW, ...options.claims })
    })
  )
  return { index, endpoints, ids }
}

/** The runner's variables for a job of octo-org/octo-repo running release.yml on a tag push. */
function runnerEnv(ids: IdTokenService | undefined, extra: Record<string, string> = {}) {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_WORKFLOW_REF: `${REPOSITORY}/.github/workflows/${WORKFLOW}@refs/tags/v1.0.0`,
    GITHUB_EVENT_NAME: 'push',
    ...(ids ? ids.env : {}),
    ...extra
  }
}

/** `::error::` / `::warning::` annotations, with the runner's escapes (%0A, %0D, %25) undone. */
function annotations(run: ActionRun, kind: 'error' | 'warning' | 'notice'): string[] {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith(`::${kind}`))
    .map(line =>
      line
        .slice(line.indexOf('::', 2) + 2)
        .replace(/%0D/g, '\r')
        .replace(/%0A/g, '\n')
        .replace(/%25/g, '%')
    )
}

/**
 * Asserts that no secret shows anywhere a person or a later step could read it. Inside the runner
 * the only place a secret may appear is an `::add-mask::` line, which the runner consumes.
 */
function expectNothingSecret(run: ActionRun, secrets: readonly string[]): void {
  const shown = run.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const places = {
    stdout: shown,
    stderr: run.stderr,
    summary: run.summary,
    outputs: JSON.stringify(run.outputs)
  }
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThan(20)
    const forms = [secret, Buffer.from(`__token__:${secret}`).toString('base64')]
    for (const [place, text] of Object.entries(places)) {
      for (const form of forms) {
        if (text.includes(form))
          throw new Error(`a secret appears in ${place}: ${form.slice(0, 12)}…`)
      }
    }
  }
}

/** The upload POSTs the index answered 200, with the password each was sent with. */
function acceptedUploads(
  index: IndexServer
): Array<{ filename: string; user: string; password: string }> {
  return index.requests
    .filter(r => r.path.startsWith('/legacy/') && r.file && r.status === 200)
    .map(r => {
      const decoded = Buffer.from(
        (r.headers.authorization ?? '').replace(/^Basic /i, ''),
        'base64'
      ).toString('utf8')
      return {
        filename: r.file!.filename,
        user: decoded.slice(0, decoded.indexOf(':')),
        password: basicPassword(r.headers.authorization ?? '')
      }
    })
}

describe('trusted publishing through node dist/index.js', () => {
  it('publishes with no password: the minted token is used, never shown', async () => {
    const projects = [hatch, flit]
    const { index, endpoints, ids } = await trustedIndex(projects)
    const dir = await packagesDir('tp-ok', projects)
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir, attestations: 'false' },
      { env: runnerEnv(ids) }
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    const expected = projects.flatMap(p => fixtureFilenames(p)).sort()
    expect(
      index
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual(expected)

    // The ID token was asked for the index's audience, and traded for one minted token.
    expect(ids.requests.map(r => r.audience)).toEqual(['pypi'])
    expect(endpoints.minted).toHaveLength(1)
    const minted = endpoints.minted[0].token
    expect(minted).toMatch(/^pypi-/)
    const uploads = acceptedUploads(index)
    expect(uploads.map(u => u.filename).sort()).toEqual(expected)
    for (const upload of uploads)
      expect(upload).toMatchObject({ user: '__token__', password: minted })

    expect(annotations(run, 'error')).toEqual([])
    expect(run.stdout).toMatch(/Trusted publishing: exchanged this workflow's GitHub ID token/)
    expect(run.stdout).toContain(new URL(index.url).host)
    const uploaded = JSON.parse(run.outputs.uploaded) as Array<{ filename: string; sha256: string }>
    expect(uploaded.map(u => u.filename).sort()).toEqual(expected)
    for (const u of uploaded) {
      expect(u.sha256).toBe(index.files().find(f => f.filename === u.filename)!.sha256)
    }
    expect(JSON.parse(run.outputs.skipped)).toEqual([])
    expect(run.outputs['attestation-paths'] ?? '').toBe('')

    // The ID token and the minted token are registered for masking, and shown nowhere else.
    expect(ids.issued).toHaveLength(1)
    const secrets = [ids.issued[0], minted]
    for (const secret of secrets) expect(run.stdout).toContain(`::add-mask::${secret}`)
    expectNothingSecret(run, secrets)
  })

  it('TWINE_* in the job environment neither replaces trusted publishing nor redirects; a notice names them', async () => {
    const { index, endpoints, ids } = await trustedIndex([hatch])
    const elsewhere = await started(
      startIndexServer({ tokens: ['pypi-twine-env-token-0123456789'] })
    )
    const dir = await packagesDir('tp-twine-env', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir, attestations: 'false' },
      {
        env: runnerEnv(ids, {
          TWINE_USERNAME: 'ci-bot',
          TWINE_PASSWORD: 'pypi-twine-env-token-0123456789',
          TWINE_REPOSITORY_URL: elsewhere.url,
          TWINE_REPOSITORY: 'testpypi',
          TWINE_CERT: '/etc/ssl/private-ca.pem',
          TWINE_CLIENT_CERT: '/etc/ssl/client.pem',
          TWINE_NON_INTERACTIVE: '1'
        })
      }
    )
    expect(run.exitCode).toBe(0)
    expect(endpoints.minted).toHaveLength(1)
    expect(acceptedUploads(index).map(u => u.password)).toEqual(
      fixtureFilenames(hatch).map(() => endpoints.minted[0].token)
    )
    expect(elsewhere.files()).toEqual([])
    const notice = annotations(run, 'notice').find(n => n.startsWith('Ignored TWINE_'))
    expect(notice).toContain(
      'Ignored TWINE_USERNAME, TWINE_PASSWORD, TWINE_REPOSITORY_URL, TWINE_REPOSITORY, ' +
        'TWINE_CERT, TWINE_CLIENT_CERT, TWINE_NON_INTERACTIVE from'
    )
    expect(notice).toContain('For a private CA, set NODE_EXTRA_CA_CERTS')
    expect(notice).not.toContain('ci-bot')
    expectNothingSecret(run, ['pypi-twine-env-token-0123456789'])
  })

  it('fails a refused mint with the reasons, the claims and where to read more; uploads nothing', async () => {
    // The publisher names publish.yml; the job runs release.yml in the `pypi` environment.
    const { index, endpoints, ids } = await trustedIndex([hatch], {
      claims: { environment: 'pypi' },
      publishing: {
        publishers: [{ repository: REPOSITORY, workflow: 'publish.yml', projects: [hatch.name] }]
      }
    })
    const dir = await packagesDir('tp-refused', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(1)
    expect(endpoints.mintRequests).toHaveLength(1)
    expect(endpoints.minted).toEqual([])

    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    const jobWorkflowRef = `${REPOSITORY}/.github/workflows/${WORKFLOW}@refs/tags/v1.0.0`
    expect(error).toContain(`refused the token request (HTTP 422, "Token request failed")`)
    expect(error).toContain(
      '  - invalid-publisher: valid token, but no corresponding publisher (Check failed for ' +
        `workflow/environment: job_workflow_ref is ${jobWorkflowRef})`
    )
    const claimLines = [
      `  sub: repo:${REPOSITORY}:environment:pypi`,
      `  repository: ${REPOSITORY}`,
      '  repository_owner: octo-org',
      '  repository_owner_id: 987654',
      `  workflow_ref: ${jobWorkflowRef}`,
      `  job_workflow_ref: ${jobWorkflowRef}`,
      '  ref: refs/tags/v1.0.0',
      '  environment: pypi'
    ]
    expect(error).toContain(claimLines.join('\n'))
    expect(error).toMatch(/decoded WITHOUT verification, for debugging only/)
    expect(error).toContain('https://docs.pypi.org/trusted-publishers/troubleshooting/')
    // Not a reusable workflow: no hint about one.
    expect(error).not.toMatch(/reusable workflow/)

    expect(index.files()).toEqual([])
    expect(index.requests.filter(r => r.path.startsWith('/legacy/'))).toEqual([])
    expectNothingSecret(run, ids.issued)
  })

  it('shows every code and description of a refusal', async () => {
    const { index, ids } = await trustedIndex([hatch], {
      publishing: {
        mintOverride: {
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({
            message: 'Token request failed',
            errors: [
              {
                code: 'invalid-pending-publisher',
                description: 'valid token, but project already exists'
              },
              { code: 'invalid-reuse-token', description: 'invalid token: already used' }
            ]
          })
        }
      }
    })
    const dir = await packagesDir('tp-reasons', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(1)
    const [error] = annotations(run, 'error')
    expect(error).toContain(
      'The index gave these reasons:\n' +
        '  - invalid-pending-publisher: valid token, but project already exists\n' +
        '  - invalid-reuse-token: invalid token: already used'
    )
    expect(index.files()).toEqual([])
  })

  it("says a reusable workflow of another repository cannot publish (PyPI's job_workflow_ref rule)", async () => {
    // release.yml of octo-repo calls a shared workflow of another repository. PyPI takes the
    // filename from job_workflow_ref but requires it to be a workflow of octo-repo itself, so no
    // publisher can match: the hint must not send the user to register the shared file.
    const shared = 'octo-org/shared-workflows/.github/workflows/pypi-publish.yml'
    const { index, ids } = await trustedIndex([hatch], { claims: { jobWorkflow: shared } })
    const dir = await packagesDir('tp-reusable', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(1)
    const [error] = annotations(run, 'error')
    expect(error).toContain(`  job_workflow_ref: ${shared}@refs/tags/v1.0.0`)
    expect(error).toContain(
      'This job runs a reusable workflow: .github/workflows/pypi-publish.yml of ' +
        `octo-org/shared-workflows (called from .github/workflows/${WORKFLOW} of ${REPOSITORY}).`
    )
    expect(error).toContain(
      'A reusable workflow from another repository therefore cannot publish to PyPI with trusted publishing'
    )
    expect(error).not.toContain('must name the workflow file')
    expect(index.files()).toEqual([])
  })
})

describe('a job without ID-token access', () => {
  it('explains the id-token permission and the empty-secret trap; asks nothing of the index', async () => {
    const { index, endpoints, ids } = await trustedIndex([hatch])
    const dir = await packagesDir('no-id-token', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir },
      { env: runnerEnv(undefined) }
    )
    expect(run.exitCode).toBe(1)
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toContain(
      'this job has no access to one (ACTIONS_ID_TOKEN_REQUEST_URL is not set)'
    )
    expect(error).toContain('    permissions:\n      id-token: write')
    expect(error).toContain('password: ${{ secrets.PYPI_API_TOKEN }}')
    expect(error).toMatch(/an empty secret looks exactly like none/)
    expect(error).toMatch(/typo in the secret's name/)
    expect(error).not.toMatch(/fork/)

    expect(ids.requests).toEqual([])
    expect(endpoints.mintRequests).toEqual([])
    expect(index.requests).toEqual([])
    expect(index.files()).toEqual([])
  })

  it("explains a refusal by the runner's ID-token service the same way, with its answer", async () => {
    const { index, endpoints, ids } = await trustedIndex([hatch])
    ids.failure = { status: 403, body: '{"message":"stand-in: no id-token permission"}' }
    const dir = await packagesDir('id-token-refused', [hatch])
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(1)
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toMatch(
      /^Trusted publishing needs a GitHub ID token, and getting one failed: .*403/
    )
    expect(error).toContain('    permissions:\n      id-token: write')
    expect(ids.requests.map(r => r.audience)).toEqual(['pypi'])
    expect(endpoints.mintRequests).toEqual([])
    expect(index.files()).toEqual([])
  })

  it('tells a pull request from a fork that it cannot publish, and a same-repo one the usual', async () => {
    const { index } = await trustedIndex([hatch])
    const dir = await packagesDir('fork-pr', [hatch])
    const runFor = async (head: string): Promise<string> => {
      const eventPath = path.join(work, `event-${head.replace('/', '-')}.json`)
      await writeFile(
        eventPath,
        JSON.stringify({ pull_request: { number: 7, head: { repo: { full_name: head } } } })
      )
      const run = await runAction(
        { 'repository-url': index.url, 'packages-dir': dir },
        {
          env: runnerEnv(undefined, {
            GITHUB_EVENT_NAME: 'pull_request',
            GITHUB_EVENT_PATH: eventPath
          })
        }
      )
      expect(run.exitCode).toBe(1)
      const [error, ...more] = annotations(run, 'error')
      expect(more).toEqual([])
      return error
    }

    const fromFork = await runFor('someone-else/octo-repo')
    expect(fromFork).toMatch(/triggered by a pull request from a fork/)
    expect(fromFork).toMatch(/neither ID tokens nor secrets/)
    expect(fromFork).toMatch(/a pushed tag, a published release, or workflow_dispatch/)
    expect(fromFork).not.toContain('permissions:')

    const fromBranch = await runFor(REPOSITORY)
    expect(fromBranch).not.toMatch(/fork/)
    expect(fromBranch).toContain('    permissions:\n      id-token: write')
    expect(index.files()).toEqual([])
  })
})

describe('a minted token that expires during the run', () => {
  const projects = [hatch, flit, publishable.find(p => p.dir === 'multi-wheel-sample')!]
  const expected = projects.flatMap(p => fixtureFilenames(p)).sort()

  it('is renewed when the index says it has expired; every file lands exactly once', async () => {
    const { index, endpoints, ids } = await trustedIndex(projects)
    // Between the first and the second upload the index starts refusing the token, as PyPI
    // does once its 15 minutes are over.
    const gate = await started(
      startUploadGate(index.origin, n => {
        if (n === 2) endpoints.expire()
      })
    )
    const dir = await packagesDir('tp-expiry', projects)
    const run = await runAction(
      { 'repository-url': gate.url, 'packages-dir': dir, attestations: 'false' },
      { env: runnerEnv(ids) }
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    const stored = index.files().map(f => f.filename)
    expect([...stored].sort()).toEqual(expected)
    const accepted = acceptedUploads(index)
    expect(accepted.map(u => u.filename).sort()).toEqual(expected)

    const refused = index.requests.filter(r => r.status === 403)
    expect(refused.length).toBeGreaterThanOrEqual(1)
    for (const r of refused) expect(r.message).toMatch(/token is expired/)
    // A fresh ID token for a fresh mint; everything after the refusal went with the new token.
    expect(ids.requests.length).toBeGreaterThanOrEqual(2)
    expect(ids.requests.every(r => r.audience === 'pypi')).toBe(true)
    expect(endpoints.minted).toHaveLength(2)
    const [first, second] = endpoints.minted.map(m => m.token)
    const afterRenewal = accepted.filter(u => u.password === second)
    expect(afterRenewal.length).toBeGreaterThanOrEqual(1)
    expect(accepted.every(u => u.password === first || u.password === second)).toBe(true)
    for (const r of refused) expect(basicPassword(r.headers.authorization ?? '')).toBe(first)

    expect(run.stdout).toContain(
      'Minted a fresh upload token: the index said the token has expired.'
    )
    expect(annotations(run, 'error')).toEqual([])
    expect(JSON.parse(run.outputs.uploaded).length).toBe(expected.length)
    expectNothingSecret(run, [...ids.issued, first, second])
  })

  it('stops with the reasons when the renewal is refused', async () => {
    const { index, endpoints, ids } = await trustedIndex(projects)
    const gate = await started(
      startUploadGate(index.origin, n => {
        if (n === 2) {
          endpoints.expire()
          endpoints.options.publishers = []
        }
      })
    )
    const dir = await packagesDir('tp-renew-refused', projects)
    const run = await runAction(
      { 'repository-url': gate.url, 'packages-dir': dir, attestations: 'false', concurrency: '1' },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(1)
    // One file went with the first token; the next was refused as expired, and the fresh mint
    // was refused: the run stops there instead of retrying, and says what it did upload.
    const accepted = acceptedUploads(index)
    expect(accepted).toHaveLength(1)
    expect(index.files().map(f => f.filename)).toEqual([accepted[0].filename])
    const refused = index.requests.filter(r => r.status === 403)
    expect(refused).toHaveLength(1)
    expect(index.requests.filter(r => r.path.startsWith('/legacy/'))).toHaveLength(2)
    expect(JSON.parse(run.outputs.uploaded)).toEqual([
      expect.objectContaining({ filename: accepted[0].filename })
    ])
    const failure = annotations(run, 'error').at(-1)!
    expect(failure.startsWith(`Publishing stopped at ${refused[0].file!.filename}: `)).toBe(true)
    expect(failure).toContain('  - invalid-publisher: valid token, but no corresponding publisher')
    expect(failure).toContain(`  repository: ${REPOSITORY}`)
    expect(failure).toContain(`The release is partial. On the index: ${accepted[0].filename}.`)
    expect(failure).toMatch(/re-run this job as it is/)
    expect(ids.requests).toHaveLength(2)
    expectNothingSecret(run, [...ids.issued, endpoints.minted[0].token])
  })

  it('is renewed before it runs out when the index grants short lifetimes', async () => {
    // Lifetimes under the renewal margin: every upload asks for a fresh token first.
    const { index, endpoints, ids } = await trustedIndex(projects, {
      publishing: { tokenLifetimeMs: 30_000 }
    })
    const dir = await packagesDir('tp-short', projects)
    const run = await runAction(
      { 'repository-url': index.url, 'packages-dir': dir, attestations: 'false' },
      { env: runnerEnv(ids) }
    )
    expect(run.exitCode).toBe(0)
    expect(
      index
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual(expected)
    expect(
      acceptedUploads(index)
        .map(u => u.filename)
        .sort()
    ).toEqual(expected)
    expect(index.requests.filter(r => r.status === 403)).toEqual([])
    expect(ids.requests.length).toBeGreaterThanOrEqual(2)
    expect(endpoints.minted.length).toBeGreaterThanOrEqual(2)
    expect(run.stdout).toContain('Minted a fresh upload token: the token is about to expire.')
    expectNothingSecret(run, [...ids.issued, ...endpoints.minted.map(m => m.token)])
  })
})

interface SentAttestation {
  version: number
  verification_material: { certificate: string; transparency_entries: unknown[] }
  envelope: { statement: string; signature: string }
}

/** DSSE's pre-authentication encoding: what the envelope's signature is over. */
function dssePae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload
  ])
}

/** Asserts that `attestation` is PyPI's shape, attests exactly this file, and verifies. */
function expectAttests(attestation: SentAttestation, filename: string, sha256: string): void {
  expect(attestation.version).toBe(1)
  expect(attestation.verification_material.transparency_entries).toHaveLength(1)
  const statementBytes = Buffer.from(attestation.envelope.statement, 'base64')
  const statement = JSON.parse(statementBytes.toString('utf8')) as Record<string, unknown>
  expect(statement).toEqual({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: filename, digest: { sha256 } }],
    predicateType: PUBLISH_PREDICATE,
    predicate: {}
  })
  const certificate = new X509Certificate(
    Buffer.from(attestation.verification_material.certificate, 'base64')
  )
  const signed = dssePae('application/vnd.in-toto+json', statementBytes)
  const signature = Buffer.from(attestation.envelope.signature, 'base64')
  expect(verify('sha256', signed, certificate.publicKey, signature)).toBe(true)
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex')
}

describe('attestations through node dist/index.js', () => {
  let sigstore: SigstoreStandIn
  beforeAll(async () => {
    sigstore = await startSigstoreStandIn()
  })
  afterAll(async () => {
    await sigstore.close()
  })

  function attestingEnv(ids: IdTokenService, runnerTemp: string): Record<string, string> {
    return runnerEnv(ids, {
      PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS: 'true',
      PYPI_PUBLISH_FULCIO_URL: sigstore.fulcioUrl,
      PYPI_PUBLISH_REKOR_URL: sigstore.rekorUrl,
      RUNNER_TEMP: runnerTemp
    })
  }

  it('attests every file, keeps the files out of packages-dir, and publishes twice in one job', async () => {
    const projects = [hatch, flit]
    const expected = projects.flatMap(p => fixtureFilenames(p)).sort()
    const first = await trustedIndex(projects)
    // A second index (TestPyPI, then PyPI) served by the same runner's ID-token service.
    const second = await started(startIndexServer({ tokens: [], checkArchives: true }))
    const secondEndpoints = addTrustedPublishing(second, {
      publishers: [
        { repository: REPOSITORY, workflow: WORKFLOW, projects: projects.map(p => p.name) }
      ]
    })
    const dir = await packagesDir('attest', projects)
    const before = (await readdir(dir)).sort()
    const runnerTemp = path.join(work, 'attest-runner-temp')
    await mkdir(runnerTemp, { recursive: true })
    const env = attestingEnv(first.ids, runnerTemp)
    sigstore.requests.length = 0

    const paths: string[][] = []
    for (const index of [first.index, second]) {
      const run = await runAction({ 'repository-url': index.url, 'packages-dir': dir }, { env })
      expect(run.stderr).toBe('')
      expect(annotations(run, 'error')).toEqual([])
      expect(annotations(run, 'warning')).toEqual([])
      expect(run.exitCode).toBe(0)
      expect(
        index
          .files()
          .map(f => f.filename)
          .sort()
      ).toEqual(expected)

      // Each upload carried one attestation naming the file and its digest, and it verifies.
      const uploads = index.requests.filter(r => r.file && r.status === 200)
      expect(uploads.map(r => r.file!.filename).sort()).toEqual(expected)
      const sent = new Map<string, SentAttestation>()
      for (const upload of uploads) {
        const fields = upload.fields.filter(([name]) => name === 'attestations')
        expect(fields).toHaveLength(1)
        const attestations = JSON.parse(fields[0][1]) as SentAttestation[]
        expect(attestations).toHaveLength(1)
        const filename = upload.file!.filename
        expectAttests(attestations[0], filename, await sha256Of(path.join(dir, filename)))
        sent.set(filename, attestations[0])
      }

      // The attestation files are the output, outside packages-dir, under RUNNER_TEMP, and
      // hold what was sent.
      const listed = run.outputs['attestation-paths'].split('\n')
      expect(listed.map(p => path.basename(p)).sort()).toEqual(
        expected.map(f => `${f}.publish.attestation`)
      )
      for (const file of listed) {
        expect(path.isAbsolute(file)).toBe(true)
        expect(file.startsWith(runnerTemp + path.sep)).toBe(true)
        expect(path.relative(dir, file).startsWith('..')).toBe(true)
        const written = JSON.parse(await readFile(file, 'utf8')) as SentAttestation
        expect(written).toEqual(sent.get(path.basename(file, '.publish.attestation')))
      }
      paths.push(listed)
      // Nothing was added to (or taken from) packages-dir.
      expect((await readdir(dir)).sort()).toEqual(before)
    }

    // Fresh attestations for the second publish, in files of their own.
    expect(paths[1].filter(p => paths[0].includes(p))).toEqual([])
    expect(sigstore.requests.filter(r => r.service === 'fulcio')).toHaveLength(2 * expected.length)
    expect(sigstore.requests.filter(r => r.service === 'rekor')).toHaveLength(2 * expected.length)
    expect(first.ids.requests.filter(r => r.audience === 'sigstore').length).toBeGreaterThan(0)
    expect(first.endpoints.minted).toHaveLength(1)
    expect(secondEndpoints.minted).toHaveLength(1)
  })

  it('stops before any upload when signing fails', async () => {
    const { index, ids } = await trustedIndex([hatch])
    const dir = await packagesDir('attest-fails', [hatch])
    const before = (await readdir(dir)).sort()
    const runnerTemp = path.join(work, 'attest-fails-runner-temp')
    await mkdir(runnerTemp, { recursive: true })
    sigstore.failure = { service: 'fulcio', status: 400, message: 'stand-in Fulcio refuses' }
    let run: ActionRun
    try {
      run = await runAction(
        { 'repository-url': index.url, 'packages-dir': dir },
        { env: attestingEnv(ids, runnerTemp) }
      )
    } finally {
      sigstore.failure = undefined
    }
    expect(run.exitCode).toBe(1)
    const [error, ...more] = annotations(run, 'error')
    expect(more).toEqual([])
    expect(error).toMatch(
      /^Signing the attestation for hatch_sample-0\.4\.0(-py3-none-any\.whl|\.tar\.gz) failed:/
    )
    expect(error).toMatch(/stand-in Fulcio refuses/)
    expect(error).toMatch(/Nothing was uploaded/)
    expect(error).toContain('`attestations: false`')
    expect(index.requests.filter(r => r.path.startsWith('/legacy/'))).toEqual([])
    expect(index.files()).toEqual([])
    expect((await readdir(dir)).sort()).toEqual(before)
  })
})

describe('attestations with an API token against an index that is not PyPI', () => {
  const TOKEN = 'pypi-e2e-attest-token-0123456789'

  it('warns that none were made and why; `attestations: false` silences it', async () => {
    const index = await started(startIndexServer({ tokens: [TOKEN], checkArchives: true }))
    const dir = await packagesDir('token-attest', [flit])
    const host = new URL(index.url).host

    const warned = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': dir,
        'skip-existing': 'true'
      },
      { env: runnerEnv(undefined) }
    )
    expect(warned.exitCode).toBe(0)
    const warnings = annotations(warned, 'warning')
    expect(warnings).toEqual([
      `No attestations: ${host} is not PyPI or TestPyPI, and other indexes do not accept PEP 740 ` +
        'attestations. Set `attestations: false` to silence this warning.'
    ])
    expect(
      index
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual(fixtureFilenames(flit).sort())
    expect(index.requests.some(r => r.fields.some(([name]) => name === 'attestations'))).toBe(false)

    // An index declared to take attestations still gets none with a token: the reason changes.
    // (A fresh index each time: files already on one are not sent again, so need no attestations.)
    const second = await started(startIndexServer({ tokens: [TOKEN], checkArchives: true }))
    const viaToken = await runAction(
      {
        password: TOKEN,
        'repository-url': second.url,
        'packages-dir': dir,
        'skip-existing': 'true'
      },
      { env: runnerEnv(undefined, { PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS: 'true' }) }
    )
    expect(viaToken.exitCode).toBe(0)
    expect(annotations(viaToken, 'warning')).toEqual([
      expect.stringMatching(
        /^No attestations: they need trusted publishing .* this run uses an API token/
      )
    ])

    const third = await started(startIndexServer({ tokens: [TOKEN], checkArchives: true }))
    const silenced = await runAction(
      {
        password: TOKEN,
        'repository-url': third.url,
        'packages-dir': dir,
        'skip-existing': 'true',
        attestations: 'false'
      },
      { env: runnerEnv(undefined) }
    )
    expect(silenced.exitCode).toBe(0)
    expect(annotations(silenced, 'warning')).toEqual([])
    expect(silenced.stdout).not.toMatch(/attestation/i)
  })
})
