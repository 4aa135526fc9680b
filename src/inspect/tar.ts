/**
 * Reads an sdist (.tar.gz) the way Python's tarfile lists it for PyPI (`getnames`, `getmember`):
 * the file goes through gunzip into a small tar header parser that reads every header to the end
 * (member data is skipped, never kept), because PyPI's rules are about all the names: their
 * common path (`os.path.commonpath`) must be one folder, `<top>/PKG-INFO` must be there (the
 * last member of that name, as getmember answers), sparse members are refused, and each
 * License-File must exist under `<top>/`. Only PKG-INFO's bytes are kept.
 *
 * Understood as tarfile does: ustar `prefix` (joined unless the type is a GNU one), pax records
 * (`x`, and `g` globals, which apply to every later member), GNU long names (`L`), base-256 and
 * Python-style octal numbers, trailing slashes of folder names dropped. Names are kept as
 * binary strings (one character per byte) so two names are equal exactly when their bytes are.
 * The decompressed bytes read are capped, so a gzip bomb costs a bounded amount of work.
 */

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'
import { DistributionError, type RuleId } from '../dists/distribution.js'
import { BLOCK, checksumMatches, pythonNti } from './tar-header.js'
import { MAX_METADATA_BYTES, type ArchiveMember } from './zip.js'

/** Pax records and GNU long names are a few hundred bytes; more is a broken or hostile archive. */
const MAX_EXTENSION_BYTES = 1024 * 1024

const REBUILD_HINT =
  'Rebuild the sdist (e.g. `python -m build --sdist`) and make sure the file is not altered or ' +
  'cut short between the build and this step (artifact upload/download, caches).'

function sdistProblem(
  path: string,
  rule: RuleId,
  message: string,
  hint = REBUILD_HINT
): DistributionError {
  return new DistributionError([
    { file: path, rule, message: `${basename(path)}: ${message}`, hint }
  ])
}

function invalidSdist(path: string, why: string): DistributionError {
  return sdistProblem(path, 'invalid-sdist', `not a valid sdist (.tar.gz): ${why}.`)
}

/**
 * Pulls exact byte counts out of a stream of chunks. Skipped bytes are dropped as they arrive, so
 * passing over a large member costs no memory.
 */
class ChunkReader {
  private chunks: Buffer[] = []
  private buffered = 0
  private ended = false
  /** Decompressed bytes pulled so far. */
  total = 0

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly maxTotal: number,
    private readonly tooMuch: () => Error
  ) {}

  private async pull(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.source.next()
    if (next.done) {
      this.ended = true
      return false
    }
    this.total += next.value.length
    if (this.total > this.maxTotal) throw this.tooMuch()
    this.chunks.push(next.value)
    this.buffered += next.value.length
    return true
  }

  /** Up to `length` bytes; fewer only at the end of the stream. */
  async read(length: number): Promise<Buffer> {
    while (this.buffered < length && (await this.pull())) {
      /* keep pulling */
    }
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks)
    const taken = all.subarray(0, Math.min(length, all.length))
    const rest = all.subarray(taken.length)
    this.chunks = rest.length > 0 ? [rest] : []
    this.buffered = rest.length
    return taken
  }

  /** Skips `length` bytes; false if the stream ended first. */
  async skip(length: number): Promise<boolean> {
    let left = length
    while (left > 0) {
      if (this.chunks.length === 0 && !(await this.pull())) return false
      const head = this.chunks[0]
      if (head.length <= left) {
        this.chunks.shift()
        this.buffered -= head.length
        left -= head.length
      } else {
        this.chunks[0] = head.subarray(left)
        this.buffered -= left
        left = 0
      }
    }
    return true
  }
}

/** A NUL-terminated field, as a binary string (one character per byte). */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length)
  const nul = field.indexOf(0)
  return field.subarray(0, nul < 0 ? field.length : nul).toString('latin1')
}

/** A binary-string name as text for messages. */
export function displayName(name: string): string {
  return Buffer.from(name, 'latin1').toString('utf8')
}

/** `len key=value\n` records of a pax extended header. */
function parsePax(path: string, data: Buffer): Map<string, string> {
  const records = new Map<string, string>()
  let at = 0
  while (at < data.length && data[at] !== 0) {
    const space = data.indexOf(0x20, at)
    const length = space < 0 ? NaN : Number(data.toString('latin1', at, space))
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw invalidSdist(path, 'a pax extended header is malformed')
    }
    const record = data.toString('latin1', space + 1, at + length - 1) // drop the trailing '\n'
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    at += length
  }
  return records
}

/** Path components as os.path.commonpath sees them: no empty and no `.` parts. */
function components(name: string): string[] {
  return name.split('/').filter(part => part !== '' && part !== '.')
}

/** tarfile's REGULAR_TYPES (a sparse `S` member is refused before it matters). */
const REGULAR_TYPES = new Set(['0', '\0', '7'])
/** Types whose data tarfile does not skip (links, devices, folders, FIFOs). */
const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '5', '6'])
const GNU_TYPES = new Set(['L', 'K', 'S'])

/** The most decompressed bytes read from one sdist: 1 GiB, or 32× the file when larger. */
export const MAX_SDIST_DECOMPRESSED_BYTES = 1024 * 1024 * 1024
/** More members than this is no real sdist, and their names would fill memory. */
const MAX_MEMBERS = 1_000_000

/** What PyPI's sdist rules look at (see archive-rules.ts). */
export interface SdistArchive {
  /** Every member name as tarfile gives it, as binary strings (one character per byte). */
  names: Set<string>
  /** `os.path.commonpath` of the names, as a binary string. */
  top: string
}

interface Candidate {
  dirDepth: number
  data?: Buffer
  size: number
  regular: boolean
}

/**
 * Reads the sdist's core metadata, `<top>/PKG-INFO`, where `<top>` is the common path of every
 * member name, and the names PyPI's rules need.
 */
export async function readSdist(
  path: string,
  options: { maxBytes?: number; maxDecompressedBytes?: number } = {}
): Promise<{ metadata: ArchiveMember; archive: SdistArchive }> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 })
  const gunzip = createGunzip()
  // pipe() does not forward errors; a read error must end the gunzip side we iterate.
  file.on('error', error => gunzip.destroy(error))
  file.pipe(gunzip)
  try {
    const { size } = await stat(path)
    const cap = options.maxDecompressedBytes ?? Math.max(MAX_SDIST_DECOMPRESSED_BYTES, 32 * size)
    const tooMuch = (): Error =>
      sdistProblem(
        path,
        'sdist-too-large',
        `it decompresses to more than ${cap} bytes, the most this check reads from one sdist.`,
        'An sdist this large is almost certainly a decompression bomb or holds build outputs; ' +
          'keep large data and build artefacts out of the sdist (MANIFEST.in, or the build ' +
          "backend's sdist include/exclude settings) and rebuild."
      )
    const reader = new ChunkReader(gunzip[Symbol.asyncIterator](), cap, tooMuch)
    return await scan(path, reader, maxBytes)
  } catch (error) {
    // zlib reports a truncated or damaged stream with Z_* codes; file errors pass through as-is.
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string' && code.startsWith('Z_')) {
      const why =
        code === 'Z_BUF_ERROR'
          ? 'the gzip stream ends early (truncated)'
          : `the gzip data is corrupt (${(error as Error).message})`
      throw invalidSdist(path, why)
    }
    throw error
  } finally {
    file.destroy()
    gunzip.destroy()
  }
}

/** The sdist's core metadata only (see readSdist). */
export async function readSdistMetadata(
  path: string,
  options: { maxBytes?: number; maxDecompressedBytes?: number } = {}
): Promise<ArchiveMember> {
  return (await readSdist(path, options)).metadata
}

const SPARSE_MESSAGE =
  'tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information'

async function scan(
  path: string,
  reader: ChunkReader,
  maxBytes: number
): Promise<{ metadata: ArchiveMember; archive: SdistArchive }> {
  const globals = new Map<string, string>()
  let pax: Map<string, string> | undefined
  let longName: string | undefined
  const names = new Set<string>()
  let common: string[] | undefined
  let absolute: boolean | undefined
  let mixed = false
  // Members named `<dir>/PKG-INFO` that may still turn out to be `<top>/PKG-INFO`; the last of
  // each name wins, as tarfile.getmember answers. At most two names can stay candidates.
  const candidates = new Map<string, Candidate>()

  const readData = async (size: number, what: string): Promise<Buffer> => {
    const data = await reader.read(size)
    if (data.length < size)
      throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`)
    if (!(await reader.skip((BLOCK - (size % BLOCK)) % BLOCK))) {
      throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`)
    }
    return data
  }
  const sparse = (): DistributionError =>
    sdistProblem(
      path,
      'sdist-sparse',
      SPARSE_MESSAGE,
      'Rebuild the sdist with `python -m build --sdist` (it never writes sparse members); GNU tar ' +
        'writes them for files with holes when given --sparse.'
    )

  for (;;) {
    const block = await reader.read(BLOCK)
    if (block.length === 0) break // no end-of-archive blocks: tolerated, as Python does
    if (block.length < BLOCK) {
      throw invalidSdist(path, 'the tar stream ends inside a header (truncated)')
    }
    if (block.every(byte => byte === 0)) break // end of archive
    if (!checksumMatches(block)) throw invalidSdist(path, 'a tar header fails its checksum')

    let type = String.fromCharCode(block[156])
    const size = pythonNti(block.subarray(124, 136))
    if (size === undefined || size < 0) {
      throw invalidSdist(path, 'a tar header has an unreadable size')
    }
    if (type === 'S') throw sparse()

    // Extension headers describe the next member: pax (`x`, Solaris `X`), pax globals (`g`),
    // GNU long name (`L`) and long link target (`K`, not needed here).
    if (type === 'x' || type === 'X' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_EXTENSION_BYTES) {
        throw invalidSdist(path, `an extended header of ${size} bytes is larger than any real one`)
      }
      const data = await readData(size, 'an extended header')
      if (type === 'x' || type === 'X') pax = new Map([...globals, ...parsePax(path, data)])
      else if (type === 'g') for (const [k, v] of parsePax(path, data)) globals.set(k, v)
      else if (type === 'L') longName = text(data, 0, data.length)
      continue
    }

    // A real member, named as tarfile names it.
    let name = text(block, 0, 100)
    if (type === '\0' && name.endsWith('/')) type = '5'
    if (type === '5') name = name.replace(/\/+$/, '')
    const prefix = text(block, 345, 155)
    if (prefix !== '' && !GNU_TYPES.has(type)) name = `${prefix}/${name}`
    if (longName !== undefined) name = type === '5' ? longName.replace(/\/$/, '') : longName
    const records = pax ?? (globals.size > 0 ? globals : undefined)
    if (records) {
      if (records.has('GNU.sparse.map') || records.has('GNU.sparse.size')) throw sparse()
      if (records.get('GNU.sparse.major') === '1' && records.get('GNU.sparse.minor') === '0') {
        throw sparse()
      }
      const paxPath = records.get('path')
      if (paxPath !== undefined) name = paxPath.replace(/\/+$/, '')
    }
    let dataSize = size
    const paxSize = records?.get('size')
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw invalidSdist(path, 'a pax size record is malformed')
      dataSize = Number(paxSize)
    }
    pax = undefined
    longName = undefined

    if (names.size >= MAX_MEMBERS) {
      throw invalidSdist(path, `it has more than ${MAX_MEMBERS} members, more than any real sdist`)
    }
    names.add(name)
    const parts = components(name)
    const isAbsolute = name.startsWith('/')
    if (absolute === undefined) absolute = isAbsolute
    else if (absolute !== isAbsolute) mixed = true
    if (common === undefined) common = parts
    else {
      let same = 0
      while (same < common.length && same < parts.length && common[same] === parts[same]) same++
      common = common.slice(0, same)
    }
    for (const [candidate, { dirDepth }] of candidates) {
      if (dirDepth > common.length) candidates.delete(candidate)
    }

    const hasData = !NO_DATA_TYPES.has(type)
    const canonical = (isAbsolute ? '/' : '') + parts.join('/')
    if (
      parts.length > 0 &&
      parts[parts.length - 1] === 'PKG-INFO' &&
      canonical === name &&
      parts.length - 1 <= common.length
    ) {
      const regular = REGULAR_TYPES.has(type)
      if (regular && dataSize <= maxBytes) {
        const data = await readData(dataSize, displayName(name))
        candidates.set(name, { dirDepth: parts.length - 1, data, size: dataSize, regular })
        continue
      }
      candidates.set(name, { dirDepth: parts.length - 1, size: dataSize, regular })
    }
    if (hasData && !(await reader.skip(Math.ceil(dataSize / BLOCK) * BLOCK))) {
      throw invalidSdist(path, `the tar stream ends inside ${displayName(name)} (truncated)`)
    }
  }

  // PyPI's own layout rule and words (Warehouse `_is_valid_dist_file`).
  if (mixed) {
    throw sdistProblem(
      path,
      'sdist-layout',
      'Incorrect number of top-level directories in sdist (it mixes absolute and relative member names).'
    )
  }
  const top = (absolute ? '/' : '') + (common ?? []).join('/')
  if (top === '' || top === '/' || top === '.') {
    const allTops = [...new Set([...names].map(n => components(n)[0] ?? n))]
    const tops = allTops.slice(0, 3).map(t => `'${displayName(t)}'`)
    if (allTops.length > 3) tops.push('…')
    throw sdistProblem(
      path,
      'sdist-layout',
      `Incorrect number of top-level directories in sdist${names.size === 0 ? ' (the archive is empty)' : ` (${tops.join(', ')})`}; an sdist holds everything under one folder, <name>-<version>/.`
    )
  }
  const target = `${top}/PKG-INFO`
  const found = candidates.get(target)
  if (!names.has(target) || !found) {
    throw sdistProblem(
      path,
      'sdist-metadata',
      `PKG-INFO not found at ${displayName(target)}; an sdist carries its core metadata there.`
    )
  }
  if (!found.regular) {
    throw sdistProblem(
      path,
      'sdist-metadata',
      `${displayName(target)} is not a regular file (a link or a folder).`
    )
  }
  if (!found.data) {
    throw sdistProblem(
      path,
      'metadata-too-large',
      `${displayName(target)} is ${found.size} bytes, more than the ${maxBytes}-byte limit for core metadata.`,
      'A PKG-INFO this large is almost certainly a broken or hostile build; rebuild the sdist.'
    )
  }
  return { metadata: { entryName: displayName(target), data: found.data }, archive: { names, top } }
}
