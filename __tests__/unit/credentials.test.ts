import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  chooseCredential,
  resolveTokenSource,
  trustedPublishingNudge
} from '../../src/auth/credentials.js'
import { TrustedPublishingError } from '../../src/auth/errors.js'
import { parseWorkflowRef } from '../../src/auth/claims.js'
import type { MintedToken } from '../../src/auth/oidc.js'
import {
  MintedTokenSource,
  StaticTokenSource,
  isExpiredTokenResponse,
  withCurrentToken
} from '../../src/auth/token-source.js'
import { Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import {
  idTokenFetcherFor,
  startIdTokenService,
  startTrustedPublishingServer,
  type IdTokenService
} from '../support/oidc-server.js'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'credentials-test-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** A run that can request an ID token, and one that cannot (as the edge describes it). */
const ID_TOKEN_RUN = { forkPullRequest: false, idToken: { available: true } }
const NO_ID_TOKEN_RUN = {
  forkPullRequest: false,
  idToken: { available: false, why: 'ACTIONS_ID_TOKEN_REQUEST_URL is not set' }
}

function thrown(fn: () => unknown): TrustedPublishingError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(TrustedPublishingError)
    return error as TrustedPublishingError
  }
  throw new Error('expected an error')
}

describe('chooseCredential', () => {
  it('takes a given password or token, whatever the user', () => {
    expect(chooseCredential({ user: '__token__', password: 'pypi-abc' }, NO_ID_TOKEN_RUN)).toEqual({
      method: 'token',
      user: '__token__',
      password: 'pypi-abc'
    })
    expect(chooseCredential({ user: 'alice', password: 'pw' }, ID_TOKEN_RUN).method).toBe('token')
  })

  it('uses trusted publishing with no password, user __token__ and ID-token access', () => {
    expect(chooseCredential({ user: '__token__', password: '' }, ID_TOKEN_RUN)).toEqual({
      method: 'trusted-publishing'
    })
  })

  it('says the password is missing for another user', () => {
    const error = thrown(() => chooseCredential({ user: 'alice', password: '' }, ID_TOKEN_RUN))
    expect(error.message).toContain("The user is 'alice' but no password was given")
    expect(error.message).toContain('a typo in its name reads as an empty string')
  })

  it('explains both ways out when the job has no ID-token access', () => {
    const error = thrown(() =>
      chooseCredential({ user: '__token__', password: '' }, NO_ID_TOKEN_RUN)
    )
    expect(error.message).toContain('ACTIONS_ID_TOKEN_REQUEST_URL is not set')
    expect(error.message).toContain('    permissions:\n      id-token: write')
    expect(error.message).toContain('password: ${{ secrets.PYPI_API_TOKEN }}')
    expect(error.message).toContain('an empty secret looks exactly like none')
    expect(error.message).not.toMatch(/fork/)
  })

  it('gives a pull request from a fork its own explanation', () => {
    const run = { ...NO_ID_TOKEN_RUN, forkPullRequest: true }
    const error = thrown(() => chooseCredential({ user: '__token__', password: '' }, run))
    expect(error.message).toContain('pull request from a fork')
    expect(error.message).toContain('workflow_dispatch')
    expect(error.message).not.toContain('PYPI_API_TOKEN')
  })
})

describe('parseWorkflowRef', () => {
  it('takes GITHUB_WORKFLOW_REF apart', () => {
    expect(
      parseWorkflowRef('octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1')
    ).toEqual({
      owner: 'octo-org',
      repo: 'octo-repo',
      repository: 'octo-org/octo-repo',
      path: '.github/workflows/release.yml',
      filename: 'release.yml',
      ref: 'refs/tags/v1'
    })
    expect(parseWorkflowRef('nonsense')).toBeUndefined()
    expect(parseWorkflowRef(undefined)).toBeUndefined()
  })
})

describe('MintedTokenSource', () => {
  /** A minter that counts calls and hands out tokens living `lifetime` ms on the fake clock. */
  function fakeMinter(clock: { now: number }, lifetime = 15 * 60_000) {
    const calls: number[] = []
    let release: (() => void) | undefined
    const mint = async (): Promise<MintedToken> => {
      calls.push(clock.now)
      if (gate.hold) await new Promise<void>(resolve => (release = resolve))
      return { token: `pypi-token-${calls.length}`, expiresAt: clock.now + lifetime }
    }
    const gate = { hold: false, open: () => release?.() }
    return { mint, calls, gate }
  }

  it('mints once, reuses the token, and renews within the margin before expiry', async () => {
    const clock = { now: 1_000_000 }
    const { mint, calls } = fakeMinter(clock)
    const renewals: string[] = []
    const source = await MintedTokenSource.start(mint, {
      now: () => clock.now,
      marginMs: 60_000,
      onRenew: m => renewals.push(m)
    })
    expect(await source.current()).toBe('pypi-token-1')
    clock.now += 13 * 60_000
    expect(await source.current()).toBe('pypi-token-1')
    clock.now += 60_000 + 1 // 59 s left: inside the margin
    expect(await source.current()).toBe('pypi-token-2')
    expect(calls).toHaveLength(2)
    expect(renewals).toEqual(['Minted a fresh upload token: the token is about to expire.'])
  })

  it('shares one renewal between concurrent callers refused the same token', async () => {
    const clock = { now: 0 }
    const { mint, calls, gate } = fakeMinter(clock)
    const source = await MintedTokenSource.start(mint, { now: () => clock.now })
    gate.hold = true
    const renewals = Promise.all([
      source.renew('pypi-token-1'),
      source.renew('pypi-token-1'),
      source.current(),
      source.renew('pypi-token-1')
    ])
    await new Promise(resolve => setImmediate(resolve))
    gate.open()
    const results = await renewals
    expect(results).toEqual(['pypi-token-2', 'pypi-token-2', 'pypi-token-1', 'pypi-token-2'])
    expect(calls).toHaveLength(2)
    // A late caller refused the old token gets the replacement without another mint.
    gate.hold = false
    expect(await source.renew('pypi-token-1')).toBe('pypi-token-2')
    expect(calls).toHaveLength(2)
  })

  it('lets a failed renewal fail its callers and tries again on the next call', async () => {
    let fail = false
    let n = 0
    const source = await MintedTokenSource.start(async () => {
      n++
      if (fail) throw new TrustedPublishingError('mint refused')
      return { token: `pypi-t${n}`, expiresAt: Date.now() + 15 * 60_000 }
    })
    fail = true
    await expect(source.renew('pypi-t1')).rejects.toThrow('mint refused')
    fail = false
    expect(await source.renew('pypi-t1')).toBe('pypi-t3')
  })
})

describe('StaticTokenSource and withCurrentToken', () => {
  it('gives the static token and does not retry an expiry refusal it cannot fix', async () => {
    const source = new StaticTokenSource('__token__', 'pypi-static')
    expect(await source.current()).toBe('pypi-static')
    expect(await source.renew()).toBeUndefined()
    const attempts: string[] = []
    const refusal = Object.assign(new Error('refused'), { status: 403 })
    await expect(
      withCurrentToken(
        source,
        async (_user, password) => {
          attempts.push(password)
          throw refusal
        },
        () => true
      )
    ).rejects.toBe(refusal)
    expect(attempts).toEqual(['pypi-static'])
  })

  it("recognizes PyPI's expired-token refusal only", () => {
    expect(isExpiredTokenResponse(403, 'Invalid API Token: token is expired')).toBe(true)
    expect(isExpiredTokenResponse(403, 'Invalid or non-existent authentication information.')).toBe(
      false
    )
    expect(isExpiredTokenResponse(400, 'token is expired')).toBe(false)
  })
})

describe('resolveTokenSource', () => {
  let ids: IdTokenService
  let http: Http
  beforeAll(async () => {
    ids = await startIdTokenService()
    http = new Http()
  })
  afterAll(async () => {
    http.dispose()
    await ids.close()
  })

  it('returns the given token without any exchange', async () => {
    const source = await resolveTokenSource({
      settings: {
        user: '__token__',
        password: 'pypi-given',
        repositoryUrl: 'https://upload.pypi.org/legacy/'
      },
      run: NO_ID_TOKEN_RUN,
      http,
      getIdToken: () => Promise.reject(new Error('must not be called')),
      onSecret: () => undefined,
      log: new RecordingLog()
    })
    expect(source.kind).toBe('token')
    expect(await source.current()).toBe('pypi-given')
  })

  it('mints up front under trusted publishing, and reports the secret', async () => {
    const server = await startTrustedPublishingServer({
      publishers: [{ repository: 'octo-org/octo-repo', workflow: 'release.yml' }]
    })
    try {
      const secrets: string[] = []
      const log = new RecordingLog()
      const source = await resolveTokenSource({
        settings: { user: '__token__', password: '', repositoryUrl: server.url },
        run: ID_TOKEN_RUN,
        http,
        getIdToken: idTokenFetcherFor(ids),
        onSecret: s => secrets.push(s),
        log
      })
      expect(source.kind).toBe('trusted-publishing')
      expect(server.endpoints.minted).toHaveLength(1)
      const token = server.endpoints.minted[0].token
      expect(await source.current()).toBe(token)
      expect(secrets).toContain(token)
      expect(log.text()).toMatch(/Trusted publishing: exchanged .* valid until \d{4}-/)
      expect(log.text()).not.toContain(token)
    } finally {
      await server.close()
    }
  })
})

describe('trustedPublishingNudge', () => {
  const run = {
    repository: 'octo-org/octo-repo',
    workflowRef: 'octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.0.0'
  }

  it('links the publishing settings pre-filled with owner, repository and workflow', () => {
    const text = trustedPublishingNudge({
      repositoryUrl: 'https://upload.pypi.org/legacy/',
      usedToken: true,
      projects: ['Sample.Setup_Tools'],
      run
    })
    expect(text).toContain(
      'https://pypi.org/manage/project/sample-setup-tools/settings/publishing/?provider=github&owner=octo-org&repository=octo-repo&workflow_filename=release.yml'
    )
    expect(text).toContain('id-token: write')
  })

  it('uses test.pypi.org for TestPyPI', () => {
    const text = trustedPublishingNudge({
      repositoryUrl: 'https://test.pypi.org/legacy/',
      usedToken: true,
      projects: ['demo'],
      run
    })
    expect(text).toContain(
      'https://test.pypi.org/manage/project/demo/settings/publishing/?provider=github&'
    )
  })

  it('says nothing under trusted publishing, for other indexes, or without projects', () => {
    const base = {
      repositoryUrl: 'https://upload.pypi.org/legacy/',
      usedToken: true,
      projects: ['demo'],
      run
    }
    expect(trustedPublishingNudge({ ...base, usedToken: false })).toBeUndefined()
    expect(
      trustedPublishingNudge({ ...base, repositoryUrl: 'https://pypi.example.com/legacy/' })
    ).toBeUndefined()
    expect(trustedPublishingNudge({ ...base, projects: [] })).toBeUndefined()
  })
})
