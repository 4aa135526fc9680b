/**
 * The upload form's field checks, in Warehouse's order and words: first the form itself
 * (warehouse/forklift/forms.py: name, filetype, pyversion, digests), then the core metadata built
 * from the form (packaging.metadata rules, then Warehouse's own: supported metadata versions,
 * local versions, classifiers, License vs License-Expression).
 *
 * Warehouse gathers every error and reports one: the first error of the field that matters most
 * (metadata-version, then name, then version), else of the alphabetically first field.
 */
import { PROJECT_NAME_PATTERN, formatVersion, parseVersion, type Version } from './pep440.js'
import { LOCAL_VERSION_URL, pyRepr, texts } from './warehouse-texts.js'

export type Fields = ReadonlyArray<readonly [string, string]>

export interface UploadForm {
  name: string
  version: Version
  /** The version normalized, as PyPI stores it. */
  versionText: string
  metadataVersion: string
  filetype: 'sdist' | 'bdist_wheel'
  pyversion: string
  digests: { md5?: string; sha256?: string; blake2_256?: string }
}

export type FormResult = { ok: true; form: UploadForm } | { ok: false; message: string }

/** Runs the form checks, then the metadata checks. */
export function checkForm(fields: Fields): FormResult {
  const values = new FieldValues(fields)
  const formError = checkUploadForm(values)
  if (formError) return { ok: false, message: formError }
  const metadataError = checkMetadata(values)
  if (metadataError) return { ok: false, message: metadataError }
  const first = (name: string): string | undefined => values.first(name)
  const filetype = first('filetype') as UploadForm['filetype']
  const version = parseVersion(first('version') ?? '') as Version
  return {
    ok: true,
    form: {
      name: first('name') ?? '',
      version,
      versionText: formatVersion(version),
      metadataVersion: first('metadata_version') ?? '',
      filetype,
      pyversion: first('pyversion') || (filetype === 'sdist' ? 'source' : ''),
      digests: {
        md5: first('md5_digest')?.toLowerCase() || undefined,
        sha256: first('sha256_digest')?.toLowerCase() || undefined,
        blake2_256: first('blake2_256_digest')?.toLowerCase() || undefined
      }
    }
  }
}

/**
 * The form's values by field name, gathered in one pass: the checks ask for some thirty fields,
 * and scanning the whole form for each cost more than all the checks together.
 */
class FieldValues {
  private readonly byName = new Map<string, string[]>()
  constructor(fields: Fields) {
    for (const [name, value] of fields) {
      const values = this.byName.get(name)
      if (values) values.push(value)
      else this.byName.set(name, [value])
    }
  }
  first(name: string): string | undefined {
    return this.byName.get(name)?.[0]
  }
  all(name: string): readonly string[] {
    return this.byName.get(name) ?? []
  }
}

/** Values of one field, in the order received. */
export function all(fields: Fields, name: string): string[] {
  return fields.filter(([k]) => k === name).map(([, v]) => v)
}

/** The first value of a field, as a WTForms field reads it. */
export function first(fields: Fields, name: string): string | undefined {
  return fields.find(([k]) => k === name)?.[1]
}

// ---------------------------------------------------------------------------------------------
// warehouse/forklift/forms.py UploadForm

const NAME_RULE =
  "Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'."
const REQUIRED = 'This field is required.'

function checkUploadForm(values: FieldValues): string | undefined {
  const errors = new Map<string, string>()
  const name = values.first('name')
  if (!name) errors.set('name', REQUIRED)
  else if (!PROJECT_NAME_PATTERN.test(name)) errors.set('name', NAME_RULE)

  const filetype = values.first('filetype')
  if (!filetype) errors.set('filetype', REQUIRED)
  else if (filetype !== 'sdist' && filetype !== 'bdist_wheel')
    errors.set('filetype', 'Use a known file type.')

  const hex64 = /^[A-F0-9]{64}$/i
  const sha256 = values.first('sha256_digest')
  if (sha256 && !hex64.test(sha256)) {
    errors.set('sha256_digest', 'Use a valid, hex-encoded, SHA256 message digest.')
  }
  const blake2 = values.first('blake2_256_digest')
  if (blake2 && !hex64.test(blake2)) {
    errors.set('blake2_256_digest', 'Use a valid, hex-encoded, BLAKE2 message digest.')
  }

  if (errors.size) {
    const field = errors.has('name') ? 'name' : [...errors.keys()].sort()[0]
    if (field === 'name') {
      // The one form field with a description: Warehouse quotes its (shortened) value.
      const value =
        name && name.length > 60 ? `${name.slice(0, 30)}...${name.slice(-30)}` : (name ?? '')
      return (
        `${pyRepr(value)} is an invalid value for Name. Error: ${errors.get(field)} ` +
        'See https://packaging.python.org/specifications/core-metadata for more information.'
      )
    }
    return `Invalid value for ${field}. Error: ${errors.get(field)}`
  }

  // Cross-field rules run only once every field is valid on its own.
  const pyversion = values.first('pyversion')
  if (filetype !== 'sdist' && !pyversion) {
    return 'Invalid value for pyversion. Error: Python version is required for binary distribution uploads.'
  }
  if (filetype === 'sdist' && pyversion && pyversion !== 'source') {
    return "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."
  }
  if (!values.first('md5_digest') && !sha256 && !blake2) {
    return 'Error: Include at least one message digest.'
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// packaging.metadata (Metadata.from_raw) and warehouse/forklift/metadata.py

/** Form field name → the core metadata field: its header name and the version that added it. */
const METADATA_FIELDS: Record<string, { header: string; added: string; multi?: boolean }> = {
  metadata_version: { header: 'metadata-version', added: '1.0' },
  name: { header: 'name', added: '1.0' },
  version: { header: 'version', added: '1.0' },
  dynamic: { header: 'dynamic', added: '2.2', multi: true },
  platform: { header: 'platform', added: '1.0', multi: true },
  supported_platform: { header: 'supported-platform', added: '1.1', multi: true },
  summary: { header: 'summary', added: '1.0' },
  description: { header: 'description', added: '1.0' },
  description_content_type: { header: 'description-content-type', added: '2.1' },
  keywords: { header: 'keywords', added: '1.0' },
  home_page: { header: 'home-page', added: '1.0' },
  download_url: { header: 'download-url', added: '1.1' },
  author: { header: 'author', added: '1.0' },
  author_email: { header: 'author-email', added: '1.0' },
  maintainer: { header: 'maintainer', added: '1.2' },
  maintainer_email: { header: 'maintainer-email', added: '1.2' },
  license: { header: 'license', added: '1.0' },
  license_expression: { header: 'license-expression', added: '2.4' },
  license_file: { header: 'license-file', added: '2.4', multi: true },
  classifiers: { header: 'classifier', added: '1.1', multi: true },
  requires_dist: { header: 'requires-dist', added: '1.2', multi: true },
  requires_python: { header: 'requires-python', added: '1.2' },
  requires_external: { header: 'requires-external', added: '1.2', multi: true },
  project_urls: { header: 'project-url', added: '1.2', multi: true },
  provides_extra: { header: 'provides-extra', added: '2.1', multi: true },
  provides_dist: { header: 'provides-dist', added: '1.2', multi: true },
  obsoletes_dist: { header: 'obsoletes-dist', added: '1.2', multi: true },
  import_name: { header: 'import-name', added: '2.5', multi: true },
  import_namespace: { header: 'import-namespace', added: '2.5', multi: true },
  requires: { header: 'requires', added: '1.1', multi: true },
  provides: { header: 'provides', added: '1.1', multi: true },
  obsoletes: { header: 'obsoletes', added: '1.1', multi: true }
}

const METADATA_FIELD_NAMES = Object.keys(METADATA_FIELDS)

/** What `packaging` knows; Warehouse accepts all but the newest. */
const PACKAGING_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5', '2.6']
export const SUPPORTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']

/**
 * The top-level trove categories. The test index accepts any classifier under one of them (PyPI
 * checks the full list); `Private ::` is refused, as PyPI does, to keep private code off it.
 */
const TROVE_CATEGORIES = new Set([
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

const CONTENT_TYPES = ['text/plain', 'text/x-rst', 'text/markdown']

class MetadataErrors {
  readonly byField = new Map<string, string[]>()
  add(field: string, message: string): void {
    const list = this.byField.get(field) ?? []
    list.push(message)
    this.byField.set(field, list)
  }
  /** Warehouse's choice of the one error to report, with its "See …" tail. */
  report(): string | undefined {
    if (!this.byField.size) return undefined
    const field =
      ['metadata-version', 'name', 'version'].find(f => this.byField.has(f)) ??
      [...this.byField.keys()].sort()[0]
    const errors = this.byField.get(field) ?? []
    const local = field === 'version' && errors.some(e => e.includes('use of local versions'))
    return texts.withMetadataTail(errors[0], local ? LOCAL_VERSION_URL : undefined)
  }
}

function checkMetadata(form: FieldValues): string | undefined {
  // Values as `parse_form_metadata` sees them: empty strings are absent.
  const present = new Map<string, readonly string[]>()
  for (const formName of METADATA_FIELD_NAMES) {
    const values = form.all(formName)
    if (values.length && !(values.length === 1 && values[0] === '')) present.set(formName, values)
  }

  // A single-use field sent more than once cannot be parsed at all.
  const unparsed = new MetadataErrors()
  for (const [formName, values] of present) {
    if (!METADATA_FIELDS[formName].multi && values.length > 1) {
      unparsed.add(formName, `${pyRepr(formName)} has invalid data`)
    }
  }
  if (unparsed.byField.size) return unparsed.report()

  const one = (formName: string): string | undefined => present.get(formName)?.[0]
  const errors = new MetadataErrors()

  // packaging.metadata.Metadata.from_raw
  const declared = one('metadata_version')
  const declaredAge = declared === undefined ? -1 : PACKAGING_METADATA_VERSIONS.indexOf(declared)
  if (declaredAge < 0) {
    errors.add('metadata-version', `${pyRepr(declared)} is not a valid metadata version`)
  }
  const toCheck = new Set([...present.keys(), 'name', 'version'])
  toCheck.delete('metadata_version')
  for (const formName of toCheck) {
    const { header, added } = METADATA_FIELDS[formName]
    if (declaredAge >= 0 && PACKAGING_METADATA_VERSIONS.indexOf(added) > declaredAge) {
      errors.add(header, `${header} introduced in metadata version ${added}, not ${declared}`)
      continue
    }
    const problem = checkValue(formName, present.get(formName))
    if (problem) errors.add(header, problem)
  }
  if (errors.byField.size) return errors.report()

  // warehouse.forklift.metadata._validate_metadata
  if (declared !== undefined && !SUPPORTED_METADATA_VERSIONS.includes(declared)) {
    errors.add('metadata-version', `${pyRepr(declared)} is not a valid metadata version`)
  }
  const version = parseVersion(one('version') ?? '') as Version
  if (version.local) {
    errors.add(
      'version',
      `The use of local versions in '${formatVersion(version)}' is not allowed.`
    )
  }
  const summary = one('summary')
  if (summary !== undefined && summary.length > 512) {
    errors.add('summary', "'summary' field must be 512 characters or less.")
  }
  for (const classifier of [...new Set(present.get('classifiers') ?? [])].sort()) {
    const category = classifier.split(' :: ')
    if (
      category.length < 2 ||
      !TROVE_CATEGORIES.has(category[0]) ||
      category.some(part => !part.trim())
    ) {
      errors.add('classifier', `${pyRepr(classifier)} is not a valid classifier.`)
    }
  }
  for (const formName of ['home_page', 'download_url']) {
    const url = one(formName)
    if (url !== undefined && !/^[a-z][a-z0-9+.-]*:\S*$/i.test(url)) {
      errors.add(METADATA_FIELDS[formName].header, `${pyRepr(url)} is not a valid url.`)
    }
  }
  if (one('license') && one('license_expression')) {
    errors.add(
      'license',
      'License is deprecated when License-Expression is present. Only License-Expression should be present.'
    )
  }
  return errors.report()
}

/** What Python's `str.splitlines()` breaks on: packaging refuses them in single-line fields. */
const LINE_BOUNDARIES = new Set([
  '\r',
  '\n',
  '\v',
  '\f',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x85',
  '\u2028',
  '\u2029'
])

/** packaging's per-field checks (the ones a test index needs). */
function checkValue(formName: string, values: readonly string[] | undefined): string | undefined {
  const value = values?.[0]
  const header = METADATA_FIELDS[formName].header
  switch (formName) {
    case 'name':
      if (!value) return "'name' is a required field"
      return PROJECT_NAME_PATTERN.test(value) ? undefined : `${pyRepr(value)} is invalid for 'name'`
    case 'version':
      if (!value) return "'version' is a required field"
      return parseVersion(value) ? undefined : `${pyRepr(value)} is invalid for 'version'`
    case 'summary':
      return value !== undefined && [...value].some(ch => LINE_BOUNDARIES.has(ch))
        ? "'summary' must be a single line"
        : undefined
    case 'description_content_type':
      return value === undefined ? undefined : checkContentType(value)
    case 'dynamic':
      for (const field of (values ?? []).map(v => v.toLowerCase())) {
        if (['name', 'version', 'metadata-version'].includes(field)) {
          return `${pyRepr(field)} is not allowed as a dynamic field`
        }
        if (!Object.values(METADATA_FIELDS).some(f => f.header === field)) {
          return `${pyRepr(field)} is not a valid dynamic field`
        }
      }
      return undefined
    case 'provides_extra':
      for (const extra of values ?? []) {
        if (!PROJECT_NAME_PATTERN.test(extra))
          return `${pyRepr(extra)} is invalid for ${pyRepr(header)}`
      }
      return undefined
    default:
      return undefined
  }
}

function checkContentType(value: string): string | undefined {
  const [type, ...params] = value.split(';').map(s => s.trim())
  const list = `['${CONTENT_TYPES.join("', '")}']`
  if (!CONTENT_TYPES.includes(type.toLowerCase())) {
    return `'description-content-type' must be one of ${list}, not ${pyRepr(value)}`
  }
  const param = (key: string): string | undefined =>
    params
      .map(p => p.split('='))
      .find(([k]) => k.trim().toLowerCase() === key)?.[1]
      ?.trim()
      .replace(/^"(.*)"$/, '$1')
  const charset = param('charset') ?? 'UTF-8'
  if (charset.toLowerCase() !== 'utf-8') {
    return `'description-content-type' can only specify the UTF-8 charset, not ${pyRepr(charset)}`
  }
  const variant = param('variant') ?? 'GFM'
  if (type.toLowerCase() === 'text/markdown' && !['GFM', 'CommonMark'].includes(variant)) {
    return `valid Markdown variants for 'description-content-type' are ['GFM', 'CommonMark'], not ${pyRepr(variant)}`
  }
  return undefined
}
