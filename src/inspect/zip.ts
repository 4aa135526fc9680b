/**
 * Reads a wheel's `*.dist-info/METADATA` through the zip's central directory, with positioned
 * reads on a file handle: only the directory and the one member are read, never the whole file.
 *
 * Like pip and PyPI, we trust the central directory (not the local headers) for names and sizes.
 * The member is capped (declared size, and again while inflating) so a hostile compression ratio
 * cannot exhaust memory, and its CRC-32 is checked.
 */

import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import * as zlib from 'node:zlib'
import { DistributionError } from '../dists/distribution.js'
import { isTarHeader } from './tar-header.js'
import { zipFramingProblem, type ArchiveFile } from './zip-framing.js'

/** The most uncompressed METADATA / PKG-INFO we read. Real ones are a few KiB to ~1 MiB. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024

/** A bigger central directory than this is not a wheel anyone built (~400k members). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024

const EOCD_SIGNATURE = 0x06054b50
const EOCD_SIZE = 22
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50
const ZIP64_LOCATOR_SIZE = 20
const ZIP64_EOCD_SIGNATURE = 0x06064b50
const ZIP64_EOCD_SIZE = 56
const CENTRAL_SIGNATURE = 0x02014b50
const CENTRAL_SIZE = 46
const LOCAL_SIGNATURE = 0x04034b50
const LOCAL_SIZE = 30
const ZIP64_EXTRA_ID = 0x0001
const FLAG_ENCRYPTED = 0x0001
const FLAG_UTF8 = 0x0800
const METHOD_STORED = 0
const METHOD_DEFLATED = 8

const REBUILD_HINT =
  'Rebuild the wheel (e.g. `python -m build --wheel`) and make sure the file is not altered ' +
  'or cut short between the build and this step (artifact upload/download, caches).'

/** One member as the central directory describes it. */
export interface ZipEntry {
  /** The name as Python's zipfile gives it (cut at a NUL). */
  name: string
  /** The name as written, decoded (UTF-8 when flagged, else CP437), Python's `orig_filename`. */
  origName: string
  method: number
  flags: number
  crc32: number
  compressedSize: number
  uncompressedSize: number
  /** Where the member's local header starts, in the file (prepended data already accounted for). */
  localHeaderOffset: number
}

/** A member read from an archive. */
export interface ArchiveMember {
  /** Path inside the archive, e.g. `pkg-1.0.dist-info/METADATA`. */
  entryName: string
  data: Buffer
}

// --- CRC-32 ---------------------------------------------------------------------------------

let crcTable: Uint32Array | undefined

/** CRC-32 (IEEE, as zip uses). zlib.crc32 exists from Node 20.15; older 20.x use the table. */
export function crc32(data: Uint8Array, value = 0): number {
  const native = (zlib as { crc32?: (d: Uint8Array, v?: number) => number }).crc32
  return native ? native(data, value) : tableCrc32(data, value)
}

/** The table-driven CRC-32, for Node versions without zlib.crc32. */
export function tableCrc32(data: Uint8Array, value = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256)
    for (let n = 0; n < 256; n++) {
      let c = n
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
      crcTable[n] = c >>> 0
    }
  }
  let crc = ~value >>> 0
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8)
  return ~crc >>> 0
}

// --- errors ---------------------------------------------------------------------------------

function invalidWheel(path: string, why: string): DistributionError {
  return new DistributionError([
    {
      file: path,
      rule: 'invalid-wheel',
      message: `${basename(path)} is not a valid wheel (zip archive): ${why}.`,
      hint: REBUILD_HINT
    }
  ])
}

// --- reading --------------------------------------------------------------------------------

/**
 * Bytes already in memory as an ArchiveFile of `size` bytes (a file whose read came up short
 * holds fewer: reading past them finds the end, as on disk).
 */
function heldFile(held: Buffer, size: number): ArchiveFile {
  return {
    bytes: held,
    async read(buffer, offset, length, position) {
      const end = Math.min(held.length, position + length)
      return { bytesRead: position >= end ? 0 : held.copy(buffer, offset, position, end) }
    },
    async stat() {
      return { size }
    }
  }
}

/**
 * Reads exactly `length` bytes at `position`, or fails naming the file as cut short. From a file
 * in memory the answer is a view of its bytes (callers only read it), else a fresh buffer.
 */
async function readAt(
  handle: ArchiveFile,
  path: string,
  position: number,
  length: number
): Promise<Buffer> {
  // (A negative position, from a directory that points before the file, takes the general path.)
  if (handle.bytes && position >= 0) {
    if (position + length > handle.bytes.length) {
      throw invalidWheel(path, 'the file ends early (truncated)')
    }
    return handle.bytes.subarray(position, position + length)
  }
  const buffer = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done)
    if (bytesRead === 0) throw invalidWheel(path, 'the file ends early (truncated)')
    done += bytesRead
  }
  return buffer
}

function toSafeNumber(path: string, value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidWheel(path, `${what} is out of range`)
  return Number(value)
}

interface CentralDirectory {
  /** File position of the first central directory record. */
  start: number
  size: number
  /** Bytes before the archive proper (self-extractor stubs); added to every recorded offset. */
  base: number
}

const EOCD_BYTES = Buffer.from([0x50, 0x4b, 0x05, 0x06])

/**
 * Finds the central directory exactly as Python's zipfile (pip, PyPI) does, so that an archive
 * with two end records, or one hidden in a comment, gives us the members Python sees: the EOCD is
 * the last 22 bytes if they are one with no comment, else the LAST signature in the final 64 KiB;
 * a ZIP64 EOCD counts only where it would sit, right before its locator, right before the EOCD.
 */
async function locateCentralDirectory(
  handle: ArchiveFile,
  path: string,
  fileSize: number
): Promise<CentralDirectory> {
  if (fileSize < EOCD_SIZE) {
    throw invalidWheel(path, `it is only ${fileSize} bytes long, too short for a zip archive`)
  }
  const tailLength = Math.min(fileSize, EOCD_SIZE + 0x10000)
  const tailStart = fileSize - tailLength
  const tail = await readAt(handle, path, tailStart, tailLength)
  const last = tail.length - EOCD_SIZE
  let at =
    tail.readUInt32LE(last) === EOCD_SIGNATURE && tail.readUInt16LE(last + 20) === 0
      ? last
      : tail.lastIndexOf(EOCD_BYTES)
  if (at >= 0 && at + EOCD_SIZE > tail.length) at = -1
  if (at < 0) {
    throw invalidWheel(
      path,
      'no end of central directory record (the file is truncated or not a zip)'
    )
  }
  const eocdPosition = tailStart + at
  let size = tail.readUInt32LE(at + 12)
  let offset = tail.readUInt32LE(at + 16)
  let directoryEnd = eocdPosition

  const locatorPosition = eocdPosition - ZIP64_LOCATOR_SIZE
  if (locatorPosition >= 0) {
    const locator = await readAt(handle, path, locatorPosition, ZIP64_LOCATOR_SIZE)
    if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
        throw invalidWheel(path, 'it is a multi-part (spanned) zip archive')
      }
      const recordPosition = locatorPosition - ZIP64_EOCD_SIZE
      if (recordPosition < 0) {
        throw invalidWheel(path, 'the ZIP64 end of central directory record is missing')
      }
      const record = await readAt(handle, path, recordPosition, ZIP64_EOCD_SIZE)
      // Like Python, a locator without its record leaves the plain EOCD in charge.
      if (record.readUInt32LE(0) === ZIP64_EOCD_SIGNATURE) {
        size = toSafeNumber(path, record.readBigUInt64LE(40), 'the central directory size')
        offset = toSafeNumber(path, record.readBigUInt64LE(48), 'the central directory offset')
        directoryEnd = recordPosition
      }
    }
  }

  const base = directoryEnd - size - offset
  if (offset + base < 0) {
    throw invalidWheel(path, 'the central directory lies outside the file (truncated?)')
  }
  if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw invalidWheel(path, `its central directory is ${size} bytes, more than any real wheel`)
  }
  return { start: base + offset, size, base }
}

/** Code page 437, bytes 0x80–0xFF: how Python's zipfile decodes names without the UTF-8 flag. */
const CP437_HIGH =
  'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀' +
  'αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0'

function decodeCp437(bytes: Buffer): string {
  // Most names are ASCII, where CP437 is ASCII: one conversion instead of a string per byte.
  let ascii = true
  for (let i = 0; i < bytes.length && ascii; i++) ascii = bytes[i] < 0x80
  if (ascii) return bytes.toString('latin1')
  let text = ''
  for (const byte of bytes)
    text += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80]
  return text
}

/** One decoder for every name: without `stream`, each decode starts afresh, even after a failure. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Decodes the central directory records into entries, as Python's zipfile reads them. */
function parseCentralDirectory(
  path: string,
  bytes: Buffer,
  directory: CentralDirectory
): ZipEntry[] {
  const entries: ZipEntry[] = []
  const damaged = (index: number): DistributionError =>
    invalidWheel(path, `central directory record ${index + 1} is damaged`)
  let at = 0
  // Python reads records until the directory's declared size is used up (the count is not used).
  for (let index = 0; at < directory.size; index++) {
    if (at + CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw damaged(index)
    }
    const flags = bytes.readUInt16LE(at + 8)
    const method = bytes.readUInt16LE(at + 10)
    const crc = bytes.readUInt32LE(at + 16)
    let compressedSize = bytes.readUInt32LE(at + 20)
    let uncompressedSize = bytes.readUInt32LE(at + 24)
    const nameLength = bytes.readUInt16LE(at + 28)
    const extraLength = bytes.readUInt16LE(at + 30)
    const commentLength = bytes.readUInt16LE(at + 32)
    let localOffset = bytes.readUInt32LE(at + 42)
    const nameStart = at + CENTRAL_SIZE
    const extraStart = nameStart + nameLength
    const next = extraStart + extraLength + commentLength
    if (next > bytes.length) throw damaged(index)
    const rawName = bytes.subarray(nameStart, extraStart)
    let origName: string
    if (flags & FLAG_UTF8) {
      try {
        origName = utf8.decode(rawName)
      } catch {
        throw invalidWheel(path, `a member name flagged as UTF-8 is not UTF-8`)
      }
    } else {
      origName = decodeCp437(rawName)
    }
    // Python cuts a name at its first NUL (a trick to hide a member's real name).
    const nul = origName.indexOf('\0')
    const name = nul < 0 ? origName : origName.slice(0, nul)

    // ZIP64 extra: the 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
    let extra = extraStart
    const extraEnd = extraStart + extraLength
    while (extra + 4 <= extraEnd) {
      const id = bytes.readUInt16LE(extra)
      const length = bytes.readUInt16LE(extra + 2)
      const end = extra + 4 + length
      if (end > extraEnd) throw invalidWheel(path, `the extra field of '${name}' is damaged`)
      if (id === ZIP64_EXTRA_ID) {
        let field = extra + 4
        const take = (what: string): number => {
          if (field + 8 > end) throw invalidWheel(path, `the ZIP64 data of '${name}' is damaged`)
          const value = toSafeNumber(path, bytes.readBigUInt64LE(field), what)
          field += 8
          return value
        }
        if (uncompressedSize === 0xffffffff) uncompressedSize = take('a size')
        if (compressedSize === 0xffffffff) compressedSize = take('a size')
        if (localOffset === 0xffffffff) localOffset = take('an offset')
      }
      extra = end
    }

    entries.push({
      name,
      origName,
      method,
      flags,
      crc32: crc,
      compressedSize,
      uncompressedSize,
      localHeaderOffset: directory.base + localOffset
    })
    at = next
  }
  return entries
}

/** Lists the archive's members from its central directory. */
export async function readZipEntries(path: string): Promise<ZipEntry[]> {
  const handle = await open(path, 'r')
  try {
    return (await entriesOf(handle, path)).entries
  } finally {
    await handle.close()
  }
}

async function entriesOf(
  handle: ArchiveFile,
  path: string
): Promise<{ entries: ZipEntry[]; fileSize: number; directory: CentralDirectory }> {
  const { size: fileSize } = await handle.stat()
  const directory = await locateCentralDirectory(handle, path, fileSize)
  const bytes = await readAt(handle, path, directory.start, directory.size)
  return { entries: parseCentralDirectory(path, bytes, directory), fileSize, directory }
}

/**
 * Python's zipfile.is_zipfile as PyPI runs it (3.13+): an end record, and either an empty
 * directory or a central directory record where the end record says. Asked of sdists, which
 * PyPI refuses when they are both.
 */
export async function isZipFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r')
  try {
    const { size: fileSize } = await handle.stat()
    const directory = await locateCentralDirectory(handle, path, fileSize)
    if (directory.size === 0 && directory.start === directory.base) return true
    if (directory.size < CENTRAL_SIZE) return false
    const record = await readAt(handle, path, directory.start, CENTRAL_SIZE)
    return record.readUInt32LE(0) === CENTRAL_SIGNATURE
  } catch (error) {
    if (error instanceof DistributionError) return false
    throw error
  } finally {
    await handle.close()
  }
}

/** zlib's default output chunk: the most a member's declared size makes us ask for at once. */
const INFLATE_CHUNK = 16 * 1024

/** Reads one member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
async function extract(
  handle: ArchiveFile,
  path: string,
  entry: ZipEntry,
  maxBytes: number
): Promise<Buffer> {
  const tooLarge = (size: string): DistributionError =>
    new DistributionError([
      {
        file: path,
        rule: 'metadata-too-large',
        message: `${basename(path)}: ${entry.name} is ${size}, more than the ${maxBytes}-byte limit for ${entry.name.endsWith('/METADATA') ? 'core metadata' : 'this file'}.`,
        hint: `A ${basename(entry.name)} file this large is almost certainly a broken or hostile build; rebuild the wheel.`
      }
    ])
  if (entry.flags & FLAG_ENCRYPTED) throw invalidWheel(path, `${entry.name} is encrypted`)
  if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
    throw invalidWheel(
      path,
      `${entry.name} uses compression method ${entry.method}; wheels may only use stored (0) or deflate (8)`
    )
  }
  if (entry.uncompressedSize > maxBytes) throw tooLarge(`${entry.uncompressedSize} bytes`)
  // Deflate never needs much more room than the data it encodes; anything bigger is not METADATA.
  const compressedLimit =
    entry.method === METHOD_STORED ? maxBytes : maxBytes + (maxBytes >> 4) + 1024
  if (entry.compressedSize > compressedLimit) {
    throw tooLarge(`${entry.compressedSize} bytes compressed`)
  }

  const local = await readAt(handle, path, entry.localHeaderOffset, LOCAL_SIZE)
  if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
    throw invalidWheel(path, `the local header of ${entry.name} is missing or damaged`)
  }
  const dataStart =
    entry.localHeaderOffset + LOCAL_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28)
  const raw = await readAt(handle, path, dataStart, entry.compressedSize)

  let data: Buffer
  if (entry.method === METHOD_STORED) {
    // From a file in memory `raw` is a view of memory that is used again for the next file: what
    // the wheel's readers return must not point into it.
    data = handle.bytes ? Buffer.from(raw) : raw
  } else {
    try {
      // maxOutputLength makes zlib stop (RangeError) as soon as the output passes the cap, so a
      // tiny stream claiming a small size but inflating to gigabytes costs at most maxBytes.
      // Output room for the declared size (zlib's default is 16 KiB, fresh memory per member),
      // so a small member inflates into memory from Node's pool in one step.
      const chunkSize = Math.min(INFLATE_CHUNK, Math.max(1024, entry.uncompressedSize + 1))
      data = zlib.inflateRawSync(raw, { maxOutputLength: maxBytes, chunkSize })
    } catch (error) {
      // Checked by code, not `instanceof RangeError`: errors from node internals may come from
      // another realm (jest's vm modules).
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`inflating to more than ${maxBytes} bytes`)
      }
      throw invalidWheel(
        path,
        `the compressed data of ${entry.name} is corrupt (${(error as Error).message})`
      )
    }
  }
  if (data.length !== entry.uncompressedSize) {
    throw invalidWheel(
      path,
      `${entry.name} holds ${data.length} bytes but the directory says ${entry.uncompressedSize}`
    )
  }
  if (crc32(data) !== entry.crc32) throw invalidWheel(path, `${entry.name} fails its CRC-32 check`)
  return data
}

/** `<anything>.dist-info/METADATA` at the top of the archive (not nested in a package). */
const TOP_LEVEL_METADATA = /^[^/]+\.dist-info\/METADATA$/

/** The most we read of WHEEL, RECORD or entry_points.txt (PyPI reads each whole). */
export const MAX_WHEEL_FILE_BYTES = 16 * 1024 * 1024

/** The files in `{name}-{version}.dist-info/` that PyPI reads besides METADATA. */
export const PYPI_READS = ['WHEEL', 'RECORD', 'entry_points.txt'] as const

/** What PyPI's archive rules need from a wheel (see archive-rules.ts). */
export interface WheelArchive {
  fileSize: number
  /** Every central directory record, in order, as Python's zipfile lists them. */
  entries: ZipEntry[]
  /** Python's `NameToInfo`: by name, the last record of that name wins. */
  byName: Map<string, ZipEntry>
  /** PyPI's reason for refusing the zip framing (zip-framing.ts), if it would. */
  framingProblem?: string
  /** The file also opens as a tar archive (its first block is a valid tar header). */
  alsoTar: boolean
  /**
   * WHEEL, RECORD, entry_points.txt from `{name}-{version}.dist-info/` (the filename's parts,
   * verbatim, as PyPI takes them): the bytes, or why they cannot be read; absent when not there.
   */
  distInfoFiles: Map<string, Buffer | DistributionError>
}

/**
 * Reads the wheel's core metadata: the single top-level `*.dist-info/METADATA`. None or several
 * is an error (a wheel has exactly one .dist-info directory); nested ones (vendored packages'
 * own metadata) are ignored.
 */
export async function readWheelMetadata(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<ArchiveMember> {
  return (await readWheel(path, options)).metadata
}

/**
 * Reads the wheel's core metadata and what PyPI's archive rules look at, with one open handle:
 * the central directory, the framing walk over the local headers (no member data), the first
 * block, and the few small files PyPI reads. Nothing else is inflated.
 */
export async function readWheel(
  path: string,
  options: {
    maxBytes?: number
    /**
     * The whole file, already read (see READ_WHOLE_UP_TO), and its size as `stat` gave it: the
     * wheel is read from these bytes as if from the file (bytes past the size are not seen; a
     * read that came up short reads as a file cut short). Nothing returned points into them, so
     * the caller may use their memory again.
     */
    read?: { bytes: Buffer; size: number }
  } = {}
): Promise<{ metadata: ArchiveMember; archive: WheelArchive }> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES
  if (options.read) {
    const { bytes, size } = options.read
    return readWheelFrom(heldFile(bytes.subarray(0, size), size), path, maxBytes)
  }
  // Otherwise through the file: positioned reads in windows (inspection reads a small wheel whole
  // beforehand and passes `read`; what comes here is larger, or not a regular file).
  const handle = await open(path, 'r')
  try {
    return await readWheelFrom(handle, path, maxBytes)
  } finally {
    await handle.close()
  }
}

async function readWheelFrom(
  handle: ArchiveFile,
  path: string,
  maxBytes: number
): Promise<{ metadata: ArchiveMember; archive: WheelArchive }> {
  const { entries, fileSize, directory: where } = await entriesOf(handle, path)
  const byName = new Map(entries.map(entry => [entry.name, entry]))
  const candidates = [...byName.values()].filter(e => TOP_LEVEL_METADATA.test(e.name))
  if (candidates.length !== 1) {
    const found =
      candidates.length === 0
        ? 'it has no <name>-<version>.dist-info/METADATA at the top level'
        : `it has ${candidates.length} top-level .dist-info/METADATA files (${candidates.map(c => c.name).join(', ')})`
    throw new DistributionError([
      {
        file: path,
        rule: 'wheel-metadata',
        message: `${basename(path)}: ${found}; a wheel has exactly one.`,
        hint: REBUILD_HINT
      }
    ])
  }
  const [entry] = candidates
  const metadata = { entryName: entry.name, data: await extract(handle, path, entry, maxBytes) }

  const directory = new Map(
    entries.map(e => [
      e.origName,
      { compressedSize: e.compressedSize, uncompressedSize: e.uncompressedSize }
    ])
  )
  // Where records should start, so the walk reads runs of small members in one go.
  const hints = entries.map(e => e.localHeaderOffset)
  for (let at = where.start; at <= where.start + where.size; at += 128 * 1024) hints.push(at)
  const framingProblem = await zipFramingProblem(handle, fileSize, directory, hints)
  const firstBlock = fileSize >= 512 ? await readAt(handle, path, 0, 512) : undefined
  const distInfoFiles = new Map<string, Buffer | DistributionError>()
  const parts = basename(path).split('-')
  if (parts.length >= 3) {
    const distInfo = `${parts[0]}-${parts[1]}.dist-info/`
    for (const file of PYPI_READS) {
      const member = byName.get(distInfo + file)
      if (!member) continue
      try {
        distInfoFiles.set(file, await extract(handle, path, member, MAX_WHEEL_FILE_BYTES))
      } catch (error) {
        if (!(error instanceof DistributionError)) throw error
        distInfoFiles.set(file, error)
      }
    }
  }
  return {
    metadata,
    archive: {
      fileSize,
      entries,
      byName,
      ...(framingProblem === undefined ? {} : { framingProblem }),
      alsoTar: firstBlock !== undefined && isTarHeader(firstBlock),
      distInfoFiles
    }
  }
}
