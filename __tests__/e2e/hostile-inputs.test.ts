/**
 * Holes found by the security review of issues 8 and 9, through the bundled action (run it after
 * `npm run package`). Each test states the attack; those marked `it.failing` show a hole that is
 * not closed yet (the suite stays green, and the test starts failing the day it is closed).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makePlainWheel } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'hunter2-review-secret'

let index: IndexServer
let work: string
let staged: string

beforeEach(async () => {
  index = await startIndexServer({ tokens: [TOKEN] })
})
afterEach(async () => {
  await index.close()
})

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'review-'))
  staged = path.join(work, 'staged')
  makePlainWheel(staged, 'review', '1.0')
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/**
 * The workflow commands GitHub's runner acts on: each line (split on CR, LF, CRLF) is trimmed
 * with .NET's `TrimStart()` (every Char.IsWhiteSpace character, U+0085 NEL among them, which
 * JavaScript's `\s` lacks), then read as `::name …::data`; `##[` anywhere is the legacy form;
 * between `::stop-commands::TOKEN` and `::TOKEN::` nothing else counts.
 */
function runnerCommands(stdout: string): string[] {
  const commands: string[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.replace(/^[\s\u0085]+/, '')
    const v2 = /^::(.*?)::(.*)$/.exec(trimmed)
    if (!v2 && !line.includes('##[')) continue
    if (stopToken !== undefined) {
      if (v2 && v2[1] === stopToken) stopToken = undefined
      continue
    }
    if (v2 && v2[1].split(' ')[0] === 'stop-commands') stopToken = v2[2]
    commands.push(trimmed)
  }
  return commands
}

describe('runner commands from an index answer', () => {
  it('cannot be issued behind a NEL (U+0085), which the runner trims as whitespace', async () => {
    index.injectFaults({
      status: 200,
      body: 'OK\n\u0085::error::forged behind NEL\n\u0085::stop-commands::forged-stop'
    })
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': staged,
        'verify-upload': 'false',
        verbose: 'true'
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    expect(index.pendingFaults()).toBe(0)
    // The premise: the index's lines were printed.
    expect(result.stdout).toContain('::error::forged behind NEL')
    const commands = runnerCommands(result.stdout)
    expect(commands.filter(c => /forged/.test(c))).toEqual([])
  }, 60_000)
})

describe('a build dependency', () => {
  it("cannot write the step's outputs, summary or later steps' environment (runner file commands)", async () => {
    const out = path.join(work, 'dist-file-commands')
    // What a hostile build backend would do: claim a file is verified, write raw HTML into the
    // summary, and set variables and PATH for every later step of the publishing job.
    const forge = [
      'for v in GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ENV GITHUB_PATH GITHUB_STATE; do',
      '  eval f=\\$$v; [ -n "$f" ] && echo "$v=present" >> "$f";',
      'done;',
      '[ -n "$GITHUB_OUTPUT" ] && printf "verified<<EOF\\nforged\\nEOF\\n" >> "$GITHUB_OUTPUT";',
      '[ -n "$GITHUB_STEP_SUMMARY" ] && echo "<img src=x onerror=forged>" >> "$GITHUB_STEP_SUMMARY";',
      'true'
    ].join(' ')
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': out,
        build: 'true',
        'build-command': `mkdir -p ${out} && cp ${staged}/*.whl ${out}/ && ${forge}`,
        'verify-upload': 'false'
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    expect(result.exitCode).toBe(0)
    expect(result.outputs.verified).not.toContain('forged')
    expect(Object.keys(result.outputs).filter(k => k.startsWith('GITHUB_'))).toEqual([])
    expect(result.summary).not.toContain('forged')
  }, 60_000)

  // ChildEnv keeps the token out of a child's environment, but on Linux any process of the same
  // user may read another's *initial* environment from /proc/<pid>/environ, and the action's node
  // process was started with INPUT_PASSWORD. The action zeroes those values in its own memory
  // before the build starts (src/shared/startup-environ.ts): a build that walks its ancestors'
  // environments finds no token.
  it("cannot read the token from the action's own /proc/<pid>/environ", async () => {
    const out = path.join(work, 'dist-proc-environ')
    const dump = path.join(work, 'ancestors-environ.txt')
    const walk =
      'p=$$; while [ "$p" -gt 1 ]; do cat /proc/$p/environ 2>/dev/null; ' +
      `p=$(awk '/^PPid:/{print $2}' /proc/$p/status); done | tr '\\0' '\\n' > ${dump}`
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': out,
        build: 'true',
        'build-command': `${walk}; mkdir -p ${out} && cp ${staged}/*.whl ${out}/`,
        'verify-upload': 'false'
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    expect(result.exitCode).toBe(0)
    const seen = await readFile(dump, 'utf8')
    // The premise: the walk read environments (the shell's own at least).
    expect(seen).toContain('PATH=')
    expect(seen).not.toContain(TOKEN)
  }, 60_000)
})

describe('credentials written in a URL input', () => {
  it('are not printed when the URL cannot be parsed (a password with an unencoded "/")', async () => {
    // Base64-style passwords hold '/', '+' and '='; pasted raw, the '/' ends the authority and
    // the URL no longer parses, so neither the URL parser nor `user:pass@` patterns find them.
    const password = 'abc/Def+ghi='
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'index-url': `https://reader:${password}@127.0.0.1:1/simple/`,
        'packages-dir': staged
      },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    expect(result.exitCode).toBe(1)
    // The premise: the run stopped on the URL and said so.
    expect(result.stdout).toMatch(/index-url/)
    // `::add-mask::` lines carry the secret to the runner, which consumes them; nothing else may.
    const shown = result.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    for (const text of [shown, result.stderr, result.summary]) {
      expect(text).not.toContain('Def+ghi')
    }
  }, 60_000)
})

describe('bad paths say what is wrong (issue 20)', () => {
  const inputs = (dir: string): Record<string, string> => ({
    password: TOKEN,
    'repository-url': index.url,
    'packages-dir': dir
  })

  it('a packages-dir that is a symbolic link loop says "loop"', async () => {
    const loop = path.join(work, 'loop')
    await symlink(loop, loop)
    const run = await runAction(inputs(loop))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain(
      "The packages directory '" + loop + "' is a symbolic link that loops"
    )
    expect(run.stdout).not.toContain('does not exist')
    expect(index.files()).toEqual([])
  })

  it('a FIFO, a device or a looping link named *.whl is not a regular file, and nothing is sent', async () => {
    const dir = path.join(work, 'odd-files')
    await cp(staged, dir, { recursive: true })
    execFileSync('mkfifo', [path.join(dir, 'pipe-1.0-py3-none-any.whl')])
    await symlink('/dev/null', path.join(dir, 'device-1.0-py3-none-any.whl'))
    await symlink('self-1.0.tar.gz', path.join(dir, 'self-1.0.tar.gz'))
    const run = await runAction(inputs(dir))
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /"pipe-1\.0-py3-none-any\.whl" is named like a distribution but is a named pipe \(FIFO\), not a regular file/
    )
    expect(run.stdout).toMatch(/"device-1\.0-py3-none-any\.whl" .* is a device, not a regular file/)
    expect(run.stdout).toMatch(
      /"self-1\.0\.tar\.gz" .* is a symbolic link that loops, not a regular file/
    )
    expect(run.stdout).not.toContain('It is empty')
    expect(run.summary).toContain('named pipe (FIFO)')
    expect(index.files()).toEqual([])
  })

  it('an unwritable GITHUB_OUTPUT names the file and says the outputs were not set', async () => {
    const run = await runAction(inputs(staged), { env: { GITHUB_OUTPUT: '/dev/full' } })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      /::error title=pypi-publish::The step's outputs were not set: the runner's GITHUB_OUTPUT file \(\/dev\/full\) could not be written \(ENOSPC/
    )
    expect(run.stdout).not.toMatch(/^\s+at /m) // no stack trace
    // The publish itself went through, and the summary says what the index holds.
    expect(index.files().map(f => f.filename)).toEqual(['review-1.0-py3-none-any.whl'])
    expect(run.summary).toContain('review-1.0-py3-none-any.whl')
  })
})
