/**
 * Ambient ID tokens for the command line, as PyPA's `id` finds them: GitLab's `<AUD>_ID_TOKEN`
 * variables, GitHub's request URL (asked over real HTTP here), and none at all.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ambientIdToken, gitlabTokenVariable } from '../../src/cli/ambient-id-token.js'
import { chooseCredential } from '../../src/auth/credentials.js'
import { startIdTokenService, type IdTokenService } from '../support/oidc-server.js'

let ids: IdTokenService
let work: string
let notGoogle: string
beforeAll(async () => {
  ids = await startIdTokenService()
  work = await mkdtemp(path.join(tmpdir(), 'ambient-'))
  notGoogle = path.join(work, 'product_name')
  await writeFile(notGoogle, 'Standard PC (Q35 + ICH9, 2009)\n')
})
afterAll(async () => {
  await ids.close()
  await rm(work, { recursive: true, force: true })
})

describe('ambient ID tokens', () => {
  it('names GitLab variables as id does', () => {
    expect(gitlabTokenVariable('pypi')).toBe('PYPI_ID_TOKEN')
    expect(gitlabTokenVariable('testpypi')).toBe('TESTPYPI_ID_TOKEN')
    expect(gitlabTokenVariable('my-index.example')).toBe('MY_INDEX_EXAMPLE_ID_TOKEN')
    expect(gitlabTokenVariable('3rd')).toBe('_RD_ID_TOKEN')
  })

  it('GitLab CI: the variable for the audience asked, and a precise error for another', async () => {
    const { identity, getIdToken } = ambientIdToken(
      { GITLAB_CI: 'true', PYPI_ID_TOKEN: 'a.b.c' },
      { productNameFile: notGoogle }
    )
    expect(identity.provider).toBe('GitLab CI')
    await expect(getIdToken('pypi')).resolves.toBe('a.b.c')
    await expect(getIdToken('sigstore')).rejects.toThrow(/SIGSTORE_ID_TOKEN:\n\s+aud: sigstore/)
  })

  it('GitHub Actions: asks the runner with its bearer token, without @actions/core', async () => {
    const { identity, getIdToken } = ambientIdToken(ids.env, { productNameFile: notGoogle })
    expect(identity.provider).toBe('GitHub Actions')
    const token = await getIdToken('pypi')
    expect(ids.issued).toContain(token)
    expect(ids.requests.at(-1)).toEqual({
      audience: 'pypi',
      authorization: `bearer ${ids.requestToken}`
    })
  })

  it('none: trusted publishing is refused up front with both ways out', () => {
    const { identity } = ambientIdToken({}, { productNameFile: notGoogle })
    expect(identity.provider).toBeUndefined()
    expect(() =>
      chooseCredential(
        { user: '__token__', password: '' },
        { forkPullRequest: false, idToken: { available: false } },
        identity
      )
    ).toThrow(/--password[\s\S]*PYPI_ID_TOKEN/)
    // The action's behaviour without an ambient identity is unchanged: the runner's variables.
    expect(
      chooseCredential(
        { user: '__token__', password: '' },
        { forkPullRequest: false, idToken: { available: true } }
      )
    ).toEqual({
      method: 'trusted-publishing'
    })
  })
})
