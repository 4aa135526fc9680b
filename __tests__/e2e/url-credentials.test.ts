/**
 * Credentials written in `repository-url` and `index-url` (issue 8, item 6): they upload (as
 * twine uses them when no password is given) and read back, and no form of them is ever shown:
 * not the URL with its userinfo, not the password as an index echoes it (JSON- or HTML-escaped,
 * percent-encoded, in Basic auth).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makePlainWheel } from '../support/make-dists.js'
import { runAction, type ActionRun } from '../support/run-action.js'

/** Characters every encoding changes. */
const SECRET = 'p@ss/w0rd+&<s3cret"é'
const USER = '__token__'

let index: IndexServer
let work: string
let packagesDir: string

// A fresh index per test: the action does not send again what an index already holds.
beforeEach(async () => {
  index = await startIndexServer({ tokens: [SECRET] })
})
afterEach(async () => {
  await index.close()
})

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'url-creds-'))
  packagesDir = path.join(work, 'dist')
  makePlainWheel(packagesDir, 'urlcreds', '1.0')
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** `scheme://user:password@rest`, the password percent-encoded as a URL must carry it. */
function withCredentials(url: string): string {
  return url.replace('://', `://${USER}:${encodeURIComponent(SECRET)}@`)
}

const FORMS = [
  SECRET,
  encodeURIComponent(SECRET),
  encodeURIComponent(SECRET).toLowerCase(),
  new URLSearchParams({ s: SECRET }).toString().slice(2),
  JSON.stringify(SECRET).slice(1, -1),
  JSON.stringify(SECRET)
    .slice(1, -1)
    .replace(/\//g, '\\/')
    .replace(/[^\x20-\x7e]|[+&<]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
  SECRET.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;'),
  Buffer.from(`${USER}:${SECRET}`).toString('base64'),
  `${USER}:`
]

function expectNoLeak(result: ActionRun): void {
  const shown = result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n')
  const written = {
    stdout: shown,
    stderr: result.stderr,
    outputs: JSON.stringify(result.outputs),
    summary: result.summary
  }
  for (const [where, text] of Object.entries(written)) {
    for (const form of FORMS) {
      expect({ where, leaked: text.includes(form) ? form : null }).toEqual({ where, leaked: null })
    }
  }
}

describe('credentials in the URL inputs', () => {
  it('upload and read back, and the URLs are shown without them', async () => {
    const before = index.requests.length
    const result = await runAction(
      {
        'repository-url': withCredentials(index.url),
        'index-url': withCredentials(index.simpleUrl),
        'packages-dir': packagesDir,
        verbose: 'true'
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    // Uploaded with the URL's credentials, as Basic auth (never in the URL).
    const upload = index.requests[before]
    expect(upload.headers.authorization).toBe(
      `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`
    )
    expect(JSON.parse(result.outputs.verified)).toHaveLength(1)
    // The URLs are shown, without their userinfo.
    expect(result.stdout).toContain(index.url)
    expect(result.stdout).toContain(index.simpleUrl)
    expect(result.stdout).toContain(
      `::add-mask::${encodeURIComponent(SECRET).replace(/%/g, '%25')}`
    )
    expectNoLeak(result)
  }, 120_000)

  it('are never shown when the index echoes them in JSON, HTML and encoded forms', async () => {
    const json = JSON.stringify({
      message: `Invalid credentials for ${JSON.stringify(SECRET).slice(1, -1).replace(/\//g, '\\/')}`,
      html: `<p>${FORMS[6]}</p>`,
      form: `password=${FORMS[3]}`,
      unicode: FORMS[5]
    })
    index.injectFaults({
      status: 403,
      body: json,
      headers: { 'content-type': 'application/json' }
    })
    const result = await runAction(
      {
        'repository-url': withCredentials(index.url),
        'packages-dir': packagesDir,
        'skip-existing': 'false',
        verbose: 'true'
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    // The premise: the index answered with the forms, and the action showed its answer.
    expect(index.pendingFaults()).toBe(0)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain('Invalid credentials for ***')
    expectNoLeak(result)
  }, 120_000)
})
