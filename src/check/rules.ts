/**
 * The rules PyPI applies to an upload, run on every file before the first byte is sent, so a
 * release is never left half-published by a refusal on its fifth file. Every problem across every
 * file is collected, in PyPI's (Warehouse's) own words where it has them, each with a hint.
 *
 * Spec rules (the file is malformed by the packaging specs: every index suffers) are always
 * errors, and so are archives that break installers. PyPI's own policies (local versions, platform
 * tags, PEP 625 names, classifiers, Metadata-Versions, sizes, zip framing) are errors for PyPI and
 * warnings for self-hosted indexes, which may accept such files on purpose (`pypiRules`).
 */
import type { Distribution, Problem, RuleId } from '../dists/distribution.js'
import { isValidProjectName, normalizeName } from '../dists/filename.js'
import { parseVersion, releaseKey } from '../dists/version.js'
import { pypiTarget } from '../shared/pypi-hosts.js'
import { checkFilename } from './filename-rules.js'
import { Findings, groupBy, type PypiRules } from './findings.js'
import { checkMetadata } from './metadata-rules.js'

export interface CheckOptions {
  /** `enforce` (errors; pypi.org and test.pypi.org) or `warn` (see `pypiRulesFor`). Default `enforce`. */
  pypiRules?: PypiRules
  /** A file larger than this gets a warning. Default: PyPI's default limit, 100 MiB. */
  fileSizeLimit?: number
}

/** Errors stop the run before any upload; warnings are shown and the run goes on. */
export function checkDistributions(
  dists: readonly Distribution[],
  options: CheckOptions = {}
): { errors: Problem[]; warnings: Problem[] } {
  const found = new Findings(options.pypiRules ?? 'enforce')
  for (const dist of dists) {
    checkMetadata(dist, found)
    checkFilename(dist, found)
    checkFileSize(dist, options.fileSizeLimit ?? PYPI_DEFAULT_FILE_SIZE_LIMIT, found)
    // PyPI's rules about the archive itself (archive-rules.ts), found while reading it.
    for (const problem of dist.archiveProblems ?? []) {
      found[BREAKS_INSTALLERS.has(problem.rule) ? 'spec' : 'policy'](problem.file, problem)
    }
  }
  checkOneSdistPerRelease(dists, found)
  return { errors: found.errors, warnings: found.warnings }
}

/**
 * The archive problems every installer suffers, not only PyPI: no RECORD, a .dist-info folder the
 * filename does not name, and a zip its readers read differently (the same name twice, bytes
 * before the first member, a second end record).
 */
const BREAKS_INSTALLERS = new Set<RuleId>(['wheel-record', 'wheel-contents', 'zip-ambiguous'])

/**
 * Errors for PyPI and TestPyPI, which refuse such files; warnings for any other index, which
 * decides for itself (a private index may take local versions on purpose).
 */
export function pypiRulesFor(repositoryUrl: string): PypiRules {
  return pypiTarget(repositoryUrl) ? 'enforce' : 'warn'
}

const ONE_MIB = 1024 * 1024
/** PyPI's default per-file limit (Warehouse `MAX_FILESIZE`), raised per project on request. */
export const PYPI_DEFAULT_FILE_SIZE_LIMIT = 100 * ONE_MIB

const SIZE_LIMIT_DOCS =
  'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'

/** A warning, not an error: only PyPI knows whether this project's limit has been raised. */
function checkFileSize(dist: Distribution, limit: number, found: Findings): void {
  if (dist.size <= limit) return
  // PyPI counts in MiB and calls them MB ("Limit for project 'x' is 100 MB").
  const over =
    limit === PYPI_DEFAULT_FILE_SIZE_LIMIT
      ? "over PyPI's default limit of 100 MB per file"
      : `over the limit of ${Math.floor(limit / ONE_MIB)} MB set for this check`
  found.warning(dist.path, {
    rule: 'file-size',
    message: `${dist.filename} is ${(dist.size / ONE_MIB).toFixed(1)} MiB, ${over}.`,
    hint:
      "PyPI refuses it with 'File too large' unless this project's limit has been raised. " +
      `If it has not, request an increase: ${SIZE_LIMIT_DOCS} (or make the file smaller: ` +
      'leave test data and debug symbols out).'
  })
}

/** PyPI: "Only one sdist may be uploaded per release." (1.0 and 1.0.0 are one release.) */
function checkOneSdistPerRelease(dists: readonly Distribution[], found: Findings): void {
  const sdists = dists.filter(d => d.kind === 'sdist' && isValidProjectName(d.name.trim()))
  const releases = groupBy(sdists, d => {
    const parsed = parseVersion(d.version.trim())
    return parsed && `${normalizeName(d.name.trim())} ${releaseKey(parsed)}`
  })
  for (const [key, [earlier, ...later]] of releases) {
    for (const dist of later) {
      found.policy(dist.path, {
        rule: 'one-sdist',
        message: 'Only one sdist may be uploaded per release.',
        hint: `${earlier.filename} is already an sdist of ${dist.name} ${key.split(' ')[1]}; publish only one of them.`
      })
    }
  }
}

/**
 * download-artifact layouts often hold the same file twice (an sdist in every matrix artifact).
 * The same filename with the same content counts once; with different content nobody can tell
 * which one is meant, so that is a problem.
 */
export function dedupeByFilename(dists: readonly Distribution[]) {
  const groups = [...groupBy(dists, d => d.filename).values()]
  const differing = groups.filter(group => new Set(group.map(d => d.digests.sha256)).size > 1)
  return {
    unique: groups.map(group => group[0]),
    // Copies of an earlier file; one with other content is a problem, never "the same file".
    duplicates: groups.flatMap(group =>
      group.filter((d, i) => group.slice(0, i).some(e => e.digests.sha256 === d.digests.sha256))
    ),
    problems: differing.map((group): Problem => ({
      file: group[0].path,
      rule: 'duplicate-filename',
      message:
        `'${group[0].filename}' occurs ${group.length} times with different content: ` +
        group.map(d => `${d.path} (sha256 ${d.digests.sha256.slice(0, 12)}…)`).join(', '),
      hint: 'Keep one copy: builds of the same name and version must be identical, or the version must differ.'
    }))
  }
}
