/**
 * Reads an sdist's `<top>/PKG-INFO` from its .tar.gz by streaming: the file goes through gunzip
 * into a small tar header parser, and reading stops as soon as PKG-INFO is found. Nothing but the
 * headers, a few pax records and PKG-INFO itself is kept in memory.
 *
 * Understood: ustar (with its `prefix` field), pax extended headers (`x`, and `g` globals, which —
 * as in Python's tarfile — only take effect for members that also have an `x` header), GNU
 * long names (`L`), base-256 sizes. Layout rule (the sdist spec, twine, PyPI): every member sits
 * under one top-level folder. Because we stop at PKG-INFO, that rule is checked on the members up
 * to and including it; a stray member after it is left to the index's own full check, a trade of
 * thoroughness for not decompressing a 100 MB sdist twice (the digest pass already reads it).
 */

import { createReadStream } from 'node:fs'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'
import { DistributionError } from '../dists/distribution.js'
import { MAX_METADATA_BYTES, type ArchiveMember } from './zip.js'

const BLOCK = 512
/** Pax records and GNU long names are a few hundred bytes; more is a broken or hostile archive. */
const MAX_EXTENSION_BYTES = 1024 * 1024

const REBUILD_HINT =
  'Rebuild the sdist (e.g. `python -m build --sdist`) and make sure the file is not altered or ' +
  'cut short between the build and this step (artifact upload/download, caches).'

function sdistProblem(
  path: string,
  rule: string,
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

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async pull(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.source.next()
    if (next.done) {
      this.ended = true
      return false
    }
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

/** A NUL-terminated field. */
function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length)
  const nul = field.indexOf(0)
  return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8')
}

/** An octal numeric field, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block: Buffer, start: number, length: number): number | undefined {
  const field = block.subarray(start, start + length)
  if (field[0] & 0x80) {
    if (field[0] & 0x40) return undefined // negative: never a valid size
    let value = field[0] & 0x3f
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]
    return Number.isSafeInteger(value) ? value : undefined
  }
  const digits = field.toString('latin1').replace(/\0.*$/s, '').trim()
  if (digits === '') return 0
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : undefined
}

/** The header checksum: the byte sum with the checksum field read as spaces (unsigned or signed). */
function checksumMatches(block: Buffer): boolean {
  const stored = numeric(block, 148, 8)
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  return stored === unsigned || stored === signed
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
    const record = data.toString('utf8', space + 1, at + length - 1) // drop the trailing '\n'
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    at += length
  }
  return records
}

/** Path components without empty and `.` parts, the way os.path.commonpath sees them. */
function components(name: string): string[] {
  return name.split('/').filter(part => part !== '' && part !== '.')
}

const REGULAR_TYPES = new Set(['0', '\0', '7'])

/**
 * Reads the sdist's core metadata, `<top>/PKG-INFO`, where `<top>` is the single top-level
 * folder every member must be under.
 */
export async function readSdistMetadata(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<ArchiveMember> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 })
  const gunzip = createGunzip()
  // pipe() does not forward errors; a read error must end the gunzip side we iterate.
  file.on('error', error => gunzip.destroy(error))
  file.pipe(gunzip)
  const reader = new ChunkReader(gunzip[Symbol.asyncIterator]())
  try {
    return await findPkgInfo(path, reader, maxBytes)
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
    // Stop reading as soon as we have what we came for.
    file.destroy()
    gunzip.destroy()
  }
}

async function findPkgInfo(
  path: string,
  reader: ChunkReader,
  maxBytes: number
): Promise<ArchiveMember> {
  const globals = new Map<string, string>()
  let pax: Map<string, string> | undefined
  let longName: string | undefined
  let top: string | undefined
  let firstMember: string | undefined

  const readData = async (size: number, what: string): Promise<Buffer> => {
    const data = await reader.read(size)
    if (data.length < size)
      throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`)
    if (!(await reader.skip((BLOCK - (size % BLOCK)) % BLOCK))) {
      throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`)
    }
    return data
  }

  for (;;) {
    const block = await reader.read(BLOCK)
    if (block.length === 0) break // no end-of-archive blocks: tolerated, as Python does
    if (block.length < BLOCK)
      throw invalidSdist(path, 'the tar stream ends inside a header (truncated)')
    if (block.every(byte => byte === 0)) break // end of archive
    if (!checksumMatches(block)) throw invalidSdist(path, 'a tar header fails its checksum')

    const type = String.fromCharCode(block[156])
    const size = numeric(block, 124, 12)
    if (size === undefined) throw invalidSdist(path, 'a tar header has an unreadable size')

    // Extension headers describe the next member: pax (`x`, Solaris `X`), pax globals (`g`),
    // GNU long name (`L`) and long link target (`K`, not needed here).
    if (type === 'x' || type === 'X' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_EXTENSION_BYTES) {
        throw invalidSdist(path, `an extended header of ${size} bytes is larger than any real one`)
      }
      const data = await readData(size, 'an extended header')
      if (type === 'x' || type === 'X') pax = parsePax(path, data)
      else if (type === 'g') for (const [k, v] of parsePax(path, data)) globals.set(k, v)
      else if (type === 'L') longName = text(data, 0, data.length)
      continue
    }

    // A real member: its name from the pax record, else the GNU long name, else the header.
    const records = pax ? new Map([...globals, ...pax]) : undefined
    let name = text(block, 0, 100)
    if (block.toString('latin1', 257, 263) === 'ustar\0') {
      const prefix = text(block, 345, 155)
      if (prefix !== '') name = `${prefix}/${name}`
    }
    if (longName !== undefined) name = longName
    if (records?.has('path')) name = records.get('path') as string
    let dataSize = size
    const paxSize = records?.get('size')
    if (paxSize !== undefined) {
      if (!/^\d+$/.test(paxSize)) throw invalidSdist(path, 'a pax size record is malformed')
      dataSize = Number(paxSize)
    }
    pax = undefined
    longName = undefined

    const parts = components(name)
    if (parts.length > 0) {
      top ??= parts[0]
      firstMember ??= name
      if (parts[0] !== top) {
        throw sdistProblem(
          path,
          'sdist-layout',
          `the archive has more than one top-level entry ('${firstMember}' and '${name}'); an sdist holds everything under one folder, <name>-<version>/.`
        )
      }
    }

    if (parts.length === 2 && parts[1] === 'PKG-INFO') {
      if (!REGULAR_TYPES.has(type)) {
        throw sdistProblem(
          path,
          'sdist-metadata',
          `${name} is not a regular file (a link or a folder).`
        )
      }
      if (dataSize > maxBytes) {
        throw sdistProblem(
          path,
          'metadata-too-large',
          `${name} is ${dataSize} bytes, more than the ${maxBytes}-byte limit for core metadata.`,
          'A PKG-INFO this large is almost certainly a broken or hostile build; rebuild the sdist.'
        )
      }
      const data = await reader.read(dataSize)
      if (data.length < dataSize)
        throw invalidSdist(path, `the tar stream ends inside ${name} (truncated)`)
      return { entryName: name, data }
    }

    // Links and folders have no data (whatever size they claim, in old archives); others do.
    const hasData = !['1', '2', '3', '4', '5', '6'].includes(type)
    if (hasData && !(await reader.skip(Math.ceil(dataSize / BLOCK) * BLOCK))) {
      throw invalidSdist(path, `the tar stream ends inside ${name} (truncated)`)
    }
  }

  throw sdistProblem(
    path,
    'sdist-metadata',
    top === undefined
      ? 'the archive is empty.'
      : `there is no ${top}/PKG-INFO; an sdist carries its core metadata there.`
  )
}
