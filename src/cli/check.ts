/**
 * `pypi-publish check FILES…`: the upload's checks on their own, offline: no credentials, no
 * index, no request (for a pull request's CI, as `twine check` is used there).
 */
import path from 'node:path'
import { DistributionError, type Problem } from '../dists/distribution.js'
import { describeProblem, prepare } from '../pipeline/prepare.js'
import type { Settings } from '../settings/settings.js'
import type { Log } from '../shared/log.js'
import type { RunContext } from '../shared/run-context.js'

export interface FileCheck {
  file: string
  result: 'passed' | 'warnings' | 'failed'
  errors: Array<Pick<Problem, 'rule' | 'message' | 'hint'>>
  warnings: string[]
}

export interface CheckReport {
  ok: boolean
  files: FileCheck[]
  /** Refusals of the set as a whole (several releases, a tag that does not match). */
  errors: Array<Pick<Problem, 'rule' | 'message' | 'hint'>>
}

/** Checks `settings.files`, printing one verdict per file as twine does; never throws a refusal. */
export async function checkFiles(
  settings: Settings & { files: readonly string[] },
  log: Log,
  run: Pick<RunContext, 'tag' | 'childEnv'>,
  options: { strict: boolean; cwd: string }
): Promise<CheckReport> {
  const warnings = new Map<string, string[]>()
  // Warnings are printed as they come and kept, by file, for the verdicts.
  const recording: Log = {
    ...log,
    warning: (message, file) => {
      if (file) warnings.set(file, [...(warnings.get(file) ?? []), message])
      log.warning(message, file)
    }
  }
  let problems: Problem[] = []
  try {
    await prepare(settings, recording, run)
  } catch (error) {
    if (!(error instanceof DistributionError)) throw error
    problems = error.problems
    for (const problem of problems) log.error(describeProblem(problem), problem.file)
  }
  const plain = ({ rule, message, hint }: Problem) => ({ rule, message, hint })
  const files = settings.files.map((file): FileCheck => {
    const errors = problems.filter(p => p.file === file).map(plain)
    const warned = warnings.get(file) ?? []
    const result = errors.length ? 'failed' : warned.length ? 'warnings' : 'passed'
    const verdict = { passed: 'PASSED', warnings: 'PASSED with warnings', failed: 'FAILED' }
    log.info(`Checking ${path.relative(options.cwd, file) || file}: ${verdict[result]}`)
    return { file, result, errors, warnings: warned }
  })
  const errors = problems.filter(p => !settings.files.includes(p.file)).map(plain)
  const failed = (f: FileCheck): boolean =>
    f.result === 'failed' || (options.strict && f.result === 'warnings')
  return { ok: errors.length === 0 && !files.some(failed), files, errors }
}
