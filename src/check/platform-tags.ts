/** Which wheel platform tags PyPI accepts (Warehouse's list), and why a refused one is refused. */

interface PlatformVerdict {
  allowed: boolean
  /** Why not, and the fix; for an allowed tag, a caveat worth a warning. */
  hint?: string
}

/** Warehouse `_allowed_platforms`: tags accepted as they are. */
const STATIC_PLATFORMS = new Set([
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
  // Accepted for Raspberry Pi wheels (piwheels); every other linux_* tag is refused.
  'linux_armv6l',
  'linux_armv7l'
])

const MACOSX_ARCHES = new Set([
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
/** macOS 11 and later, as PyPI lists them (Apple went from 15 to 26). */
const MACOSX_MAJORS = new Set([11, 12, 13, 14, 15, 26])
const MACOSX_LATEST_MAJOR = 26
const JOINT_LINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64']
const MANYLINUX_ARCHES = new Set([...JOINT_LINUX_ARCHES, 'ppc64'])
const MUSLLINUX_ARCHES = new Set(JOINT_LINUX_ARCHES)
const IOS_ARCHES = new Set(['arm64', 'x86_64'])
const ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64'])

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
  if (STATIC_PLATFORMS.has(tag)) return { allowed: true }

  const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (mac) {
    const [major, minor, arch] = [Number(mac[1]), mac[2], mac[3]]
    if (!MACOSX_ARCHES.has(arch)) {
      return {
        allowed: false,
        hint: `'${arch}' is not a macOS architecture PyPI knows (${[...MACOSX_ARCHES].join(', ')}).`
      }
    }
    if (major === 10) return { allowed: true }
    const fixed = `macosx_${major}_0_${arch}`
    if (MACOSX_MAJORS.has(major)) {
      return minor === '0'
        ? { allowed: true }
        : {
            allowed: false,
            hint: `From macOS 11 on, the tag names the major version only: use '${fixed}' (set MACOSX_DEPLOYMENT_TARGET=${major}.0, or let delocate/cibuildwheel tag it).`
          }
    }
    if (major > MACOSX_LATEST_MAJOR && minor === '0') {
      return {
        allowed: true,
        hint: `PyPI listed macOS majors up to ${MACOSX_LATEST_MAJOR} when this action was written; if PyPI refuses '${tag}', it does not support macOS ${major} yet.`
      }
    }
    return {
      allowed: false,
      hint: `macOS ${major} is not a macOS release PyPI knows. ${ACCEPTED_FAMILIES}`
    }
  }

  const linux = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(tag)
  if (linux) {
    const arches = linux[1] === 'many' ? MANYLINUX_ARCHES : MUSLLINUX_ARCHES
    if (arches.has(linux[4])) return { allowed: true }
    return {
      allowed: false,
      hint: `'${linux[4]}' is not an architecture PyPI accepts for ${linux[1]}linux (${[...arches].join(', ')}).`
    }
  }

  const ios = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(tag)
  if (ios && IOS_ARCHES.has(ios[3])) return { allowed: true }
  const android = /^android_(\d+)_(.*)$/.exec(tag)
  if (android && ANDROID_ARCHES.has(android[2])) return { allowed: true }
  if (/^pyemscripten_(\d+)_(\d+)_wasm32$/.test(tag)) return { allowed: true }

  if (tag.startsWith('linux_')) {
    return {
      allowed: false,
      hint:
        `A '${tag}' wheel only promises to run on the machine that built it, so PyPI refuses it. ` +
        'Repair it with auditwheel (auditwheel repair dist/*.whl -w wheelhouse/), which bundles the ' +
        'shared libraries it needs and retags it manylinux_X_Y, or build with cibuildwheel, which ' +
        'does this for you. A wheel without compiled code should be tagged py3-none-any.'
    }
  }
  return { allowed: false, hint: ACCEPTED_FAMILIES }
}
