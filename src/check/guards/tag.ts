/**
 * The version ↔ tag guard: a run for tag `v1.2.4` must not publish version 1.2.3. The tag is the
 * run's (RunContext.tag, read by the entry); versions are compared under PEP 440, so `v1.0` is `1.0.0`.
 *
 * Monorepos tag one project at a time (`foo-v1.2.3`, `foo/v1.2.3`, `foo@1.2.3`); when the prefix
 * names a project being published, the tag's version is that project's, and every file of another
 * project is refused. A prefix that names none of them (`release-1.2.3`) is taken as a word of
 * the tag, and every file must have its version. A tag that is
 * not a version at all (`latest`, `release`) is reported and the check skipped: guessing a version
 * out of it would refuse good releases.
 */
import type { Distribution, Problem } from '../../dists/distribution.js'
import { isValidProjectName, normalizeName } from '../../dists/filename.js'
import {
  compareVersions,
  formatVersion,
  parseVersion,
  type ParsedVersion
} from '../../dists/version.js'
import type { RunContext } from '../../shared/run-context.js'

export interface TagCheckResult {
  /** Files whose version is not the tag's: the run stops before any upload. */
  errors: Problem[]
  /** Why the check was skipped (a tag that is not a version). */
  notices: string[]
}

/** What a tag says: an optional project prefix and a version. */
export interface TagVersion {
  tag: string
  /** The project named before the version (`foo` in `foo-v1.2.3`), as written. */
  project?: string
  version: ParsedVersion
}

const FIX =
  'Retag, or bump the version in pyproject.toml and rebuild; or set verify-tag: false to publish without this check.'

/** The characters that separate a project from its version in monorepo tags. */
const PREFIX_SEPARATORS = new Set(['-', '/', '@', '_'])

/**
 * Every reading of a tag as `[project<sep>]version`. The whole tag as a version comes first (a
 * leading `v`/`V` is allowed, as PEP 440 allows it); then each split at a separator whose left
 * side is a valid project name and whose right side a version, shortest project first. Project
 * names and versions may both hold `-`, so `a-1-2` has two readings; the caller picks the one
 * that names a project being published.
 */
export function readTag(tag: string): TagVersion[] {
  const whole = parseVersion(tag)
  if (whole && tag.trim() === tag) return [{ tag, version: whole }]
  const readings: TagVersion[] = []
  for (let i = 1; i < tag.length - 1; i++) {
    if (!PREFIX_SEPARATORS.has(tag[i])) continue
    const project = tag.slice(0, i)
    const rest = tag.slice(i + 1)
    // parseVersion strips surrounding whitespace as packaging does; a tag with spaces is no version.
    if (!isValidProjectName(project) || rest.trim() !== rest) continue
    const version = parseVersion(rest)
    if (version) readings.push({ tag, project, version })
  }
  return readings
}

/**
 * Checks that every distribution's version is the tag's version. Not a tag run: nothing to check.
 * When the tag's prefix names a project being published, the files of that project must have the
 * tag's version and files of any other project are refused (the tag is not theirs).
 */
export function checkTagMatchesVersions(
  dists: readonly Distribution[],
  run: Pick<RunContext, 'tag'>
): TagCheckResult {
  const { tag } = run
  if (tag === undefined || dists.length === 0) return { errors: [], notices: [] }

  const readings = readTag(tag)
  if (readings.length === 0) {
    return {
      errors: [],
      notices: [
        `The tag '${tag}' is not a version (PEP 440, optionally after 'v' or '<project>-v'); the version check was skipped.`
      ]
    }
  }

  const projects = new Set(dists.map(d => normalizeName(d.name.trim())))
  const named = readings.find(
    r => r.project !== undefined && projects.has(normalizeName(r.project))
  )
  const errors: Problem[] = []
  if (named?.project !== undefined) {
    const tagVersion = formatVersion(named.version)
    for (const dist of dists) {
      const problem =
        projectMismatch(dist, tag, named.project) ??
        versionMismatch(dist, tag, tagVersion, named.version)
      if (problem) errors.push(problem)
    }
    return { errors, notices: [] }
  }
  // A prefix that names no project being published is a word of the tag, not a project
  // (`release-1.2.3`): every file must then have the version. Of several readings, the one every
  // file agrees with wins, so a tag is refused only when no reading of it fits.
  const reading =
    readings.find(r => dists.every(d => sameVersion(d.version, r.version))) ?? readings[0]
  const tagVersion = formatVersion(reading.version)
  for (const dist of dists) {
    const problem = versionMismatch(dist, tag, tagVersion, reading.version)
    if (problem) errors.push(problem)
  }
  return { errors, notices: [] }
}

function versionMismatch(
  dist: Distribution,
  tag: string,
  tagVersion: string,
  version: ParsedVersion
): Problem | undefined {
  if (sameVersion(dist.version, version)) return undefined
  return {
    file: dist.path,
    rule: 'tag-version',
    message: `The tag '${tag}' is version ${tagVersion}, but ${dist.filename} is version ${dist.version.trim()} of ${dist.name.trim()}.`,
    hint: FIX
  }
}

/** PEP 440 equality; a version that does not parse equals nothing (the metadata check names it). */
function sameVersion(written: string, version: ParsedVersion): boolean {
  const own = parseVersion(written)
  return own !== undefined && compareVersions(own, version) === 0
}

function projectMismatch(dist: Distribution, tag: string, project: string): Problem | undefined {
  if (normalizeName(dist.name.trim()) === normalizeName(project)) return undefined
  return {
    file: dist.path,
    rule: 'tag-project',
    message: `The tag '${tag}' names project '${project}', but ${dist.filename} belongs to project '${dist.name.trim()}'.`,
    hint:
      `Publish only ${project}'s files from this tag (point packages-dir at them, or build only that project), ` +
      "or tag this project's release separately; or set verify-tag: false to publish without this check."
  }
}
