/**
 * One release at a time: files of one project with different versions in the folder are almost
 * always a stale `dist/` (last release's files left next to this one's), and publishing them
 * would re-publish, or fail on, the old release. Several versions are published only when asked.
 *
 * The other half of the rule, one sdist per release, is PyPI's and lives with PyPI's rules in
 * `check/release-rules.ts` (`one-sdist`), where it runs whenever the metadata checks do.
 */
import type { Distribution, Problem } from '../../dists/distribution.js'
import { normalizeName } from '../../dists/filename.js'
import { compareVersions, parseVersion, type ParsedVersion } from '../../dists/version.js'

export interface OneReleaseOptions {
  /** Publish several versions of a project in one run on purpose. */
  allowMultipleVersions: boolean
}

/** The files of one version of one project. */
interface Release {
  /** As the first file writes it. */
  version: string
  /** Undefined for a version that is not PEP 440 (the metadata check reports it). */
  parsed?: ParsedVersion
  files: Distribution[]
}

/**
 * One problem per project whose files hold more than one version, listing every version and its
 * files, oldest first. Versions are compared under PEP 440 (`1.0` and `1.0.0` are one release).
 */
export function checkOneRelease(
  dists: readonly Distribution[],
  options: OneReleaseOptions
): Problem[] {
  if (options.allowMultipleVersions) return []
  const problems: Problem[] = []
  for (const [project, releases] of releasesByProject(dists)) {
    if (releases.length < 2) continue
    releases.sort(byVersion)
    const listing = releases
      .map(r => `${r.version} (${r.files.map(f => f.filename).join(', ')})`)
      .join('; ')
    problems.push({
      // The oldest release's first file: the likeliest leftover.
      file: releases[0].files[0].path,
      rule: 'one-release',
      message: `The files of project '${project}' hold ${releases.length} versions: ${listing}.`,
      hint:
        'A stale dist/? Remove the old files (or clean the folder before building), ' +
        'or set allow-multiple-versions: true to publish several versions on purpose.'
    })
  }
  return problems
}

/** Groups files by normalized project name, then by PEP 440 version, in the order found. */
function releasesByProject(dists: readonly Distribution[]): Map<string, Release[]> {
  const projects = new Map<string, Release[]>()
  for (const dist of dists) {
    const name = dist.name.trim()
    const key = normalizeName(name)
    const releases = projects.get(key) ?? []
    projects.set(key, releases)
    const version = dist.version.trim()
    const parsed = parseVersion(version)
    const release = releases.find(r =>
      parsed && r.parsed ? compareVersions(parsed, r.parsed) === 0 : r.version === version
    )
    if (release) release.files.push(dist)
    else releases.push({ version, parsed, files: [dist] })
  }
  // Keyed by the normalized name, shown as the first file writes it.
  return new Map([...projects.values()].map(r => [r[0].files[0].name.trim(), r]))
}

/** Oldest first; versions that do not parse last, in the order found. */
function byVersion(a: Release, b: Release): number {
  if (a.parsed && b.parsed) return compareVersions(a.parsed, b.parsed)
  return (a.parsed ? 0 : 1) - (b.parsed ? 0 : 1)
}
