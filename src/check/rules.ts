/**
 * The rules PyPI applies to an upload, run on every file before the first byte is sent, so a
 * release is never left half-published by a refusal on its fifth file. Every problem across every
 * file is collected; messages use PyPI's (Warehouse's) own words where it has them, and each
 * problem carries a hint with the fix.
 *
 * Two kinds of rule:
 * - spec rules: the file is malformed by the packaging specs (an invalid version, a wheel whose
 *   filename disagrees with its METADATA). Every index and installer suffers; always errors.
 * - PyPI policies: PyPI's own choices (no local versions, allowed platform tags, PEP 625 sdist
 *   names, known classifiers, accepted Metadata-Versions, the size limit). Self-hosted indexes
 *   may accept such files on purpose, so `pypiRules` says whether they are errors, warnings or off.
 */
import type { Distribution, Problem } from '../dists/distribution.js'
import { fieldsNewerThanDeclared, getAll } from '../inspect/metadata.js'
import {
  expectedSdistFilename,
  expectedWheelPrefix,
  isValidProjectName,
  normalizeName,
  parseWheelFilename,
  wheelNamePart
} from '../dists/filename.js'
import {
  compareVersions,
  formatVersion,
  normalizeVersion,
  parseVersion,
  publicVersion
} from '../dists/version.js'
import { pypiTarget } from '../shared/pypi-hosts.js'

export type PypiRules = 'enforce' | 'warn' | 'off'

export interface CheckOptions {
  /**
   * How PyPI's own policies count: `enforce` (errors; for pypi.org and test.pypi.org), `warn`
   * (warnings; any other index, see `pypiRulesFor`), `off` (not reported). Default `enforce`.
   */
  pypiRules?: PypiRules
  /** A file larger than this gets a warning. Default: PyPI's default limit, 100 MiB. */
  fileSizeLimit?: number
}

/** Errors stop the run before any upload; warnings are shown and the run goes on. */
export interface CheckResult {
  errors: Problem[]
  warnings: Problem[]
}

const ONE_MIB = 1024 * 1024
/** PyPI's default per-file limit (Warehouse `MAX_FILESIZE`), raised per project on request. */
export const PYPI_DEFAULT_FILE_SIZE_LIMIT = 100 * ONE_MIB

const SIZE_LIMIT_DOCS =
  'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'

/** Warehouse's SUPPORTED_METADATA_VERSIONS. */
const ACCEPTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']

/** Warehouse `_LENGTH_LIMITS`. */
const SUMMARY_MAX_LENGTH = 512

/** Checks every distribution and returns every problem found, split by severity. */
export function checkDistributions(
  dists: readonly Distribution[],
  options: CheckOptions = {}
): CheckResult {
  const found = new Findings(options.pypiRules ?? 'enforce')
  const sizeLimit = options.fileSizeLimit ?? PYPI_DEFAULT_FILE_SIZE_LIMIT
  for (const dist of dists) {
    checkMetadataVersion(dist, found)
    checkName(dist, found)
    checkVersion(dist, found)
    checkFieldsNewerThanDeclared(dist, found)
    checkLicense(dist, found)
    checkClassifiers(dist, found)
    checkSummary(dist, found)
    checkDynamic(dist, found)
    if (dist.kind === 'wheel') checkWheelFilename(dist, found)
    else checkSdistFilename(dist, found)
    checkSize(dist, sizeLimit, found)
    // PyPI's rules about the archive itself (archive-rules.ts), found while reading it.
    for (const problem of dist.archiveProblems ?? []) found.policy(problem)
  }
  checkOneSdistPerRelease(dists, found)
  return { errors: found.errors, warnings: found.warnings }
}

/**
 * How PyPI's policies count for an upload to `repositoryUrl`: errors for PyPI and TestPyPI, which
 * refuse such files; warnings for any other index, which decides for itself (a private index may
 * take local versions or `linux_*` wheels on purpose) while the user still hears that PyPI would not.
 */
export function pypiRulesFor(repositoryUrl: string): PypiRules {
  return pypiTarget(repositoryUrl) ? 'enforce' : 'warn'
}

/** Said with a PyPI policy reported as a warning: why it does not stop the run. */
const NOT_PYPI_NOTE = 'PyPI and TestPyPI refuse this; other indexes decide for themselves. '

/** Sorts problems by rule kind and the `pypiRules` option. */
class Findings {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []
  constructor(private readonly pypiRules: PypiRules) {}

  /** The file breaks a packaging spec: an error on any index. */
  spec(problem: Problem): void {
    this.errors.push(problem)
  }

  /** PyPI refuses this upload; other indexes may not. */
  policy(problem: Problem): void {
    if (this.pypiRules === 'enforce') this.errors.push(problem)
    else if (this.pypiRules === 'warn')
      this.warnings.push({ ...problem, hint: NOT_PYPI_NOTE + (problem.hint ?? '') })
  }

  /** Worth knowing, never a refusal. */
  warning(problem: Problem): void {
    this.warnings.push(problem)
  }

  /** Worth knowing when publishing to PyPI. */
  policyWarning(problem: Problem): void {
    if (this.pypiRules !== 'off') this.warnings.push(problem)
  }
}

/** Python's `repr()` of a string, so messages quote values exactly as PyPI's do. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let body = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '\\' || ch === quote) body += `\\${ch}`
    else if (ch === '\n') body += '\\n'
    else if (ch === '\r') body += '\\r'
    else if (ch === '\t') body += '\\t'
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`
    else body += ch
  }
  return quote + body + quote
}

/** Every value of a header, by case-insensitive name (`Home-Page`, `Author-Email` occur). */
function headerValues(dist: Distribution, header: string): string[] {
  return getAll(dist.metadata, header)
}

/** PyPI deletes "UNKNOWN" values (Warehouse `sanitize`) and treats empty ones as absent. */
function presentValues(dist: Distribution, header: string): string[] {
  return headerValues(dist, header).filter(v => v.trim() !== '' && v.trim() !== 'UNKNOWN')
}

function hasValidMetadataVersion(dist: Distribution): boolean {
  return ACCEPTED_METADATA_VERSIONS.includes(dist.metadataVersion.trim())
}

function checkMetadataVersion(dist: Distribution, found: Findings): void {
  const declared = dist.metadataVersion.trim()
  if (declared === '') {
    found.spec({
      file: dist.path,
      rule: 'metadata-version',
      message: "'metadata-version' is a required field.",
      hint: 'The METADATA/PKG-INFO has no Metadata-Version header. Rebuild with a standard build backend (python -m build).'
    })
    return
  }
  if (hasValidMetadataVersion(dist)) return
  const accepted = 'PyPI accepts Metadata-Version 1.0, 1.1, 1.2 and 2.1 to 2.5.'
  let hint: string
  if (declared === '2.0') {
    hint =
      `Metadata-Version 2.0 was a draft (PEP 426) that was never accepted; old wheel/bdist_wheel ` +
      `releases wrote it. Rebuild with a current backend (python -m build with an up-to-date ` +
      `setuptools and wheel, hatchling, flit-core, pdm-backend, poetry-core or maturin), which ` +
      `writes 2.1 or later. ${accepted}`
  } else if (isNewerThanAccepted(declared)) {
    hint =
      `${accepted} This file declares a newer one: pin the build backend to a release that ` +
      `writes 2.5 or older until PyPI supports Metadata-Version ${declared}.`
  } else {
    hint = `${accepted} Rebuild with a standard build backend (python -m build).`
  }
  found.policy({
    file: dist.path,
    rule: 'metadata-version',
    message: `${pyRepr(declared)} is not a valid metadata version.`,
    hint
  })
}

function isNewerThanAccepted(declared: string): boolean {
  const m = /^(\d+)\.(\d+)$/.exec(declared)
  if (!m) return false
  const [major, minor] = [Number(m[1]), Number(m[2])]
  return major > 2 || (major === 2 && minor > 5)
}

function checkName(dist: Distribution, found: Findings): void {
  const name = dist.name.trim()
  if (name === '') {
    found.spec({
      file: dist.path,
      rule: 'name',
      message: "'name' is a required field.",
      hint: 'The METADATA/PKG-INFO has no Name header. Set [project] name in pyproject.toml and rebuild.'
    })
  } else if (!isValidProjectName(name)) {
    found.spec({
      file: dist.path,
      rule: 'name',
      message: `${pyRepr(name)} is invalid for 'name'.`,
      hint:
        'A project name must start and end with an ASCII letter or digit and contain only ' +
        "ASCII letters, digits, '.', '_' and '-' (PEP 508). Fix [project] name and rebuild."
    })
  }
}

function checkVersion(dist: Distribution, found: Findings): void {
  const version = dist.version.trim()
  if (version === '') {
    found.spec({
      file: dist.path,
      rule: 'version',
      message: "'version' is a required field.",
      hint: 'The METADATA/PKG-INFO has no Version header. Set [project] version (or a dynamic version source) and rebuild.'
    })
    return
  }
  const parsed = parseVersion(version)
  if (!parsed) {
    found.spec({
      file: dist.path,
      rule: 'version',
      message: `${pyRepr(version)} is invalid for 'version'.`,
      hint:
        'Use a PEP 440 version, e.g. 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4 or 2!1.0 ' +
        '(https://packaging.python.org/en/latest/specifications/version-specifiers/).'
    })
    return
  }
  if (parsed.local) {
    const canonical = normalizeVersion(version) ?? version
    const local = canonical.slice(canonical.indexOf('+'))
    found.policy({
      file: dist.path,
      rule: 'local-version',
      message: `The use of local versions in ${pyRepr(canonical)} is not allowed.`,
      hint:
        `Remove the local version segment '${local}' (PyPI refuses local versions); build with a ` +
        `release version such as '${publicVersion(version)}'. setuptools-scm and hatch-vcs add ` +
        `'+g<hash>' or '+d<date>' when the checkout is not exactly at a tag or has changes: build ` +
        `from a clean, tagged commit (actions/checkout with fetch-depth: 0), or set ` +
        `local_scheme = "no-local-version".`
    })
  }
}

/**
 * Fields newer than the declared Metadata-Version.
 *
 * PyPI refuses them ("license-expression introduced in metadata version 2.4, not 2.3"), and so does
 * twine ≥ 6 before uploading, except License-File: setuptools wrote License-File under
 * Metadata-Version 2.1/2.2 for years, so twine drops it silently rather than refuse those files.
 * Our form builder leaves every too-new field out, so PyPI would not see them — but silently
 * publishing a release without its License-Expression, Dynamic or Import-Name is worse than
 * stopping, so those stay errors (as in twine). License-File is a warning: it is what twine drops
 * too, and the file is otherwise fine. Only checked under an accepted Metadata-Version; any other
 * is reported by itself.
 */
function checkFieldsNewerThanDeclared(dist: Distribution, found: Findings): void {
  if (!hasValidMetadataVersion(dist)) return
  const declared = dist.metadataVersion.trim()
  const reported = new Set<string>()
  for (const { name, since } of fieldsNewerThanDeclared(dist.metadata)) {
    const field = name.toLowerCase()
    if (reported.has(field)) continue
    reported.add(field)
    const message = `${field} introduced in metadata version ${since}, not ${declared}.`
    if (field === 'license-file') {
      found.warning({
        file: dist.path,
        rule: 'field-too-new',
        message: `${message} License-File is not sent (as twine does), so PyPI will not list the license files.`,
        hint:
          'Declare Metadata-Version 2.4 or drop License-File: upgrade the build backend ' +
          '(setuptools ≥ 77 writes 2.4 with License-File), or remove license_files from its configuration.'
      })
    } else {
      found.spec({
        file: dist.path,
        rule: 'field-too-new',
        message,
        hint:
          `${fieldLabel(name)} needs Metadata-Version ${since} or later. Upgrade the build backend ` +
          `so it declares the version its fields need, then rebuild.`
      })
    }
  }
}

/** A header name in its spec spelling for hints (`license-expression` → `License-Expression`). */
function fieldLabel(name: string): string {
  return name
    .toLowerCase()
    .split('-')
    .map(w => (w === 'url' ? 'URL' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('-')
}

function checkLicense(dist: Distribution, found: Findings): void {
  if (presentValues(dist, 'License').length === 0) return
  if (presentValues(dist, 'License-Expression').length === 0) return
  found.policy({
    file: dist.path,
    rule: 'license',
    message:
      'License is deprecated when License-Expression is present. Only License-Expression should be present.',
    hint:
      'Keep the SPDX expression (pyproject.toml: license = "MIT", license-files = [...]) and remove ' +
      'the free-text license (license = { text = ... } or { file = ... }, setup.py license=...), then rebuild.'
  })
}

/** The top-level categories of the trove classifier list (pypi.org/classifiers). */
const CLASSIFIER_CATEGORIES = new Set([
  'Development Status',
  'Environment',
  'Framework',
  'Intended Audience',
  'License',
  'Natural Language',
  'Operating System',
  'Programming Language',
  'Topic',
  'Typing'
])

/**
 * PyPI accepts only classifiers from its list. Without the list at hand (it changes monthly), this
 * checks the shape: `Category :: Value[ :: …]`, single spaces around `::`, a known category.
 * `Private :: …` is refused by PyPI on purpose, to keep private projects off it.
 */
function checkClassifiers(dist: Distribution, found: Findings): void {
  for (const classifier of new Set(presentValues(dist, 'Classifier'))) {
    const parts = classifier.split(' :: ')
    const message = `${pyRepr(classifier)} is not a valid classifier.`
    if (parts[0] === 'Private') {
      found.policy({
        file: dist.path,
        rule: 'classifier',
        message,
        hint:
          "PyPI always refuses classifiers beginning with 'Private ::': they mark projects that must " +
          'never be uploaded there. Remove it if this project is meant to be public, or publish to ' +
          'your private index instead.'
      })
      continue
    }
    const wellFormed =
      parts.length >= 2 && parts.every(p => p !== '' && p === p.trim() && !p.includes('::'))
    if (wellFormed && CLASSIFIER_CATEGORIES.has(parts[0])) continue
    found.policy({
      file: dist.path,
      rule: 'classifier',
      message,
      hint: wellFormed
        ? `'${parts[0]}' is not a classifier category. Use classifiers exactly as listed at https://pypi.org/classifiers/.`
        : "A classifier is 'Category :: Value', parts separated by ' :: ' exactly as listed at https://pypi.org/classifiers/."
    })
  }
}

/**
 * What `str.splitlines` breaks at, by name. packaging refuses a summary holding any of them
 * (`'summary' must be a single line`; ≥ 26.3, before that "\n" only): twine ≥ 6 before sending,
 * PyPI on the form. Python's email parser ends lines at CR/LF only, so the others reach the value.
 */
const LINE_BOUNDARY_NAMES: Record<string, string> = {
  '\n': 'a line feed',
  '\r': 'a carriage return',
  '\v': 'a vertical tab (U+000B)',
  '\f': 'a form feed (U+000C)',
  '\x1c': 'a file separator (U+001C)',
  '\x1d': 'a group separator (U+001D)',
  '\x1e': 'a record separator (U+001E)',
  '\x85': 'a next-line character (U+0085)',
  '\u2028': 'a line separator (U+2028)',
  '\u2029': 'a paragraph separator (U+2029)'
}

/** Any of them (the control characters make a regex literal unreadable). */
const LINE_BOUNDARY = new RegExp(`[${Object.keys(LINE_BOUNDARY_NAMES).join('')}]`)

function checkSummary(dist: Distribution, found: Findings): void {
  const summary = presentValues(dist, 'Summary')[0]
  if (summary === undefined) return
  const boundary = LINE_BOUNDARY.exec(summary)
  if (boundary) {
    // A spec rule (the summary is "a one-line summary"): twine refuses it for any index.
    found.spec({
      file: dist.path,
      rule: 'summary',
      message: "'summary' must be a single line.",
      hint:
        `The summary holds ${LINE_BOUNDARY_NAMES[boundary[0]]} after ${pyRepr(summary.slice(0, boundary.index))}, which Python reads as a line break. ` +
        'Make the summary (pyproject.toml [project] description) one line without it and rebuild.'
    })
  }
  if ([...summary].length <= SUMMARY_MAX_LENGTH) return
  found.policy({
    file: dist.path,
    rule: 'summary',
    message: `'summary' field must be ${SUMMARY_MAX_LENGTH} characters or less.`,
    hint: `The summary (pyproject.toml [project] description) has ${[...summary].length} characters; shorten it to one line of at most ${SUMMARY_MAX_LENGTH} and put the rest in the README.`
  })
}

/** Fields PyPI accepts in `Dynamic` (Warehouse DYNAMIC_FIELDS), lowercase. */
const DYNAMIC_FIELDS = new Set(
  [
    'Platform',
    'Supported-Platform',
    'Summary',
    'Description',
    'Description-Content-Type',
    'Keywords',
    'Home-Page',
    'Download-Url',
    'Author',
    'Author-Email',
    'Maintainer',
    'Maintainer-Email',
    'License',
    'License-Expression',
    'License-File',
    'Classifier',
    'Requires-Dist',
    'Requires-Python',
    'Requires-External',
    'Project-Url',
    'Provides-Extra',
    'Provides-Dist',
    'Obsoletes-Dist',
    'Requires',
    'Provides',
    'Obsoletes',
    'Import-Name',
    'Import-Namespace'
  ].map(f => f.toLowerCase())
)

function checkDynamic(dist: Distribution, found: Findings): void {
  for (const value of presentValues(dist, 'Dynamic')) {
    const field = value.trim().toLowerCase()
    if (DYNAMIC_FIELDS.has(field)) continue
    const never = ['name', 'version', 'metadata-version'].includes(field)
    found.spec({
      file: dist.path,
      rule: 'dynamic',
      message: never
        ? `${pyRepr(field)} is not allowed as a dynamic field.`
        : `Dynamic field ${pyRepr(field)} is not a valid dynamic field.`,
      hint: never
        ? 'Name and Version are fixed in an sdist (PEP 643); rebuild with a backend that does not mark them Dynamic.'
        : 'Dynamic may only name core metadata fields (PEP 643); rebuild with a current build backend.'
    })
  }
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
      found.policyWarning({
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

function checkSize(dist: Distribution, limit: number, found: Findings): void {
  if (dist.size <= limit) return
  const mib = (n: number): string => `${(n / ONE_MIB).toFixed(1)} MiB`
  // PyPI counts in MiB and calls them MB ("Limit for project 'x' is 100 MB").
  const over =
    limit === PYPI_DEFAULT_FILE_SIZE_LIMIT
      ? "over PyPI's default limit of 100 MB per file"
      : `over the limit of ${Math.floor(limit / ONE_MIB)} MB set for this check`
  found.policyWarning({
    file: dist.path,
    rule: 'file-size',
    message: `${dist.filename} is ${mib(dist.size)}, ${over}.`,
    hint:
      "PyPI refuses it with 'File too large' unless this project's limit has been raised. " +
      `If it has not, request an increase: ${SIZE_LIMIT_DOCS} (or make the file smaller: ` +
      'leave test data and debug symbols out).'
  })
}

/**
 * PyPI: "Only one sdist may be uploaded per release." A release is found by its canonical version,
 * trailing zeros stripped (packaging's `canonicalize_version`), so 1.0 and 1.0.0 are one release.
 */
function checkOneSdistPerRelease(dists: readonly Distribution[], found: Findings): void {
  const first = new Map<string, Distribution>()
  for (const dist of dists) {
    if (dist.kind !== 'sdist') continue
    const parsed = parseVersion(dist.version.trim())
    if (!parsed || !isValidProjectName(dist.name.trim())) continue
    const release = parsed.release.slice()
    while (release.length > 1 && release[release.length - 1] === 0n) release.pop()
    const version = formatVersion({ ...parsed, release })
    const key = `${normalizeName(dist.name.trim())} ${version}`
    const earlier = first.get(key)
    if (!earlier) {
      first.set(key, dist)
      continue
    }
    found.policy({
      file: dist.path,
      rule: 'one-sdist',
      message: 'Only one sdist may be uploaded per release.',
      hint: `${earlier.filename} is already an sdist of ${dist.name} ${version}; publish only one of them.`
    })
  }
}
