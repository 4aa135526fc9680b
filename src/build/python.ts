/**
 * Finds a Python that can run `python -m build`, installing `build` when the runner's Python lacks
 * it. The install goes into a temporary folder put on PYTHONPATH (`pip install --target`), never
 * into the runner's Python: the system Python of ubuntu-24.04 runners is externally managed
 * (PEP 668) and refuses a plain `pip install`, and a publishing step should leave no trace.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Log } from '../log.js'
import type { ProcessResult, RunProcess } from '../checks/run-process.js'

/** A Python ready to run `-m build`, and the environment it needs for that. */
export interface BuildPython {
  python: string
  env: NodeJS.ProcessEnv
  /** `build`'s version line (`build 1.2.2 (…)`). */
  version: string
  /** Removes the temporary install, if there is one. */
  dispose(): Promise<void>
}

export interface FindBuildPythonOptions {
  /** The Python to use. Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  env: NodeJS.ProcessEnv
  log: Log
  run: RunProcess
  /** Limit for `pip install build`. Default 5 minutes. */
  installTimeoutMs?: number
}

const VERSION_TIMEOUT_MS = 60_000

const HOW_TO_FIX =
  'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
  "'python -m pip install build', or set build-command to the command that builds your project."

/**
 * Windows runners have `python` on PATH; `python3` there may be the Microsoft Store stub, which
 * only prints advice. Elsewhere `python` may be missing or, on old systems, Python 2.
 */
export function defaultPythons(): string[] {
  return process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']
}

/** Throws an Error saying what was tried and how to fix it when no Python can build. */
export async function findBuildPython(options: FindBuildPythonOptions): Promise<BuildPython> {
  const { run, env, log } = options
  const unusable: string[] = []
  /** The first Python that runs but has no `build`: the one to install it for. */
  let lacking: { python: string; why: string } | undefined

  for (const python of options.python ? [options.python] : defaultPythons()) {
    const result = await run(python, ['-m', 'build', '--version'], {
      env,
      timeoutMs: VERSION_TIMEOUT_MS
    })
    if (result.exitCode === 0) {
      return { python, env, version: firstLine(result.stdout), dispose: async () => undefined }
    }
    if (result.spawnError || result.timedOut) {
      unusable.push(`${python}: ${failure(result)}`)
      continue
    }
    log.debug(`${python} -m build --version: ${failure(result)}`)
    lacking ??= { python, why: lastLine(result.stderr || result.stdout) }
  }

  if (!lacking) {
    throw new Error(`No Python found to build with (${unusable.join('; ')}). ${HOW_TO_FIX}`)
  }
  return installBuild(lacking.python, lacking.why, options)
}

/** Installs `build` into a temporary folder and checks that `python -m build` then runs. */
async function installBuild(
  python: string,
  why: string,
  options: FindBuildPythonOptions
): Promise<BuildPython> {
  const { run, log } = options
  const target = await mkdtemp(path.join(os.tmpdir(), 'pypi-publish-build-'))
  const dispose = (): Promise<void> => rm(target, { recursive: true, force: true })
  try {
    const command = `${python} -m pip install --target ${target} build`
    log.info(`${python} cannot run 'python -m build' (${why}); installing it: ${command}`)
    const pip = await run(
      python,
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        '--no-warn-script-location',
        '--target',
        target,
        'build'
      ],
      {
        env: options.env,
        timeoutMs: options.installTimeoutMs ?? 300_000,
        onLine: line => log.info(line)
      }
    )
    if (pip.exitCode !== 0) {
      throw new Error(
        `${python} has no 'build' module (${why}), and installing it failed: ${command} ${failure(pip)}. ${HOW_TO_FIX}`
      )
    }
    const pythonPath = [target, options.env.PYTHONPATH].filter(Boolean).join(path.delimiter)
    const env = { ...options.env, PYTHONPATH: pythonPath }
    const check = await run(python, ['-m', 'build', '--version'], {
      env,
      timeoutMs: VERSION_TIMEOUT_MS
    })
    if (check.exitCode !== 0) {
      throw new Error(
        `'build' was installed for ${python} (${command}), but '${python} -m build --version' then ${failure(check)}. ${HOW_TO_FIX}`
      )
    }
    return { python, env, version: firstLine(check.stdout), dispose }
  } catch (error) {
    await dispose()
    throw error
  }
}

function failure(result: ProcessResult): string {
  if (result.spawnError?.code === 'ENOENT') return 'not found'
  if (result.spawnError) return `could not be started (${result.spawnError.message})`
  if (result.timedOut) return 'took too long and was stopped'
  const said = lastLine(result.stderr || result.stdout)
  return `exited with code ${result.exitCode}${said ? `: ${said}` : ''}`
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? ''
}

/** The last non-empty line, which is where Python and pip say what failed. */
function lastLine(text: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter(l => l.trim() !== '')
  const last = lines[lines.length - 1] ?? ''
  return last.length > 300 ? `${last.slice(0, 300)}…` : last
}
