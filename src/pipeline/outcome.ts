import { normalizeName } from '../dists/filename.js'
import { pypiTarget, RELEASE_PAGES } from '../shared/pypi-hosts.js'
import type { FileResult } from '../upload/upload-all.js'
import { onIndex } from './index-status.js'
import type { RunResult } from './publish.js'

/** One file as the outcome names it. */
export interface FileOutcome {
  filename: string
  sha256: string
  size: number
}

/** What a run did: the action's outputs and the command line's `--json` alike. */
export interface RunOutcome {
  uploaded: FileOutcome[]
  skipped: FileOutcome[]
  /** Files the index holds with the local sha256, read back after the upload. */
  verified: FileOutcome[]
  projects: Array<{ name: string; version: string }>
  /** The index's page of each release with a file on the index (none for a dry run). */
  releaseUrls: string[]
  attestationPaths: string[]
}

export function runOutcome(result: RunResult): RunOutcome {
  const outcomes = (keep: (file: FileResult) => boolean): FileOutcome[] =>
    result.files
      .filter(keep)
      .map(({ dist: { filename, digests, size } }) => ({ filename, sha256: digests.sha256, size }))
  const projects = new Map(
    result.dists.map(({ name, version }) => [`${name}\0${version}`, { name, version }])
  )
  return {
    uploaded: outcomes(f => f.status === 'uploaded'),
    skipped: outcomes(f => f.status === 'skipped'),
    verified: outcomes(f => f.verified === true),
    projects: [...projects.values()],
    releaseUrls: releaseUrls(result),
    attestationPaths: result.attestationPaths
  }
}

/**
 * PyPI's and TestPyPI's release pages, or the `release-url` pattern's for another index; only
 * for releases the index holds a file of, so that a link never points at a page that is not there.
 */
export function releaseUrls(result: RunResult): string[] {
  const target = pypiTarget(result.repositoryUrl)
  const pattern = result.releaseUrlPattern || (target ? RELEASE_PAGES[target] : '')
  if (!pattern || result.dryRun) return []
  const urls = result.files
    .filter(onIndex)
    .map(({ dist }) =>
      pattern
        .replaceAll('{name}', encodeURIComponent(normalizeName(dist.name)))
        .replaceAll('{version}', encodeURIComponent(dist.version))
    )
  return [...new Set(urls)]
}
