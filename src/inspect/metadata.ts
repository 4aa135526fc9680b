/**
 * Core metadata (a wheel's METADATA, an sdist's PKG-INFO): parse the email-header text, and map it
 * to the upload form fields.
 *
 * The text is read exactly as Python's email parser reads it (`readEmailMessage`). The reference
 * for the form is twine's: pkginfo's header handling (twine ≤ 5) for folding and "UNKNOWN", and
 * `packaging.metadata` + `twine/package.py` (twine ≥ 6) for multi-line License, the form names,
 * Keywords/Project-URL normalisation and dropping License-File under Metadata-Version < 2.4. Where
 * the two twines differ, or where PyPI (Warehouse) has the last word, the choice is noted in place.
 */

import type { CoreMetadata, FormField } from '../dists/distribution.js'

type Header = CoreMetadata['headers'][number]

/**
 * Python's feedparser `headerRE`: a header line starts with `name:` (printable ASCII except ':'
 * and space; the name may be empty), with a space or tab (a continuation), or with "From ".
 */
const HEADER_START = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])/
/**
 * Lines end at CR, LF and CRLF only, as in Python's email parser (its StringIO with `newline=''`).
 * U+2028, U+2029, U+0085, VT, FF and the other `str.splitlines` boundaries are ordinary characters
 * there, and so they are here: a value holding one goes on, and so do the headers after it.
 */
const LINE_BREAK = /\r\n|\r|\n/

/** One header as Python's email parser (policy compat32) returns it from `Message.items()`. */
export interface RawHeader {
  name: string
  /**
   * The value after `name:`: leading spaces and tabs removed, continuation lines kept with their
   * line ends and indentation, trailing CR/LF removed.
   */
  raw: string
}

/**
 * METADATA / PKG-INFO read exactly as `email.parser.Parser(policy=compat32)` reads it: what
 * pkginfo, packaging (`parse_email`, so twine ≥ 6 and Warehouse) and pip all see. `body` is
 * `Message.get_payload()`: everything after the headers, '' when there is none.
 */
export function readEmailMessage(text: string): { headers: RawHeader[]; body: string } {
  // The header block: lines (with their line ends) that look like headers, up to a blank line
  // (dropped) or the first line that does not (it starts the body: Python records a
  // MissingHeaderBodySeparatorDefect). The body is then sliced off the text, never split.
  const block: string[] = []
  let bodyStart = text.length
  const lineEnd = /\r\n|\r|\n/g
  for (let pos = 0; pos < text.length;) {
    lineEnd.lastIndex = pos
    const br = lineEnd.exec(text)
    const next = br ? br.index + br[0].length : text.length
    const line = text.slice(pos, next)
    if (!HEADER_START.test(line)) {
      bodyStart = line[0] === '\r' || line[0] === '\n' ? next : pos
      break
    }
    block.push(line)
    pos = next
  }

  const headers: RawHeader[] = []
  let current: string[] | undefined
  const flush = (): void => {
    if (!current) return
    const first = current[0]
    const colon = first.indexOf(':')
    const value = first.slice(colon + 1).replace(/^[ \t]+/, '') + current.slice(1).join('')
    headers.push({ name: first.slice(0, colon), raw: value.replace(/[\r\n]+$/, '') })
    current = undefined
  }
  let pushedBack = ''
  for (let i = 0; i < block.length; i++) {
    const line = block[i]
    if (line[0] === ' ' || line[0] === '\t') {
      // A continuation with no header before it (first line, or after a skipped line) is a
      // defect Python drops.
      current?.push(line)
      continue
    }
    flush()
    if (line.startsWith('From ')) {
      // An mbox envelope line: the unix-from when first, skipped when in the middle, and the
      // first line of the body when last (Python pushes it back).
      if (i > 0 && i === block.length - 1) pushedBack = line
      continue
    }
    // ":value" has no name: Python notes a defect, skips the line and goes on.
    if (line.startsWith(':')) continue
    current = [line]
  }
  flush()

  return { headers, body: pushedBack + text.slice(bodyStart) }
}

/**
 * Parses METADATA / PKG-INFO: headers as Python's email parser reads them (`readEmailMessage`),
 * names kept as written (lookups are case-insensitive: `getHeader`, `getAll`), repeated headers
 * all kept in file order, and values prepared for the form:
 * - `Description`: pkginfo's unfolding (line breaks kept, the continuation indent removed: 8
 *   spaces, distutils' convention, or 7 spaces and `|`, the core metadata spec's);
 * - `License`: exactly as read, lines and indentation kept, as twine ≥ 6 sends it (packaging's
 *   `parse_email`). pkginfo (twine ≤ 5) joined the lines into one, losing a licence text's layout;
 * - every other header: its lines (CR/LF only) trimmed of spaces and tabs and joined with a space,
 *   as pkginfo did. Single-line fields are not supposed to be folded; PyPI takes the joined line.
 * The body, when not empty, is the description (and wins over a `Description` header, as in pkginfo).
 */
export function parseCoreMetadata(text: string): CoreMetadata {
  const message = readEmailMessage(text)
  const headers: Header[] = message.headers.map(({ name, raw }) => ({
    name,
    value: unfold(name, raw)
  }))
  const meta: CoreMetadata = { headers }
  // packaging would call having both an error; src/check/ can flag it, we keep the body.
  if (message.body !== '') meta.description = message.body
  else {
    const header = getHeader(meta, 'Description')
    if (header !== undefined) meta.description = header
  }
  return meta
}

/**
 * Spaces, tabs and CR/LF at either end: the folding whitespace. Other Unicode spaces and line
 * breaks stay, as in the value Python reads (and check/metadata-rules.ts refuses a summary holding
 * one).
 */
function trimFolding(text: string): string {
  return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '')
}

function unfold(name: string, raw: string): string {
  const key = name.toLowerCase()
  if (key === 'license') return raw
  const lines = trimFolding(raw).split(LINE_BREAK)
  if (key === 'description') {
    // pkginfo strips the whole value, then each continuation line's 8-column indent. We also strip
    // the spec's "7 spaces + |" marker, which pkginfo leaves in; "8 spaces + |" keeps its pipe
    // (it may be an indented RST line block).
    return lines
      .map(l => (/^ {7}\|/.test(l) || l.startsWith(' '.repeat(8)) ? l.slice(8) : l))
      .join('\n')
  }
  return lines.map(trimFolding).join(' ')
}

/** The first value of a header, by case-insensitive name. */
export function getHeader(meta: CoreMetadata, name: string): string | undefined {
  const wanted = name.toLowerCase()
  return meta.headers.find(h => h.name.toLowerCase() === wanted)?.value
}

/** Every value of a header, by case-insensitive name, in file order. */
export function getAll(meta: CoreMetadata, name: string): string[] {
  const wanted = name.toLowerCase()
  return meta.headers.filter(h => h.name.toLowerCase() === wanted).map(h => h.value)
}

interface FieldSpec {
  /** Form field name on the wire (docs/upload-protocol.md §1). */
  form: string
  /** Metadata-Version that introduced the header (core metadata spec). */
  since: string
  /** May appear more than once. */
  multiple: boolean
}

/**
 * Every header the core metadata spec knows, keyed by lowercase name. Only `Classifier` and
 * `Project-URL` have form names the generic rule (lowercase, `-` → `_`) would not give; the rest
 * are listed for their introduction version and use count. `Import-Name`/`Import-Namespace` use
 * PyPI's singular spelling (Warehouse's form mapping), which twine does not send at all.
 */
const FIELDS: Record<string, FieldSpec> = {
  'metadata-version': { form: 'metadata_version', since: '1.0', multiple: false },
  name: { form: 'name', since: '1.0', multiple: false },
  version: { form: 'version', since: '1.0', multiple: false },
  platform: { form: 'platform', since: '1.0', multiple: true },
  summary: { form: 'summary', since: '1.0', multiple: false },
  description: { form: 'description', since: '1.0', multiple: false },
  keywords: { form: 'keywords', since: '1.0', multiple: false },
  'home-page': { form: 'home_page', since: '1.0', multiple: false },
  author: { form: 'author', since: '1.0', multiple: false },
  'author-email': { form: 'author_email', since: '1.0', multiple: false },
  license: { form: 'license', since: '1.0', multiple: false },
  'supported-platform': { form: 'supported_platform', since: '1.1', multiple: true },
  classifier: { form: 'classifiers', since: '1.1', multiple: true },
  'download-url': { form: 'download_url', since: '1.1', multiple: false },
  requires: { form: 'requires', since: '1.1', multiple: true },
  provides: { form: 'provides', since: '1.1', multiple: true },
  obsoletes: { form: 'obsoletes', since: '1.1', multiple: true },
  maintainer: { form: 'maintainer', since: '1.2', multiple: false },
  'maintainer-email': { form: 'maintainer_email', since: '1.2', multiple: false },
  'requires-python': { form: 'requires_python', since: '1.2', multiple: false },
  'requires-external': { form: 'requires_external', since: '1.2', multiple: true },
  'requires-dist': { form: 'requires_dist', since: '1.2', multiple: true },
  'provides-dist': { form: 'provides_dist', since: '1.2', multiple: true },
  'obsoletes-dist': { form: 'obsoletes_dist', since: '1.2', multiple: true },
  'project-url': { form: 'project_urls', since: '1.2', multiple: true },
  'description-content-type': { form: 'description_content_type', since: '2.1', multiple: false },
  'provides-extra': { form: 'provides_extra', since: '2.1', multiple: true },
  dynamic: { form: 'dynamic', since: '2.2', multiple: true },
  'license-expression': { form: 'license_expression', since: '2.4', multiple: false },
  'license-file': { form: 'license_file', since: '2.4', multiple: true },
  'import-name': { form: 'import_name', since: '2.5', multiple: true },
  'import-namespace': { form: 'import_namespace', since: '2.5', multiple: true }
}

/** Every header the core metadata spec knows, lowercase, in the spec's order. */
export function knownFields(): string[] {
  return Object.keys(FIELDS)
}

/**
 * The upload form name of a header: the specials of docs/upload-protocol.md §1, else lowercase
 * and `_`.
 */
export function formFieldName(header: string): string {
  const key = header.toLowerCase()
  return FIELDS[key]?.form ?? key.replace(/-/g, '_')
}

/** True for headers the core metadata spec knows (any case). */
export function isKnownHeader(header: string): boolean {
  return header.toLowerCase() in FIELDS
}

/** True for headers the spec allows more than once; undefined for unknown headers. */
export function isMultipleUse(header: string): boolean | undefined {
  return FIELDS[header.toLowerCase()]?.multiple
}

/** The Metadata-Version that introduced a header (`'2.4'` for License-File), if the spec knows it. */
export function fieldIntroducedIn(header: string): string | undefined {
  return FIELDS[header.toLowerCase()]?.since
}

/** `'2.1'` → [2, 1]; undefined for anything that is not `<major>.<minor>`. */
function parseMetadataVersion(value: string | undefined): [number, number] | undefined {
  const match = value === undefined ? null : /^(\d+)\.(\d+)$/.exec(value.trim())
  return match ? [Number(match[1]), Number(match[2])] : undefined
}

function olderThan(a: [number, number], b: [number, number]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])
}

/**
 * Headers newer than the declared Metadata-Version, in file order (e.g. License-Expression under
 * 2.3). Empty when the version is not `<major>.<minor>`: then nothing can be compared, and the
 * version itself is what check/metadata-rules.ts reports.
 */
export function fieldsNewerThanDeclared(
  meta: CoreMetadata
): Array<{ name: string; since: string }> {
  const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'))
  if (!declared) return []
  const found: Array<{ name: string; since: string }> = []
  for (const { name } of meta.headers) {
    const since = fieldIntroducedIn(name)
    const introduced = parseMetadataVersion(since)
    if (since && introduced && olderThan(declared, introduced)) found.push({ name, since })
  }
  return found
}

/**
 * PyPI (Warehouse's `sanitize`) deletes any form value that is "UNKNOWN" once trimmed — distutils
 * wrote it for missing required values — and treats an empty string as absent. We leave both out
 * rather than send noise: it changes nothing on PyPI and keeps other indexes from storing
 * "UNKNOWN". (twine ≤ 5 dropped single-use "UNKNOWN" only; twine ≥ 6 sends everything.)
 */
function isAbsent(value: string): boolean {
  const trimmed = value.trim()
  return trimmed === '' || trimmed === 'UNKNOWN'
}

/** twine's `_safe_name` (from pkg_resources): runs of other than letters, digits, '.' → '-'. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9.]+/g, '-')
}

/** packaging splits Keywords on ',' and strips each; twine joins them back with ', '. */
function normalizeKeywords(value: string): string {
  return value
    .split(',')
    .map(k => k.trim())
    .join(', ')
}

/** packaging splits a Project-URL at its first ',' and strips both; twine sends `label, url`. */
function normalizeProjectUrl(value: string): string {
  const comma = value.indexOf(',')
  const label = (comma < 0 ? value : value.slice(0, comma)).trim()
  const url = comma < 0 ? '' : value.slice(comma + 1).trim()
  return `${label}, ${url}`
}

/**
 * The metadata part of the upload form, in header order, then `description`.
 *
 * - Names: `formFieldName`; multiple-use headers become repeated fields, one per value.
 * - `name` is sent as twine's safe name (`my_pkg` → `my-pkg`), as twine has always done; PyPI
 *   normalises the name anyway, and the file's own METADATA is what it stores.
 * - `keywords` is one field, normalised to `a, b`; `project_urls` values to `label, url` (twine ≥ 6).
 * - A header newer than the declared Metadata-Version is left out (pkginfo semantics: it only
 *   reads the headers of the declared version). twine ≥ 6 does this silently for License-File
 *   under < 2.4 — setuptools writes it with 2.1 — and refuses other too-new headers, as PyPI does;
 *   refusing is check/metadata-rules.ts's job (`fieldsNewerThanDeclared`), so here they are just
 *   not sent.
 *   Metadata-Version 2.0 (PEP 426, withdrawn) therefore gets the 1.2 field set, like pkginfo.
 * - Headers the spec does not know are sent under the generic name: PyPI ignores unknown fields,
 *   and a header from a future metadata version reaches an index that knows it. (twine ≥ 6 refuses
 *   such files; twine ≤ 5 dropped the headers.)
 * - Empty and "UNKNOWN" values are left out (see `isAbsent`).
 * - `description` comes from the body, or else the Description header (`parseCoreMetadata`).
 */
export function metadataToFormFields(meta: CoreMetadata): FormField[] {
  const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'))
  const fields: FormField[] = []
  for (const { name, value } of meta.headers) {
    const key = name.toLowerCase()
    if (key === 'description') continue
    const introduced = parseMetadataVersion(fieldIntroducedIn(name))
    if (declared && introduced && olderThan(declared, introduced)) continue
    if (isAbsent(value)) continue
    let sent = value
    if (key === 'name') sent = safeName(value)
    else if (key === 'keywords') sent = normalizeKeywords(value)
    else if (key === 'project-url') sent = normalizeProjectUrl(value)
    fields.push([formFieldName(name), sent])
  }
  if (meta.description !== undefined && !isAbsent(meta.description)) {
    fields.push(['description', meta.description])
  }
  return fields
}
