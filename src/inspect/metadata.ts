/**
 * Core metadata (a wheel's METADATA, an sdist's PKG-INFO): the email-header text read exactly as
 * Python's email parser reads it, and mapped to the upload form as twine does (pkginfo in twine
 * ≤ 5, `packaging.metadata` in twine ≥ 6); where the two differ or PyPI decides, it says so here.
 */

import type { CoreMetadata, FormField } from '../dists/distribution.js'
import { trimEndOf } from '../shared/format.js'

/** The most uncompressed METADATA / PKG-INFO we read. Real ones are a few KiB to ~1 MiB. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Bytes as Python's `.decode('utf-8')` reads them (a byte order mark kept), or undefined. */
export function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

/** A member read from an archive: its path inside it, e.g. `pkg-1.0.dist-info/METADATA`. */
export interface ArchiveMember {
  entryName: string
  data: Buffer
}

/** feedparser's `headerRE`: `name:` (printable ASCII but ':' and space), a continuation, "From ". */
const HEADER_START = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])/
/** Lines end at CR, LF and CRLF only, as in Python's parser: U+2028, VT, FF... are characters. */
const LINE_BREAK = /\r\n|\r|\n/

/** One header as `Message.items()` gives it (policy compat32). */
export interface RawHeader {
  name: string
  /** After `name:`: leading spaces and tabs removed, continuations kept, trailing CR/LF removed. */
  raw: string
}

/**
 * METADATA / PKG-INFO as `email.parser.Parser(policy=compat32)` reads it: what pkginfo, packaging
 * (twine ≥ 6, Warehouse) and pip see. `body` is `get_payload()`: '' when there is none.
 */
export function readEmailMessage(text: string): { headers: RawHeader[]; body: string } {
  const headers: RawHeader[] = []
  let open = false // the last header takes continuation lines
  let from = '' // a "From " line that ends the headers: the body's first line
  let pos = 0
  for (const lineEnd = new RegExp(LINE_BREAK, 'g'); pos < text.length;) {
    lineEnd.lastIndex = pos
    const br = lineEnd.exec(text)
    const next = br ? br.index + br[0].length : text.length
    const line = text.slice(pos, next)
    // Header lines end at a blank line (dropped) or at the first line that is not one (the body's).
    if (!HEADER_START.test(line)) {
      if (line[0] === '\r' || line[0] === '\n') pos = next
      break
    }
    if (line[0] === ' ' || line[0] === '\t') {
      // A continuation with no header before it is a defect Python drops.
      if (open) headers[headers.length - 1].raw += line
      from = ''
    } else {
      // An mbox "From " line is skipped, but is the body's first line when it ends the headers
      // (and is not the first line); ":value" has no name: Python skips the line.
      const colon = line.indexOf(':')
      open = !line.startsWith('From ') && colon > 0
      const raw = line.slice(colon + 1).replace(/^[ \t]+/, '')
      if (open) headers.push({ name: line.slice(0, colon), raw })
      from = pos > 0 && line.startsWith('From ') ? line : ''
    }
    pos = next
  }
  for (const header of headers) header.raw = trimEndOf(header.raw, '\r\n')
  return { headers, body: from + text.slice(pos) }
}

/**
 * Parses METADATA / PKG-INFO: headers in file order, names as written (lookups ignore case), and
 * values prepared for the form (`unfold`). A non-empty body is the description, else the header.
 */
export function parseCoreMetadata(text: string): CoreMetadata {
  const message = readEmailMessage(text)
  const headers = message.headers.map(({ name, raw }) => ({ name, value: unfold(name, raw) }))
  const meta: CoreMetadata = { headers }
  // packaging would call having both an error; src/check/ can flag it, we keep the body.
  const description = message.body !== '' ? message.body : getHeader(meta, 'Description')
  if (description !== undefined) meta.description = description
  return meta
}

/** The folding whitespace; other Unicode spaces stay, as in the value Python reads. */
const trimFolding = (text: string): string => text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')

/**
 * `License` as read (twine ≥ 6 keeps a licence text's layout); `Description` as pkginfo unfolds
 * it, minus the 8-space indent or the spec's "7 spaces + |" ("8 spaces + |" keeps its pipe: an
 * RST line block); any other header's lines trimmed and joined with a space, as pkginfo did.
 */
function unfold(name: string, raw: string): string {
  const key = name.toLowerCase()
  if (key === 'license') return raw
  const lines = trimFolding(raw).split(LINE_BREAK)
  if (key !== 'description') return lines.map(trimFolding).join(' ')
  return lines
    .map(l => (/^ {7}\|/.test(l) || l.startsWith(' '.repeat(8)) ? l.slice(8) : l))
    .join('\n')
}

/** The first value of a header, by case-insensitive name. */
export function getHeader(meta: CoreMetadata, name: string): string | undefined {
  return getAll(meta, name)[0]
}

/** Every value of a header, by case-insensitive name, in file order. */
export function getAll(meta: CoreMetadata, name: string): string[] {
  const wanted = name.toLowerCase()
  return meta.headers.filter(h => h.name.toLowerCase() === wanted).map(h => h.value)
}

/**
 * Every header the core metadata spec knows, in its order, by the Metadata-Version that brought
 * it. `Import-Name`/`Import-Namespace`: PyPI's singular form names.
 */
const SPEC: Record<string, string> = {
  '1.0':
    'metadata-version name version platform summary description keywords home-page author ' +
    'author-email license',
  '1.1': 'supported-platform classifier download-url requires provides obsoletes',
  '1.2':
    'maintainer maintainer-email requires-python requires-external requires-dist ' +
    'provides-dist obsoletes-dist project-url',
  '2.1': 'description-content-type provides-extra',
  '2.2': 'dynamic',
  '2.4': 'license-expression license-file',
  '2.5': 'import-name import-namespace'
}
const FIELDS = new Map(
  Object.entries(SPEC).flatMap(([since, names]) =>
    names.split(' ').map(name => [name, since] as const)
  )
)
/** The form names the generic rule (lowercase, `-` → `_`) would not give. */
const FORM_NAMES: Record<string, string> = {
  classifier: 'classifiers',
  'project-url': 'project_urls'
}

/** Every header the core metadata spec knows, lowercase, in the spec's order. */
export const knownFields = (): string[] => [...FIELDS.keys()]

/** The upload form name of a header (docs/upload-protocol.md §1). */
export function formFieldName(header: string): string {
  const key = header.toLowerCase()
  return FORM_NAMES[key] ?? key.replace(/-/g, '_')
}

/** The Metadata-Version that introduced a header (`'2.4'` for License-File), if the spec knows it. */
export const fieldIntroducedIn = (header: string): string | undefined =>
  FIELDS.get(header.toLowerCase())

/** `'2.1'` → [2, 1]; undefined for anything that is not `<major>.<minor>`. */
const parseMetadataVersion = (value = ''): number[] | undefined =>
  /^(\d+)\.(\d+)$/.exec(value.trim())?.slice(1).map(Number)

/** Is the header newer than the declared version (false when either is not `<major>.<minor>`)? */
function newerThan(declared: number[] | undefined, header: string): boolean {
  const since = parseMetadataVersion(fieldIntroducedIn(header))
  return !!declared && !!since && (declared[0] - since[0] || declared[1] - since[1]) < 0
}

/** Headers newer than the declared Metadata-Version, in file order (check/metadata-rules.ts). */
export function fieldsNewerThanDeclared(
  meta: CoreMetadata
): Array<{ name: string; since: string }> {
  const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'))
  return meta.headers
    .filter(({ name }) => newerThan(declared, name))
    .map(({ name }) => ({ name, since: fieldIntroducedIn(name) as string }))
}

/**
 * PyPI (Warehouse's `sanitize`) drops a value that is "UNKNOWN" once trimmed (distutils wrote it)
 * and treats '' as absent: we leave both out, which keeps other indexes from storing "UNKNOWN".
 */
const isAbsent = (value: string): boolean => ['', 'UNKNOWN'].includes(value.trim())

/** twine's `_safe_name` (from pkg_resources): runs of other than letters, digits, '.' → '-'. */
export const safeName = (name: string): string => name.replace(/[^A-Za-z0-9.]+/g, '-')

/** Keywords as packaging splits them and twine joins them; Project-URL as `label, url`. */
function normalize(key: string, value: string): string {
  if (key === 'name') return safeName(value)
  // Each keyword trimmed: the ends of the whole, then the spaces around each comma.
  if (key === 'keywords') return value.trim().replace(/\s*,\s*/g, ', ')
  if (key !== 'project-url') return value
  const [label, ...url] = value.split(',')
  return `${label.trim()}, ${url.join(',').trim()}`
}

/**
 * The metadata part of the upload form, in header order, then `description`. A header newer than
 * the declared Metadata-Version is not sent (pkginfo reads only the declared version's; twine ≥ 6
 * drops License-File under 2.4, which setuptools writes with 2.1; check/metadata-rules.ts refuses
 * the others, as PyPI does). Unknown headers go under the generic name (PyPI ignores them).
 */
export function metadataToFormFields(meta: CoreMetadata): FormField[] {
  const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'))
  const fields: FormField[] = meta.headers
    .filter(({ name, value }) => {
      const key = name.toLowerCase()
      return key !== 'description' && !newerThan(declared, name) && !isAbsent(value)
    })
    .map(({ name, value }) => [formFieldName(name), normalize(name.toLowerCase(), value)])
  if (meta.description !== undefined && !isAbsent(meta.description)) {
    fields.push(['description', meta.description])
  }
  return fields
}
