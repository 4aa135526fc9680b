/**
 * Zip as Python's zipfile reads it (what pip and PyPI use): the end record found, the central
 * directory decoded and members extracted exactly as zipfile does, capped and CRC-checked. The
 * one zip reader: wheel.ts adds what a wheel and PyPI's framing rule need on top of it.
 *
 * Not yauzl: on the differential cases (archive-differential.test.ts) yauzl refuses what zipfile
 * reads (bytes before the first member, bytes after the end record, a second end record in the
 * comment, `../` names), keeps a name's part after a NUL, turns `\` into `/`, and reads the
 * record count where zipfile reads the declared size (a lying count hides members).
 */

import { open } from 'node:fs/promises'
import { basename } from 'node:path'
import { crc32, inflateRawSync } from 'node:zlib'
import { DistributionError, rebuildHint } from '../dists/distribution.js'
import { strictUtf8 } from './metadata.js'

/** Record signatures, extra field ids and flags of the zip format. */
export const ZIP = {
  SIG_LOCAL: 0x04034b50,
  SIG_CENTRAL: 0x02014b50,
  SIG_EOCD: 0x06054b50,
  SIG_EOCD64: 0x06064b50,
  SIG_EOCD64_LOCATOR: 0x07064b50,
  ZIP64_EXTRA: 0x0001,
  UNICODE_PATH_EXTRA: 0x7075,
  FLAG_ENCRYPTED: 0x0001,
  FLAG_DATA_DESCRIPTOR: 0x0008,
  FLAG_UTF8: 0x0800
} as const
const EOCD_SIZE = 22
const CENTRAL_SIZE = 46
/** A bigger central directory than this is not a wheel anyone built (~400k members). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024
const READ_AHEAD = 64 * 1024

/** One member as the central directory describes it. */
export interface ZipEntry {
  /** The name as Python's zipfile gives it (cut at a NUL). */
  name: string
  /** The name as written, decoded (UTF-8 when flagged, else CP437): Python's `orig_filename`. */
  origName: string
  method: number
  flags: number
  crc32: number
  compressedSize: number
  uncompressedSize: number
  /** Where the member's local header starts in the file (prepended bytes accounted for). */
  localHeaderOffset: number
}

/** An open zip: positioned reads with a read-ahead, so small members' headers cost one read. */
export class ZipFile {
  private window = Buffer.alloc(0)
  private start = 0

  private constructor(
    readonly path: string,
    private readonly handle: Awaited<ReturnType<typeof open>>,
    readonly size: number
  ) {}

  static async use<T>(path: string, use: (file: ZipFile) => Promise<T>): Promise<T> {
    const handle = await open(path, 'r')
    try {
      return await use(new ZipFile(path, handle, (await handle.stat()).size))
    } finally {
      await handle.close()
    }
  }

  /** Exactly `length` bytes at `position` (a view), or undefined where the file has none. */
  async read(position: number, length: number): Promise<Buffer | undefined> {
    if (position < 0 || position + length > this.size) return undefined
    if (position < this.start || position + length > this.start + this.window.length) {
      const want = Math.min(this.size - position, Math.max(length, READ_AHEAD))
      const buffer = Buffer.allocUnsafe(want)
      let done = 0
      for (let got = -1; done < want && got !== 0; done += got) {
        got = (await this.handle.read(buffer, done, want - done, position + done)).bytesRead
      }
      this.window = buffer.subarray(0, done)
      this.start = position
      if (length > done) return undefined
    }
    return this.window.subarray(position - this.start, position - this.start + length)
  }

  /** Exactly `length` bytes at `position`, or the wheel is cut short. */
  async need(position: number, length: number): Promise<Buffer> {
    const bytes = await this.read(position, length)
    if (!bytes) throw this.invalid('the file ends early (truncated)')
    return bytes
  }

  invalid(why: string): DistributionError {
    const message = `${basename(this.path)} is not a valid wheel (zip archive): ${why}.`
    return DistributionError.of(this.path, 'invalid-wheel', message, rebuildHint('wheel'))
  }

  safeNumber(value: bigint, what: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.invalid(`${what} is out of range`)
    return Number(value)
  }
}

/**
 * The central directory where Python's zipfile finds it, so that two end records, or one hidden
 * in a comment, give the members Python sees: the last 22 bytes if they are an end record with
 * no comment, else the LAST signature in the final 64 KiB; a ZIP64 record counts only right
 * before its locator. `base`: bytes before the archive (a self-extractor stub).
 */
async function locateCentralDirectory(file: ZipFile) {
  if (file.size < EOCD_SIZE) {
    throw file.invalid(`it is only ${file.size} bytes long, too short for a zip archive`)
  }
  const tailStart = Math.max(0, file.size - EOCD_SIZE - 0x10000)
  const tail = await file.need(tailStart, file.size - tailStart)
  const last = tail.length - EOCD_SIZE
  let at =
    tail.readUInt32LE(last) === ZIP.SIG_EOCD && tail.readUInt16LE(last + 20) === 0
      ? last
      : tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (at > last) at = -1
  if (at < 0) {
    throw file.invalid('no end of central directory record (the file is truncated or not a zip)')
  }
  let size = tail.readUInt32LE(at + 12)
  let offset = tail.readUInt32LE(at + 16)
  let directoryEnd = tailStart + at
  const locator = await file.read(directoryEnd - 20, 20)
  if (locator?.readUInt32LE(0) === ZIP.SIG_EOCD64_LOCATOR) {
    if (locator.readUInt32LE(4) !== 0 || locator.readUInt32LE(16) > 1) {
      throw file.invalid('it is a multi-part (spanned) zip archive')
    }
    const record = await file.read(directoryEnd - 76, 56)
    if (!record) throw file.invalid('the ZIP64 end of central directory record is missing')
    // Like Python, a locator without its record leaves the plain end record in charge.
    if (record.readUInt32LE(0) === ZIP.SIG_EOCD64) {
      size = file.safeNumber(record.readBigUInt64LE(40), 'the central directory size')
      offset = file.safeNumber(record.readBigUInt64LE(48), 'the central directory offset')
      directoryEnd -= 76
    }
  }
  const base = directoryEnd - size - offset
  if (offset + base < 0) {
    throw file.invalid('the central directory lies outside the file (truncated?)')
  }
  if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
    throw file.invalid(`its central directory is ${size} bytes, more than any real wheel`)
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
export async function readEntries(file: ZipFile): Promise<ZipEntry[]> {
  const { start, size, base } = await locateCentralDirectory(file)
  const bytes = await file.need(start, size)
  const entries: ZipEntry[] = []
  for (let at = 0; at < bytes.length;) {
    const damaged = () => file.invalid(`central directory record ${entries.length + 1} is damaged`)
    if (at + CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== ZIP.SIG_CENTRAL) {
      throw damaged()
    }
    const flags = bytes.readUInt16LE(at + 8)
    const [nameLength, extraLength, commentLength] = [28, 30, 32].map(f =>
      bytes.readUInt16LE(at + f)
    )
    const extraStart = at + CENTRAL_SIZE + nameLength
    const extraEnd = extraStart + extraLength
    if (extraEnd + commentLength > bytes.length) throw damaged()
    const rawName = bytes.subarray(at + CENTRAL_SIZE, extraStart)
    const origName = flags & ZIP.FLAG_UTF8 ? strictUtf8(rawName) : decodeCp437(rawName)
    if (origName === undefined) throw file.invalid('a member name flagged as UTF-8 is not UTF-8')
    // Python cuts a name at its first NUL (a trick to hide a member's real name).
    const name = origName.split('\0')[0]
    const sizes = [24, 20, 42].map(f => bytes.readUInt32LE(at + f))
    // ZIP64 extra: 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
    for (let extra = extraStart; extra + 4 <= extraEnd;) {
      const end = extra + 4 + bytes.readUInt16LE(extra + 2)
      if (end > extraEnd) throw file.invalid(`the extra field of '${name}' is damaged`)
      if (bytes.readUInt16LE(extra) === ZIP.ZIP64_EXTRA) {
        let field = extra + 4
        for (let i = 0; i < 3; i++) {
          if (sizes[i] !== 0xffffffff) continue
          if (field + 8 > end) throw file.invalid(`the ZIP64 data of '${name}' is damaged`)
          sizes[i] = file.safeNumber(bytes.readBigUInt64LE(field), i < 2 ? 'a size' : 'an offset')
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

/**
 * Python's zipfile.is_zipfile as PyPI runs it (3.13+): an end record, and either an empty
 * directory or a central directory record where it says. Asked of sdists (PyPI refuses both).
 */
export function isZipFile(path: string): Promise<boolean> {
  return ZipFile.use(path, async file => {
    const { start, size, base } = await locateCentralDirectory(file)
    if (size === 0 && start === base) return true
    const record = size < CENTRAL_SIZE ? undefined : await file.read(start, CENTRAL_SIZE)
    return record?.readUInt32LE(0) === ZIP.SIG_CENTRAL
  }).catch((error: unknown) => {
    if (error instanceof DistributionError) return false
    throw error
  })
}

/** One member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
export async function extract(file: ZipFile, entry: ZipEntry, maxBytes: number): Promise<Buffer> {
  const { name } = entry
  const tooLarge = (size: string): DistributionError =>
    DistributionError.of(
      file.path,
      'metadata-too-large',
      `${basename(file.path)}: ${name} is ${size}, more than the ${maxBytes}-byte limit for ${name.endsWith('/METADATA') ? 'core metadata' : 'this file'}.`,
      `A ${basename(name)} file this large is almost certainly a broken or hostile build; rebuild the wheel.`
    )
  if (entry.flags & ZIP.FLAG_ENCRYPTED) throw file.invalid(`${name} is encrypted`)
  if (entry.method !== 0 && entry.method !== 8) {
    throw file.invalid(
      `${name} uses compression method ${entry.method}; wheels may only use stored (0) or deflate (8)`
    )
  }
  if (entry.uncompressedSize > maxBytes) throw tooLarge(`${entry.uncompressedSize} bytes`)
  // Deflate never needs much more room than the data it encodes; anything bigger is not METADATA.
  if (entry.compressedSize > (entry.method === 0 ? maxBytes : maxBytes + (maxBytes >> 4) + 1024)) {
    throw tooLarge(`${entry.compressedSize} bytes compressed`)
  }
  const local = await file.need(entry.localHeaderOffset, 30)
  if (local.readUInt32LE(0) !== ZIP.SIG_LOCAL) {
    throw file.invalid(`the local header of ${name} is missing or damaged`)
  }
  const dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28)
  let data = await file.need(dataStart, entry.compressedSize)
  if (entry.method === 8) {
    try {
      // zlib stops as soon as the output passes the cap, whatever size the member claims.
      data = inflateRawSync(data, { maxOutputLength: maxBytes })
    } catch (error) {
      // By code, not instanceof: node's errors may come from another realm (jest's vm modules).
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw tooLarge(`inflating to more than ${maxBytes} bytes`)
      }
      throw file.invalid(`the compressed data of ${name} is corrupt (${(error as Error).message})`)
    }
  }
  if (data.length !== entry.uncompressedSize) {
    throw file.invalid(
      `${name} holds ${data.length} bytes but the directory says ${entry.uncompressedSize}`
    )
  }
  if (crc32(data) !== entry.crc32) throw file.invalid(`${name} fails its CRC-32 check`)
  return data
}
