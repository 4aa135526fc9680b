/**
 * PyPI's rules about the archive itself (Warehouse `_is_valid_dist_file`, `file_upload` in
 * forklift/legacy.py, `utils/zipfiles.py`, `validate_record` and `validate_entrypoints` in
 * `utils/wheel.py`) as Problems in PyPI's words with a fix, over what inspection already read.
 * These are PyPI's policies (a zip with a data descriptor is valid elsewhere): check/rules.ts
 * counts them as such (`pypiRules` makes them errors or warnings), but for those that break
 * installers too.
 */

import { basename } from 'node:path'
import { DistributionError, rebuildHint } from '../dists/distribution.js'
import type { Problem, RuleId } from '../dists/distribution.js'
import { strictUtf8 } from './metadata.js'
import { displayName, type SdistArchive } from './sdist.js'
import type { WheelArchive } from './wheel.js'

/** Warehouse `COMPRESSION_RATIO_MIN_SIZE` and `COMPRESSION_RATIO_THRESHOLD`. */
const RATIO_MIN_SIZE = 64 * 1024 * 1024
const RATIO_THRESHOLD = 50
/** Python's csv module refuses a field longer than this (csv.field_size_limit()). */
const CSV_FIELD_LIMIT = 131072

const REBUILD_WHEEL = rebuildHint('wheel')
const INVALID = 'Invalid distribution file.'

/** Problems about one file, each message after the file's name. */
function problemList(path: string) {
  const problems: Problem[] = []
  const add = (rule: RuleId, message: string, hint: string): void => {
    problems.push({ file: path, rule, message: `${basename(path)}: ${message}`, hint })
  }
  /** The License-Files PyPI does not find at `where(value)`, which `has` looks up. */
  const checkLicenses = (
    licenseFiles: readonly string[],
    where: (licenseFile: string) => string,
    has: (target: string) => boolean,
    hint: string
  ): void => {
    for (const licenseFile of licenseFiles) {
      const at = where(licenseFile)
      const message = `License-File ${licenseFile} does not exist in distribution file ${basename(path)} at ${at}`
      if (!has(at)) add('license-file', message, hint)
    }
  }
  return { problems, add, checkLicenses }
}

/** The wheel's archive against PyPI's rules. `licenseFiles`: the License-File values. */
export function wheelArchiveProblems(
  path: string,
  archive: WheelArchive,
  licenseFiles: readonly string[]
): Problem[] {
  const filename = basename(path)
  const { problems, add, checkLicenses } = problemList(path)
  if (archive.alsoTar)
    add('archive-type', `${INVALID} File is both a zip and a tar file`, REBUILD_WHEEL)
  const unpacked = archive.entries.reduce((sum, entry) => sum + entry.uncompressedSize, 0)
  if (unpacked > RATIO_MIN_SIZE && unpacked / archive.fileSize > RATIO_THRESHOLD) {
    add(
      'compression-ratio',
      `${INVALID} File exceeds compression ratio of ${RATIO_THRESHOLD}`,
      `It unpacks to ${unpacked} bytes from ${archive.fileSize}; PyPI refuses more than ${RATIO_THRESHOLD}× above 64 MiB. Leave large, highly compressible data (zero-filled files, sparse data) out of the wheel.`
    )
  }
  const oddMethods = [...new Set(archive.entries.map(e => e.method))].filter(
    m => m !== 0 && m !== 8
  )
  if (oddMethods.length > 0) {
    add(
      'compression-method',
      `${INVALID} File does not use a supported compression type`,
      `Members use compression method ${oddMethods.join(', ')}; PyPI takes stored (0) and deflate (8) only. ${REBUILD_WHEEL}`
    )
  }

  // PyPI takes name and version from the filename verbatim (`split("-", 2)`).
  const parts = filename.split('-')
  if (parts.length < 3) {
    const message = `${INVALID} Unable to parse name and version from wheel filename`
    add('wheel-contents', message, 'Keep the filename the build backend gave the wheel.')
    return problems
  }
  const distInfo = `${parts[0]}-${parts[1]}.dist-info`
  const read = (file: string): Buffer | undefined => {
    const got = archive.distInfoFiles.get(file)
    if (got instanceof DistributionError) problems.push(...got.problems)
    return got instanceof DistributionError ? undefined : got
  }
  if (!archive.byName.has(`${distInfo}/WHEEL`)) {
    const hint = `The wheel's metadata folder must be ${distInfo}/, named exactly as the filename's name and version. Keep the filename the build backend gave the wheel, or rebuild it.`
    add('wheel-contents', `${INVALID} WHEEL not found at ${distInfo}/WHEEL`, hint)
  }
  read('WHEEL') // only for a read error: there is nothing to read when it is missing
  const framing = archive.framingProblem
  if (framing !== undefined) {
    const message = `${INVALID} ZIP archive not accepted: ${framing}. See https://docs.pypi.org/archives for more information`
    // A name twice, or bytes no record explains: zip readers disagree on the members.
    const ambiguous = /^(Duplicate filename|Unknown record signature)/.test(framing)
    add(ambiguous ? 'zip-ambiguous' : 'zip-framing', message, REBUILD_WHEEL)
  }
  const offsets = archive.entries.map(e => e.localHeaderOffset)
  const firstMember = offsets.reduce((min, offset) => Math.min(min, offset), offsets[0] ?? 0)
  if (firstMember > 0 && framing !== 'Unknown record signature') {
    const message = `${INVALID} Python's zipfile (pip) reads its first member at byte ${firstMember}; tools that read from the start read the records before it (another archive with its own end of central directory record, or members the central directory does not list)`
    add('zip-ambiguous', message, REBUILD_WHEEL)
  }
  checkLicenses(
    licenseFiles,
    licenseFile => `${distInfo}/licenses/${licenseFile}`,
    inZip => archive.byName.has(inZip),
    `Build backends copy the files named by \`license-files\` in pyproject.toml to ${distInfo}/licenses/; check that pattern matches the file, or drop the License-File, and rebuild.`
  )
  const record = archive.distInfoFiles.get('RECORD')
  if (record instanceof DistributionError) {
    problems.push(...record.problems)
  } else if (record === undefined || !recordParses(record)) {
    add(
      'wheel-record',
      `Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`,
      `Every wheel lists its files in ${distInfo}/RECORD (a UTF-8 CSV file). ${REBUILD_WHEEL}`
    )
  }
  const entryPoints = read('entry_points.txt')
  const why = entryPoints ? entryPointsProblem(entryPoints) : undefined
  if (why !== undefined) {
    add(
      'entry-points',
      `Wheel '${filename}' has invalid entry points defined in the entry_points.txt file (${why}).`,
      'Script names in [project.scripts] and [project.gui-scripts] may hold only letters, digits, `_`, `.` and `-`, and entry_points.txt must be an INI file with `=` between name and value and no repeated names. Fix them and rebuild.'
    )
  }
  return problems
}

/** What PyPI's `csv.reader(text.splitlines())` over RECORD accepts: UTF-8, fields within limit. */
function recordParses(bytes: Buffer): boolean {
  const fields = strictUtf8(bytes)?.split(/[\r\n,]/)
  return fields?.every(field => field.length <= CSV_FIELD_LIMIT) ?? false
}

/** The sdist's archive against PyPI's rules that need the metadata (the layout is sdist.ts's). */
export function sdistArchiveProblems(
  path: string,
  archive: SdistArchive,
  licenseFiles: readonly string[],
  alsoZip: boolean
): Problem[] {
  const { problems, add, checkLicenses } = problemList(path)
  if (alsoZip)
    add('archive-type', `${INVALID} File is both a zip and a tar file`, rebuildHint('sdist'))
  checkLicenses(
    licenseFiles,
    // os.path.join(top, name): an absolute License-File replaces the top folder.
    licenseFile =>
      licenseFile.startsWith('/') ? licenseFile : `${displayName(archive.top)}/${licenseFile}`,
    target => archive.names.has(Buffer.from(target, 'utf8').toString('latin1')),
    "License-File paths are relative to the sdist's top folder; include the file in the sdist (`license-files` in pyproject.toml) or drop the License-File, and rebuild."
  )
  return problems
}

/** Whitespace as Python's str.isspace() / str.strip() / regex `\s` see it. */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g')
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`)
const SECTION = /^\[(.+)\]/
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*=[${PY_SPACE}]*(.*)$`, 's')
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`)
/** Python's `[\w.-]+` on str: letters, digits (all Unicode numerics), `_`, `.`, `-`. */
const ENTRY_POINT_NAME = /^[\p{L}\p{N}_.-]+$/u

const pyStrip = (text: string): string => text.replace(STRIP, '')

/**
 * PyPI's entry_points.txt rule (Warehouse `validate_entrypoints`): UTF-8, read without error by
 * configparser (case-sensitive keys, `=` the only delimiter, strict: no duplicate sections or
 * keys), and names in `[console_scripts]`/`[gui_scripts]` matching `[\w.-]+`. configparser's line
 * grammar, rewritten to answer the same yes or no (compared with Python's in the differential
 * test). Why PyPI would refuse the file (for the message), or undefined when it accepts it.
 */
export function entryPointsProblem(bytes: Buffer): string | undefined {
  const text = strictUtf8(bytes)
  if (text === undefined) return 'entry_points.txt is not decodable as UTF-8'
  const sections = new Map<string, Set<string>>()
  const defaults = new Set<string>()
  let current: Set<string> | undefined
  let sectionName: string | undefined
  let option = ''
  let indent = 0
  let error: string | undefined

  // io.StringIO splits on '\n' only; each line keeps its '\n' (stripped below).
  const lines = text.split(/(?<=\n)/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    const lineNo = index + 1
    const value = pyStrip(line)
    // Empty lines join the value; comments are dropped.
    if (value === '' || value[0] === '#' || value[0] === ';') continue
    const firstNonSpace = NON_SPACE.exec(line)?.index ?? 0
    if (current && option && firstNonSpace > indent) continue // a continuation line
    indent = firstNonSpace
    const section = SECTION.exec(value)
    if (section) {
      // Strict: a section seen before is an error, but [DEFAULT] (never in `sections`) may repeat.
      sectionName = section[1]
      if (sections.has(sectionName)) return `duplicate section [${sectionName}] (line ${lineNo})`
      current = sectionName === 'DEFAULT' ? defaults : new Set()
      if (current !== defaults) sections.set(sectionName, current)
      option = ''
      continue
    }
    if (!current) return `a line outside any [section] (line ${lineNo})`
    const match = OPTION.exec(value)
    if (!match) {
      error ??= `line ${lineNo} is not "name = value"`
      continue
    }
    if (match[1] === '') error ??= `line ${lineNo} has no name before "="`
    option = match[1].replace(RSTRIP, '')
    // Strict: a name seen before in its section (or in any [DEFAULT]) is an error.
    if (current.has(option))
      return `duplicate name '${option}' in [${sectionName}] (line ${lineNo})`
    current.add(option)
  }
  if (error) return error

  for (const name of ['console_scripts', 'gui_scripts']) {
    const names = sections.get(name)
    if (!names) continue
    // A section's keys include those of [DEFAULT], as configparser lists them.
    for (const key of [...names, ...defaults]) {
      if (!ENTRY_POINT_NAME.test(key)) return `invalid entry point name '${key}' in [${name}]`
    }
  }
  return undefined
}
