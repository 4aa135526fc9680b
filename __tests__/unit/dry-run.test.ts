/**
 * A dry run says where the files would go and as whom, without a secret: the upload URL, and
 * either the token's user or the identity trusted publishing would present (from a real ID token
 * of the stand-in runner service, whose audience comes from the stand-in index over HTTP).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { dryRunChecks } from '../../src/pipeline/dry-run.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { readSettings } from '../../src/settings/settings.js'
import { Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import { FIXTURE_DISTS_DIR } from '../support/fixtures.js'
import {
  githubClaims,
  idTokenFetcherFor,
  startIdTokenService,
  startTrustedPublishingServer
} from '../support/oidc-server.js'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close()
})

function settingsFor(inputs: Record<string, string>) {
  return readSettings(name => inputs[name] ?? '', {}).settings
}

async function wheel() {
  return inspectDistribution(
    path.join(FIXTURE_DISTS_DIR, 'hatch-sample', 'hatch_sample-0.4.0-py3-none-any.whl')
  )
}

function client(): Http {
  const http = new Http({ timeoutMs: 5000 })
  cleanup.push(() => http.dispose())
  return http
}

/** A run outside any CI: no ID token to be had (a token is given, so none is needed). */
const NO_ID_TOKEN = { forkPullRequest: false, idToken: { available: false } }

describe('dry run', () => {
  it('names the upload URL and the trusted-publishing identity from the ID token, no secret', async () => {
    const server = await startTrustedPublishingServer({ audience: 'pypi' })
    cleanup.push(server.close)
    const ids = await startIdTokenService({
      claims: githubClaims({
        repository: 'octo-org/octo-repo',
        jobWorkflow: 'octo-org/octo-repo/.github/workflows/publish.yml',
        environment: 'pypi'
      })
    })
    cleanup.push(ids.close)
    const log = new RecordingLog()
    const secrets: string[] = []

    await dryRunChecks(
      settingsFor({ 'repository-url': server.url }),
      {
        log,
        run: { forkPullRequest: false, idToken: { available: true } },
        getIdToken: idTokenFetcherFor(ids),
        onSecret: secret => secrets.push(secret)
      },
      client(),
      [await wheel()]
    )

    expect(log.text('info')).toContain(
      `Dry run: would upload 1 file(s) to ${server.url} with trusted publishing as repository ` +
        "octo-org/octo-repo, workflow publish.yml, environment pypi (from the job's ID token)."
    )
    expect(server.endpoints.mintRequests).toEqual([])
    // The ID token was masked before use and appears in no line.
    expect(secrets).toEqual(ids.issued)
    expect(log.lines.some(l => l.message.includes(ids.issued[0]))).toBe(false)
  })

  it('names the upload URL and the user for a token, never the token', async () => {
    const log = new RecordingLog()
    const token = 'pypi-dry-run-secret-token-value'
    await dryRunChecks(
      settingsFor({ 'repository-url': 'https://nexus.example/repository/pypi/', password: token }),
      { log, run: NO_ID_TOKEN },
      client(),
      [await wheel()]
    )
    expect(log.text('info')).toContain(
      "Dry run: would upload 1 file(s) to https://nexus.example/repository/pypi/ with the given API token (user '__token__'"
    )
    expect(log.lines.some(l => l.message.includes(token))).toBe(false)

    const named = new RecordingLog()
    await dryRunChecks(
      settingsFor({
        'repository-url': 'https://nexus.example/repository/pypi/',
        user: 'ci-bot',
        password: 'pw-123456'
      }),
      { log: named, run: NO_ID_TOKEN },
      client(),
      [await wheel()]
    )
    expect(named.text('info')).toContain("as user 'ci-bot' with the given password (not shown)")
    expect(named.text()).not.toContain('pw-123456')
  })

  it('with nothing left to send (every file on the index), says so and asks for no credential', async () => {
    const log = new RecordingLog()
    await dryRunChecks(
      settingsFor({ 'repository-url': 'https://nexus.example/repository/pypi/' }),
      { log, run: NO_ID_TOKEN },
      client(),
      []
    )
    expect(log.text('info')).toBe(
      'Dry run: nothing would be uploaded: every file is on the index already or skipped.'
    )
  })
})
