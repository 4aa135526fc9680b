/**
 * The description check's Python started ahead of the descriptions (`startRenderer`, which a
 * caller may hand to `prepare`): the same answers as a render in one go, readme_renderer imported
 * before the input is read, no Python left behind on any way out, and the fall-back to the next
 * Python. `prepare` itself starts Python only once it has found reStructuredText. Real Python
 * (Debian's /usr/bin/python3, which has readme_renderer), real processes; installing PyPI's
 * versions is off here (description-versions.test.ts covers it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { checkDescriptions } from '../../src/check/description/description.js'
import {
  renderDescriptions,
  startRenderer,
  type RenderRequest
} from '../../src/check/description/readme-renderer.js'
import { RENDER_SCRIPT } from '../../src/check/description/render-script.js'
import { DistributionError, type Distribution } from '../../src/dists/distribution.js'
import { ChildEnv } from '../../src/shared/child-env.js'
import { RecordingLog } from '../../src/shared/log.js'
import { prepare } from '../../src/pipeline/prepare.js'
import {
  runProcess,
  startProcess,
  type ProcessResult,
  type RunningProcess,
  type StartProcess
} from '../../src/process/run-process.js'
import { readSettings, type Settings } from '../../src/settings/settings.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { describedDist } from '../support/described-dist.js'

const PYTHON = process.env.README_RENDERER_PYTHON ?? '/usr/bin/python3'
/** The runner's own versions, without trying pip. */
const OWN = { allowInstall: false } as const

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

/**
 * Waits until the process blocks reading its stdin (Linux: /proc/PID/syscall names the system
 * call a blocked process is in; read is 0, and stdin is fd 0). False if it exits first.
 */
async function waitUntilReadingStdin(
  pid: number,
  result: Promise<ProcessResult>
): Promise<boolean> {
  let exited = false
  void result.then(() => (exited = true))
  while (!exited) {
    const syscall = await readFile(`/proc/${pid}/syscall`, 'utf8').catch(() => '')
    if (/^0 0x0 /.test(syscall)) return true
    await sleep(5)
  }
  return false
}

const REQUESTS: RenderRequest[] = [
  { renderer: 'rst', text: 'Title\n=====\n\nSome *text*.\n' },
  { renderer: 'rst', text: 'Hello\n=====\n\nSection title\n-----\n\nmore\n' },
  { renderer: 'rst', text: '.. only a comment\n' },
  { renderer: 'rst', text: '* a list\n' }
]

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'description-warm-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

describe('the render script', () => {
  it('imports readme_renderer and docutils before it reads its input', async () => {
    // -X importtime logs each import to stderr as it happens.
    const running = startProcess(PYTHON, ['-X', 'importtime', '-c', RENDER_SCRIPT], {
      env: ChildEnv.from(process.env)
    })
    expect(await waitUntilReadingStdin(running.pid!, running.result)).toBe(true)
    running.kill()
    const { stderr } = await running.result
    expect(stderr).toMatch(/\|\s+readme_renderer\.rst$/m)
    expect(stderr).toMatch(/\|\s+docutils\.core$/m)
  })

  it('exits quietly, with no answer, when its input is empty', async () => {
    const result = await runProcess(PYTHON, ['-c', RENDER_SCRIPT], {
      input: '',
      timeoutMs: 60_000,
      env: ChildEnv.from(process.env)
    })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('')
  })
})

describe('startRenderer', () => {
  it('renders, once it is handed the descriptions, exactly what a render in one go renders', async () => {
    const recorder = new Recorder()
    const renderer = startRenderer({
      env: childEnv(),
      ...OWN,
      python: PYTHON,
      start: recorder.start
    })
    expect(recorder.events).toEqual([`spawn ${path.basename(PYTHON)} -c`])
    // The Python is ready and waiting before it knows what to render.
    expect(await waitUntilReadingStdin(renderer.pid!, recorder.started[0].process.result)).toBe(
      true
    )
    const warm = await renderer.render(REQUESTS, recorder.log)
    const inOneGo = await renderDescriptions(REQUESTS, {
      env: childEnv(),
      ...OWN,
      python: PYTHON,
      log: new RecordingLog()
    })
    expect(warm).toEqual(inOneGo)
    expect(warm.rendered && warm.results.map(r => r.status)).toEqual([
      'ok',
      'failed',
      'failed',
      'ok'
    ])
    expect(recorder.events).toEqual([
      `spawn ${path.basename(PYTHON)} -c`,
      `input ${path.basename(PYTHON)}`
    ])
    await renderer.cancel()
    expect(recorder.events).toContain(`kill ${path.basename(PYTHON)}`)
    expect(isRunning(renderer.pid!)).toBe(false)
  })

  it('gives checkDescriptions the same problems as a renderer it starts itself', async () => {
    const markdown = '# pkg\n\n.. frobnicate:: x\n'
    const dists = [
      fakeDist('Hello\n=====\n\nSection title\n-----\n\nmore\n'),
      fakeDist(markdown, 'text/markdown'),
      fakeDist(markdown)
    ]
    const renderer = startRenderer({ env: childEnv(), ...OWN, python: PYTHON })
    try {
      const warm = await checkDescriptions(dists, {
        env: childEnv(),
        log: new RecordingLog(),
        renderer
      })
      const cold = await checkDescriptions(dists, {
        env: childEnv(),
        ...OWN,
        log: new RecordingLog(),
        python: PYTHON
      })
      expect(warm).toEqual(cold)
      // Under the runner's docutils a short underline is a warning; an unknown directive an error.
      expect(warm.warnings.map(e => e.file)).toEqual([dists[0].path])
      expect(warm.errors.map(e => e.file)).toEqual([dists[2].path])
    } finally {
      await renderer.cancel()
    }
  })

  it('leaves no Python behind when cancelled, whether still importing or already waiting', async () => {
    const importing = startRenderer({ env: childEnv(), ...OWN, python: PYTHON })
    const pid = importing.pid!
    expect(isRunning(pid)).toBe(true)
    await importing.cancel()
    expect(isRunning(pid)).toBe(false)
    await expect(importing.render(REQUESTS, new RecordingLog())).rejects.toThrow('cancelled')

    const recorder = new Recorder()
    const waiting = startRenderer({
      env: childEnv(),
      ...OWN,
      python: PYTHON,
      start: recorder.start
    })
    const { result } = recorder.started[0].process
    expect(await waitUntilReadingStdin(waiting.pid!, result)).toBe(true)
    await waiting.cancel()
    await waiting.cancel()
    expect(isRunning(waiting.pid!)).toBe(false)
    // Killed, not ended by itself.
    expect((await result).exitCode).toBeNull()
  })

  it('does not keep Node running while it waits for the descriptions, and does once rendering', async () => {
    const before = processHandles()
    const renderer = startRenderer({ env: childEnv(), ...OWN, python: PYTHON })
    try {
      expect(processHandles()).toBe(before)
      const rendering = renderer.render(REQUESTS.slice(0, 1), new RecordingLog())
      expect(processHandles()).toBe(before + 1)
      expect((await rendering).rendered).toBe(true)
    } finally {
      await renderer.cancel()
    }
  })

  it('falls back to `python` when the `python3` it started first fails', async () => {
    const bin = path.join(tmp, 'bin-broken-python3')
    await mkdir(bin)
    await writeFile(path.join(bin, 'python3'), '#!/bin/sh\necho "a stub, not Python" >&2\nexit 9\n')
    await chmod(path.join(bin, 'python3'), 0o755)
    await symlink(PYTHON, path.join(bin, 'python'))

    const recorder = new Recorder()
    const outcome = await withPath(bin, async () => {
      const renderer = startRenderer({ env: childEnv(), ...OWN, start: recorder.start })
      try {
        return await renderer.render(REQUESTS.slice(0, 2), recorder.log)
      } finally {
        await renderer.cancel()
      }
    })
    expect(outcome).toMatchObject({ rendered: true, python: 'python', installed: false })
    expect(outcome.rendered && outcome.results.map(r => r.status)).toEqual(['ok', 'failed'])
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
      renderDescriptions(REQUESTS.slice(0, 1), {
        env: childEnv(),
        log: recorder.log,
        start: recorder.start,
        allowInstall: false
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
      { descriptions: { ...OWN, python: PYTHON, start: recorder.start } }
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
      { descriptions: { ...OWN, python: PYTHON, start: recorder.start } }
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

/** Child processes that keep Node's event loop alive. */
function processHandles(): number {
  return process.getActiveResourcesInfo().filter(r => r === 'ProcessWrap').length
}

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

const fakeDist = (description: string | undefined, contentType?: string): Distribution =>
  describedDist(description, contentType, 'warm')
