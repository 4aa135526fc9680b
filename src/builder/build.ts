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
import { describeFailure, runProcess, type RunProcess } from '../process/run-process.js'
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
  /** Tests wrap the real one. No time limit: the job's own timeout applies. */
  run?: RunProcess
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly outputTail: readonly string[] = []
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

  const before = await snapshotOutputs(outDir)
  const command = await log.group(`Building distributions in ${cwd}`, async () => {
    const { shown, command: program, args, ...how } = await invocation(options, env, run)
    log.info(`$ ${shown}`)
    // Every line into the log, fenced as a child's output; the tail goes into a failure.
    const tail: string[] = []
    const result = await log.childOutput(show =>
      run(program, args, {
        ...how,
        cwd,
        env,
        onLine: line => {
          show(line)
          tail.push(line)
          if (tail.length > OUTPUT_TAIL_LINES) tail.shift()
        }
      })
    )
    if (result.exitCode === 0) return shown
    const ending =
      result.spawnError?.code === 'ENOENT'
        ? 'could not be started: the program was not found'
        : describeFailure(result, false)
    const intro =
      tail.length > 0 ? ` Its last ${tail.length} line(s) of output:` : ' It wrote nothing.'
    throw new BuildError(`The build failed: ${shown} ${ending} (in ${cwd}).${intro}`, tail)
  })

  const files = changedOutputs(before, await snapshotOutputs(outDir))
  if (files.length === 0) {
    throw new BuildError(
      `The build (${command}) succeeded but wrote no .whl or .tar.gz file into ${outDir}, the folder that is published. ` +
        'Make the build write there (e.g. uv build --out-dir, hatch build <dir>) or point packages-dir at where it writes.'
    )
  }
  for (const file of files) log.info(`Built ${path.relative(outDir, file)}`)
  return { files, command }
}

/** The custom command through the shell, else `python -m build` with the Python found. */
async function invocation(
  options: BuildOptions,
  env: ChildEnv,
  run: RunProcess
): Promise<ReturnType<typeof shellInvocation> & { shown: string }> {
  const line = options.buildCommand
  if (line !== undefined && line.trim() !== '') {
    return { shown: line, ...shellInvocation(line, process.platform, env.get('ComSpec')) }
  }
  const python = await findBuildPython({ python: options.python, env, log: options.log, run })
  options.log.info(`Using ${python.version} with ${python.python}`)
  const args = [
    ...['-m', 'build', ...kindFlags(options.distributions)],
    ...['--outdir', path.resolve(options.outDir), ...(options.extraArgs ?? [])]
  ]
  const shown = [python.python, ...args]
    .map(a => (/[\s"']/.test(a) ? JSON.stringify(a) : a))
    .join(' ')
  return { shown, command: python.python, args, windowsVerbatimArguments: false }
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
