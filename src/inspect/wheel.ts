/**
 * A wheel as pip and PyPI read it: exactly one top-level `.dist-info/METADATA` (vendored
 * packages' nested ones are ignored), the dist-info files PyPI reads, and PyPI's zip framing
 * rule, over the zip reader in zip.ts.
 */

import { basename } from 'node:path'
import { DistributionError, rebuildHint } from '../dists/distribution.js'
import { MAX_METADATA_BYTES, strictUtf8, type ArchiveMember } from './metadata.js'
import { checksumMatches } from './tar.js'
import { extract, readEntries, ZIP, ZipFile, type ZipEntry } from './zip.js'

/** The most we read of WHEEL, RECORD or entry_points.txt (PyPI reads each whole). */
const MAX_WHEEL_FILE_BYTES = 16 * 1024 * 1024
/** The files in `{name}-{version}.dist-info/` that PyPI reads besides METADATA. */
const PYPI_READS = ['WHEEL', 'RECORD', 'entry_points.txt'] as const
/** `<anything>.dist-info/METADATA` at the top of the archive (not nested in a package). */
const TOP_LEVEL_METADATA = /^[^/]+\.dist-info\/METADATA$/

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

/** The wheel's core metadata and what PyPI's archive rules look at. */
export function readWheel(
  path: string,
  options: { maxBytes?: number } = {}
): Promise<{ metadata: ArchiveMember; archive: WheelArchive }> {
  return ZipFile.use(path, async file => {
    const entries = await readEntries(file)
    const byName = new Map(entries.map(entry => [entry.name, entry]))
    const candidates = [...byName.values()].filter(e => TOP_LEVEL_METADATA.test(e.name))
    if (candidates.length !== 1) {
      const found =
        candidates.length === 0
          ? 'it has no <name>-<version>.dist-info/METADATA at the top level'
          : `it has ${candidates.length} top-level .dist-info/METADATA files (${candidates.map(c => c.name).join(', ')})`
      const message = `${basename(path)}: ${found}; a wheel has exactly one.`
      throw DistributionError.of(path, 'wheel-metadata', message, rebuildHint('wheel'))
    }
    const [entry] = candidates
    const data = await extract(file, entry, options.maxBytes ?? MAX_METADATA_BYTES)
    const framingProblem = await zipFramingProblem(file, new Map(entries.map(e => [e.origName, e])))
    const firstBlock = await file.read(0, 512)
    const distInfoFiles = new Map<string, Buffer | DistributionError>()
    const parts = basename(path).split('-')
    for (const name of parts.length >= 3 ? PYPI_READS : []) {
      const member = byName.get(`${parts[0]}-${parts[1]}.dist-info/${name}`)
      if (!member) continue
      const got = await extract(file, member, MAX_WHEEL_FILE_BYTES).catch((error: unknown) => {
        if (error instanceof DistributionError) return error
        throw error
      })
      distInfoFiles.set(name, got)
    }
    const archive: WheelArchive = {
      fileSize: file.size,
      entries,
      byName,
      ...(framingProblem === undefined ? {} : { framingProblem }),
      // tarfile.is_tarfile: the first block is a member header (not the end-of-archive zeros).
      alsoTar: firstBlock?.some(byte => byte !== 0) === true && checksumMatches(firstBlock),
      distInfoFiles
    }
    return { metadata: { entryName: entry.name, data }, archive }
  })
}

/** A control character (C0 or DEL). */
const hasUnprintable = (bytes: Buffer): boolean => bytes.some(b => b < 0x20 || b === 0x7f)
const u64 = (buffer: Buffer, at: number): number => Number(buffer.readBigUInt64LE(at))

/**
 * PyPI's zip framing rule (Warehouse `warehouse/utils/zipfiles.py`): a wheel must read the same
 * through the central directory (pip) and through a stream of local headers (other tools), so
 * PyPI walks the records from byte 0 and refuses anything that could make the two disagree. Same
 * walk, PyPI's own words; undefined when PyPI accepts it. `directory`: sizes by `orig_filename`.
 */
async function zipFramingProblem(
  file: ZipFile,
  directory: ReadonlyMap<string, { compressedSize: number; uncompressedSize: number }>
): Promise<string | undefined> {
  const malformed = 'Malformed zip file'
  // Names as raw bytes (latin1: one character per byte, so equal strings are equal bytes).
  const localNames = new Set<string>()
  const centralNames = new Set<string>()
  let eocd64Seen = false
  let locatorSeen = false
  let centralOffset: number | undefined
  let centralSize = 0
  let declared: { records: number; size: number; offset: number } | undefined
  let position = 0
  try {
    for (;;) {
      const signature = (await file.need(position, 4)).readUInt32LE(0)
      const body = position + 4
      // An EOCD after a ZIP64 EOCD must have its locator in between.
      if (signature === ZIP.SIG_EOCD && eocd64Seen && !locatorSeen) return malformed
      if (signature === ZIP.SIG_CENTRAL) {
        centralOffset ??= position
        const header = await file.need(body, 42)
        const [nameLength, extraLength] = [header.readUInt16LE(24), header.readUInt16LE(26)]
        if (header.readUInt16LE(28) !== 0) return 'Comment in central directory'
        const name = (await file.need(body + 42, nameLength + extraLength)).subarray(0, nameLength)
        if (hasUnprintable(name)) return 'Invalid character in filename'
        centralSize += 46 + nameLength + extraLength
        const key = name.toString('latin1')
        if (centralNames.has(key)) return 'Duplicate filename in central directory'
        if (!localNames.has(key)) return 'Missing filename in local headers'
        centralNames.add(key)
        position = body + 42 + nameLength + extraLength
      } else if (signature === ZIP.SIG_LOCAL) {
        const header = await file.need(body, 26)
        const method = header.readUInt16LE(4)
        let compressedSize = header.readUInt32LE(14)
        let fileSize = header.readUInt32LE(18)
        const [nameLength, extraLength] = [header.readUInt16LE(22), header.readUInt16LE(24)]
        const name = await file.need(body + 26, nameLength)
        let extra = await file.need(body + 26 + nameLength, extraLength)
        if (hasUnprintable(name)) return 'Invalid character in filename'
        const seen = new Set<number>()
        while (extra.length > 0) {
          if (extra.length < 4) return malformed
          const id = extra.readUInt16LE(0)
          const size = extra.readUInt16LE(2)
          if (size + 4 > extra.length) return malformed
          if (seen.has(id) && (id === ZIP.ZIP64_EXTRA || id === ZIP.UNICODE_PATH_EXTRA)) {
            return 'Invalid duplicate extra in local file'
          }
          seen.add(id)
          if (id === ZIP.ZIP64_EXTRA) {
            if (![0, 8, 16, 24, 28].includes(size)) return malformed
            if (size === 0) {
              if (compressedSize === 0xffffffff || fileSize === 0xffffffff) return malformed
            } else if (size === 8) {
              // Only the uncompressed size: sound only when stored (compressed = uncompressed).
              if (method !== 0) return malformed
              compressedSize = u64(extra, 4)
              if (fileSize === 0xffffffff) fileSize = compressedSize
            } else {
              if (fileSize === 0xffffffff) fileSize = u64(extra, 4)
              compressedSize = u64(extra, 12)
            }
          } else if (id === ZIP.UNICODE_PATH_EXTRA) {
            const unicodeName = extra.subarray(Math.min(9, 4 + size), 4 + size)
            if (hasUnprintable(unicodeName)) return 'Invalid character in filename'
            if (strictUtf8(unicodeName) === undefined) return 'Filename not valid UTF-8'
          }
          extra = extra.subarray(size + 4)
        }
        if (header.readUInt16LE(2) & ZIP.FLAG_DATA_DESCRIPTOR)
          return 'ZIP contains a data descriptor'
        const text = strictUtf8(name)
        if (text === undefined) return 'Filename not unicode'
        const expected = directory.get(text)
        if (!expected) return 'Filename not in central directory'
        if (expected.compressedSize !== compressedSize) return 'Mis-matched data size'
        if (expected.uncompressedSize !== fileSize) return 'Mis-matched file size'
        const key = name.toString('latin1')
        if (localNames.has(key)) return 'Duplicate filename in local headers'
        localNames.add(key)
        position = body + 26 + nameLength + extraLength + compressedSize
      } else if (signature === ZIP.SIG_EOCD) {
        centralOffset ??= position
        const record = await file.need(body, 18)
        const records = record.readUInt16LE(6)
        if (record.readUInt16LE(4) !== records) return malformed
        // With ZIP64, the ZIP64 record's values count and this record's are placeholders.
        if (!(locatorSeen && declared)) {
          declared = { records, size: record.readUInt32LE(8), offset: record.readUInt32LE(12) }
        }
        position = body + 18 + record.readUInt16LE(16)
        if (declared.records !== centralNames.size) return 'Mismatched central directory records'
        if (declared.offset !== centralOffset) return 'Mismatched central directory offset'
        if (declared.size !== centralSize) return 'Mismatched central directory size'
        break
      } else if (signature === ZIP.SIG_EOCD64) {
        eocd64Seen = true
        const record = await file.need(body, 52)
        const records = u64(record, 28)
        if (u64(record, 20) !== records) return malformed
        if (u64(record, 0) !== 44) return 'ZIP64 extensible data not allowed'
        declared = { records, size: u64(record, 36), offset: u64(record, 44) }
        position = body + 52
      } else if (signature === ZIP.SIG_EOCD64_LOCATOR) {
        await file.need(body, 16)
        locatorSeen = true
        position = body + 16
      } else {
        return 'Unknown record signature'
      }
    }
  } catch (error) {
    if (error instanceof DistributionError) return malformed // a record past the end
    throw error
  }
  if (localNames.size !== centralNames.size)
    return 'Mis-matched local headers and central directory'
  return position === file.size ? undefined : 'Trailing data'
}
