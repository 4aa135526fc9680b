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
import { pyRepr, type Findings } from './findings.js'

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
    found.spec(dist.path, {
      rule: 'wheel-filename',
      message: `Invalid wheel filename: ${pyRepr(dist.filename)}.`,
      hint: shapeHint
    })
    return
  }
  const file = pyRepr(dist.filename)
  const malformed: Array<[boolean, string, string?]> = [
    // packaging's rule for the name part: word characters and '.', no '__'.
    [
      wheel.distribution.includes('__') || !/^[\p{L}\p{N}\p{M}_.]+$/u.test(wheel.distribution),
      `Invalid project name: ${file}.`
    ],
    [!parseVersion(wheel.version), `Invalid wheel filename (invalid version): ${file}.`],
    ...wheel.pythonTags.map((tag): [boolean, string, string] => [
      !/^[\p{L}_][\p{L}\p{N}_]*$/u.test(tag),
      `Invalid wheel filename (invalid tag component): ${file}.`,
      `The python tag ${pyRepr(tag)} is not an identifier (e.g. py3, cp312, py2.py3). ${shapeHint}`
    ])
  ]
  for (const [bad, message, hint = shapeHint] of malformed) {
    if (bad) found.spec(dist.path, { rule: 'wheel-filename', message, hint })
  }
  for (const platform of new Set(wheel.platformTags)) {
    const { allowed, hint } = judgePlatformTag(platform)
    if (allowed && !hint) continue
    found[allowed ? 'warning' : 'policy'](dist.path, {
      rule: 'wheel-platform',
      message: allowed
        ? `Binary wheel ${file} has a platform tag PyPI may not support yet: ${pyRepr(platform)}.`
        : `Binary wheel ${file} has an unsupported platform tag ${pyRepr(platform)}.`,
      hint
    })
  }

  if (!nameOk) return
  if (normalizeName(wheel.distribution) !== normalizeName(name)) {
    found.spec(dist.path, {
      rule: 'wheel-name',
      message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
      hint:
        `The filename names project '${wheel.distribution}' but its METADATA says '${name}'. ` +
        `The wheel was renamed or built from another project: rebuild it. ${shapeHint}`
    })
  } else if (wheel.distribution !== wheelNamePart(name)) {
    found.policy(dist.path, {
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
  const fileVersion = parseVersion(wheel.version)
  if (fileVersion && versionOk && compareVersions(fileVersion, version) !== 0) {
    found.spec(dist.path, {
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

  const fileVersion = sdistFileVersion(dist.filename, name)
  const parsed = fileVersion === undefined ? undefined : parseVersion(fileVersion)
  if (dist.filename.endsWith('.zip')) {
    found.policy(dist.path, {
      rule: 'sdist-format',
      message: invalid,
      hint:
        'PyPI accepts only .tar.gz sdists (PEP 625). Build the sdist with python -m build --sdist, ' +
        'which writes a .tar.gz, and leave the .zip out.'
    })
  } else if (fileVersion === undefined) {
    found.spec(dist.path, {
      rule: 'sdist-name',
      message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
      hint: `The filename does not name project '${name}' from its PKG-INFO: the sdist was renamed or built from another project. Rebuild it as '${expected}'.`
    })
  } else if (parsed && compareVersions(parsed, version) !== 0) {
    found.spec(dist.path, {
      rule: 'sdist-version',
      message: invalid,
      hint: `The filename says version ${fileVersion} but PKG-INFO says ${version}: the sdist was renamed or built from another version. Rebuild it.`
    })
  } else {
    found.policy(dist.path, {
      rule: 'sdist-filename',
      message: invalid,
      hint:
        `PyPI requires the normalized name and version in sdist filenames (PEP 625). Rebuild with a ` +
        `current build backend (python -m build), which writes '${expected}'.`
    })
  }
}

/** What follows the project's name; every `-` is tried, as PyPI does (`1.0-1` is a post-release). */
function sdistFileVersion(filename: string, name: string): string | undefined {
  const stem = filename.endsWith('.tar.gz') ? filename.slice(0, -'.tar.gz'.length) : filename
  const wanted = normalizeName(name)
  for (let dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
    if (normalizeName(stem.slice(0, dash)) === wanted) return stem.slice(dash + 1)
  }
  return undefined
}

interface PlatformVerdict {
  allowed: boolean
  /** Why not, and the fix; for an allowed tag, a caveat worth a warning. */
  hint?: string
}

const words = (text: string): Set<string> => new Set(text.split(' '))
/** Warehouse `_allowed_platforms`; of linux_*, only the Raspberry Pi tags (piwheels). */
const STATIC_PLATFORMS = words(
  'any win32 win_arm64 win_amd64 win_ia64 manylinux1_x86_64 manylinux1_i686 manylinux2010_x86_64 ' +
    'manylinux2010_i686 manylinux2014_x86_64 manylinux2014_i686 manylinux2014_aarch64 ' +
    'manylinux2014_armv7l manylinux2014_ppc64 manylinux2014_ppc64le manylinux2014_s390x ' +
    'linux_armv6l linux_armv7l'
)
const MACOSX_ARCHES = words('ppc ppc64 i386 x86_64 arm64 intel fat fat3 fat64 universal universal2')
/** macOS 11 and later, as PyPI lists them (Apple went from 15 to 26). */
const MACOSX_MAJORS = new Set([11, 12, 13, 14, 15, 26])
const MACOSX_LATEST_MAJOR = 26
const JOINT_LINUX_ARCHES = 'x86_64 i686 aarch64 armv7l ppc64le s390x riscv64'
const LINUX_ARCHES = { many: words(`${JOINT_LINUX_ARCHES} ppc64`), musl: words(JOINT_LINUX_ARCHES) }
const IOS_ARCHES = words('arm64 x86_64')
const ANDROID_ARCHES = words('armeabi_v7a arm64_v8a x86 x86_64')

const ACCEPTED_FAMILIES =
  'PyPI accepts any, win32, win_amd64, win_arm64, win_ia64, manylinux1/2010/2014_<arch>, ' +
  'manylinux_X_Y_<arch>, musllinux_X_Y_<arch>, macosx_10_Y_<arch>, macosx_<11+>_0_<arch>, ' +
  'ios_X_Y_<arch>_iphoneos/iphonesimulator, android_<api>_<arch> and pyemscripten_X_Y_wasm32.'

/**
 * Warehouse's `_valid_platform_tag`, with the reason when a tag is refused. One deliberate
 * difference: a macOS major newer than PyPI's list is allowed with a warning, since PyPI adds
 * each macOS release to its list and refusing here would block uploads PyPI would take.
 */
export function judgePlatformTag(tag: string): PlatformVerdict {
  const refuse = (hint: string): PlatformVerdict => ({ allowed: false, hint })
  if (STATIC_PLATFORMS.has(tag)) return { allowed: true }

  const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (mac) {
    const [major, minor, arch] = [Number(mac[1]), mac[2], mac[3]]
    if (!MACOSX_ARCHES.has(arch)) {
      return refuse(
        `'${arch}' is not a macOS architecture PyPI knows (${[...MACOSX_ARCHES].join(', ')}).`
      )
    }
    if (major === 10 || (MACOSX_MAJORS.has(major) && minor === '0')) return { allowed: true }
    if (MACOSX_MAJORS.has(major)) {
      return refuse(
        `From macOS 11 on, the tag names the major version only: use 'macosx_${major}_0_${arch}' (set MACOSX_DEPLOYMENT_TARGET=${major}.0, or let delocate/cibuildwheel tag it).`
      )
    }
    if (major > MACOSX_LATEST_MAJOR && minor === '0') {
      return {
        allowed: true,
        hint: `PyPI listed macOS majors up to ${MACOSX_LATEST_MAJOR} when this action was written; if PyPI refuses '${tag}', it does not support macOS ${major} yet.`
      }
    }
    return refuse(`macOS ${major} is not a macOS release PyPI knows. ${ACCEPTED_FAMILIES}`)
  }

  const linux = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (linux) {
    const arches = LINUX_ARCHES[linux[1] as 'many' | 'musl']
    if (arches.has(linux[4])) return { allowed: true }
    return refuse(
      `'${linux[4]}' is not an architecture PyPI accepts for ${linux[1]}linux (${[...arches].join(', ')}).`
    )
  }

  const ios = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(tag)
  if (ios && IOS_ARCHES.has(ios[3])) return { allowed: true }
  const android = /^android_(\d+)_(.*)$/.exec(tag)
  if (android && ANDROID_ARCHES.has(android[2])) return { allowed: true }
  if (/^pyemscripten_(\d+)_(\d+)_wasm32$/.test(tag)) return { allowed: true }

  if (!tag.startsWith('linux_')) return refuse(ACCEPTED_FAMILIES)
  return refuse(
    `A '${tag}' wheel only promises to run on the machine that built it, so PyPI refuses it. ` +
      'Repair it with auditwheel (auditwheel repair dist/*.whl -w wheelhouse/), which bundles the ' +
      'shared libraries it needs and retags it manylinux_X_Y, or build with cibuildwheel, which ' +
      'does this for you. A wheel without compiled code should be tagged py3-none-any.'
  )
}
