/**
 * The edge's reading of the runner's variables into a RunContext: the only place the core's view
 * of the run comes from. Each field is checked against the variables GitHub sets.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { isForkPullRequest, runContextFromEnv, tagOfRun } from '../../src/shared/run-context.js'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'run-context-test-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

async function eventFile(name: string, event: unknown): Promise<string> {
  const file = path.join(work, name)
  await writeFile(file, JSON.stringify(event))
  return file
}

describe('runContextFromEnv', () => {
  it('reads the ref, tag, repository and workflow of a tag run', () => {
    const run = runContextFromEnv({
      GITHUB_REF: 'refs/tags/v1.2.3',
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_WORKFLOW_REF: 'octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.2.3'
    })
    expect(run).toMatchObject({
      ref: 'refs/tags/v1.2.3',
      tag: 'v1.2.3',
      repository: 'octo-org/octo-repo',
      workflowRef: 'octo-org/octo-repo/.github/workflows/release.yml@refs/tags/v1.2.3',
      forkPullRequest: false
    })
  })

  it('can request an ID token only with both the request URL and its bearer', () => {
    const url = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token' }
    const bearer = { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' }
    expect(runContextFromEnv({ ...url, ...bearer }).idToken).toEqual({ available: true })
    for (const env of [{}, url, bearer]) {
      expect(runContextFromEnv(env).idToken).toEqual({
        available: false,
        why: 'ACTIONS_ID_TOKEN_REQUEST_URL is not set'
      })
    }
  })

  it('names the proxy variables as @actions/http-client reads them, lower case first', () => {
    expect(runContextFromEnv({}).proxy).toEqual({})
    expect(
      runContextFromEnv({ https_proxy: 'http://a:1', HTTPS_PROXY: 'http://b:1', HTTP_PROXY: 'x' })
        .proxy
    ).toEqual({ https: 'https_proxy', http: 'HTTP_PROXY' })
  })

  it('uses RUNNER_TEMP, else the system temp folder', () => {
    expect(runContextFromEnv({ RUNNER_TEMP: '/runner/temp' }).tempDir).toBe('/runner/temp')
    expect(runContextFromEnv({}).tempDir).toBe(tmpdir())
  })

  it('gives children the environment without inputs, runner tokens or secrets', () => {
    const run = runContextFromEnv(
      {
        PATH: '/usr/bin',
        INPUT_PASSWORD: 'pypi-secret',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
        COPY: 'has minted-token-value in it'
      },
      ['minted-token-value']
    )
    expect(run.childEnv.toSpawn()).toEqual({ PATH: '/usr/bin' })
  })

  it('tells a pull request from a fork', async () => {
    const run = runContextFromEnv({
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_REPOSITORY: 'octo-org/octo-repo',
      GITHUB_EVENT_PATH: await eventFile('fork.json', {
        pull_request: { head: { repo: { full_name: 'someone/octo-repo' } } }
      })
    })
    expect(run.forkPullRequest).toBe(true)
    expect(run.tag).toBeUndefined()
  })
})

describe('tagOfRun', () => {
  it('reads the tag from GITHUB_REF, and nothing from a branch or pull request ref', () => {
    expect(tagOfRun({ GITHUB_REF: 'refs/tags/v1.2.3' })).toBe('v1.2.3')
    expect(tagOfRun({ GITHUB_REF: 'refs/tags/release/2024' })).toBe('release/2024')
    expect(tagOfRun({ GITHUB_REF: 'refs/heads/main' })).toBeUndefined()
    expect(tagOfRun({ GITHUB_REF: 'refs/pull/7/merge' })).toBeUndefined()
    expect(tagOfRun({})).toBeUndefined()
  })

  it('trusts GITHUB_REF over the short form, and uses the short form when GITHUB_REF is missing', () => {
    const branchRun = {
      GITHUB_REF: 'refs/heads/v1',
      GITHUB_REF_TYPE: 'tag',
      GITHUB_REF_NAME: 'v1'
    }
    expect(tagOfRun(branchRun)).toBeUndefined()
    expect(tagOfRun({ GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v2.0' })).toBe('v2.0')
    expect(tagOfRun({ GITHUB_REF_TYPE: 'branch', GITHUB_REF_NAME: 'v2.0' })).toBeUndefined()
  })
})

describe('isForkPullRequest', () => {
  it('compares the head repository with GITHUB_REPOSITORY', async () => {
    const fork = await eventFile('pr-fork.json', {
      pull_request: { head: { repo: { full_name: 'someone/octo-repo' } } }
    })
    const same = await eventFile('pr-same.json', {
      pull_request: { head: { repo: { full_name: 'Octo-Org/octo-repo' } } }
    })
    const base = { GITHUB_REPOSITORY: 'octo-org/octo-repo' }
    expect(
      isForkPullRequest({ ...base, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: fork })
    ).toBe(true)
    expect(
      isForkPullRequest({
        ...base,
        GITHUB_EVENT_NAME: 'pull_request_target',
        GITHUB_EVENT_PATH: fork
      })
    ).toBe(true)
    expect(
      isForkPullRequest({ ...base, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: same })
    ).toBe(false)
    expect(isForkPullRequest({ ...base, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: fork })).toBe(
      false
    )
    expect(
      isForkPullRequest({
        ...base,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: path.join(work, 'none')
      })
    ).toBe(false)
  })
})
