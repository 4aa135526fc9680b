/**
 * Guards against publishing the wrong release, beyond PyPI's own rules.
 *
 * Version ↔ tag: a run for tag `v1.2.4` must not publish version 1.2.3 (PEP 440: `v1.0` is
 * `1.0.0`). Monorepos tag one project at a time (`foo-v1.2.3`, `foo/v1.2.3`, `foo@1.2.3`): when
 * the prefix names a project being published, files of any other project are refused; a prefix
 * naming none (`release-1.2.3`) is a word of the tag. A tag that is no version (`latest`) is
 * reported and the check skipped: guessing a version out of it would refuse good releases.
 *
 * One release at a time: one project's files with several versions are almost always a stale
 * `dist/`, and publishing them would re-publish, or fail on, the old release.
 */
import type { Distribution, Problem } from '../dists/distribution.js'
import { isValidProjectName, normalizeName } from '../dists/filename.js'
import {
  compareVersions,
  formatVersion,
  parseVersion,
  releaseKey,
  type ParsedVersion
} from '../dists/version.js'
import type { RunContext } from '../shared/run-context.js'
import { groupBy } from './findings.js'

/** What a tag says: an optional project prefix (as written) and a version. */
export interface TagVersion {
  tag: string
  project?: string
  version: ParsedVersion
}

/**
 * Every reading of a tag as `[project<sep>]version`: the whole tag first (PEP 440 allows a leading
 * `v`), then each split at `-`, `/`, `@` or `_` into a valid project name and a version, shortest
 * project first. Names and versions may both hold `-`, so `a-1-2` has two readings.
 */
export function readTag(tag: string): TagVersion[] {
  const whole = parseVersion(tag)
  if (whole && tag.trim() === tag) return [{ tag, version: whole }]
  const readings: TagVersion[] = []
  for (let i = 1; i < tag.length - 1; i++) {
    if (!'-/@_'.includes(tag[i])) continue
    const [project, rest] = [tag.slice(0, i), tag.slice(i + 1)]
    // parseVersion strips surrounding whitespace as packaging does; a tag with spaces is no version.
    if (!isValidProjectName(project) || rest.trim() !== rest) continue
    const version = parseVersion(rest)
    if (version) readings.push({ tag, project, version })
  }
  return readings
}

/** Every file must have the tag's version; not a tag run, nothing to check. */
export function checkTagMatchesVersions(
  dists: readonly Distribution[],
  run: Pick<RunContext, 'tag'>
): { errors: Problem[]; notices: string[] } {
  const { tag } = run
  if (tag === undefined || dists.length === 0) return { errors: [], notices: [] }
  const readings = readTag(tag)
  if (readings.length === 0) {
    const notice = `The tag '${tag}' is not a version (PEP 440, optionally after 'v' or '<project>-v'); the version check was skipped.`
    return { errors: [], notices: [notice] }
  }
  const projects = new Set(dists.map(d => normalizeName(d.name.trim())))
  const named = readings.find(r => r.project && projects.has(normalizeName(r.project)))
  const project = named?.project
  // Of several readings, the one every file agrees with wins: a tag is refused only when none fits.
  const reading =
    named ?? readings.find(r => dists.every(d => sameVersion(d.version, r.version))) ?? readings[0]
  const tagVersion = formatVersion(reading.version)
  const errors: Problem[] = []
  for (const dist of dists) {
    const name = dist.name.trim()
    if (project !== undefined && normalizeName(name) !== normalizeName(project)) {
      errors.push({
        file: dist.path,
        rule: 'tag-project',
        message: `The tag '${tag}' names project '${project}', but ${dist.filename} belongs to project '${name}'.`,
        hint:
          `Publish only ${project}'s files from this tag (point packages-dir at them, or build only that project), ` +
          "or tag this project's release separately; or set verify-tag: false to publish without this check."
      })
    } else if (!sameVersion(dist.version, reading.version)) {
      errors.push({
        file: dist.path,
        rule: 'tag-version',
        message: `The tag '${tag}' is version ${tagVersion}, but ${dist.filename} is version ${dist.version.trim()} of ${name}.`,
        hint: 'Retag, or bump the version in pyproject.toml and rebuild; or set verify-tag: false to publish without this check.'
      })
    }
  }
  return { errors, notices: [] }
}

/** PEP 440 equality; a version that does not parse equals nothing (the metadata check names it). */
function sameVersion(written: string, version: ParsedVersion): boolean {
  const own = parseVersion(written)
  return own !== undefined && compareVersions(own, version) === 0
}

/**
 * One problem per project whose files hold more than one version (1.0 and 1.0.0 are one),
 * listing every version and its files, oldest first; unless several are published on purpose.
 */
export function checkOneRelease(
  dists: readonly Distribution[],
  options: { allowMultipleVersions: boolean }
): Problem[] {
  if (options.allowMultipleVersions) return []
  const problems: Problem[] = []
  for (const files of groupBy(dists, d => normalizeName(d.name.trim())).values()) {
    const byVersion = groupBy(files, d => {
      const parsed = parseVersion(d.version.trim())
      return parsed ? `=${releaseKey(parsed)}` : `?${d.version.trim()}`
    })
    if (byVersion.size < 2) continue
    const releases = [...byVersion.values()].map(files => {
      const version = files[0].version.trim()
      return { files, version, parsed: parseVersion(version) }
    })
    // Oldest first; versions that do not parse last, in the order found.
    releases.sort((a, b) =>
      a.parsed && b.parsed
        ? compareVersions(a.parsed, b.parsed)
        : Number(!a.parsed) - Number(!b.parsed)
    )
    const listing = releases
      .map(r => `${r.version} (${r.files.map(f => f.filename).join(', ')})`)
      .join('; ')
    problems.push({
      // The oldest release's first file: the likeliest leftover.
      file: releases[0].files[0].path,
      rule: 'one-release',
      message: `The files of project '${files[0].name.trim()}' hold ${releases.length} versions: ${listing}.`,
      hint:
        'A stale dist/? Remove the old files (or clean the folder before building), ' +
        'or set allow-multiple-versions: true to publish several versions on purpose.'
    })
  }
  return problems
}
