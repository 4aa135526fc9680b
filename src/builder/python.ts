/**
 * Finds a Python that can run `python -m build`, installing `build` when the runner's Python lacks
 * it. The install goes into a temporary folder put on PYTHONPATH (`pip install --target`), never
 * into the runner's Python: the system Python of ubuntu-24.04 runners is externally managed
 * (PEP 668) and refuses a plain `pip install`, and a publishing step should leave no trace.
 */
import type { Log } from '../shared/log.js'
import type { ChildEnv } from '../shared/child-env.js'
import { defaultPythons, installTemporarily } from '../process/python.js'
import { describeFailure, lastOutputLine, type RunProcess } from '../process/run-process.js'

export { defaultPythons } from '../process/python.js'

/** A Python ready to run `-m build`, and the environment it needs for that. */
export interface BuildPython {
  python: string
  env: ChildEnv
  /** `build`'s version line (`build 1.2.2 (…)`). */
  version: string
  /** Removes the temporary install, if there is one. */
  dispose(): Promise<void>
}

export interface FindBuildPythonOptions {
  /** The Python to use. Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  env: ChildEnv
  log: Log
  run: RunProcess
  /** Limit for `pip install build`. Default 5 minutes. */
  installTimeoutMs?: number
  /** Which runner's Pythons to try; tests simulate Windows and macOS. Default: this one. */
  platform?: NodeJS.Platform
}

const VERSION_TIMEOUT_MS = 60_000

const HOW_TO_FIX =
  'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
  "'python -m pip install build', or set build-command to the command that builds your project."

/** Throws an Error saying what was tried and how to fix it when no Python can build. */
export async function findBuildPython(options: FindBuildPythonOptions): Promise<BuildPython> {
  const { run, env, log } = options
  const unusable: string[] = []
  /** The first Python that runs but has no `build`: the one to install it for. */
  let lacking: { python: string; why: string } | undefined

  for (const python of options.python ? [options.python] : defaultPythons(options.platform)) {
    const result = await run(python, ['-m', 'build', '--version'], {
      env,
      timeoutMs: VERSION_TIMEOUT_MS
    })
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
  return installBuild(lacking.python, lacking.why, options)
}

/** Installs `build` into a temporary folder and checks that `python -m build` then runs. */
async function installBuild(
  python: string,
  why: string,
  options: FindBuildPythonOptions
): Promise<BuildPython> {
  const { run, log } = options
  log.info(
    `${python} cannot run 'python -m build' (${why}); installing it: ${python} -m pip install --target <a temporary folder> build`
  )
  const install = await log.childOutput(show =>
    installTemporarily(run, python, 'build', {
      env: options.env,
      timeoutMs: options.installTimeoutMs ?? 300_000,
      onLine: show
    })
  )
  if (!install.ok) {
    throw new Error(
      `${python} has no 'build' module (${why}), and installing it failed: ${install.command} ${install.failure}. ${HOW_TO_FIX}`
    )
  }
  const check = await run(python, ['-m', 'build', '--version'], {
    env: install.env,
    timeoutMs: VERSION_TIMEOUT_MS
  })
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
