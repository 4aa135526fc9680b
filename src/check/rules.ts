/**
 * The rules PyPI applies to an upload, run on every file before the first byte is sent, so a
 * release is never left half-published by a refusal on its fifth file. Every problem across every
 * file is collected; messages use PyPI's (Warehouse's) own words where it has them, and each
 * problem carries a hint with the fix.
 *
 * Two kinds of rule:
 * - spec rules: the file is malformed by the packaging specs (an invalid version, a wheel whose
 *   filename disagrees with its METADATA). Every index and installer suffers; always errors.
 * - PyPI policies: PyPI's own choices (no local versions, allowed platform tags, PEP 625 sdist
 *   names, known classifiers, accepted Metadata-Versions, the size limit). Self-hosted indexes
 *   may accept such files on purpose, so `pypiRules` says whether they are errors or warnings.
 */
import type { Distribution, Problem } from '../dists/distribution.js'
import { pypiTarget } from '../shared/pypi-hosts.js'
import { checkFileSize, PYPI_DEFAULT_FILE_SIZE_LIMIT } from './file-size-rule.js'
import { checkFilename } from './filename-rules.js'
import { Findings, type PypiRules } from './findings.js'
import { checkMetadata } from './metadata-rules.js'
import { checkOneSdistPerRelease } from './release-rules.js'

export interface CheckOptions {
  /**
   * How PyPI's own policies count: `enforce` (errors; for pypi.org and test.pypi.org) or `warn`
   * (warnings; any other index, see `pypiRulesFor`). Default `enforce`.
   */
  pypiRules?: PypiRules
  /** A file larger than this gets a warning. Default: PyPI's default limit, 100 MiB. */
  fileSizeLimit?: number
}

/** Errors stop the run before any upload; warnings are shown and the run goes on. */
export interface CheckResult {
  errors: Problem[]
  warnings: Problem[]
}

/** Checks every distribution and returns every problem found, split by severity. */
export function checkDistributions(
  dists: readonly Distribution[],
  options: CheckOptions = {}
): CheckResult {
  const found = new Findings(options.pypiRules ?? 'enforce')
  const sizeLimit = options.fileSizeLimit ?? PYPI_DEFAULT_FILE_SIZE_LIMIT
  for (const dist of dists) {
    checkMetadata(dist, found)
    checkFilename(dist, found)
    checkFileSize(dist, sizeLimit, found)
    // PyPI's rules about the archive itself (archive-rules.ts), found while reading it.
    for (const problem of dist.archiveProblems ?? []) found.policy(problem)
  }
  checkOneSdistPerRelease(dists, found)
  return { errors: found.errors, warnings: found.warnings }
}

/**
 * How PyPI's policies count for an upload to `repositoryUrl`: errors for PyPI and TestPyPI, which
 * refuse such files; warnings for any other index, which decides for itself (a private index may
 * take local versions or `linux_*` wheels on purpose) while the user still hears that PyPI would not.
 */
export function pypiRulesFor(repositoryUrl: string): PypiRules {
  return pypiTarget(repositoryUrl) ? 'enforce' : 'warn'
}
