/**
 * Secrets never leak (issue 5, item 6): an index that echoes the Authorization header and the
 * password in its error body, run through the bundled action at every verbosity, inside and
 * outside GitHub's runner. Every byte the action writes (stdout, stderr, the outputs, the job
 * summary) is searched for the token, its Basic-auth base64 and its URL-encoded form; the only
 * place a secret may appear is a `::add-mask::` line, which GitHub's runner consumes.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Redactor } from '../../src/shared/redact.js'
import { startIndexServer, type Fault, type IndexServer } from '../support/index-server.js'
import { makePlainWheel } from '../support/make-dists.js'
import { runAction, type ActionRun } from '../support/run-action.js'

/** Shaped like a real PyPI token: a base64url macaroon whose bytes start "AgE". */
const MACAROON =
  'pypi-AgEIcHlwaS5vcmcCJDdkNmQ4YzQ0LTk1ZjctNGU2Yi05ZjBmLTNkYjE3ZDQ1YjU4MwACKlszLCI5' +
  'MmFhNjZlYy0xZTBlLTQ0MTEtOGQ1Ny1mNTQ0NTY0ZWFkYWYiXQAABiD3Xz1q8Z0b6Yk7uVQm2pT_0cF-aZ'
/** Nothing like a PyPI token: only the registered secret can catch it. */
const SHORT = 'hunter2-secret'
/** Characters that URL-encoding and base64 change. */
const ODD = 'p@ss/w0rd+s3cret%&='

let index: IndexServer
let packagesDir: string
let work: string
beforeAll(async () => {
  index = await startIndexServer({ tokens: [MACAROON, SHORT, ODD] })
  work = await mkdtemp(path.join(tmpdir(), 'leak-'))
  packagesDir = path.join(work, 'dist')
  makePlainWheel(packagesDir, 'leaky', '1.0')
})
afterAll(async () => {
  await index.close()
  await rm(work, { recursive: true, force: true })
})

/** Every form of `secret` that may not be shown. */
function forms(secret: string, user: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    Buffer.from(`${user}:${secret}`).toString('base64'),
    // Base64 without padding, as some servers echo it.
    Buffer.from(`${user}:${secret}`).toString('base64').replace(/=+$/, '')
  ]
}

interface LeakCase {
  secret: string
  verbose: boolean
  inRunner: boolean
  user?: string
  faults?: Fault[]
  inputs?: Record<string, string>
}

async function run(c: LeakCase): Promise<ActionRun> {
  const before = index.requests.length
  const faults = c.faults ?? [{ echoAuth: true }]
  index.injectFaults(...faults)
  const result = await runAction(
    {
      password: c.secret,
      user: c.user ?? '__token__',
      'repository-url': index.url,
      'packages-dir': packagesDir,
      verbose: String(c.verbose),
      ...c.inputs
    },
    { env: c.inRunner ? { GITHUB_ACTIONS: 'true' } : {} }
  )
  // The premise: every fault was met, and the index really put the secret in its answers.
  expect(index.pendingFaults()).toBe(0)
  const answers = index.requests.slice(before).map(r => r.message)
  expect(answers).toHaveLength(faults.length)
  for (const answer of answers) expect(answer).toContain(c.secret)
  return result
}

function expectNoLeak(result: ActionRun, c: LeakCase): void {
  const user = c.user ?? '__token__'
  const masks = result.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))
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
    for (const form of forms(c.secret, user)) {
      expect({ where, leaked: text.includes(form) ? form : null }).toEqual({ where, leaked: null })
    }
  }
  if (c.inRunner) {
    // Registered with the runner too, before anything else was printed.
    expect(masks).toContain(`::add-mask::${commandData(c.secret)}`)
    const firstMask = result.stdout.indexOf('::add-mask::')
    expect(result.stdout.slice(0, firstMask).trim()).toBe('')
  } else {
    // Outside the runner nobody consumes ::add-mask::, so it would print the secret itself.
    expect(masks).toEqual([])
  }
  expect(result.exitCode).toBe(1)
  // The refusal is still reported, with the secret blanked out.
  expect(shown).toMatch(/Invalid credentials\. Authorization: Basic \*\*\*; password: \*\*\*/)
}

/** Workflow commands escape their data this way; the runner unescapes before masking. */
function commandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

describe('Redactor', () => {
  it('blanks Basic credentials of any user, and leaves words after "Basic" alone', () => {
    const redactor = new Redactor()
    redactor.add(SHORT)
    const alice = Buffer.from(`alice:${SHORT}`).toString('base64')
    const unpadded = Buffer.from('bob:other-secret').toString('base64').replace(/=+$/, '')
    expect(redactor.redact(`Authorization: Basic ${alice}; again basic ${unpadded}.`)).toBe(
      'Authorization: Basic ***; again basic ***.'
    )
    const prose = 'WWW-Authenticate: Basic realm="pypi"; use Basic authentication with a token'
    expect(redactor.redact(prose)).toBe(prose)
  })
})

describe('a server that echoes credentials', () => {
  for (const secret of [MACAROON, SHORT]) {
    for (const verbose of [false, true]) {
      for (const inRunner of [false, true]) {
        const label = `${secret === MACAROON ? 'macaroon' : 'short'} token, verbose ${verbose}, ${inRunner ? 'inside' : 'outside'} the runner`
        it(`never shows it: ${label}`, async () => {
          const c = { secret, verbose, inRunner }
          expectNoLeak(await run(c), c)
        })
      }
    }
  }

  it('never shows the Basic form of a username other than __token__', async () => {
    const c = { secret: SHORT, verbose: true, inRunner: false, user: 'alice' }
    expectNoLeak(await run(c), c)
  })

  it('never shows a secret that URL-encoding and base64 change, echoed in every form', async () => {
    const basic = Buffer.from(`__token__:${ODD}`).toString('base64')
    const body =
      `Invalid credentials. Authorization: Basic ${basic}; password: ${ODD}; ` +
      `query: ?password=${encodeURIComponent(ODD)}`
    const c = { secret: ODD, verbose: true, inRunner: true, faults: [{ status: 401, body }] }
    const result = await run(c)
    expectNoLeak(result, c)
  })

  it('never shows it in retry lines and the final error after 5xx answers', async () => {
    const c = {
      secret: MACAROON,
      verbose: false,
      inRunner: false,
      faults: [
        { echoAuth: true, status: 503 },
        { echoAuth: true, status: 503 }
      ],
      inputs: { retries: '1' }
    }
    const result = await run(c)
    expectNoLeak(result, c)
    // The retry is a plain log line (not an annotation); only the final failure is an error.
    expect(result.stdout).toMatch(/^leaky-1\.0-py3-none-any\.whl: HTTP 503.*retry 1 of 1/m)
    expect(result.stdout).not.toMatch(/::warning[^:]*::.*retry 1 of 1/)
    expect(result.stdout).toMatch(/gave up after 2 attempts/)
  })
})

describe('an index that echoes the token in other forms (issue 20)', () => {
  const uEscaped = (s: string): string =>
    [...s].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
  const echoes: Record<string, { form: (p: string) => string; contentType?: string }> = {
    'split over two lines of a wrapped error page': {
      form: p =>
        `<html><body><pre>Invalid token\n${p.slice(0, 40)}\n${p.slice(40)}\n</pre></body></html>`,
      contentType: 'text/html; charset=utf-8'
    },
    'every character \\u-escaped in JSON': {
      form: p => `{"message": "Invalid token ${uEscaped(p)}"}`,
      contentType: 'application/json'
    },
    '\\u-escaped in JSON, cut short by the index': {
      form: p => `{"message": "Invalid token ${uEscaped(p).slice(0, 6 * 40 + 3)}", "code": 403}`,
      contentType: 'application/json'
    },
    'hex, lower case': { form: p => `Invalid token ${Buffer.from(p).toString('hex')}` },
    'hex, upper case': {
      form: p => `Invalid token ${Buffer.from(p).toString('hex').toUpperCase()}`
    },
    'base64 of the token alone': {
      form: p => `Invalid token ${Buffer.from(p).toString('base64')}`
    },
    'percent-encoded twice': {
      form: p => `Invalid token ${encodeURIComponent(encodeURIComponent(p).replace(/-/g, '%2D'))}`
    }
  }
  for (const [name, echo] of Object.entries(echoes)) {
    it(`shows none of it: ${name}`, async () => {
      const faults = [
        {
          status: 403,
          echoAs: echo.form,
          headers: echo.contentType ? { 'content-type': echo.contentType } : undefined
        }
      ]
      index.injectFaults(...faults)
      const result = await runAction(
        {
          password: MACAROON,
          'repository-url': index.url,
          'packages-dir': packagesDir,
          verbose: 'true'
        },
        { env: { GITHUB_ACTIONS: 'true' } }
      )
      expect(index.pendingFaults()).toBe(0)
      expect(result.exitCode).toBe(1)
      const shown = result.stdout
        .split('\n')
        .filter(line => !line.startsWith('::add-mask::'))
        .join('\n')
      const written: Record<string, string> = {
        stdout: shown,
        stderr: result.stderr,
        outputs: JSON.stringify(result.outputs),
        summary: result.summary,
        ...result.tempFiles
      }
      // The token's own characters beyond the part every PyPI token shares ("pypi-AgEIcHlwaS5vcmcC").
      const own = MACAROON.slice(22, 34)
      for (const [where, text] of Object.entries(written)) {
        for (const leaked of [MACAROON, echo.form(MACAROON), own, uEscaped(own)]) {
          expect({ where, leaked: text.includes(leaked) ? leaked : null }).toEqual({
            where,
            leaked: null
          })
        }
      }
      // The refusal itself is still reported.
      expect(shown).toMatch(/HTTP 403/)
    })
  }
})
