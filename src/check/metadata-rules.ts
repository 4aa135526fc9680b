/**
 * The rules on a distribution's core metadata (METADATA / PKG-INFO): Metadata-Version, Name,
 * Version, fields newer than the declared version, License, classifiers, Summary and Dynamic.
 */
import type { Distribution } from '../dists/distribution.js'
import { isValidProjectName } from '../dists/filename.js'
import { normalizeVersion, parseVersion, publicVersion } from '../dists/version.js'
import { fieldsNewerThanDeclared, getAll, knownFields } from '../inspect/metadata.js'
import type { Findings } from './findings.js'
import { pyRepr } from './py-repr.js'

/** Warehouse's SUPPORTED_METADATA_VERSIONS. */
const ACCEPTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']

/** Warehouse `_LENGTH_LIMITS`. */
const SUMMARY_MAX_LENGTH = 512

/** Checks the metadata of one distribution. */
export function checkMetadata(dist: Distribution, found: Findings): void {
  checkMetadataVersion(dist, found)
  checkName(dist, found)
  checkVersion(dist, found)
  checkFieldsNewerThanDeclared(dist, found)
  checkLicense(dist, found)
  checkClassifiers(dist, found)
  checkSummary(dist, found)
  checkDynamic(dist, found)
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

/**
 * Fields that can never be dynamic: Name and Version (PEP 643, and they get a message of their
 * own), Metadata-Version, and `Dynamic` itself.
 */
const NEVER_DYNAMIC = ['metadata-version', 'name', 'version', 'dynamic']

/**
 * Fields PyPI accepts in `Dynamic` (Warehouse DYNAMIC_FIELDS), lowercase: every core metadata
 * field the spec knows (metadata.ts) but those.
 */
const DYNAMIC_FIELDS = new Set(knownFields().filter(field => !NEVER_DYNAMIC.includes(field)))

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
