/**
 * The optional build step: makes the distributions before they are published, as Travis's dpl
 * did, so a workflow needs no separate build step. By default `python -m build` (PyPA's front end,
 * which runs any PEP 517 backend); a custom command (`uv build`, `hatch build`) runs instead when
 * given. The build's output is streamed line by line into a log group; a failed build stops the
 * run with the command and the tail of its output, which is where every build tool says why.
 */
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind } from '../dists/distribution.js'
import type { Log } from '../shared/log.js'
import { ChildEnv } from '../shared/child-env.js'
import { runProcess, type ProcessResult, type RunProcess } from '../process/run-process.js'
import { changedOutputs, snapshotOutputs } from './outputs.js'
import { findBuildPython } from './python.js'
import { shellInvocation } from './shell.js'

export interface BuildOptions {
  /** The project to build (where pyproject.toml is); the build runs in it. */
  workingDirectory: string
  /** Where the files go (`--outdir`); the folder that is published. Relative to the current directory. */
  outDir: string
  /** What `python -m build` makes: `--sdist`, `--wheel`, or both (the wheel built from the sdist). */
  distributions: ReadonlySet<DistKind>
  /** A command line run through the platform shell in `workingDirectory` instead of `python -m build`. */
  buildCommand?: string
  /** The Python for `python -m build`. Default: `python3`, then `python` (`python` first on Windows). */
  python?: string
  /** More arguments for `python -m build`, e.g. `--no-isolation` where no index can be reached. */
  extraArgs?: readonly string[]
  /**
   * The environment of every program started: never the action's own (see ChildEnv); the entry
   * makes it (RunContext.childEnv).
   */
  env: ChildEnv
  log: Log
  /** Runs a program; tests wrap the real one. Default `runProcess`. */
  run?: RunProcess
  /** The build is stopped after this long. Default: no limit (the job's own timeout applies). */
  timeoutMs?: number
}

export interface BuildResult {
  /** Absolute paths of the `.whl` and `.tar.gz` files the build wrote (new or rewritten), sorted. */
  files: string[]
  /** The command that built them, as shown in the log. */
  command: string
}

/** A build that failed: the command, how it ended, and the last lines of its output. */
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

/** How many of the last lines of output a failure shows. */
export const OUTPUT_TAIL_LINES = 30

export async function buildDistributions(options: BuildOptions): Promise<BuildResult> {
  const { log } = options
  const run = options.run ?? runProcess
  const workingDirectory = path.resolve(options.workingDirectory)
  const outDir = path.resolve(options.outDir)
  await requireDirectory(workingDirectory)
  // Unbuffered Python output keeps stdout and stderr lines in the order they were written.
  const env = options.env.with({ PYTHONUNBUFFERED: '1' })

  const before = await snapshotOutputs(outDir)
  const command = await log.group(`Building distributions in ${workingDirectory}`, async () => {
    if (options.buildCommand !== undefined && options.buildCommand.trim() !== '') {
      const shell = shellInvocation(options.buildCommand, process.platform, env.get('ComSpec'))
      await runBuild(run, options.buildCommand, shell.command, shell.args, {
        cwd: workingDirectory,
        env,
        log,
        timeoutMs: options.timeoutMs,
        windowsVerbatimArguments: shell.windowsVerbatimArguments
      })
      return options.buildCommand
    }
    const python = await findBuildPython({ python: options.python, env, log, run })
    try {
      log.info(`Using ${python.version} with ${python.python}`)
      const args = [
        '-m',
        'build',
        ...kindFlags(options.distributions),
        '--outdir',
        outDir,
        ...(options.extraArgs ?? [])
      ]
      const shown = displayCommand(python.python, args)
      await runBuild(run, shown, python.python, args, {
        cwd: workingDirectory,
        env: python.env,
        log,
        timeoutMs: options.timeoutMs
      })
      return shown
    } finally {
      await python.dispose()
    }
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

/** `python -m build` makes both by default, the wheel from the sdist, which tests the sdist too. */
function kindFlags(kinds: ReadonlySet<DistKind>): string[] {
  if (kinds.has('sdist') && kinds.has('wheel')) return []
  if (kinds.has('sdist')) return ['--sdist']
  if (kinds.has('wheel')) return ['--wheel']
  throw new Error("Nothing to build: 'distributions' names neither sdist nor wheel.")
}

interface RunBuildOptions {
  cwd: string
  env: ChildEnv
  log: Log
  timeoutMs?: number
  windowsVerbatimArguments?: boolean
}

/** Runs the build, every line of output into the log; throws a BuildError if it fails. */
async function runBuild(
  run: RunProcess,
  shown: string,
  command: string,
  args: readonly string[],
  options: RunBuildOptions
): Promise<void> {
  const { log } = options
  log.info(`$ ${shown}`)
  const tail: string[] = []
  const result = await log.childOutput(show =>
    run(command, args, {
      cwd: options.cwd,
      env: options.env,
      timeoutMs: options.timeoutMs,
      windowsVerbatimArguments: options.windowsVerbatimArguments,
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

async function requireDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined)
  if (!info?.isDirectory()) {
    throw new Error(
      `The working directory to build in, ${dir}, is not a folder. Check working-directory.`
    )
  }
}

/** A command line for the log, arguments with spaces quoted. */
function displayCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(a => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')
}
