/**
 * PyPI's zip framing rule (Warehouse `warehouse/utils/zipfiles.py`): a wheel must read the same
 * through the central directory (pip, Python's zipfile) and through a stream of local headers
 * (other tools). PyPI walks the file record by record from byte 0 and refuses anything that could
 * make the two disagree: bytes before or between records, data descriptors, duplicate or
 * mismatched names and sizes, comments in directory records, a second EOCD, trailing bytes.
 *
 * This walk applies the same rules and answers with the reason PyPI gives (its own words), so a
 * refusal is known before the first upload. Local headers are read through a window, so a wheel
 * of many small files costs a few large reads, and member data is never read.
 */

const SIG_CENTRAL = 0x02014b50
const SIG_LOCAL = 0x04034b50
const SIG_EOCD = 0x06054b50
const SIG_EOCD64 = 0x06064b50
const SIG_EOCD64_LOCATOR = 0x07064b50

const ZIP64_EXTRA = 0x0001
const UNICODE_PATH_EXTRA = 0x7075
/** Extras PyPI refuses to see twice in one local header. */
const SINGLE_EXTRAS = new Set([ZIP64_EXTRA, UNICODE_PATH_EXTRA])
/** The most one read takes in; and room for a header with its name and extra after a hint. */
const MAX_WINDOW = 256 * 1024
const HEADER_SLACK = 1024

/** Sizes of one member as the central directory gives them (after ZIP64 extras). */
export interface DirectorySizes {
  compressedSize: number
  uncompressedSize: number
}

class Malformed extends Error {}

/** What the readers use of a file: positioned reads and its size (a FileHandle, or a file in memory). */
export interface ArchiveFile {
  read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number
  ): Promise<{ bytesRead: number }>
  stat(): Promise<{ size: number }>
  /**
   * The file's bytes, when it is held in memory (as far as they were read): readers then take
   * views of them instead of copying. Nothing writes into a view, and none outlives the reading.
   */
  readonly bytes?: Buffer
}

/**
 * Positioned reads through a window. On a miss the window reaches as far as the known record
 * starts (`hints`: local header offsets from the central directory, and the directory itself)
 * allow within MAX_WINDOW, so runs of small members cost one read and large members are jumped
 * over. The hints only shape the reads; every byte the walk judges is read from the file.
 */
class WindowReader {
  private window = Buffer.alloc(0)
  private windowStart = 0

  constructor(
    private readonly handle: ArchiveFile,
    private readonly fileSize: number,
    private readonly hints: readonly number[]
  ) {}

  /** The end of the window to read for a miss at `position`. */
  private reach(position: number, length: number): number {
    const limit = position + MAX_WINDOW - HEADER_SLACK
    let low = 0
    let high = this.hints.length - 1
    let best = position
    while (low <= high) {
      const middle = (low + high) >> 1
      if (this.hints[middle] <= limit) {
        best = Math.max(best, this.hints[middle])
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return Math.min(this.fileSize, Math.max(position + length, best + HEADER_SLACK))
  }

  /** Exactly `length` bytes at `position`, or a Malformed error (PyPI: "Malformed zip file"). */
  async read(position: number, length: number): Promise<Buffer> {
    if (position + length > this.fileSize) throw new Malformed('Malformed zip file')
    const held = this.handle.bytes
    if (held) {
      // A file in memory is its own window; bytes it does not hold are bytes a read would not find.
      if (position + length > held.length) throw new Malformed('Malformed zip file')
      return held.subarray(position, position + length)
    }
    const offset = position - this.windowStart
    if (offset >= 0 && offset + length <= this.window.length) {
      return this.window.subarray(offset, offset + length)
    }
    const size = this.reach(position, length) - position
    const buffer = Buffer.allocUnsafe(size)
    let done = 0
    while (done < size) {
      const { bytesRead } = await this.handle.read(buffer, done, size - done, position + done)
      if (bytesRead === 0) throw new Malformed('Malformed zip file')
      done += bytesRead
    }
    this.window = buffer
    this.windowStart = position
    return buffer.subarray(0, length)
  }
}

/** A control character (C0 or DEL); a plain loop, as this runs on every name of every wheel. */
function hasUnprintable(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]
    if (byte < 0x20 || byte === 0x7f) return true
  }
  return false
}

/** One decoder for every name: without `stream`, each decode starts afresh, even after a failure. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

function strictUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

const u64 = (buffer: Buffer, at: number): number => Number(buffer.readBigUInt64LE(at))

/**
 * Walks the records from byte 0 to the end, as PyPI does. `directory` maps each central
 * directory name, decoded as Python's zipfile decodes it (`orig_filename`), to its sizes;
 * `hints` are where records are expected to start (they only make the reads larger).
 * Returns PyPI's reason for refusing the file, or undefined when PyPI accepts the framing.
 */
export async function zipFramingProblem(
  handle: ArchiveFile,
  fileSize: number,
  directory: ReadonlyMap<string, DirectorySizes>,
  hints: readonly number[] = []
): Promise<string | undefined> {
  try {
    const sorted = [...hints].sort((a, b) => a - b)
    return await walk(new WindowReader(handle, fileSize, sorted), fileSize, directory)
  } catch (error) {
    if (error instanceof Malformed) return error.message
    throw error
  }
}

async function walk(
  reader: WindowReader,
  fileSize: number,
  directory: ReadonlyMap<string, DirectorySizes>
): Promise<string | undefined> {
  // Names as raw bytes (latin1 keeps one character per byte, so equal strings = equal bytes).
  const localNames = new Set<string>()
  const centralNames = new Set<string>()
  let eocd64Seen = false
  let locatorSeen = false
  let centralRecords = 0
  let centralOffset: number | undefined
  let centralSize = 0
  let declared: { records: number; size: number; offset: number } | undefined
  let position = 0

  for (;;) {
    const signature = (await reader.read(position, 4)).readUInt32LE(0)
    const body = position + 4
    // An EOCD after a ZIP64 EOCD must have its locator in between.
    if (signature === SIG_EOCD && eocd64Seen && !locatorSeen) return 'Malformed zip file'

    if (signature === SIG_CENTRAL) {
      centralOffset ??= position
      centralRecords++
      const header = await reader.read(body, 42)
      const nameLength = header.readUInt16LE(24)
      const extraLength = header.readUInt16LE(26)
      if (header.readUInt16LE(28) !== 0) return 'Comment in central directory'
      const name = await reader.read(body + 42, nameLength)
      await reader.read(body + 42 + nameLength, extraLength)
      if (hasUnprintable(name)) return 'Invalid character in filename'
      centralSize += 46 + nameLength + extraLength
      const key = name.toString('latin1')
      if (centralNames.has(key)) return 'Duplicate filename in central directory'
      if (!localNames.has(key)) return 'Missing filename in local headers'
      centralNames.add(key)
      position = body + 42 + nameLength + extraLength
    } else if (signature === SIG_LOCAL) {
      const header = await reader.read(body, 26)
      const flags = header.readUInt16LE(2)
      const method = header.readUInt16LE(4)
      let compressedSize = header.readUInt32LE(14)
      let fileSizeField = header.readUInt32LE(18)
      const nameLength = header.readUInt16LE(22)
      const extraLength = header.readUInt16LE(24)
      // Views, not copies: the reader never writes into a window it has handed out.
      const name = await reader.read(body + 26, nameLength)
      let extra = await reader.read(body + 26 + nameLength, extraLength)
      if (hasUnprintable(name)) return 'Invalid character in filename'

      const seen = new Set<number>()
      while (extra.length > 0) {
        if (extra.length < 4) return 'Malformed zip file'
        const id = extra.readUInt16LE(0)
        const size = extra.readUInt16LE(2)
        if (size + 4 > extra.length) return 'Malformed zip file'
        if (seen.has(id) && SINGLE_EXTRAS.has(id)) return 'Invalid duplicate extra in local file'
        seen.add(id)
        if (id === ZIP64_EXTRA) {
          if (![0, 8, 16, 24, 28].includes(size)) return 'Malformed zip file'
          if (size === 0) {
            if (compressedSize === 0xffffffff || fileSizeField === 0xffffffff) {
              return 'Malformed zip file'
            }
          } else if (size === 8) {
            // Only the uncompressed size: sound only when stored (compressed = uncompressed).
            if (method !== 0) return 'Malformed zip file'
            const uncompressed = u64(extra, 4)
            compressedSize = uncompressed
            if (fileSizeField === 0xffffffff) fileSizeField = uncompressed
          } else {
            if (fileSizeField === 0xffffffff) fileSizeField = u64(extra, 4)
            compressedSize = u64(extra, 12)
          }
        } else if (id === UNICODE_PATH_EXTRA) {
          const unicodeName = extra.subarray(Math.min(9, 4 + size), 4 + size)
          if (hasUnprintable(unicodeName)) return 'Invalid character in filename'
          if (strictUtf8(unicodeName) === undefined) return 'Filename not valid UTF-8'
        }
        extra = extra.subarray(size + 4)
      }

      if (flags & 0x08) return 'ZIP contains a data descriptor'
      const text = strictUtf8(name)
      if (text === undefined) return 'Filename not unicode'
      const expected = directory.get(text)
      if (!expected) return 'Filename not in central directory'
      if (expected.compressedSize !== compressedSize) return 'Mis-matched data size'
      if (expected.uncompressedSize !== fileSizeField) return 'Mis-matched file size'
      const key = name.toString('latin1')
      if (localNames.has(key)) return 'Duplicate filename in local headers'
      localNames.add(key)
      position = body + 26 + nameLength + extraLength + compressedSize
    } else if (signature === SIG_EOCD) {
      centralOffset ??= position
      const record = await reader.read(body, 18)
      const recordsOnDisk = record.readUInt16LE(4)
      const records = record.readUInt16LE(6)
      if (recordsOnDisk !== records) return 'Malformed zip file'
      // With ZIP64, the ZIP64 record's values count and this record's are placeholders.
      if (!(locatorSeen && declared)) {
        declared = { records, size: record.readUInt32LE(8), offset: record.readUInt32LE(12) }
      }
      position = body + 18 + record.readUInt16LE(16)
      if (declared.records !== centralRecords) return 'Mismatched central directory records'
      if (declared.offset !== centralOffset) return 'Mismatched central directory offset'
      if (declared.size !== centralSize) return 'Mismatched central directory size'
      break
    } else if (signature === SIG_EOCD64) {
      eocd64Seen = true
      const record = await reader.read(body, 52)
      const recordSize = u64(record, 0)
      const recordsOnDisk = u64(record, 20)
      const records = u64(record, 28)
      if (recordsOnDisk !== records) return 'Malformed zip file'
      if (recordSize !== 44) return 'ZIP64 extensible data not allowed'
      declared = { records, size: u64(record, 36), offset: u64(record, 44) }
      position = body + 52
    } else if (signature === SIG_EOCD64_LOCATOR) {
      await reader.read(body, 16)
      locatorSeen = true
      position = body + 16
    } else {
      return 'Unknown record signature'
    }
  }

  if (localNames.size !== centralNames.size) {
    return 'Mis-matched local headers and central directory'
  }
  if (position !== fileSize) return 'Trailing data'
  return undefined
}
