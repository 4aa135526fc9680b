/**
 * The runner's Python, for the build and the description check: which command to try, how to add
 * a package for one run, and a Python that can run `python -m build`.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ChildEnv } from '../shared/child-env.js'
import type { Log } from '../shared/log.js'
import { describeFailure, lastOutputLine, type RunProcess } from './run-process.js'

/**
 * `python3` on Windows may be the Microsoft Store stub, which only prints advice; elsewhere
 * `python` may be missing or Python 2.
 */
export function defaultPythons(platform: NodeJS.Platform = process.platform): string[] {
  return platform === 'win32' ? ['python', 'python3'] : ['python3', 'python']
}

export type TemporaryInstall =
  | { ok: true; command: string; env: ChildEnv; dispose: () => Promise<void> }
  | { ok: false; command: string; failure: string }

export interface TemporaryInstallOptions {
  env: ChildEnv
  timeoutMs: number
  onLine?: (line: string) => void
  /** e.g. network limits (`--timeout 10 --retries 1`). */
  pipOptions?: readonly string[]
}

/**
 * `pip install --target <temp>`, then that folder on PYTHONPATH. Never into the runner's Python:
 * ubuntu-24.04's is externally managed (PEP 668), and a publishing step should leave no trace.
 */
export async function installTemporarily(
  run: RunProcess,
  python: string,
  requirement: string | readonly string[],
  options: TemporaryInstallOptions
): Promise<TemporaryInstall> {
  const target = await mkdtemp(path.join(os.tmpdir(), 'pypi-publish-pip-'))
  const dispose = (): Promise<void> => rm(target, { recursive: true, force: true })
  const requirements = typeof requirement === 'string' ? [requirement] : [...requirement]
  const command = `${python} -m pip install --target ${target} ${requirements.join(' ')}`
  const quiet = ['--disable-pip-version-check', '--no-input', '--progress-bar', 'off']
  const pip = await run(
    python,
    [
      ...['-m', 'pip', 'install', ...quiet, '--no-warn-script-location'],
      ...(options.pipOptions ?? []),
      ...['--target', target, ...requirements]
    ],
    { env: options.env, timeoutMs: options.timeoutMs, onLine: line => options.onLine?.(line) }
  )
  if (pip.exitCode !== 0) {
    await dispose()
    return { ok: false, command, failure: describeFailure(pip) }
  }
  const pythonPath = [target, options.env.get('PYTHONPATH')].filter(Boolean).join(path.delimiter)
  return { ok: true, command, env: options.env.with({ PYTHONPATH: pythonPath }), dispose }
}

export interface BuildPython {
  python: string
  env: ChildEnv
  /** `build 1.2.2 (…)`. */
  version: string
  /** Removes the temporary install, if there is one. */
  dispose(): Promise<void>
}

export interface FindBuildPythonOptions {
  python?: string
  env: ChildEnv
  log: Log
  run: RunProcess
  /** Limit for `pip install build`. Default 5 minutes. */
  installTimeoutMs?: number
  /** Tests simulate Windows and macOS. */
  platform?: NodeJS.Platform
}

const VERSION_TIMEOUT_MS = 60_000

const HOW_TO_FIX =
  'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
  "'python -m pip install build', or set build-command to the command that builds your project."

/** A Python that runs `-m build`, installing `build` for this run into the first that lacks it. */
export async function findBuildPython(options: FindBuildPythonOptions): Promise<BuildPython> {
  const { run, env, log } = options
  const version = (python: string, env: ChildEnv) =>
    run(python, ['-m', 'build', '--version'], { env, timeoutMs: VERSION_TIMEOUT_MS })
  const unusable: string[] = []
  let lacking: { python: string; why: string } | undefined
  for (const python of options.python ? [options.python] : defaultPythons(options.platform)) {
    const result = await version(python, env)
    if (result.exitCode === 0) {
      return { python, env, version: firstLine(result.stdout), dispose: async () => undefined }
    }
    if (result.spawnError || result.timedOut) {
      unusable.push(`${python}: ${describeFailure(result)}`)
      continue
    }
    log.debug(`${python} -m build --version: ${describeFailure(result)}`)
    lacking ??= { python, why: lastOutputLine(result.stderr || result.stdout) }
  }
  if (!lacking) {
    throw new Error(`No Python found to build with (${unusable.join('; ')}). ${HOW_TO_FIX}`)
  }

  const { python, why } = lacking
  log.info(
    `${python} cannot run 'python -m build' (${why}); installing it: ${python} -m pip install --target <a temporary folder> build`
  )
  const install = await log.childOutput(show =>
    installTemporarily(run, python, 'build', {
      env,
      timeoutMs: options.installTimeoutMs ?? 300_000,
      onLine: show
    })
  )
  if (!install.ok) {
    throw new Error(
      `${python} has no 'build' module (${why}), and installing it failed: ${install.command} ${install.failure}. ${HOW_TO_FIX}`
    )
  }
  const check = await version(python, install.env)
  if (check.exitCode !== 0) {
    await install.dispose()
    throw new Error(
      `'build' was installed for ${python} (${install.command}), but '${python} -m build --version' then ${describeFailure(check)}. ${HOW_TO_FIX}`
    )
  }
  return { python, env: install.env, version: firstLine(check.stdout), dispose: install.dispose }
}

function firstLine(text: string): string {
  return text.trim().split(/\r?\n/)[0] ?? ''
}
