import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { decodeClaims, renderClaims, reusableWorkflowHint } from '../../src/auth/claims.js'
import { TrustedPublishingError } from '../../src/auth/errors.js'
import { actionsIdTokenFetcher } from '../../src/action/context.js'
import { runContextFromEnv } from '../../src/shared/run-context.js'
import { attestationsField, prepareAttestations } from '../../src/attest/prepare.js'
import { createTokenMinter, oidcUrls, type ExchangeOptions } from '../../src/auth/oidc.js'
import {
  MintedTokenSource,
  isExpiredTokenResponse,
  withCurrentToken
} from '../../src/auth/token-source.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import { UploadError, uploadDistribution } from '../../src/upload/upload.js'
import { FIXTURE_DISTS_DIR } from '../support/fixtures.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import {
  addTrustedPublishing,
  githubClaims,
  idTokenFetcherFor,
  jwtClaims,
  startIdTokenService,
  startTrustedPublishingServer,
  unsignedJwt,
  type IdTokenService,
  type TrustedPublishingOptions
} from '../support/oidc-server.js'
import { startSigstoreStandIn } from '../support/sigstore-server.js'

/** One exchange: audience, ID token, minted token. */
const exchangeToken = (options: ExchangeOptions) => createTokenMinter(options)()

const PUBLISHER = { repository: 'octo-org/octo-repo', workflow: 'release.yml' }

let http: Http
let ids: IdTokenService
const closers: Array<() => Promise<void>> = []

beforeAll(async () => {
  http = new Http({ timeoutMs: 10_000 })
  ids = await startIdTokenService()
})
afterAll(async () => {
  http.dispose()
  await ids.close()
})
afterEach(async () => {
  ids.claims = githubClaims()
  ids.failure = undefined
  while (closers.length) await closers.pop()!()
})

async function tpServer(options: TrustedPublishingOptions) {
  const server = await startTrustedPublishingServer(options)
  closers.push(server.close)
  return server
}

function exchangeOptions(url: string, secrets: string[] = []): ExchangeOptions {
  return {
    http,
    repositoryUrl: url,
    getIdToken: idTokenFetcherFor(ids),
    onSecret: secret => secrets.push(secret),
    // Retries wait for nothing here; the waits asked for are checked where they matter.
    retry: { sleep: async () => undefined }
  }
}

/** The message of the error `promise` rejects with (fails the test when it resolves). */
async function failureOf(promise: Promise<unknown>): Promise<TrustedPublishingError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(TrustedPublishingError)
  return error as TrustedPublishingError
}

describe('claims', () => {
  it('decodes a JWT payload without verifying it, and refuses what is not a JWT', () => {
    const jwt = unsignedJwt({ sub: 'repo:a/b:ref:refs/heads/main', repository: 'a/b' })
    expect(decodeClaims(jwt)).toEqual({ sub: 'repo:a/b:ref:refs/heads/main', repository: 'a/b' })
    expect(decodeClaims('not-a-jwt')).toBeUndefined()
    expect(decodeClaims('a.%%%.c')).toBeUndefined()
  })

  it('renders the claims that matter, marked for debugging, with MISSING for absent ones', () => {
    const text = renderClaims({ sub: 'repo:a/b:ref:refs/tags/v1', repository: 'a/b' })
    expect(text).toMatch(/for debugging only/i)
    expect(text).toContain('sub: repo:a/b:ref:refs/tags/v1')
    expect(text).toContain('repository: a/b')
    expect(text).toContain('environment: MISSING')
    expect(text).toContain('https://docs.pypi.org/trusted-publishers/troubleshooting/')
  })

  it("states PyPI's rule: the job's workflow file, in the run's repository, at the run's ref", () => {
    // Warehouse: publisher looked up by `repository` + the filename in job_workflow_ref, then
    // job_workflow_ref must equal <repository>/.github/workflows/<file>@<ref or sha>.
    const same = githubClaims({ jobWorkflow: 'octo-org/octo-repo/.github/workflows/pypi.yml' })
    const hint = reusableWorkflowHint(same)
    expect(hint).toContain(
      "requires job_workflow_ref to be 'octo-org/octo-repo/.github/workflows/<that file>@<ref>' of this run"
    )
    expect(hint).toContain(
      "the trusted publisher must name the workflow file 'pypi.yml', not 'release.yml'"
    )
    expect(hint).not.toContain('called at')
    expect(reusableWorkflowHint(githubClaims())).toBeUndefined()
  })

  it('says a reusable workflow of another repository cannot publish, instead of naming a file', () => {
    const claims = githubClaims({ jobWorkflow: 'octo-org/shared/.github/workflows/pypi.yml' })
    const hint = reusableWorkflowHint(claims)!
    expect(hint).toContain(
      'This job runs a reusable workflow: .github/workflows/pypi.yml of octo-org/shared'
    )
    expect(hint).toContain(
      'A reusable workflow from another repository therefore cannot publish to PyPI with trusted publishing'
    )
    expect(hint).toContain('Publish from octo-org/octo-repo itself')
    expect(hint).not.toContain('must name the workflow file')
  })

  it('flags a same-repository reusable workflow called at another ref', () => {
    const claims = {
      ...githubClaims(),
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/pypi.yml@refs/heads/main'
    }
    expect(reusableWorkflowHint(claims)).toContain(
      "It is also called at 'refs/heads/main', not at refs/tags/v1.0.0 or " + 'a'.repeat(40)
    )
  })
})

describe('the exchange', () => {
  it('uses the scheme and host of the upload URL', () => {
    expect(oidcUrls('https://upload.pypi.org/legacy/')).toEqual({
      audience: 'https://upload.pypi.org/_/oidc/audience',
      mint: 'https://upload.pypi.org/_/oidc/mint-token'
    })
  })

  it('asks the audience, gets an ID token for it, mints, and hands both secrets over', async () => {
    const server = await tpServer({
      publishers: [PUBLISHER],
      audience: 'testpypi',
      tokenLifetimeMs: 10 * 60_000
    })
    const secrets: string[] = []
    const before = ids.requests.length
    const minted = await exchangeToken(exchangeOptions(server.url, secrets))

    expect(minted.token).toMatch(/^pypi-/)
    expect(server.endpoints.minted.map(m => m.token)).toEqual([minted.token])
    const request = ids.requests[before]
    expect(request.audience).toBe('testpypi')
    expect(request.authorization).toBe(`bearer ${ids.requestToken}`)
    // The index received the ID token the runner issued, and both were offered for masking.
    const jwt = ids.issued[ids.issued.length - 1]
    expect(JSON.parse(server.endpoints.mintRequests[0].body)).toEqual({ token: jwt })
    expect(secrets).toEqual([jwt, minted.token])
    // Lifetime counted from our clock (10 minutes, within the Date header's one-second grain).
    const lifetime = minted.expiresAt - Date.now()
    expect(lifetime).toBeGreaterThan(10 * 60_000 - 5_000)
    expect(lifetime).toBeLessThanOrEqual(10 * 60_000 + 1_000)
  })

  it('fetches a fresh ID token for every mint, and the audience once', async () => {
    const server = await tpServer({ publishers: [PUBLISHER] })
    const issued = ids.issued.length
    let audiences = 0
    const mint = createTokenMinter({
      ...exchangeOptions(server.url),
      getIdToken: audience => {
        audiences++
        return idTokenFetcherFor(ids)(audience)
      }
    })
    const first = await mint()
    const second = await mint()
    expect(second.token).not.toBe(first.token)
    expect(ids.issued.length - issued).toBe(2)
    expect(audiences).toBe(2)
    const sent = server.endpoints.mintRequests.map(
      r => (JSON.parse(r.body) as { token: string }).token
    )
    expect(new Set(sent).size).toBe(2)
  })

  it.each([
    [404, /does not support trusted publishing; use a token/],
    [403, /does not support trusted publishing; use a token.*disabled/s]
  ])(
    'explains an index without trusted publishing (audience answers %i)',
    async (status, pattern) => {
      const server = await tpServer({ publishers: [PUBLISHER], audienceStatus: status })
      const error = await failureOf(exchangeToken(exchangeOptions(server.url)))
      expect(error.message).toMatch(pattern)
      expect(error.message).toContain(`HTTP ${status}`)
      expect(server.endpoints.mintRequests).toHaveLength(0)
    }
  )

  it('shows every reason, the claims and the troubleshooting link when the mint is refused', async () => {
    const server = await tpServer({ publishers: [{ ...PUBLISHER, workflow: 'publish.yml' }] })
    const secrets: string[] = []
    const error = await failureOf(exchangeToken(exchangeOptions(server.url, secrets)))
    const message = error.message
    expect(message).toContain('HTTP 422')
    expect(message).toContain('invalid-publisher: valid token, but no corresponding publisher (')
    expect(message).toMatch(/for debugging only/i)
    expect(message).toContain('sub: repo:octo-org/octo-repo:ref:refs/tags/v1.0.0')
    expect(message).toContain('repository_owner_id: 987654')
    expect(message).toContain(
      'job_workflow_ref: octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0'
    )
    expect(message).toContain('environment: MISSING')
    expect(message).toContain('https://docs.pypi.org/trusted-publishers/troubleshooting/')
    expect(message).not.toContain('reusable workflow')
    // The ID token itself never appears.
    expect(secrets).toHaveLength(1)
    expect(message).not.toContain(secrets[0])
    expect(message).not.toMatch(/eyJ/)
  })

  it('lists the codes of other refusals too', async () => {
    const server = await tpServer({ publishers: [PUBLISHER], mintErrorCode: 'not-enabled' })
    const error = await failureOf(exchangeToken(exchangeOptions(server.url)))
    expect(error.message).toContain('not-enabled: stand-in refusal: not-enabled')
  })

  it('says which workflow file to register when the job runs a reusable workflow', async () => {
    ids.claims = githubClaims({
      jobWorkflow: 'octo-org/octo-repo/.github/workflows/pypi-release.yml'
    })
    const server = await tpServer({ publishers: [PUBLISHER] })
    const error = await failureOf(exchangeToken(exchangeOptions(server.url)))
    expect(error.message).toContain('invalid-publisher')
    expect(error.message).toContain(
      "must name the workflow file 'pypi-release.yml', not 'release.yml'"
    )
  })

  it('shows status and a truncated body when the answer is not JSON', async () => {
    const page = `<html><body>${'Bad gateway. '.repeat(200)}</body></html>`
    const server = await tpServer({
      publishers: [PUBLISHER],
      mintOverride: { status: 502, body: page }
    })
    const error = await failureOf(exchangeToken(exchangeOptions(server.url)))
    expect(error.message).toContain('HTTP 502')
    expect(error.message).toContain('<html><body>Bad gateway.')
    expect(error.message).toContain('(truncated)')
    expect(error.message.length).toBeLessThan(1200)
  })

  it('never repeats an ID token the index echoes back', async () => {
    const jwt = unsignedJwt(githubClaims())
    const server = await tpServer({
      publishers: [PUBLISHER],
      mintOverride: {
        status: 500,
        body: `internal error while checking ${jwt}`,
        contentType: 'text/plain'
      }
    })
    const error = await failureOf(
      exchangeToken({ ...exchangeOptions(server.url), getIdToken: async () => jwt })
    )
    expect(error.message).toContain('internal error while checking ***')
    expect(error.message).not.toContain(jwt)
  })

  it('refuses a success without a token', async () => {
    const server = await tpServer({
      publishers: [PUBLISHER],
      mintOverride: { status: 200, body: '{"success": true}', contentType: 'application/json' }
    })
    const error = await failureOf(exchangeToken(exchangeOptions(server.url)))
    expect(error.message).toContain('without a token')
  })
})

describe('the exchange retries what the index may heal by itself', () => {
  const POLICY = { retries: 3, maxTotalMs: 600_000, baseDelayMs: 1000, maxDelayMs: 60_000 }

  function retryingOptions(url: string) {
    const log = new RecordingLog()
    const delays: number[] = []
    const options: ExchangeOptions = {
      ...exchangeOptions(url),
      retry: {
        policy: POLICY,
        log,
        sleep: async ms => {
          delays.push(ms)
        }
      }
    }
    return { options, log, delays }
  }

  it('retries the audience (503, then a cut connection) and the mint (502) with backoff, then mints', async () => {
    const server = await tpServer({
      publishers: [PUBLISHER],
      failFirst: { audience: [503, 'reset'], mint: [502] }
    })
    const { options, log, delays } = retryingOptions(server.url)

    const minted = await exchangeToken(options)

    expect(minted.token).toMatch(/^pypi-/)
    expect(server.endpoints.failures.map(f => f.route)).toEqual(['audience', 'audience', 'mint'])
    // The same backoff as uploads: within [base/2, base], then [base, 2·base]; the mint's own.
    expect(delays).toHaveLength(3)
    expect(delays[0]).toBeGreaterThanOrEqual(500)
    expect(delays[0]).toBeLessThanOrEqual(1000)
    expect(delays[1]).toBeGreaterThanOrEqual(1000)
    expect(delays[1]).toBeLessThanOrEqual(2000)
    // Retries that recover are info lines, never warnings.
    expect(log.lines.filter(l => l.level === 'warning' || l.level === 'error')).toEqual([])
    expect(log.text('info')).toContain(
      'Trusted publishing: asking for the token audience failed (HTTP 503 Service Unavailable); retry 1 of 3'
    )
    expect(log.text('info')).toMatch(/token request failed \(HTTP 502 Bad Gateway\); retry 1 of 3/)
    // The retried mint carried a fresh ID token: the lost one may have been spent.
    const sent = server.endpoints.mintRequests.map(
      r => (JSON.parse(r.body) as { token: string }).token
    )
    expect(sent).toHaveLength(2)
    expect(sent[0]).not.toBe(sent[1])
  })

  it('waits as long as a 429 Retry-After asks', async () => {
    const server = await tpServer({
      publishers: [PUBLISHER],
      failFirst: { mint: [{ status: 429, headers: { 'Retry-After': '7' } }] }
    })
    const { options, delays } = retryingOptions(server.url)
    await exchangeToken(options)
    expect(delays).toEqual([7000])
  })

  it('gives up after the configured retries, and never retries a refusal', async () => {
    const down = await tpServer({
      publishers: [PUBLISHER],
      failFirst: { mint: [503, 503, 503, 503, 503] }
    })
    const { options } = retryingOptions(down.url)
    const error = await failureOf(exchangeToken(options))
    expect(error.message).toContain('HTTP 503')
    expect(down.endpoints.mintRequests).toHaveLength(POLICY.retries + 1)

    const refusing = await tpServer({ publishers: [PUBLISHER], mintErrorCode: 'invalid-publisher' })
    const refused = retryingOptions(refusing.url)
    await failureOf(exchangeToken(refused.options))
    expect(refusing.endpoints.mintRequests).toHaveLength(1)
    expect(refused.delays).toEqual([])
  })
})

describe('minted tokens on the test index', () => {
  let index: IndexServer
  afterEach(async () => {
    await index?.close()
  })

  it('are accepted for uploads until they expire, then renewed on "token is expired"', async () => {
    index = await startIndexServer({ tokens: [] })
    const endpoints = addTrustedPublishing(index, {
      publishers: [{ ...PUBLISHER, projects: ['hatch-sample'] }]
    })
    const log = new RecordingLog()
    const source = await MintedTokenSource.start(createTokenMinter(exchangeOptions(index.url)), {
      onRenew: message => log.info(message)
    })
    const target = (user: string, password: string) => ({
      url: index.url,
      user,
      password,
      skipExisting: false,
      verbose: false
    })
    const expired = (error: unknown): boolean =>
      error instanceof UploadError && isExpiredTokenResponse(error.status, error.indexMessage)
    const wheel = await inspectDistribution(
      path.join(FIXTURE_DISTS_DIR, 'hatch-sample', 'hatch_sample-0.4.0-py3-none-any.whl')
    )
    const sdist = await inspectDistribution(
      path.join(FIXTURE_DISTS_DIR, 'hatch-sample', 'hatch_sample-0.4.0.tar.gz')
    )

    const first = await source.current()
    await withCurrentToken(
      source,
      (user, password) => uploadDistribution(http, target(user, password), wheel, log),
      expired
    )
    expect(index.files().map(f => f.filename)).toEqual([wheel.filename])

    // The index now considers the token expired, as PyPI does after 15 minutes.
    endpoints.expire(first)
    const refused = await uploadDistribution(http, target('__token__', first), sdist, log).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(refused).toBeInstanceOf(UploadError)
    expect((refused as UploadError).status).toBe(403)
    expect((refused as UploadError).indexMessage).toContain('Invalid API Token: token is expired')
    expect(expired(refused)).toBe(true)

    await withCurrentToken(
      source,
      (user, password) => uploadDistribution(http, target(user, password), sdist, log),
      expired
    )
    expect(index.files().map(f => f.filename)).toEqual([wheel.filename, sdist.filename])
    expect(endpoints.minted).toHaveLength(2)
    expect(await source.current()).toBe(endpoints.minted[1].token)
    expect(log.text('info')).toContain('the index said the token has expired')
    // Wheel; the sdist refused by hand above; the sdist refused inside withCurrentToken (our clock
    // still thought the token good) and then sent again with the fresh token. Nothing stored twice.
    expect(index.requests.map(r => r.status)).toEqual([200, 403, 403, 200])
  })
  it('carry the attestations signed for them', async () => {
    index = await startIndexServer({ tokens: [] })
    addTrustedPublishing(index, { publishers: [{ ...PUBLISHER, projects: ['hatch-sample'] }] })
    const sigstore = await startSigstoreStandIn()
    closers.push(sigstore.close)
    const log = new RecordingLog()
    const source = await MintedTokenSource.start(createTokenMinter(exchangeOptions(index.url)))
    const wheel = await inspectDistribution(
      path.join(FIXTURE_DISTS_DIR, 'hatch-sample', 'hatch_sample-0.4.0-py3-none-any.whl')
    )
    const outputDir = path.join(index.storageDir, 'runner-temp-attestations')
    const prepared = await prepareAttestations([wheel], {
      decision: { sign: true },
      signer: {
        getIdToken: idTokenFetcherFor(ids),
        fulcioUrl: sigstore.fulcioUrl,
        rekorUrl: sigstore.rekorUrl
      },
      outputDir,
      log
    })
    const field = attestationsField(prepared.get(wheel.filename)!)
    await uploadDistribution(
      http,
      {
        url: index.url,
        user: source.user,
        password: await source.current(),
        verbose: false,
        extraFields: [field]
      },
      wheel,
      log
    )
    const stored = index.files()[0]
    const sent = stored.fields.find(([name]) => name === 'attestations')?.[1]
    expect(sent).toBe(field[1])
    const statement = JSON.parse(
      Buffer.from(
        (JSON.parse(sent!) as Array<{ envelope: { statement: string } }>)[0].envelope.statement,
        'base64'
      ).toString()
    )
    expect(statement.subject).toEqual([
      { name: wheel.filename, digest: { sha256: wheel.digests.sha256 } }
    ])
  })
})

describe("actionsIdTokenFetcher (the runner's ID-token request against the stand-in)", () => {
  const saved = { ...process.env }
  afterEach(() => {
    ids.failure = undefined
    for (const name of ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  })

  it('gets an ID token for the audience with the runner request token', async () => {
    Object.assign(process.env, ids.env)
    const before = ids.requests.length
    const jwt = await actionsIdTokenFetcher(runContextFromEnv(process.env), process.env)('sigstore')
    expect(jwtClaims(jwt)?.aud).toBe('sigstore')
    expect(ids.requests[before].audience).toBe('sigstore')
    expect(ids.requests[before].authorization).toBe(`bearer ${ids.requestToken}`)
  })

  it('turns a refusal into an explanation with the permissions snippet', async () => {
    Object.assign(process.env, ids.env)
    ids.failure = { status: 403, body: '{"message":"no"}' }
    const error = await failureOf(
      actionsIdTokenFetcher(runContextFromEnv(process.env), process.env)('pypi')
    )
    expect(error.message).toContain('getting one failed: GitHub Actions answered HTTP 403')
    expect(error.message).toContain('permissions:\n      id-token: write')
    expect(error.message).toContain('an empty secret looks exactly like none')
    // The command line's flag is not advice for a workflow.
    expect(error.message).not.toContain('--password')
    expect((error as TrustedPublishingError).transient).toBeUndefined()
  })

  it('marks a 503 from the runner as transient, so the exchange asks again', async () => {
    Object.assign(process.env, ids.env)
    ids.failure = { status: 503, body: 'busy' }
    const error = await failureOf(
      actionsIdTokenFetcher(runContextFromEnv(process.env), process.env)('pypi')
    )
    expect((error as TrustedPublishingError).transient?.reason).toBe('HTTP 503')
  })

  it('explains a job without ID-token access', async () => {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    const error = await failureOf(
      actionsIdTokenFetcher(runContextFromEnv(process.env), process.env)('pypi')
    )
    expect(error.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL')
    expect(error.message).toContain('id-token: write')
  })
})
