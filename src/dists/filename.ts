/**
 * Project names and distribution filenames: normalization (PEP 503), wheel filename escaping
 * (PEP 427/491), sdist filenames (PEP 625), and which files are distributions at all.
 *
 * The parsers here are structural: they split a filename into its parts as written and leave the
 * judging (is the version valid, is the name normalized, is the platform allowed) to `src/check/`,
 * so one badly named file yields a precise problem instead of an unreadable "not a wheel".
 */
import { normalizeVersion } from './version.js'

/** PEP 503 normalized name: lowercase, every run of `-`, `_`, `.` becomes one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

/**
 * The name as a wheel or sdist filename must spell it: normalized, with `_` for `-` (the escaping
 * of the binary distribution format spec, which PyPI enforces for wheels and PEP 625 for sdists).
 */
export function wheelNamePart(name: string): string {
  return normalizeName(name).replace(/-/g, '_')
}

/** PEP 508 / core metadata `Name`: ASCII letters and digits at both ends, `.`, `_`, `-` inside. */
const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i

export function isValidProjectName(name: string): boolean {
  return PROJECT_NAME_RE.test(name)
}

export interface WheelFilename {
  /** The distribution part as written (e.g. `My_Pkg`); compare with `wheelNamePart(name)`. */
  distribution: string
  /** The version part as written; not validated here. */
  version: string
  /** The build tag, if any (it starts with a digit). */
  build?: string
  pythonTags: string[]
  abiTags: string[]
  platformTags: string[]
  /** The python tag as written, e.g. `py2.py3`: the `pyversion` upload field. */
  pythonTag: string
}

/**
 * Splits `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl` into its parts.
 * Undefined when the shape is wrong: not `.whl`, not five or six parts, an empty part or tag,
 * or a build tag that does not start with a digit. The version and name are returned as written.
 */
export function parseWheelFilename(filename: string): WheelFilename | undefined {
  if (!filename.endsWith('.whl')) return undefined
  const parts = filename.slice(0, -'.whl'.length).split('-')
  if (parts.length !== 5 && parts.length !== 6) return undefined
  if (parts.some(p => p === '')) return undefined
  const [distribution, version] = parts
  const build = parts.length === 6 ? parts[2] : undefined
  if (build !== undefined && !/^[0-9]/.test(build)) return undefined
  const [pythonTag, abiTag, platformTag] = parts.slice(-3)
  const pythonTags = pythonTag.split('.')
  const abiTags = abiTag.split('.')
  const platformTags = platformTag.split('.')
  if ([...pythonTags, ...abiTags, ...platformTags].some(t => t === '')) return undefined
  return {
    distribution,
    version,
    ...(build !== undefined ? { build } : {}),
    pythonTags,
    abiTags,
    platformTags,
    pythonTag
  }
}

export interface SdistFilename {
  /** The name part as written. */
  name: string
  /** The version part as written; not validated here. */
  version: string
  extension: '.tar.gz' | '.zip'
}

/**
 * Splits `{name}-{version}.tar.gz` (or `.zip`) on the last `-`, as packaging does: a PEP 440
 * version has no `-` in its canonical form. Undefined without a `-` or with an empty part.
 */
export function parseSdistFilename(filename: string): SdistFilename | undefined {
  const extension = filename.endsWith('.tar.gz')
    ? '.tar.gz'
    : filename.endsWith('.zip')
      ? '.zip'
      : undefined
  if (!extension) return undefined
  const stem = filename.slice(0, -extension.length)
  const dash = stem.lastIndexOf('-')
  if (dash <= 0 || dash === stem.length - 1) return undefined
  return { name: stem.slice(0, dash), version: stem.slice(dash + 1), extension }
}

/**
 * The one sdist filename PyPI accepts for a release (PEP 625):
 * `{normalized name with _}-{canonical version}.tar.gz`.
 */
export function expectedSdistFilename(name: string, version: string): string {
  return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}.tar.gz`
}

/** How a wheel filename for this release should begin: `{name with _}-{canonical version}-`. */
export function expectedWheelPrefix(name: string, version: string): string {
  return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}-`
}

/**
 * What kind of distribution a filename names, by its extension: a wheel, an sdist, or a `.zip`
 * sdist (a form PyPI refuses since PEP 625, reported rather than ignored). Undefined for anything
 * else (attestations, checksums, `.egg`…).
 */
export function distKindOf(filename: string): 'wheel' | 'sdist' | 'zip-sdist' | undefined {
  if (filename.endsWith('.whl') && filename.length > '.whl'.length) return 'wheel'
  if (filename.endsWith('.tar.gz') && filename.length > '.tar.gz'.length) return 'sdist'
  if (filename.endsWith('.zip') && filename.length > '.zip'.length) return 'zip-sdist'
  return undefined
}
