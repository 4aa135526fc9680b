/**
 * What the build step and the description check share about the runner's Python: which command
 * to try, and how to add a package for one run without touching that Python.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { ChildEnv } from '../shared/child-env.js'
import { describeFailure, type RunProcess } from './run-process.js'

/**
 * Windows runners have `python` on PATH; `python3` there may be the Microsoft Store stub, which
 * only prints advice. Elsewhere `python` may be missing or, on old systems, Python 2.
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
  /** More `pip install` options, e.g. network limits (`--timeout 10 --retries 1`). */
  pipOptions?: readonly string[]
}

/**
 * `pip install --target <temp>` and an environment with that folder on PYTHONPATH. Never into the
 * runner's Python: the system Python of ubuntu-24.04 runners is externally managed (PEP 668) and
 * refuses a plain `pip install`, and a publishing step should leave no trace.
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
      ...(options.pipOptions ?? []),
      '--target',
      target,
      ...requirements
    ],
    {
      env: options.env,
      timeoutMs: options.timeoutMs,
      onLine: options.onLine ? line => options.onLine?.(line) : undefined
    }
  )
  if (pip.exitCode !== 0) {
    await dispose()
    return { ok: false, command, failure: describeFailure(pip) }
  }
  const pythonPath = [target, options.env.get('PYTHONPATH')].filter(Boolean).join(path.delimiter)
  return { ok: true, command, env: options.env.with({ PYTHONPATH: pythonPath }), dispose }
}
