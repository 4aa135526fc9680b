/**
 * The build step, for real: Debian's python3-build (BUILD_PYTHON overrides /usr/bin/python3) builds
 * the sample project in __tests__/fixtures/build-project/ with hatchling. No index is reachable, so
 * the builds run with `--no-isolation -x` (the backend comes from the system, and Debian's
 * hatchling 1.12 would fail build's dependency check). Each test builds a copy of the project in a
 * temporary folder, so the repository stays clean.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { execFileSync } from 'node:child_process'
import { cp, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  BuildError,
  buildDistributions,
  changedOutputs,
  shellInvocation,
  snapshotOutputs,
  type BuildOptions
} from '../../src/builder/build.js'
import { ChildEnv } from '../../src/shared/child-env.js'
import { MAX_KEPT_OUTPUT, runProcess, type RunProcess } from '../../src/process/run-process.js'
import { checkDistributions } from '../../src/check/rules.js'
import { inspectAll } from '../../src/inspect/inspect.js'
import { RecordingLog } from '../support/recording-log.js'
import { FIXTURES_DIR } from '../support/fixtures.js'

const PYTHON = process.env.BUILD_PYTHON ?? '/usr/bin/python3'
const OFFLINE = ['--no-isolation', '-x']
const PROJECT = path.join(FIXTURES_DIR, 'build-project')
const SDIST = 'build_sample-0.1.0.tar.gz'
const WHEEL = 'build_sample-0.1.0-py3-none-any.whl'
const BOTH = new Set(['sdist', 'wheel'] as const)

let root: string
let counter = 0

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'build-test-'))
})

afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A fresh copy of the sample project and an output folder beside it. */
async function workspace(): Promise<{ project: string; out: string }> {
  counter += 1
  const dir = path.join(root, `ws${counter}`)
  const project = path.join(dir, 'project')
  await cp(PROJECT, project, { recursive: true })
  return { project, out: path.join(dir, 'dist') }
}

/** Runs the real programs and records each command line. */
function recordingRunner(): { run: RunProcess; commands: string[][] } {
  const commands: string[][] = []
  return {
    commands,
    run: (command, args, options) => {
      commands.push([command, ...args])
      return runProcess(command, args, options)
    }
  }
}

async function build(
  options: Partial<BuildOptions> & { workingDirectory: string; outDir: string }
): Promise<{ files: string[]; log: RecordingLog; commands: string[][]; command: string }> {
  const log = new RecordingLog()
  const { run, commands } = recordingRunner()
  const result = await buildDistributions({
    env: childEnv(),
    distributions: BOTH,
    python: PYTHON,
    extraArgs: OFFLINE,
    log,
    run,
    ...options
  })
  return { ...result, log, commands }
}

/** Python's own reading of the archives, independent of ours. */
function pythonRead(script: string, file: string): string {
  return execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' })
}

async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the promise to reject')
}

describe('buildDistributions with python -m build', () => {
  it('builds the sdist and the wheel, streams the output into a group, and returns the files', async () => {
    const { project, out } = await workspace()
    const { files, log, commands, command } = await build({
      workingDirectory: project,
      outDir: out
    })

    expect(files).toEqual([path.join(out, WHEEL), path.join(out, SDIST)])
    const buildRun = commands.find(c => c.includes('--outdir'))
    // Both kinds: no --sdist/--wheel flag, so the wheel is built from the sdist.
    expect(buildRun).toEqual([PYTHON, '-m', 'build', '--outdir', out, ...OFFLINE])
    expect(command).toBe(`${PYTHON} -m build --outdir ${out} --no-isolation -x`)

    expect(log.lines[0]).toEqual({
      level: 'group',
      message: `Building distributions in ${project}`
    })
    const info = log.text('info')
    expect(info).toMatch(/^Using build \d/m)
    expect(info).toContain(`$ ${command}`)
    // The build's own lines are shown as a child's output, never read as runner commands.
    expect(log.text('output')).toContain('* Building wheel from sdist')
    expect(log.text('output')).toContain(`Successfully built ${SDIST} and ${WHEEL}`)
    expect(info).toContain(`Built ${WHEEL}`)

    // The files are real: Python opens them, and they pass the checks PyPI applies.
    const wheelNames = pythonRead(
      'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      path.join(out, WHEEL)
    )
    expect(wheelNames.split('\n')).toEqual(
      expect.arrayContaining([
        'build_sample/__init__.py',
        'build_sample-0.1.0.dist-info/METADATA',
        'build_sample-0.1.0.dist-info/WHEEL',
        'build_sample-0.1.0.dist-info/RECORD'
      ])
    )
    const sdistNames = pythonRead(
      'import sys, tarfile; print("\\n".join(tarfile.open(sys.argv[1]).getnames()))',
      path.join(out, SDIST)
    )
    expect(sdistNames.split('\n')).toEqual(
      expect.arrayContaining(['build_sample-0.1.0/PKG-INFO', 'build_sample-0.1.0/pyproject.toml'])
    )
    const { dists, problems } = await inspectAll(files)
    expect(problems).toEqual([])
    expect(dists.map(d => [d.kind, d.name, d.version])).toEqual([
      ['wheel', 'build_sample', '0.1.0'],
      ['sdist', 'build_sample', '0.1.0']
    ])
    expect(checkDistributions(dists).errors).toEqual([])
  }, 60_000)

  it('builds only the sdist', async () => {
    const { project, out } = await workspace()
    const { files, commands } = await build({
      workingDirectory: project,
      outDir: out,
      distributions: new Set(['sdist'])
    })
    expect(files).toEqual([path.join(out, SDIST)])
    expect(commands.find(c => c.includes('--outdir'))).toContain('--sdist')
  }, 60_000)

  it('builds only the wheel', async () => {
    const { project, out } = await workspace()
    const { files, commands } = await build({
      workingDirectory: project,
      outDir: out,
      distributions: new Set(['wheel'])
    })
    expect(files).toEqual([path.join(out, WHEEL)])
    expect(commands.find(c => c.includes('--outdir'))).toContain('--wheel')
  }, 60_000)

  it('reports only the files it wrote, not older ones in the folder', async () => {
    const { project, out } = await workspace()
    const stale = path.join(out, 'old', 'build_sample-0.0.9.tar.gz')
    await mkdir(path.dirname(stale), { recursive: true })
    await writeFile(stale, 'an older release')
    const { files } = await build({
      workingDirectory: project,
      outDir: out,
      distributions: new Set(['wheel'])
    })
    expect(files).toEqual([path.join(out, WHEEL)])
  }, 60_000)

  it('resolves a relative output folder against the current directory, not the project', async () => {
    const { project, out } = await workspace()
    const relative = path.relative(process.cwd(), out)
    const { files } = await build({
      workingDirectory: project,
      outDir: relative,
      distributions: new Set(['wheel'])
    })
    expect(files).toEqual([path.join(out, WHEEL)])
  }, 60_000)

  it('fails with the command and the tail of the output when pyproject.toml is broken', async () => {
    const { project, out } = await workspace()
    await writeFile(path.join(project, 'pyproject.toml'), '[project\nname = "build_sample"\n')
    const log = new RecordingLog()
    const error = await captureError(
      buildDistributions({
        env: childEnv(),
        workingDirectory: project,
        outDir: out,
        distributions: BOTH,
        python: PYTHON,
        extraArgs: OFFLINE,
        log
      })
    )
    expect(error).toBeInstanceOf(BuildError)
    expect(error.message).toContain(
      `The build failed: ${PYTHON} -m build --outdir ${out} --no-isolation -x exited with code 1 (in ${project}).`
    )
    expect(error.message).toContain(`Failed to parse ${path.join(project, 'pyproject.toml')}`)
    // The same lines were streamed into the log as they came.
    expect(log.text('output')).toContain('Failed to parse')
  }, 60_000)

  it("fails with the backend's own error when the backend refuses the project", async () => {
    const { project, out } = await workspace()
    const file = path.join(project, 'pyproject.toml')
    const text = await readFile(file, 'utf8')
    await writeFile(file, text.replace('version = "0.1.0"', 'version = "one.two"'))
    const error = await captureError(build({ workingDirectory: project, outDir: out }))
    expect(error).toBeInstanceOf(BuildError)
    expect(error.message).toContain('Invalid version `one.two`')
    expect((error as BuildError).outputTail.length).toBeLessThanOrEqual(30)
  }, 60_000)

  it('finds python3 or python on PATH when no Python is given', async () => {
    const { project, out } = await workspace()
    const bin = path.join(root, 'bin-python-only')
    await mkdir(bin)
    // Only `python`: the lookup tries python3 first (not found), then python.
    await symlink(PYTHON, path.join(bin, 'python'))
    const { files, log, commands } = await build({
      workingDirectory: project,
      outDir: out,
      python: undefined,
      distributions: new Set(['wheel']),
      env: ChildEnv.from({ ...process.env, PATH: bin })
    })
    expect(files).toEqual([path.join(out, WHEEL)])
    expect(commands.map(c => c[0]).slice(0, 2)).toEqual(['python3', 'python'])
    expect(log.text('info')).toMatch(/^Using build .* with python$/m)
  }, 60_000)

  it('says so when there is no Python at all', async () => {
    const { project, out } = await workspace()
    const error = await captureError(
      build({
        workingDirectory: project,
        outDir: out,
        python: undefined,
        env: ChildEnv.from({ ...process.env, PATH: path.join(root, 'no-such-bin') })
      })
    )
    expect(error.message).toBe(
      'No Python found to build with (python3: not found; python: not found). Add a step before ' +
        "this one that provides it, e.g. actions/setup-python followed by 'python -m pip install build==1.6.1', " +
        "or set build-command to the command that builds your project (e.g. 'uv build')."
    )
  })

  it('refuses a working directory that is not there', async () => {
    const missing = path.join(root, 'no-such-project')
    const error = await captureError(build({ workingDirectory: missing, outDir: missing }))
    expect(error.message).toContain(`${missing}, is not a folder. Check working-directory.`)
  })
})

describe('a Python without build', () => {
  let venvPython: string

  beforeAll(async () => {
    // A real Python with pip but no `build` (a venv of the system Python without its packages).
    const venv = path.join(root, 'venv-without-build')
    execFileSync(PYTHON, ['-m', 'venv', venv])
    venvPython = path.join(venv, 'bin', 'python')
  }, 120_000)

  it('installs nothing (no unverified code next to the credentials) and says how to fix it', async () => {
    const { project, out } = await workspace()
    const log = new RecordingLog()
    const { run, commands } = recordingRunner()
    const error = await captureError(
      buildDistributions({
        workingDirectory: project,
        outDir: out,
        distributions: BOTH,
        python: venvPython,
        extraArgs: OFFLINE,
        env: childEnv(),
        log,
        run
      })
    )
    expect(error.message).toBe(
      `The Python found, ${venvPython}, lacks the 'build' module (${venvPython}: No module named build), ` +
        "and the action installs nothing unverified next to the job's credentials. Add a step before " +
        "this one that provides it, e.g. actions/setup-python followed by 'python -m pip install build==1.6.1', " +
        "or set build-command to the command that builds your project (e.g. 'uv build')."
    )
    // Only the version check ran: no pip, no build.
    expect(commands).toEqual([[venvPython, '-m', 'build', '--version']])
  }, 120_000)
})

describe('buildDistributions with a build command', () => {
  it('runs the command through the shell in the project and reports the files it wrote', async () => {
    const { project, out } = await workspace()
    const command = `"${PYTHON}" -m build --no-isolation -x --wheel --outdir '${out}' && echo "in $(pwd)"`
    const { files, log, commands } = await build({
      workingDirectory: project,
      outDir: out,
      buildCommand: command
    })
    expect(commands).toEqual([['/bin/sh', '-c', command]])
    expect(files).toEqual([path.join(out, WHEEL)])
    expect(log.text('output')).toContain(`in ${project}`)
    expect(log.text('info')).toContain(`Built ${WHEEL}`)
  }, 60_000)

  it('counts a file the command rewrote, and not one it left alone', async () => {
    const { project, out } = await workspace()
    await mkdir(out, { recursive: true })
    const kept = path.join(out, 'build_sample-0.0.1.tar.gz')
    const rewritten = path.join(out, SDIST)
    await writeFile(kept, 'old')
    await writeFile(rewritten, 'old')
    const past = new Date('2020-01-01T00:00:00Z')
    await utimes(rewritten, past, past)
    const { files } = await build({
      workingDirectory: project,
      outDir: out,
      buildCommand: `printf new > '${rewritten}'`
    })
    expect(files).toEqual([rewritten])
  })

  it('fails with the last 30 lines of output when the command fails', async () => {
    const { project, out } = await workspace()
    const command =
      'for i in $(seq 1 50); do echo "line $i"; done; echo "why: no backend" >&2; exit 3'
    const log = new RecordingLog()
    const error = await captureError(
      buildDistributions({
        env: childEnv(),
        workingDirectory: project,
        outDir: out,
        distributions: BOTH,
        buildCommand: command,
        log
      })
    )
    expect(error).toBeInstanceOf(BuildError)
    const tail = (error as BuildError).outputTail
    expect(tail).toHaveLength(30)
    expect(tail[tail.length - 1]).toBe('why: no backend')
    expect(tail[0]).toBe('line 22')
    expect(error.message.split('\n')[0]).toBe(
      `The build failed: ${command} exited with code 3 (in ${project}). Its last 30 line(s) of output:`
    )
    expect(error.message).not.toMatch(/^line 21$/m)
    // Every line went to the log as it came.
    expect(log.text('output')).toMatch(/^line 1$/m)
  })

  it('fails when the command succeeds but writes nothing into the output folder', async () => {
    const { project, out } = await workspace()
    const error = await captureError(
      build({ workingDirectory: project, outDir: out, buildCommand: 'echo built elsewhere' })
    )
    expect(error.message).toContain(
      `The build (echo built elsewhere) succeeded but wrote no .whl or .tar.gz file into ${out}`
    )
  })
})

describe('shellInvocation', () => {
  it('uses sh -c on POSIX and cmd.exe /d /s /c with the line as written on Windows', () => {
    expect(shellInvocation('uv build', 'linux')).toEqual({
      command: '/bin/sh',
      args: ['-c', 'uv build'],
      windowsVerbatimArguments: false
    })
    expect(shellInvocation('hatch build && dir', 'win32', 'C:\\cmd.exe')).toEqual({
      command: 'C:\\cmd.exe',
      args: ['/d', '/s', '/c', '"hatch build && dir"'],
      windowsVerbatimArguments: true
    })
  })
})

describe('output snapshots', () => {
  it('lists .whl and .tar.gz files in nested folders, and none for a missing folder', async () => {
    const dir = path.join(root, 'snapshots')
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true })
    await writeFile(path.join(dir, 'a', 'b', 'x-1.0.tar.gz'), '')
    await writeFile(path.join(dir, 'x-1.0-py3-none-any.whl'), '')
    await writeFile(path.join(dir, 'notes.txt'), '')
    await writeFile(path.join(dir, 'x-1.0.zip'), '')
    const empty = await snapshotOutputs(path.join(root, 'no-such-folder'))
    const snapshot = await snapshotOutputs(dir)
    expect(empty.size).toBe(0)
    expect(changedOutputs(empty, snapshot)).toEqual([
      path.join(dir, 'a', 'b', 'x-1.0.tar.gz'),
      path.join(dir, 'x-1.0-py3-none-any.whl')
    ])
    expect(changedOutputs(snapshot, await snapshotOutputs(dir))).toEqual([])
  })
})

describe('runProcess line streaming', () => {
  it('hands over whole lines across chunks, keeps split characters whole, and ends without a newline', async () => {
    const lines: Array<[string, string]> = []
    // Writes "é" one byte at a time and a line in pieces, with pauses, then a CRLF and no final newline.
    const script = [
      'import sys, time',
      'out = sys.stdout.buffer',
      'for piece in [b"ab", b"c\\xc3", b"\\xa9d\\n", b"two\\r\\n", b"last"]:',
      '    out.write(piece); out.flush(); time.sleep(0.05)',
      'sys.stderr.write("err line\\n")'
    ].join('\n')
    const result = await runProcess(PYTHON, ['-c', script], {
      env: ChildEnv.from(process.env),
      timeoutMs: 30_000,
      onLine: (line, stream) => lines.push([stream, line])
    })
    expect(result.exitCode).toBe(0)
    expect(lines.filter(([s]) => s === 'stdout').map(([, l]) => l)).toEqual([
      'abcéd',
      'two',
      'last'
    ])
    expect(lines.filter(([s]) => s === 'stderr')).toEqual([['stderr', 'err line']])
    // The collected output is still whole.
    expect(result.stdout).toBe('abcéd\ntwo\r\nlast')
  })

  it('keeps at most MAX_KEPT_OUTPUT of a stream, while every line still reaches the log', async () => {
    // 24 MiB in 64 KiB lines: more than is kept, so memory stays bounded whatever a build prints.
    const script =
      'import sys\nline = b"x" * 65535 + b"\\n"\nfor _ in range(384): sys.stdout.buffer.write(line)'
    let seen = 0
    const result = await runProcess(PYTHON, ['-c', script], {
      env: ChildEnv.from(process.env),
      timeoutMs: 60_000,
      onLine: () => seen++
    })
    expect(result.exitCode).toBe(0)
    expect(seen).toBe(384)
    expect(Buffer.byteLength(result.stdout)).toBe(MAX_KEPT_OUTPUT)
  })

  it('runs in the given folder and without a time limit when none is given', async () => {
    const result = await runProcess(PYTHON, ['-c', 'import os; print(os.getcwd())'], {
      cwd: root,
      env: ChildEnv.from(process.env)
    })
    expect(result.stdout.trim()).toBe(root)
    expect(result.timedOut).toBe(false)
  })
})
