/**
 * Reads a wheel as pip and PyPI do: the central directory found and decoded exactly as Python's
 * zipfile does (not yauzl, which differs on hostile files: docs/archives.md), METADATA and the
 * few files PyPI reads, capped and CRC-checked, and PyPI's framing walk over the local headers.
 * Only the directory, the headers and those members are read, never the whole file.
 */

import { basename } from 'node:path'
import { crc32, inflateRawSync } from 'node:zlib'
import { DistributionError } from '../dists/distribution.js'
import { MAX_METADATA_BYTES, problem, type ArchiveMember } from './archive.js'
import { isTarHeader } from './tar-header.js'
import { FileReader, strictUtf8, withFile, ZIP } from './zip-file.js'
import { zipFramingProblem } from './zip-framing.js'

export { crc32 }

/** A bigger central directory than this is not a wheel anyone built (~400k members). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024
/** The most we read of WHEEL, RECORD or entry_points.txt (PyPI reads each whole). */
export const MAX_WHEEL_FILE_BYTES = 16 * 1024 * 1024
/** The files in `{name}-{version}.dist-info/` that PyPI reads besides METADATA. */
export const PYPI_READS = ['WHEEL', 'RECORD', 'entry_points.txt'] as const

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

/** What PyPI's archive rules need from a wheel (see archive-rules.ts). */
export interface WheelArchive {
  fileSize: number
  /** Every central directory record, in order, as Python's zipfile lists them. */
  entries: ZipEntry[]
  /** Python's `NameToInfo`: by name, the last record of that name wins. */
  byName: Map<string, ZipEntry>
  /** PyPI's reason for refusing the zip framing, if it would. */
  framingProblem?: string
  /** The file also opens as a tar archive (its first block is a valid tar header). */
  alsoTar: boolean
  /** WHEEL, RECORD, entry_points.txt of `{name}-{version}.dist-info/`: bytes, or why unreadable. */
  distInfoFiles: Map<string, Buffer | DistributionError>
}

const invalidWheel = (path: string, why: string): DistributionError =>
  problem(
    path,
    'invalid-wheel',
    `${basename(path)} is not a valid wheel (zip archive): ${why}.`,
    REBUILD_HINT
  )

/** Exactly `length` bytes at `position`, or the file is cut short. */
async function need(file: FileReader, path: string, position: number, length: number) {
  const bytes = await file.read(position, length)
  if (!bytes) throw invalidWheel(path, 'the file ends early (truncated)')
  return bytes
}

function safeNumber(path: string, value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidWheel(path, `${what} is out of range`)
  return Number(value)
}

interface CentralDirectory {
  start: number
  size: number
  /** Bytes before the archive proper (self-extractor stubs); added to every recorded offset. */
  base: number
}

/**
 * Finds the central directory as Python's zipfile does, so that two end records, or one hidden in
 * a comment, give the members Python sees: the last 22 bytes if they are an EOCD with no comment,
 * else the LAST signature in the final 64 KiB; a ZIP64 record counts only right before its locator.
 */
async function locateCentralDirectory(file: FileReader, path: string): Promise<CentralDirectory> {
  if (file.size < ZIP.EOCD_SIZE) {
    throw invalidWheel(path, `it is only ${file.size} bytes long, too short for a zip archive`)
  }
  const tailStart = Math.max(0, file.size - ZIP.EOCD_SIZE - 0x10000)
  const tail = await need(file, path, tailStart, file.size - tailStart)
  const last = tail.length - ZIP.EOCD_SIZE
  let at =
    tail.readUInt32LE(last) === ZIP.SIG_EOCD && tail.readUInt16LE(last + 20) === 0
      ? last
      : tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (at > last) at = -1
  if (at < 0) {
    throw invalidWheel(
      path,
      'no end of central directory record (the file is truncated or not a zip)'
    )
  }
  let size = tail.readUInt32LE(at + 12)
  let offset = tail.readUInt32LE(at + 16)
  let directoryEnd = tailStart + at
  const locator = await file.read(directoryEnd - 20, 20)
  if (locator?.readUInt32LE(0) === ZIP.SIG_EOCD64_LOCATOR) {
    if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
      throw invalidWheel(path, 'it is a multi-part (spanned) zip archive')
    }
    const record = await file.read(directoryEnd - 76, 56)
    if (!record) throw invalidWheel(path, 'the ZIP64 end of central directory record is missing')
    // Like Python, a locator without its record leaves the plain EOCD in charge.
    if (record.readUInt32LE(0) === ZIP.SIG_EOCD64) {
      size = safeNumber(path, record.readBigUInt64LE(40), 'the central directory size')
      offset = safeNumber(path, record.readBigUInt64LE(48), 'the central directory offset')
      directoryEnd -= 76
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

const decodeCp437 = (bytes: Buffer): string =>
  Array.from(bytes, b => (b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80])).join('')

/** The central directory records as Python's zipfile reads them: until the declared size is used. */
function parseCentralDirectory(path: string, bytes: Buffer, base: number): ZipEntry[] {
  const entries: ZipEntry[] = []
  for (let at = 0; at < bytes.length;) {
    const damaged = invalidWheel(path, `central directory record ${entries.length + 1} is damaged`)
    if (at + ZIP.CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== ZIP.SIG_CENTRAL)
      throw damaged
    const flags = bytes.readUInt16LE(at + 8)
    const [nameLength, extraLength, commentLength] = [28, 30, 32].map(f =>
      bytes.readUInt16LE(at + f)
    )
    const nameStart = at + ZIP.CENTRAL_SIZE
    const extraStart = nameStart + nameLength
    const extraEnd = extraStart + extraLength
    if (extraEnd + commentLength > bytes.length) throw damaged
    const rawName = bytes.subarray(nameStart, extraStart)
    const origName = flags & ZIP.FLAG_UTF8 ? strictUtf8(rawName) : decodeCp437(rawName)
    if (origName === undefined)
      throw invalidWheel(path, 'a member name flagged as UTF-8 is not UTF-8')
    // Python cuts a name at its first NUL (a trick to hide a member's real name).
    const name = origName.split('\0')[0]
    const sizes = [24, 20, 42].map(f => bytes.readUInt32LE(at + f))
    // ZIP64 extra: 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
    for (let extra = extraStart; extra + 4 <= extraEnd;) {
      const end = extra + 4 + bytes.readUInt16LE(extra + 2)
      if (end > extraEnd) throw invalidWheel(path, `the extra field of '${name}' is damaged`)
      if (bytes.readUInt16LE(extra) === ZIP.ZIP64_EXTRA) {
        let field = extra + 4
        for (let i = 0; i < 3; i++) {
          if (sizes[i] !== 0xffffffff) continue
          if (field + 8 > end) throw invalidWheel(path, `the ZIP64 data of '${name}' is damaged`)
          sizes[i] = safeNumber(path, bytes.readBigUInt64LE(field), i < 2 ? 'a size' : 'an offset')
          field += 8
        }
      }
      extra = end
    }
    entries.push({
      name,
      origName,
      method: bytes.readUInt16LE(at + 10),
      flags,
      crc32: bytes.readUInt32LE(at + 16),
      uncompressedSize: sizes[0],
      compressedSize: sizes[1],
      localHeaderOffset: base + sizes[2]
    })
    at = extraEnd + commentLength
  }
  return entries
}

async function entriesOf(file: FileReader, path: string): Promise<ZipEntry[]> {
  const directory = await locateCentralDirectory(file, path)
  const bytes = await need(file, path, directory.start, directory.size)
  return parseCentralDirectory(path, bytes, directory.base)
}

/** Lists the archive's members from its central directory. */
export function readZipEntries(path: string): Promise<ZipEntry[]> {
  return withFile(path, file => entriesOf(file, path))
}

/**
 * Python's zipfile.is_zipfile as PyPI runs it (3.13+): an end record, and either an empty
 * directory or a central directory record where it says. Asked of sdists (PyPI refuses both).
 */
export function isZipFile(path: string): Promise<boolean> {
  return withFile(path, async file => {
    const directory = await locateCentralDirectory(file, path)
    if (directory.size === 0 && directory.start === directory.base) return true
    const record =
      directory.size < ZIP.CENTRAL_SIZE
        ? undefined
        : await file.read(directory.start, ZIP.CENTRAL_SIZE)
    return record?.readUInt32LE(0) === ZIP.SIG_CENTRAL
  }).catch((error: unknown) => {
    if (error instanceof DistributionError) return false
    throw error
  })
}

/** One member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
async function extract(file: FileReader, path: string, entry: ZipEntry, maxBytes: number) {
  const { name } = entry
  const tooLarge = (size: string): DistributionError =>
    problem(
      path,
      'metadata-too-large',
      `${basename(path)}: ${name} is ${size}, more than the ${maxBytes}-byte limit for ${name.endsWith('/METADATA') ? 'core metadata' : 'this file'}.`,
      `A ${basename(name)} file this large is almost certainly a broken or hostile build; rebuild the wheel.`
    )
  if (entry.flags & ZIP.FLAG_ENCRYPTED) throw invalidWheel(path, `${name} is encrypted`)
  if (entry.method !== 0 && entry.method !== 8) {
    throw invalidWheel(
      path,
      `${name} uses compression method ${entry.method}; wheels may only use stored (0) or deflate (8)`
    )
  }
  if (entry.uncompressedSize > maxBytes) throw tooLarge(`${entry.uncompressedSize} bytes`)
  // Deflate never needs much more room than the data it encodes; anything bigger is not METADATA.
  if (entry.compressedSize > (entry.method === 0 ? maxBytes : maxBytes + (maxBytes >> 4) + 1024)) {
    throw tooLarge(`${entry.compressedSize} bytes compressed`)
  }
  const local = await need(file, path, entry.localHeaderOffset, 30)
  if (local.readUInt32LE(0) !== ZIP.SIG_LOCAL) {
    throw invalidWheel(path, `the local header of ${name} is missing or damaged`)
  }
  const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  const raw = await need(file, path, dataStart, entry.compressedSize)
  let data = raw
  if (entry.method === 8) {
    try {
      // zlib stops as soon as the output passes the cap, whatever size the member claims.
      data = inflateRawSync(raw, { maxOutputLength: maxBytes })
    } catch (error) {
      // By code, not instanceof: node's errors may come from another realm (jest's vm modules).
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`inflating to more than ${maxBytes} bytes`)
      }
      throw invalidWheel(
        path,
        `the compressed data of ${name} is corrupt (${(error as Error).message})`
      )
    }
  }
  if (data.length !== entry.uncompressedSize) {
    throw invalidWheel(
      path,
      `${name} holds ${data.length} bytes but the directory says ${entry.uncompressedSize}`
    )
  }
  if (crc32(data) !== entry.crc32) throw invalidWheel(path, `${name} fails its CRC-32 check`)
  return data
}

/** `<anything>.dist-info/METADATA` at the top of the archive (not nested in a package). */
const TOP_LEVEL_METADATA = /^[^/]+\.dist-info\/METADATA$/

/** The wheel's core metadata: the single top-level `*.dist-info/METADATA` (see readWheel). */
export async function readWheelMetadata(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<ArchiveMember> {
  return (await readWheel(path, options)).metadata
}

/**
 * The wheel's core metadata (exactly one top-level `.dist-info/METADATA`; vendored packages'
 * nested ones are ignored) and what PyPI's archive rules look at.
 */
export function readWheel(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<{ metadata: ArchiveMember; archive: WheelArchive }> {
  return withFile(path, async file => {
    const entries = await entriesOf(file, path)
    const byName = new Map(entries.map(entry => [entry.name, entry]))
    const candidates = [...byName.values()].filter(e => TOP_LEVEL_METADATA.test(e.name))
    if (candidates.length !== 1) {
      const found =
        candidates.length === 0
          ? 'it has no <name>-<version>.dist-info/METADATA at the top level'
          : `it has ${candidates.length} top-level .dist-info/METADATA files (${candidates.map(c => c.name).join(', ')})`
      throw problem(
        path,
        'wheel-metadata',
        `${basename(path)}: ${found}; a wheel has exactly one.`,
        REBUILD_HINT
      )
    }
    const [entry] = candidates
    const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES
    const metadata = { entryName: entry.name, data: await extract(file, path, entry, maxBytes) }
    const framingProblem = await zipFramingProblem(file, new Map(entries.map(e => [e.origName, e])))
    const firstBlock = await file.read(0, 512)
    const distInfoFiles = new Map<string, Buffer | DistributionError>()
    const parts = basename(path).split('-')
    for (const name of parts.length >= 3 ? PYPI_READS : []) {
      const member = byName.get(`${parts[0]}-${parts[1]}.dist-info/${name}`)
      if (!member) continue
      const data = await extract(file, path, member, MAX_WHEEL_FILE_BYTES).catch(
        (error: unknown) => {
          if (error instanceof DistributionError) return error
          throw error
        }
      )
      distInfoFiles.set(name, data)
    }
    const archive: WheelArchive = {
      fileSize: file.size,
      entries,
      byName,
      ...(framingProblem === undefined ? {} : { framingProblem }),
      alsoTar: firstBlock !== undefined && isTarHeader(firstBlock),
      distInfoFiles
    }
    return { metadata, archive }
  })
}
