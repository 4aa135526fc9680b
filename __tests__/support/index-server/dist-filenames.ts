/**
 * Distribution filenames as PyPI reads them: the wheel and sdist name grammars of
 * `packaging.utils` and the platform tags Warehouse accepts for binary wheels.
 */
import { normalizeName, parseVersion, type Version } from './pep440.js'
import { pyRepr } from './warehouse-texts.js'

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string }

export interface WheelFilename {
  /** The distribution part exactly as written (before the first `-`). */
  distribution: string
  /** The distribution part PEP 503-normalized. */
  name: string
  version: Version
  versionText: string
  platforms: string[]
}

/** `packaging.utils.parse_wheel_filename`, with its error texts. */
export function parseWheelFilename(filename: string): Parsed<WheelFilename> {
  if (!filename.endsWith('.whl')) {
    return fail(`Invalid wheel filename (extension must be '.whl'): ${pyRepr(filename)}`)
  }
  const stem = filename.slice(0, -4)
  const dashes = stem.split('-').length - 1
  if (dashes !== 4 && dashes !== 5) {
    return fail(`Invalid wheel filename (wrong number of parts): ${pyRepr(stem)}`)
  }
  const parts = stem.split('-')
  const distribution = parts[0]
  if (distribution.includes('__') || !/^[\p{L}\p{N}_.]+$/u.test(distribution)) {
    return fail(`Invalid project name: ${pyRepr(stem)}`)
  }
  const version = parseVersion(parts[1])
  if (!version) return fail(`Invalid wheel filename (invalid version): ${pyRepr(stem)}`)
  if (dashes === 5 && !/^\d/.test(parts[2])) {
    return fail(`Invalid build number: ${parts[2]} in ${pyRepr(stem)}`)
  }
  const tag = parts.slice(-3)
  for (const component of tag) {
    if (component.split('.').includes('')) {
      return fail(`Invalid wheel filename (invalid tag component): ${pyRepr(stem)}`)
    }
  }
  return {
    ok: true,
    value: {
      distribution,
      name: normalizeName(distribution),
      version,
      versionText: parts[1],
      platforms: tag[2].toLowerCase().split('.')
    }
  }
}

export interface SdistFilename {
  name: string
  version: Version
}

/** `packaging.utils.parse_sdist_filename`: the version is what follows the last `-`. */
export function parseSdistFilename(filename: string): SdistFilename | undefined {
  const extension = ['.tar.gz', '.zip'].find(ext => filename.endsWith(ext))
  if (!extension) return undefined
  const stem = filename.slice(0, -extension.length)
  const dash = stem.lastIndexOf('-')
  if (dash <= 0) return undefined
  const version = parseVersion(stem.slice(dash + 1))
  return version && { name: normalizeName(stem.slice(0, dash)), version }
}

// Warehouse's platform tag rules (warehouse/forklift/legacy.py `_valid_platform_tag`). Linux tags
// other than the two Raspberry Pi ones are refused: such wheels only run on the distro that built them.
const ALLOWED_PLATFORMS = new Set([
  'any',
  'win32',
  'win_arm64',
  'win_amd64',
  'win_ia64',
  'manylinux1_x86_64',
  'manylinux1_i686',
  'manylinux2010_x86_64',
  'manylinux2010_i686',
  'manylinux2014_x86_64',
  'manylinux2014_i686',
  'manylinux2014_aarch64',
  'manylinux2014_armv7l',
  'manylinux2014_ppc64',
  'manylinux2014_ppc64le',
  'manylinux2014_s390x',
  'linux_armv6l',
  'linux_armv7l'
])
const MACOS_ARCHES = new Set([
  'ppc',
  'ppc64',
  'i386',
  'x86_64',
  'arm64',
  'intel',
  'fat',
  'fat3',
  'fat64',
  'universal',
  'universal2'
])
const MACOS_MAJORS = new Set(['11', '12', '13', '14', '15', '26'])
const LINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64']
const MANYLINUX_ARCHES = new Set([...LINUX_ARCHES, 'ppc64'])
const MUSLLINUX_ARCHES = new Set(LINUX_ARCHES)
const IOS_ARCHES = new Set(['arm64', 'x86_64'])
const ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64'])

export function isAllowedPlatformTag(tag: string): boolean {
  if (ALLOWED_PLATFORMS.has(tag)) return true
  const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (mac && MACOS_ARCHES.has(mac[3])) {
    // macOS 10.x counts minors; from 11 on only `<major>_0` exists.
    if (mac[1] === '10' || (MACOS_MAJORS.has(mac[1]) && mac[2] === '0')) return true
  }
  const linux = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (linux) return (linux[1] === 'many' ? MANYLINUX_ARCHES : MUSLLINUX_ARCHES).has(linux[4])
  const ios = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(tag)
  if (ios && IOS_ARCHES.has(ios[3])) return true
  const android = /^android_(\d+)_(.*)$/.exec(tag)
  if (android && ANDROID_ARCHES.has(android[2])) return true
  return /^pyemscripten_\d+_\d+_wasm32/.test(tag)
}

function fail<T>(error: string): Parsed<T> {
  return { ok: false, error }
}
