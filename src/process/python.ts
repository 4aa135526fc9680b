/**
 * The runner's Python, for the build and the description check: which command to try, and a
 * Python that can run `python -m build`. Nothing is installed into it: a hash-less `pip install`
 * in the job that holds the credentials would run unverified code next to them.
 */
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

const VERSION_TIMEOUT_MS = 60_000
/** For the advice only: the action installs nothing. */
const BUILD_VERSION = '1.6.1'

const HOW_TO_FIX =
  'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
  `'python -m pip install build==${BUILD_VERSION}', or set build-command to the command that ` +
  "builds your project (e.g. 'uv build')."

/** The first Python that runs `-m build`, with its version (`build 1.2.2 (…)`); else why none does. */
export async function findBuildPython(options: {
  python?: string
  env: ChildEnv
  log: Log
  run: RunProcess
  /** Tests simulate Windows and macOS. */
  platform?: NodeJS.Platform
}): Promise<{ python: string; version: string }> {
  const { run, env, log } = options
  const unusable: string[] = []
  let lacking: string | undefined
  for (const python of options.python ? [options.python] : defaultPythons(options.platform)) {
    const result = await run(python, ['-m', 'build', '--version'], {
      env,
      timeoutMs: VERSION_TIMEOUT_MS
    })
    if (result.exitCode === 0) return { python, version: result.stdout.trim().split(/\r?\n/)[0] }
    if (result.spawnError || result.timedOut) {
      unusable.push(`${python}: ${describeFailure(result)}`)
      continue
    }
    log.debug(`${python} -m build --version: ${describeFailure(result)}`)
    lacking ??=
      `The Python found, ${python}, lacks the 'build' module ` +
      `(${lastOutputLine(result.stderr || result.stdout)}), and the action installs nothing ` +
      "unverified next to the job's credentials."
  }
  throw new Error(
    `${lacking ?? `No Python found to build with (${unusable.join('; ')}).`} ${HOW_TO_FIX}`
  )
}
