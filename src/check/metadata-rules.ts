/**
 * The rules on a distribution's core metadata (METADATA / PKG-INFO): Metadata-Version, Name,
 * Version, fields newer than the declared version, License, classifiers, Summary and Dynamic.
 */
import type { Distribution } from '../dists/distribution.js'
import { isValidProjectName } from '../dists/filename.js'
import { normalizeVersion, parseVersion, publicVersion } from '../dists/version.js'
import { fieldsNewerThanDeclared, getAll, knownFields } from '../inspect/metadata.js'
import { pyRepr, type Findings } from './findings.js'

/** Warehouse's SUPPORTED_METADATA_VERSIONS. */
const ACCEPTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']

/** Warehouse `_LENGTH_LIMITS`. */
const SUMMARY_MAX_LENGTH = 512

export function checkMetadata(dist: Distribution, found: Findings): void {
  checkMetadataVersion(dist, found)
  checkNameAndVersion(dist, found)
  checkFieldsNewerThanDeclared(dist, found)
  checkLicense(dist, found)
  checkClassifiers(dist, found)
  checkSummary(dist, found)
  checkDynamic(dist, found)
}

/** PyPI deletes "UNKNOWN" values (Warehouse `sanitize`) and treats empty ones as absent. */
function presentValues(dist: Distribution, header: string): string[] {
  return getAll(dist.metadata, header).filter(v => v.trim() !== '' && v.trim() !== 'UNKNOWN')
}

/** A header name in its spec spelling (`license-expression` → `License-Expression`). */
function fieldLabel(field: string): string {
  return field
    .split('-')
    .map(w => (w === 'url' ? 'URL' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('-')
}

/** Name and Version: present (a required field) and valid, in PyPI's words. */
const IDENTITY = [
  {
    field: 'name',
    valid: isValidProjectName,
    fix: 'Set [project] name in pyproject.toml and rebuild.',
    invalid:
      'A project name must start and end with an ASCII letter or digit and contain only ' +
      "ASCII letters, digits, '.', '_' and '-' (PEP 508). Fix [project] name and rebuild."
  },
  {
    field: 'version',
    valid: (version: string) => parseVersion(version) !== undefined,
    fix: 'Set [project] version (or a dynamic version source) and rebuild.',
    invalid:
      'Use a PEP 440 version, e.g. 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4 or 2!1.0 ' +
      '(https://packaging.python.org/en/latest/specifications/version-specifiers/).'
  }
] as const

type Required = 'metadata-version' | 'name' | 'version'

function required(dist: Distribution, found: Findings, field: Required, fix: string): void {
  found.spec(dist.path, {
    rule: field,
    message: `'${field}' is a required field.`,
    hint: `The METADATA/PKG-INFO has no ${fieldLabel(field)} header. ${fix}`
  })
}

function checkMetadataVersion(dist: Distribution, found: Findings): void {
  const declared = dist.metadataVersion.trim()
  const rebuild = 'Rebuild with a standard build backend (python -m build).'
  if (declared === '') return required(dist, found, 'metadata-version', rebuild)
  if (ACCEPTED_METADATA_VERSIONS.includes(declared)) return
  const accepted = 'PyPI accepts Metadata-Version 1.0, 1.1, 1.2 and 2.1 to 2.5.'
  const [, major, minor] = (/^(\d+)\.(\d+)$/.exec(declared) ?? []).map(Number)
  let hint = `${accepted} ${rebuild}`
  if (declared === '2.0') {
    hint =
      `Metadata-Version 2.0 was a draft (PEP 426) that was never accepted; old wheel/bdist_wheel ` +
      `releases wrote it. Rebuild with a current backend (python -m build with an up-to-date ` +
      `setuptools and wheel, hatchling, flit-core, pdm-backend, poetry-core or maturin), which ` +
      `writes 2.1 or later. ${accepted}`
  } else if (major > 2 || (major === 2 && minor > 5)) {
    hint =
      `${accepted} This file declares a newer one: pin the build backend to a release that ` +
      `writes 2.5 or older until PyPI supports Metadata-Version ${declared}.`
  }
  found.policy(dist.path, {
    rule: 'metadata-version',
    message: `${pyRepr(declared)} is not a valid metadata version.`,
    hint
  })
}

function checkNameAndVersion(dist: Distribution, found: Findings): void {
  for (const { field, valid, fix, invalid } of IDENTITY) {
    const value = dist[field].trim()
    if (value === '') required(dist, found, field, fix)
    else if (!valid(value)) {
      const message = `${pyRepr(value)} is invalid for '${field}'.`
      found.spec(dist.path, { rule: field, message, hint: invalid })
    }
  }
  const version = dist.version.trim()
  if (!parseVersion(version)?.local) return
  const canonical = normalizeVersion(version) ?? version
  found.policy(dist.path, {
    rule: 'local-version',
    message: `The use of local versions in ${pyRepr(canonical)} is not allowed.`,
    hint:
      `Remove the local version segment '${canonical.slice(canonical.indexOf('+'))}' (PyPI ` +
      `refuses local versions); build with a release version such as '${publicVersion(version)}'. ` +
      `setuptools-scm and hatch-vcs add '+g<hash>' or '+d<date>' when the checkout is not ` +
      `exactly at a tag or has changes: build from a clean, tagged commit (actions/checkout with ` +
      `fetch-depth: 0), or set local_scheme = "no-local-version".`
  })
}

/**
 * PyPI and twine ≥ 6 refuse fields newer than the declared Metadata-Version, except that twine
 * drops License-File (setuptools wrote it under 2.1/2.2 for years). The form leaves every too-new
 * field out, but publishing without License-Expression, Dynamic or Import-Name is worse than
 * stopping: errors, as in twine; License-File a warning. Only under an accepted Metadata-Version.
 */
function checkFieldsNewerThanDeclared(dist: Distribution, found: Findings): void {
  const declared = dist.metadataVersion.trim()
  if (!ACCEPTED_METADATA_VERSIONS.includes(declared)) return
  const newer = fieldsNewerThanDeclared(dist.metadata)
  for (const [field, since] of new Map(newer.map(f => [f.name.toLowerCase(), f.since]))) {
    const message = `${field} introduced in metadata version ${since}, not ${declared}.`
    if (field === 'license-file') {
      found.warning(dist.path, {
        rule: 'field-too-new',
        message: `${message} License-File is not sent (as twine does), so PyPI will not list the license files.`,
        hint:
          'Declare Metadata-Version 2.4 or drop License-File: upgrade the build backend ' +
          '(setuptools ≥ 77 writes 2.4 with License-File), or remove license_files from its configuration.'
      })
      continue
    }
    found.spec(dist.path, {
      rule: 'field-too-new',
      message,
      hint:
        `${fieldLabel(field)} needs Metadata-Version ${since} or later. Upgrade the build backend ` +
        `so it declares the version its fields need, then rebuild.`
    })
  }
}

function checkLicense(dist: Distribution, found: Findings): void {
  if (!['License', 'License-Expression'].every(field => presentValues(dist, field).length)) return
  found.policy(dist.path, {
    rule: 'license',
    message:
      'License is deprecated when License-Expression is present. Only License-Expression should be present.',
    hint:
      'Keep the SPDX expression (pyproject.toml: license = "MIT", license-files = [...]) and remove ' +
      'the free-text license (license = { text = ... } or { file = ... }, setup.py license=...), then rebuild.'
  })
}

/** The top-level categories of the trove classifier list (pypi.org/classifiers). */
const CATEGORIES =
  'Development Status,Environment,Framework,Intended Audience,License,Natural Language,' +
  'Operating System,Programming Language,Topic,Typing'
const CLASSIFIER_CATEGORIES = new Set(CATEGORIES.split(','))

/**
 * Without PyPI's list at hand (it changes monthly), the shape: `Category :: Value[ :: …]`, single
 * spaces around `::`, a known category. PyPI refuses `Private :: …` on purpose.
 */
function checkClassifiers(dist: Distribution, found: Findings): void {
  for (const classifier of new Set(presentValues(dist, 'Classifier'))) {
    const parts = classifier.split(' :: ')
    const wellFormed =
      parts.length >= 2 && parts.every(p => p !== '' && p === p.trim() && !p.includes('::'))
    if (parts[0] !== 'Private' && wellFormed && CLASSIFIER_CATEGORIES.has(parts[0])) continue
    found.policy(dist.path, {
      rule: 'classifier',
      message: `${pyRepr(classifier)} is not a valid classifier.`,
      hint:
        parts[0] === 'Private'
          ? "PyPI always refuses classifiers beginning with 'Private ::': they mark projects that must " +
            'never be uploaded there. Remove it if this project is meant to be public, or publish to ' +
            'your private index instead.'
          : wellFormed
            ? `'${parts[0]}' is not a classifier category. Use classifiers exactly as listed at https://pypi.org/classifiers/.`
            : "A classifier is 'Category :: Value', parts separated by ' :: ' exactly as listed at https://pypi.org/classifiers/."
    })
  }
}

/**
 * What `str.splitlines` breaks at. packaging (≥ 26.3; "\n" only before) refuses a summary holding
 * any: twine ≥ 6 before sending, PyPI on the form. Python's email parser keeps all but CR/LF.
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
const LINE_BOUNDARY = new RegExp(`[${Object.keys(LINE_BOUNDARY_NAMES).join('')}]`)

function checkSummary(dist: Distribution, found: Findings): void {
  const summary = presentValues(dist, 'Summary')[0]
  if (summary === undefined) return
  const boundary = LINE_BOUNDARY.exec(summary)
  if (boundary) {
    // A spec rule (the summary is "a one-line summary"): twine refuses it for any index.
    found.spec(dist.path, {
      rule: 'summary',
      message: "'summary' must be a single line.",
      hint:
        `The summary holds ${LINE_BOUNDARY_NAMES[boundary[0]]} after ${pyRepr(summary.slice(0, boundary.index))}, which Python reads as a line break. ` +
        'Make the summary (pyproject.toml [project] description) one line without it and rebuild.'
    })
  }
  const length = [...summary].length
  if (length <= SUMMARY_MAX_LENGTH) return
  found.policy(dist.path, {
    rule: 'summary',
    message: `'summary' field must be ${SUMMARY_MAX_LENGTH} characters or less.`,
    hint: `The summary (pyproject.toml [project] description) has ${length} characters; shorten it to one line of at most ${SUMMARY_MAX_LENGTH} and put the rest in the README.`
  })
}

/** Never dynamic (PEP 643): Name, Version, Metadata-Version, and `Dynamic` itself. */
const NEVER_DYNAMIC = ['metadata-version', 'name', 'version', 'dynamic']
/** Warehouse DYNAMIC_FIELDS: every core metadata field the spec knows but those. */
const DYNAMIC_FIELDS = new Set(knownFields().filter(field => !NEVER_DYNAMIC.includes(field)))

function checkDynamic(dist: Distribution, found: Findings): void {
  for (const value of presentValues(dist, 'Dynamic')) {
    const field = value.trim().toLowerCase()
    if (DYNAMIC_FIELDS.has(field)) continue
    const never = ['name', 'version', 'metadata-version'].includes(field)
    found.spec(dist.path, {
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
