/**
 * Reads a wheel's `*.dist-info/METADATA` through the zip's central directory, with positioned
 * reads on a file handle: only the directory and the one member are read, never the whole file.
 *
 * Like pip and PyPI, we trust the central directory (not the local headers) for names and sizes.
 * The member is capped (declared size, and again while inflating) so a hostile compression ratio
 * cannot exhaust memory, and its CRC-32 is checked.
 */

import { open, type FileHandle } from 'node:fs/promises'
import { basename } from 'node:path'
import * as zlib from 'node:zlib'
import { DistributionError } from '../dists/distribution.js'

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
  name: string
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

/** Reads exactly `length` bytes at `position`, or fails naming the file as cut short. */
async function readAt(
  handle: FileHandle,
  path: string,
  position: number,
  length: number
): Promise<Buffer> {
  const buffer = Buffer.alloc(length)
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
  entries: number
  /** Bytes before the archive proper (self-extractor stubs); added to every recorded offset. */
  base: number
}

/** Finds the central directory from the End Of Central Directory record (and its ZIP64 form). */
async function locateCentralDirectory(
  handle: FileHandle,
  path: string,
  fileSize: number
): Promise<CentralDirectory> {
  if (fileSize < EOCD_SIZE) {
    throw invalidWheel(path, `it is only ${fileSize} bytes long, too short for a zip archive`)
  }
  // The EOCD is the last thing in the file, followed only by a comment of at most 65535 bytes.
  const tailLength = Math.min(fileSize, EOCD_SIZE + 0xffff)
  const tailStart = fileSize - tailLength
  const tail = await readAt(handle, path, tailStart, tailLength)
  let at = -1
  for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
    if (
      tail.readUInt32LE(i) === EOCD_SIGNATURE &&
      i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length
    ) {
      at = i
      break
    }
  }
  if (at < 0) {
    throw invalidWheel(
      path,
      'no end of central directory record (the file is truncated or not a zip)'
    )
  }
  const eocdPosition = tailStart + at
  const disk = tail.readUInt16LE(at + 4)
  const directoryDisk = tail.readUInt16LE(at + 6)
  let entries = tail.readUInt16LE(at + 10)
  let size = tail.readUInt32LE(at + 12)
  let offset = tail.readUInt32LE(at + 16)
  if (disk !== 0 || directoryDisk !== 0) {
    throw invalidWheel(path, 'it is a multi-part (spanned) zip archive')
  }

  // The central directory ends where the next record begins: the ZIP64 EOCD if there is one
  // (announced by a locator right before the EOCD), else the EOCD itself.
  let directoryEnd = eocdPosition
  if (eocdPosition >= ZIP64_LOCATOR_SIZE) {
    const locator = await readAt(
      handle,
      path,
      eocdPosition - ZIP64_LOCATOR_SIZE,
      ZIP64_LOCATOR_SIZE
    )
    if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
      const zip64Position = toSafeNumber(
        path,
        locator.readBigUInt64LE(8),
        'the ZIP64 record offset'
      )
      // Like the central directory, the record may sit after prepended data: find it by its
      // expected place (right before the locator) first, then by the recorded offset.
      const expected = eocdPosition - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE
      let record: Buffer | undefined
      let recordPosition = -1
      for (const candidate of [expected, zip64Position]) {
        if (candidate < 0 || candidate + ZIP64_EOCD_SIZE > fileSize) continue
        const bytes = await readAt(handle, path, candidate, ZIP64_EOCD_SIZE)
        if (bytes.readUInt32LE(0) === ZIP64_EOCD_SIGNATURE) {
          record = bytes
          recordPosition = candidate
          break
        }
      }
      if (!record) throw invalidWheel(path, 'the ZIP64 end of central directory record is missing')
      if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) {
        throw invalidWheel(path, 'it is a multi-part (spanned) zip archive')
      }
      entries = toSafeNumber(path, record.readBigUInt64LE(32), 'the entry count')
      size = toSafeNumber(path, record.readBigUInt64LE(40), 'the central directory size')
      offset = toSafeNumber(path, record.readBigUInt64LE(48), 'the central directory offset')
      directoryEnd = recordPosition
    }
  }

  const base = directoryEnd - size - offset
  if (base < 0) {
    throw invalidWheel(path, 'the central directory lies outside the file (truncated?)')
  }
  if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw invalidWheel(path, `its central directory is ${size} bytes, more than any real wheel`)
  }
  return { start: base + offset, size, entries, base }
}

/** Decodes the central directory records into entries. */
function parseCentralDirectory(
  path: string,
  bytes: Buffer,
  directory: CentralDirectory
): ZipEntry[] {
  const entries: ZipEntry[] = []
  let at = 0
  for (let index = 0; index < directory.entries; index++) {
    if (at + CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
      throw invalidWheel(path, `central directory record ${index + 1} is damaged`)
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
    if (next > bytes.length) {
      throw invalidWheel(path, `central directory record ${index + 1} is damaged`)
    }
    // Names are UTF-8 when flagged, else CP437; wheel paths are ASCII, where both agree, so a
    // byte-per-character decode is enough for the rest.
    const name = bytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', nameStart, extraStart)

    // ZIP64 extra field: the 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
    let extra = extraStart
    while (extra + 4 <= extraStart + extraLength) {
      const id = bytes.readUInt16LE(extra)
      const length = bytes.readUInt16LE(extra + 2)
      const end = extra + 4 + length
      if (end > extraStart + extraLength) break
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
    return await entriesOf(handle, path)
  } finally {
    await handle.close()
  }
}

async function entriesOf(handle: FileHandle, path: string): Promise<ZipEntry[]> {
  const { size: fileSize } = await handle.stat()
  const directory = await locateCentralDirectory(handle, path, fileSize)
  const bytes = await readAt(handle, path, directory.start, directory.size)
  return parseCentralDirectory(path, bytes, directory)
}

/** Reads one member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
async function extract(
  handle: FileHandle,
  path: string,
  entry: ZipEntry,
  maxBytes: number
): Promise<Buffer> {
  const tooLarge = (size: string): DistributionError =>
    new DistributionError([
      {
        file: path,
        rule: 'metadata-too-large',
        message: `${basename(path)}: ${entry.name} is ${size}, more than the ${maxBytes}-byte limit for core metadata.`,
        hint: 'A METADATA file this large is almost certainly a broken or hostile build; rebuild the wheel.'
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
    data = raw
  } else {
    try {
      // maxOutputLength makes zlib stop (RangeError) as soon as the output passes the cap, so a
      // tiny stream claiming a small size but inflating to gigabytes costs at most maxBytes.
      data = zlib.inflateRawSync(raw, { maxOutputLength: maxBytes })
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

/**
 * Reads the wheel's core metadata: the single top-level `*.dist-info/METADATA`. None or several
 * is an error (a wheel has exactly one .dist-info directory); nested ones (vendored packages'
 * own metadata) are ignored.
 */
export async function readWheelMetadata(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<ArchiveMember> {
  const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES
  const handle = await open(path, 'r')
  try {
    const entries = await entriesOf(handle, path)
    const candidates = entries.filter(e => TOP_LEVEL_METADATA.test(e.name))
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
    return { entryName: entry.name, data: await extract(handle, path, entry, maxBytes) }
  } finally {
    await handle.close()
  }
}
