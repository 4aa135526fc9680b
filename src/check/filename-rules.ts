/**
 * The rules on a distribution's filename: a wheel's name, version and tags must agree with its
 * METADATA and with PyPI's platform list, an sdist's name is PEP 625's.
 */
import type { Distribution } from '../dists/distribution.js'
import {
  expectedSdistFilename,
  expectedWheelPrefix,
  isValidProjectName,
  normalizeName,
  parseWheelFilename,
  wheelNamePart
} from '../dists/filename.js'
import { compareVersions, normalizeVersion, parseVersion } from '../dists/version.js'
import type { Findings } from './findings.js'
import { judgePlatformTag } from './platform-tags.js'
import { pyRepr } from './py-repr.js'

/** Checks the filename of one distribution against its metadata. */
export function checkFilename(dist: Distribution, found: Findings): void {
  if (dist.kind === 'wheel') checkWheelFilename(dist, found)
  else checkSdistFilename(dist, found)
}

function checkWheelFilename(dist: Distribution, found: Findings): void {
  const name = dist.name.trim()
  const version = dist.version.trim()
  const nameOk = isValidProjectName(name)
  const versionOk = parseVersion(version) !== undefined
  const example =
    nameOk && versionOk ? `${expectedWheelPrefix(name, version)}py3-none-any.whl` : undefined
  const shapeHint =
    'A wheel is named {name}-{version}[-{build}]-{python tag}-{abi tag}-{platform tag}.whl' +
    (example ? `, e.g. '${example}'` : '') +
    ". A '-' inside the project name or version is written '_'. Do not rename wheels by hand " +
    '(PyPI looks for the .dist-info folder the filename names): rebuild them.'

  const wheel = parseWheelFilename(dist.filename)
  if (!wheel) {
    found.spec({
      file: dist.path,
      rule: 'wheel-filename',
      message: `Invalid wheel filename: ${pyRepr(dist.filename)}.`,
      hint: shapeHint
    })
    return
  }
  // packaging's rule for the name part: word characters and '.', no '__'.
  if (wheel.distribution.includes('__') || !/^[\p{L}\p{N}\p{M}_.]+$/u.test(wheel.distribution)) {
    found.spec({
      file: dist.path,
      rule: 'wheel-filename',
      message: `Invalid project name: ${pyRepr(dist.filename)}.`,
      hint: shapeHint
    })
  }
  const fileVersion = parseVersion(wheel.version)
  if (!fileVersion) {
    found.spec({
      file: dist.path,
      rule: 'wheel-filename',
      message: `Invalid wheel filename (invalid version): ${pyRepr(dist.filename)}.`,
      hint: shapeHint
    })
  }
  for (const tag of wheel.pythonTags) {
    if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(tag)) continue
    found.spec({
      file: dist.path,
      rule: 'wheel-filename',
      message: `Invalid wheel filename (invalid tag component): ${pyRepr(dist.filename)}.`,
      hint: `The python tag ${pyRepr(tag)} is not an identifier (e.g. py3, cp312, py2.py3). ${shapeHint}`
    })
  }
  for (const platform of new Set(wheel.platformTags)) {
    const verdict = judgePlatformTag(platform)
    if (verdict.allowed && !verdict.hint) continue
    if (verdict.allowed) {
      found.warning({
        file: dist.path,
        rule: 'wheel-platform',
        message: `Binary wheel ${pyRepr(dist.filename)} has a platform tag PyPI may not support yet: ${pyRepr(platform)}.`,
        hint: verdict.hint
      })
    } else {
      found.policy({
        file: dist.path,
        rule: 'wheel-platform',
        message: `Binary wheel ${pyRepr(dist.filename)} has an unsupported platform tag ${pyRepr(platform)}.`,
        hint: verdict.hint
      })
    }
  }

  if (!nameOk) return
  if (normalizeName(wheel.distribution) !== normalizeName(name)) {
    found.spec({
      file: dist.path,
      rule: 'wheel-name',
      message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
      hint:
        `The filename names project '${wheel.distribution}' but its METADATA says '${name}'. ` +
        `The wheel was renamed or built from another project: rebuild it. ${shapeHint}`
    })
  } else if (wheel.distribution !== wheelNamePart(name)) {
    found.policy({
      file: dist.path,
      rule: 'wheel-name',
      message:
        `Filename ${pyRepr(dist.filename)} should contain the normalized project name ` +
        `${pyRepr(wheelNamePart(name))}, not ${pyRepr(wheel.distribution)}.`,
      hint:
        `Rebuild with a current build backend, which writes the normalized name` +
        (example ? ` ('${example.slice(0, example.indexOf('-'))}-…')` : '') +
        '. Renaming the file is not enough: PyPI reads the .dist-info folder the filename names.'
    })
  }
  if (fileVersion && versionOk && compareVersions(fileVersion, version) !== 0) {
    found.spec({
      file: dist.path,
      rule: 'wheel-version',
      message:
        `Version in filename should be ${pyRepr(normalizeVersion(version) ?? version)} not ` +
        `${pyRepr(normalizeVersion(wheel.version) ?? wheel.version)}.`,
      hint: `The filename says ${wheel.version} but METADATA says ${version}: the wheel was renamed or built from another version. Rebuild it.`
    })
  }
}

/**
 * PEP 625, as PyPI enforces it: an sdist is `{normalized name with _}-{canonical version}.tar.gz`,
 * nothing else. A name or version that differs in value (not just in spelling) means the file is
 * not what its PKG-INFO says, which is a spec error anywhere; a spelling difference is PyPI policy.
 */
function checkSdistFilename(dist: Distribution, found: Findings): void {
  const name = dist.name.trim()
  const version = dist.version.trim()
  if (!isValidProjectName(name) || !parseVersion(version)) return
  const expected = expectedSdistFilename(name, version)
  if (dist.filename === expected) return
  const invalid = `Filename ${pyRepr(dist.filename)} is invalid, should be ${pyRepr(expected)}.`

  if (dist.filename.endsWith('.zip')) {
    found.policy({
      file: dist.path,
      rule: 'sdist-format',
      message: invalid,
      hint:
        'PyPI accepts only .tar.gz sdists (PEP 625). Build the sdist with python -m build --sdist, ' +
        'which writes a .tar.gz, and leave the .zip out.'
    })
    return
  }

  const split = splitSdistFilename(dist.filename, name)
  if (!split) {
    found.spec({
      file: dist.path,
      rule: 'sdist-name',
      message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
      hint: `The filename does not name project '${name}' from its PKG-INFO: the sdist was renamed or built from another project. Rebuild it as '${expected}'.`
    })
    return
  }
  const fileVersion = parseVersion(split.version)
  if (fileVersion && compareVersions(fileVersion, version) !== 0) {
    found.spec({
      file: dist.path,
      rule: 'sdist-version',
      message: invalid,
      hint: `The filename says version ${split.version} but PKG-INFO says ${version}: the sdist was renamed or built from another version. Rebuild it.`
    })
    return
  }
  found.policy({
    file: dist.path,
    rule: 'sdist-filename',
    message: invalid,
    hint:
      `PyPI requires the normalized name and version in sdist filenames (PEP 625). Rebuild with a ` +
      `current build backend (python -m build), which writes '${expected}'.`
  })
}

/**
 * Splits an sdist filename where the part before a `-` names the project. Versions can hold a `-`
 * (`1.0-1` is a post-release), so every `-` is tried, as PyPI does for post-releases.
 */
function splitSdistFilename(filename: string, name: string): { version: string } | undefined {
  const stem = filename.endsWith('.tar.gz') ? filename.slice(0, -'.tar.gz'.length) : filename
  const wanted = normalizeName(name)
  for (let dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
    if (normalizeName(stem.slice(0, dash)) === wanted) return { version: stem.slice(dash + 1) }
  }
  return undefined
}
