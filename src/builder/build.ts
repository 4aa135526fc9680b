/**
 * The optional build step, as Travis's dpl had: `python -m build` (any PEP 517 backend) or a
 * custom command (`uv build`, `hatch build`), its output streamed into a log group; a failed
 * build stops the run with the command and the tail of its output, where build tools say why.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind } from '../dists/distribution.js'
import type { Log } from '../shared/log.js'
import type { ChildEnv } from '../shared/child-env.js'
import { runProcess, type ProcessResult, type RunProcess } from '../process/run-process.js'
import { findBuildPython } from '../process/python.js'

export interface BuildOptions {
  /** Where pyproject.toml is; the build runs in it. */
  workingDirectory: string
  /** `--outdir`, the folder that is published; relative to the current directory. */
  outDir: string
  distributions: ReadonlySet<DistKind>
  /** Run through the platform shell in `workingDirectory` instead of `python -m build`. */
  buildCommand?: string
  python?: string
  /** e.g. `--no-isolation` where no index can be reached. */
  extraArgs?: readonly string[]
  env: ChildEnv
  log: Log
  /** Tests wrap the real one. */
  run?: RunProcess
  /** Default: no limit (the job's own timeout applies). */
  timeoutMs?: number
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly outputTail: readonly string[]
  ) {
    super(outputTail.length > 0 ? `${message}\n${outputTail.join('\n')}` : message)
    this.name = 'BuildError'
  }
}

const OUTPUT_TAIL_LINES = 30

/** Returns the `.whl` and `.tar.gz` files the build wrote (new or rewritten), sorted. */
export async function buildDistributions(
  options: BuildOptions
): Promise<{ files: string[]; command: string }> {
  const { log } = options
  const run = options.run ?? runProcess
  const cwd = path.resolve(options.workingDirectory)
  const outDir = path.resolve(options.outDir)
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) {
    throw new Error(
      `The working directory to build in, ${cwd}, is not a folder. Check working-directory.`
    )
  }
  // Unbuffered, stdout and stderr lines keep the order they were written in.
  const env = options.env.with({ PYTHONUNBUFFERED: '1' })
  const step = { run, cwd, log, timeoutMs: options.timeoutMs }

  const before = await snapshotOutputs(outDir)
  const command = await log.group(`Building distributions in ${cwd}`, async () => {
    const line = options.buildCommand
    if (line !== undefined && line.trim() !== '') {
      const shell = shellInvocation(line, process.platform, env.get('ComSpec'))
      await runBuild(line, shell.command, shell.args, {
        ...step,
        env,
        windowsVerbatimArguments: shell.windowsVerbatimArguments
      })
      return line
    }
    const python = await findBuildPython({ python: options.python, env, log, run })
    log.info(`Using ${python.version} with ${python.python}`)
    const args = [
      ...['-m', 'build', ...kindFlags(options.distributions)],
      ...['--outdir', outDir, ...(options.extraArgs ?? [])]
    ]
    const shown = [python.python, ...args]
      .map(a => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
      .join(' ')
    await runBuild(shown, python.python, args, { ...step, env })
    return shown
  })

  const files = changedOutputs(before, await snapshotOutputs(outDir))
  if (files.length === 0) {
    throw new BuildError(
      `The build (${command}) succeeded but wrote no .whl or .tar.gz file into ${outDir}, the folder that is published. ` +
        'Make the build write there (e.g. uv build --out-dir, hatch build <dir>) or point packages-dir at where it writes.',
      command,
      []
    )
  }
  for (const file of files) log.info(`Built ${path.relative(outDir, file)}`)
  return { files, command }
}

/** Both is `python -m build`'s default: the wheel built from the sdist, which tests the sdist. */
function kindFlags(kinds: ReadonlySet<DistKind>): string[] {
  if (kinds.has('sdist') && kinds.has('wheel')) return []
  if (kinds.has('sdist')) return ['--sdist']
  if (kinds.has('wheel')) return ['--wheel']
  throw new Error("Nothing to build: 'distributions' names neither sdist nor wheel.")
}

/** The way a workflow's `run:` line is run, so pipes, `&&` and quoting work as written. */
export function shellInvocation(
  commandLine: string,
  platform: NodeJS.Platform = process.platform,
  comSpec?: string
): { command: string; args: string[]; windowsVerbatimArguments: boolean } {
  if (platform === 'win32') {
    // As Node's `shell: true`: /d skips AutoRun, /s keeps the quoted line as written, and
    // cmd.exe parses its own command line, so Node must not quote it again.
    return {
      command: comSpec ?? 'cmd.exe',
      args: ['/d', '/s', '/c', `"${commandLine}"`],
      windowsVerbatimArguments: true
    }
  }
  return { command: '/bin/sh', args: ['-c', commandLine], windowsVerbatimArguments: false }
}

interface RunBuildOptions {
  run: RunProcess
  cwd: string
  env: ChildEnv
  log: Log
  timeoutMs?: number
  windowsVerbatimArguments?: boolean
}

/** Every line into the log, fenced as a child's output; a BuildError with the tail if it fails. */
async function runBuild(
  shown: string,
  command: string,
  args: readonly string[],
  { run, log, ...options }: RunBuildOptions
): Promise<void> {
  log.info(`$ ${shown}`)
  const tail: string[] = []
  const result = await log.childOutput(show =>
    run(command, args, {
      ...options,
      onLine: line => {
        show(line)
        tail.push(line)
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift()
      }
    })
  )
  if (result.exitCode === 0) return
  const intro =
    tail.length > 0 ? ` Its last ${tail.length} line(s) of output:` : ' It wrote nothing.'
  throw new BuildError(
    `The build failed: ${shown} ${ending(result)} (in ${options.cwd}).${intro}`,
    shown,
    tail
  )
}

function ending(result: ProcessResult): string {
  if (result.spawnError?.code === 'ENOENT') return 'could not be started: the program was not found'
  if (result.spawnError) return `could not be started (${result.spawnError.message})`
  if (result.timedOut) return 'took too long and was stopped'
  if (result.exitCode === null) return 'was stopped by a signal'
  return `exited with code ${result.exitCode}`
}

/**
 * The distribution files under `dir` (nested too) by absolute path, each with what a rewrite
 * changes: a custom command says nothing of what it wrote, so the folder is compared before and
 * after, and a stale release left alone is not counted. Empty if `dir` is missing.
 */
export async function snapshotOutputs(dir: string): Promise<ReadonlyMap<string, string>> {
  const files = new Map<string, string>()
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    })
    for (const entry of entries) {
      const full = path.join(folder, entry.name)
      if (entry.isDirectory()) await walk(full)
      else if (entry.isFile() && /\.(whl|tar\.gz)$/i.test(entry.name)) {
        const info = await stat(full, { bigint: true })
        // Nanoseconds: a rebuild of the same bytes within a millisecond still shows.
        files.set(full, `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`)
      }
    }
  }
  await walk(path.resolve(dir))
  return files
}

/** The files of `after` that `before` did not have, or had in another state; sorted. */
export function changedOutputs(
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>
): string[] {
  return [...after]
    .filter(([file, state]) => before.get(file) !== state)
    .map(([file]) => file)
    .sort()
}
