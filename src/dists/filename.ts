/**
 * Project names and distribution filenames (PEP 503, 427/491, 625). The parsers only split a name
 * into its parts; `src/check/` judges them, so a badly named file gets a precise problem.
 */
import { normalizeVersion } from './version.js'

/** PEP 503 normalized name: lowercase, every run of `-`, `_`, `.` becomes one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}

/** The name as wheel and sdist filenames must spell it: normalized, with `_` for `-`. */
export function wheelNamePart(name: string): string {
  return normalizeName(name).replace(/-/g, '_')
}

/** PEP 508 / core metadata `Name`: ASCII letters and digits at both ends, `.`, `_`, `-` inside. */
export function isValidProjectName(name: string): boolean {
  return /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i.test(name)
}

/**
 * Splits `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`, parts as written.
 * Undefined when the shape is wrong: five or six parts, none empty, a build tag starting with a
 * digit. `pythonTag` (e.g. `py2.py3`) is the `pyversion` upload field.
 */
export function parseWheelFilename(filename: string) {
  if (!filename.endsWith('.whl')) return undefined
  const parts = filename.slice(0, -'.whl'.length).split('-')
  if ((parts.length !== 5 && parts.length !== 6) || parts.includes('')) return undefined
  const [distribution, version] = parts
  const build = parts.length === 6 ? parts[2] : undefined
  if (build !== undefined && !/^[0-9]/.test(build)) return undefined
  const pythonTag = parts[parts.length - 3]
  const [pythonTags, abiTags, platformTags] = parts.slice(-3).map(t => t.split('.'))
  if ([...pythonTags, ...abiTags, ...platformTags].includes('')) return undefined
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

/** How a wheel filename for this release begins: `{name with _}-{canonical version}-`. */
export function expectedWheelPrefix(name: string, version: string): string {
  return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}-`
}

/** The one sdist filename PyPI accepts (PEP 625): `{name with _}-{canonical version}.tar.gz`. */
export function expectedSdistFilename(name: string, version: string): string {
  return `${expectedWheelPrefix(name, version).slice(0, -1)}.tar.gz`
}

/**
 * A distribution's kind by its extension; a `.zip` sdist (refused since PEP 625) is reported, not
 * ignored. Undefined for anything else (attestations, checksums, `.egg`…).
 */
export function distKindOf(filename: string): 'wheel' | 'sdist' | 'zip-sdist' | undefined {
  if (filename.endsWith('.whl') && filename.length > '.whl'.length) return 'wheel'
  if (filename.endsWith('.tar.gz') && filename.length > '.tar.gz'.length) return 'sdist'
  if (filename.endsWith('.zip') && filename.length > '.zip'.length) return 'zip-sdist'
  return undefined
}
