/**
 * The description check's Python as real processes: the fall-back from a `python3` that fails or
 * lacks readme_renderer to `python`, and `prepare` starting Python only once it has found
 * reStructuredText, once, leaving none behind. Real Python (Debian's /usr/bin/python3, which has
 * readme_renderer); nothing is ever installed (description-versions.test.ts checks the notice).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { renderDescriptions } from '../../src/check/readme-renderer.js'
import { DistributionError } from '../../src/dists/distribution.js'
import { RecordingLog } from '../support/recording-log.js'
import { prepare } from '../../src/pipeline/prepare.js'
import {
  startProcess,
  type RunningProcess,
  type StartProcess
} from '../../src/process/run-process.js'
import { readSettings, type Settings } from '../../src/settings/settings.js'
import { makeWheel, metadataText } from '../support/make-dists.js'

const PYTHON = process.env.README_RENDERER_PYTHON ?? '/usr/bin/python3'

/** Every start, with what became of it, in one list with the log lines: the order is the test. */
class Recorder {
  readonly events: string[] = []
  readonly started: Array<{ command: string; process: RunningProcess }> = []
  readonly log = new EventLog(this.events)

  readonly start: StartProcess = (command, args, options) => {
    const running = startProcess(command, args, options)
    this.events.push(`spawn ${path.basename(command)} ${args[0]}`)
    this.started.push({ command, process: running })
    return {
      pid: running.pid,
      endInput: input => {
        this.events.push(`input ${path.basename(command)}`)
        running.endInput(input)
      },
      kill: () => {
        this.events.push(`kill ${path.basename(command)}`)
        running.kill()
      },
      result: running.result
    }
  }
}

class EventLog extends RecordingLog {
  constructor(private readonly events: string[]) {
    super()
  }
  override debug(message: string): void {
    super.debug(message)
    this.events.push(`debug ${message}`)
  }
  override info(message: string): void {
    super.info(message)
    this.events.push(`info ${message}`)
  }
}

/** Whether a process with this id exists (a reaped child does not). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH'
  }
}

const TEXTS = ['Title\n=====\n\nSome *text*.\n', 'Hello\n=====\n\nSection title\n-----\n\nmore\n']

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'description-python-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('renderDescriptions', () => {
  it('falls back to `python` when the `python3` it started first fails', async () => {
    const bin = path.join(tmp, 'bin-broken-python3')
    await mkdir(bin)
    await writeFile(path.join(bin, 'python3'), '#!/bin/sh\necho "a stub, not Python" >&2\nexit 9\n')
    await chmod(path.join(bin, 'python3'), 0o755)
    await symlink(PYTHON, path.join(bin, 'python'))

    const recorder = new Recorder()
    const outcome = await withPath(bin, () =>
      renderDescriptions(TEXTS, {
        env: childEnv(),
        log: recorder.log,
        start: recorder.start
      })
    )
    expect(outcome).toMatchObject({ rendered: true, python: 'python' })
    expect(outcome.rendered && outcome.reply.results.map(r => r.status)).toEqual(['ok', 'failed'])
    expect(recorder.events.filter(e => !e.startsWith('debug') && !e.startsWith('kill'))).toEqual([
      'spawn python3 -c',
      'input python3',
      'spawn python -c',
      'input python'
    ])
    expect((await recorder.started[0].process.result).exitCode).toBe(9)
  })

  it('falls back to `python` when the `python3` it started first has no readme_renderer', async () => {
    const bin = path.join(tmp, 'bin-bare-python3')
    await mkdir(bin)
    await writeFile(path.join(bin, 'python3'), `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`)
    await chmod(path.join(bin, 'python3'), 0o755)
    await symlink(PYTHON, path.join(bin, 'python'))

    const recorder = new Recorder()
    const outcome = await withPath(bin, () =>
      renderDescriptions(TEXTS.slice(0, 1), {
        env: childEnv(),
        log: recorder.log,
        start: recorder.start
      })
    )
    expect(outcome).toMatchObject({ rendered: true, python: 'python' })
    expect(recorder.log.text('debug')).toContain('python3 cannot import readme_renderer')
  })
})

describe('prepare', () => {
  function settingsFor(dir: string, inputs: Record<string, string> = {}): Settings {
    const all: Record<string, string> = { 'packages-dir': dir, password: 'pypi-x', ...inputs }
    return readSettings(name => all[name] ?? '', {}).settings
  }

  function wheel(dir: string, name: string, description?: string, contentType?: string): string {
    const fields: Record<string, string> = { 'Metadata-Version': '2.1', Name: name, Version: '1.0' }
    if (contentType) fields['Description-Content-Type'] = contentType
    return makeWheel(dir, {
      filename: `${name}-1.0-py3-none-any.whl`,
      metadata: metadataText(fields, description)
    })
  }

  it('starts Python only after reading the files, once, and only for reStructuredText', async () => {
    const dir = path.join(tmp, 'ordering')
    await mkdir(dir)
    await writeFile(path.join(dir, 'notes.txt'), 'not a distribution')
    wheel(dir, 'alpha', '# alpha\n\nA *tool*.\n', 'text/markdown')
    wheel(dir, 'beta', 'Beta\n====\n\nText.\n')

    const recorder = new Recorder()
    const dists = await prepare(
      settingsFor(dir),
      recorder.log,
      { childEnv: childEnv() },
      { descriptions: { python: PYTHON, start: recorder.start } }
    )
    expect(dists.map(d => d.name)).toEqual(['alpha', 'beta'])

    const python = path.basename(PYTHON)
    const at = (prefix: string): number => recorder.events.findIndex(e => e.startsWith(prefix))
    const passedOver = at('debug Passed over (not a distribution)')
    const spawned = at(`spawn ${python}`)
    expect(passedOver).toBeGreaterThanOrEqual(0)
    expect(spawned).toBeGreaterThan(passedOver)
    expect(at(`input ${python}`)).toBeGreaterThan(spawned)
    expect(recorder.started).toHaveLength(1)
    expect((await recorder.started[0].process.result).exitCode).toBe(0)
    expect(isRunning(recorder.started[0].process.pid!)).toBe(false)
  })

  it('starts no Python when every description is Markdown or plain text', async () => {
    const dir = path.join(tmp, 'markdown-only')
    await mkdir(dir)
    wheel(dir, 'md', '# md\n\nA *tool*.\n', 'text/markdown')
    wheel(dir, 'txt', 'Plain\n===\n', 'text/plain')
    const recorder = new Recorder()
    const dists = await prepare(
      settingsFor(dir),
      recorder.log,
      { childEnv: childEnv() },
      { descriptions: { python: PYTHON, start: recorder.start } }
    )
    expect(dists).toHaveLength(2)
    expect(recorder.started).toEqual([])
  })

  it('reports a description that does not render', async () => {
    const dir = path.join(tmp, 'broken')
    await mkdir(dir)
    const file = wheel(dir, 'gamma', 'Title\n=====\n\n.. frobnicate:: x\n')
    const recorder = new Recorder()
    const failure = await prepare(
      settingsFor(dir),
      recorder.log,
      { childEnv: childEnv() },
      { descriptions: { python: PYTHON, start: recorder.start } }
    ).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(DistributionError)
    expect((failure as DistributionError).problems).toMatchObject([
      { file, rule: 'description-render' }
    ])
    expect(isRunning(recorder.started[0].process.pid!)).toBe(false)
  })

  it('starts no Python when finding the files fails, or there is no description', async () => {
    const empty = path.join(tmp, 'empty')
    await mkdir(empty)
    const recorder = new Recorder()
    const options = { descriptions: { python: PYTHON, start: recorder.start } }
    await expect(
      prepare(settingsFor(empty), recorder.log, { childEnv: childEnv() }, options)
    ).rejects.toBeInstanceOf(DistributionError)
    const bare = path.join(tmp, 'no-readme')
    await mkdir(bare)
    wheel(bare, 'delta')
    expect(
      await prepare(settingsFor(bare), recorder.log, { childEnv: childEnv() }, options)
    ).toHaveLength(1)
    expect(recorder.log.text('warning')).toContain('`long_description` missing')
    expect(recorder.started).toEqual([])
  })

  it('starts no Python when verify-metadata is false', async () => {
    const dir = path.join(tmp, 'unverified')
    await mkdir(dir)
    wheel(dir, 'epsilon', 'Title\n=====\n\n.. frobnicate:: x\n')
    const recorder = new Recorder()
    const dists = await prepare(
      settingsFor(dir, { 'verify-metadata': 'false' }),
      recorder.log,
      { childEnv: childEnv() },
      {
        descriptions: { python: PYTHON, start: recorder.start }
      }
    )
    expect(dists).toHaveLength(1)
    expect(recorder.started).toEqual([])
  })
})

/** Runs `fn` with `bin` alone on PATH before the usual folders (`python3`/`python` found there). */
async function withPath<T>(bin: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.PATH
  process.env.PATH = `${bin}${path.delimiter}${saved ?? ''}`
  try {
    return await fn()
  } finally {
    process.env.PATH = saved
  }
}
