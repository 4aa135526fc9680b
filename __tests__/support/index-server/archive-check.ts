/**
 * PyPI opens every upload before accepting it (`_is_valid_dist_file` and the wheel checks in
 * warehouse/forklift/legacy.py): a wheel must be a zip holding `{name}-{version}.dist-info/WHEEL`,
 * METADATA and RECORD; an sdist must be a gzipped tar (or zip) with one top-level directory and a
 * PKG-INFO in it. The test index does the same when asked (`checkArchives`), reading only the zip's
 * central directory or the tar headers, and for wheels the record framing PyPI checks (local
 * headers walked from byte 0: no prefix, data descriptor, repeated name or trailing data).
 */
import { createReadStream } from 'node:fs'
import { open, readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'

/** The upload: its bytes when they are in memory, else the path of the file holding them. */
export type Archive = Buffer | string

const EOCD_SIGNATURE = 0x06054b50
const CENTRAL_ENTRY_SIGNATURE = 0x02014b50
const COMPRESSION_RATIO_MIN_SIZE = 64 * 1024 * 1024
const COMPRESSION_RATIO_THRESHOLD = 50

interface ZipEntry {
  name: string
  method: number
  uncompressedSize: number
}

/**
 * Why PyPI would call this file an "Invalid distribution file." (the text that follows those
 * words), or undefined when it looks like a distribution.
 */
export async function checkDistributionArchive(
  archive: Archive,
  filename: string
): Promise<string | undefined> {
  if (filename.endsWith('.whl') || filename.endsWith('.zip')) {
    const entries = await readZipDirectory(archive)
    if (!entries) return 'File is not a zipfile'
    if (entries.some(e => e.method !== 0 && e.method !== 8)) {
      return 'File does not use a supported compression type'
    }
    const size = typeof archive === 'string' ? (await statSize(archive)).size : archive.length
    const unpacked = entries.reduce((sum, e) => sum + e.uncompressedSize, 0)
    if (unpacked > COMPRESSION_RATIO_MIN_SIZE && unpacked / size > COMPRESSION_RATIO_THRESHOLD) {
      return `File exceeds compression ratio of ${COMPRESSION_RATIO_THRESHOLD}`
    }
    const names = entries.map(e => e.name)
    if (filename.endsWith('.zip')) return findPkgInfo(names)
    const [name, version] = filename.split('-')
    if (version === undefined) return 'Unable to parse name and version from wheel filename'
    const target = `${name}-${version}.dist-info/WHEEL`
    if (!names.includes(target)) return `WHEEL not found at ${target}`
    const framing = await walkLocalHeaders(archive, size)
    return framing === undefined
      ? undefined
      : `ZIP archive not accepted: ${framing}. See https://docs.pypi.org/archives for more information`
  }
  if (filename.endsWith('.tar.gz')) {
    const names = await readTarNames(archive)
    if (!names) return 'File is not a tarfile'
    return findPkgInfo(names)
  }
  return undefined
}

/**
 * The wheel checks PyPI makes after the filename checks: RECORD, then METADATA, where the
 * filename says the .dist-info directory is. Undefined when both are there (or not a zip).
 */
export async function checkWheelContents(
  archive: Archive,
  filename: string
): Promise<string | undefined> {
  const entries = await readZipDirectory(archive)
  if (!entries) return undefined
  const names = new Set(entries.map(e => e.name))
  const [name, version] = filename.split('-')
  const distInfo = `${name}-${version}.dist-info`
  if (!names.has(`${distInfo}/RECORD`)) {
    return `Wheel '${filename}' does not contain the required RECORD file: ${distInfo}/RECORD`
  }
  if (!names.has(`${distInfo}/METADATA`)) {
    return `Wheel '${filename}' does not contain the required METADATA file: ${distInfo}/METADATA`
  }
  return undefined
}

/**
 * Part of PyPI's framing rule (warehouse/utils/zipfiles.py): walking the records from byte 0, each
 * must start where the last ended (no prefix, no gaps), local headers must not defer their sizes
 * to a data descriptor, no name may repeat, and nothing may follow the end record. The test index
 * checks these cases only; the action applies the whole rule.
 */
async function walkLocalHeaders(archive: Archive, size: number): Promise<string | undefined> {
  const bytes = typeof archive === 'string' ? await readFile(archive) : archive
  const seen = new Set<string>()
  let at = 0
  for (;;) {
    if (at + 4 > size) return 'Malformed zip file'
    const signature = bytes.readUInt32LE(at)
    if (signature === 0x04034b50) {
      if (bytes.readUInt16LE(at + 6) & 0x08) return 'ZIP contains a data descriptor'
      const nameLength = bytes.readUInt16LE(at + 26)
      const name = bytes.toString('latin1', at + 30, at + 30 + nameLength)
      if (seen.has(name)) return 'Duplicate filename in local headers'
      seen.add(name)
      at += 30 + nameLength + bytes.readUInt16LE(at + 28) + bytes.readUInt32LE(at + 18)
    } else if (signature === CENTRAL_ENTRY_SIGNATURE) {
      at +=
        46 + bytes.readUInt16LE(at + 28) + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
    } else if (signature === 0x06064b50) {
      at += 12 + Number(bytes.readBigUInt64LE(at + 4))
    } else if (signature === 0x07064b50) {
      at += 20
    } else if (signature === EOCD_SIGNATURE) {
      at += 22 + bytes.readUInt16LE(at + 20)
      return at === size ? undefined : 'Trailing data'
    } else {
      return 'Unknown record signature'
    }
  }
}

/** An sdist holds exactly one top-level directory, with PKG-INFO in it. */
function findPkgInfo(names: string[]): string | undefined {
  const parts = names.map(n => n.split('/').filter(p => p && p !== '.'))
  let common = parts[0] ?? []
  for (const p of parts) {
    let i = 0
    while (i < common.length && i < p.length && common[i] === p[i]) i++
    common = common.slice(0, i)
  }
  const top = common.join('/')
  if (!top) return 'Incorrect number of top-level directories in sdist'
  const target = `${top}/PKG-INFO`
  return parts.some(p => p.join('/') === target) ? undefined : `PKG-INFO not found at ${target}`
}

async function statSize(path: string): Promise<{ size: number }> {
  const handle = await open(path, 'r')
  try {
    return { size: (await handle.stat()).size }
  } finally {
    await handle.close()
  }
}

/** The zip's central directory (names, methods, sizes), or undefined when it is not a zip. */
async function readZipDirectory(archive: Archive): Promise<ZipEntry[] | undefined> {
  if (typeof archive !== 'string') {
    return parseZipDirectory(archive.length, async (at, length) =>
      archive.subarray(at, at + length)
    )
  }
  const handle = await open(archive, 'r')
  try {
    const { size } = await handle.stat()
    return await parseZipDirectory(size, async (at, length) => {
      const bytes = Buffer.alloc(length)
      await handle.read(bytes, 0, length, at)
      return bytes
    })
  } finally {
    await handle.close()
  }
}

async function parseZipDirectory(
  size: number,
  read: (at: number, length: number) => Promise<Buffer>
): Promise<ZipEntry[] | undefined> {
  // The end record (22 bytes) sits within the last 64 KiB, after an optional comment.
  const tailLength = Math.min(size, 22 + 0xffff)
  const tail = await read(size - tailLength, tailLength)
  let eocd = -1
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return undefined
  const count = tail.readUInt16LE(eocd + 10)
  const dirSize = tail.readUInt32LE(eocd + 12)
  const dirOffset = tail.readUInt32LE(eocd + 16)
  // ZIP64 archives (over 4 GiB or 65535 entries) are beyond what a test needs: accept them.
  if (count === 0xffff || dirOffset === 0xffffffff) return []
  if (dirOffset + dirSize > size) return undefined
  const dir = await read(dirOffset, dirSize)
  const entries: ZipEntry[] = []
  let at = 0
  for (let n = 0; n < count; n++) {
    if (at + 46 > dir.length || dir.readUInt32LE(at) !== CENTRAL_ENTRY_SIGNATURE) return undefined
    const method = dir.readUInt16LE(at + 10)
    const uncompressedSize = dir.readUInt32LE(at + 24)
    const nameLength = dir.readUInt16LE(at + 28)
    const extraLength = dir.readUInt16LE(at + 30)
    const commentLength = dir.readUInt16LE(at + 32)
    const name = dir.toString('utf8', at + 46, at + 46 + nameLength)
    entries.push({ name, method, uncompressedSize })
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

/** Member names of a gzipped tar, read header by header; undefined when it is not one. */
async function readTarNames(archive: Archive): Promise<string[] | undefined> {
  const names: string[] = []
  let pending: Buffer = Buffer.alloc(0)
  let skip = 0
  let collect: { bytes: number; type: string } | undefined
  let longName: string | undefined
  let paxPath: string | undefined
  let ended = false
  try {
    const input = typeof archive === 'string' ? createReadStream(archive) : Readable.from([archive])
    for await (const chunk of input.pipe(createGunzip())) {
      pending = pending.length ? Buffer.concat([pending, chunk as Buffer]) : (chunk as Buffer)
      while (!ended) {
        if (skip) {
          const n = Math.min(skip, pending.length)
          pending = pending.subarray(n)
          skip -= n
          if (skip) break
          continue
        }
        if (collect) {
          const padded = Math.ceil(collect.bytes / 512) * 512
          if (pending.length < padded) break
          const data = pending.subarray(0, collect.bytes).toString('utf8')
          if (collect.type === 'L') longName = data.replace(/\0.*$/s, '')
          else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data)?.[1] ?? paxPath
          pending = pending.subarray(padded)
          collect = undefined
          continue
        }
        if (pending.length < 512) break
        const header = pending.subarray(0, 512)
        pending = pending.subarray(512)
        if (header.every(b => b === 0)) {
          ended = true
          break
        }
        if (!validChecksum(header)) return undefined
        const size = parseInt(
          header.toString('latin1', 124, 136).replace(/\0.*$/s, '').trim() || '0',
          8
        )
        const type = String.fromCharCode(header[156] || 0x30)
        if (type === 'L' || type === 'x') {
          collect = { bytes: size, type }
          continue
        }
        if (type === 'g') {
          skip = Math.ceil(size / 512) * 512
          continue
        }
        const ustar = header.toString('latin1', 257, 262) === 'ustar'
        const prefix = ustar ? cString(header, 345, 155) : ''
        const base = cString(header, 0, 100)
        names.push(longName ?? paxPath ?? (prefix ? `${prefix}/${base}` : base))
        longName = undefined
        paxPath = undefined
        skip = Math.ceil(size / 512) * 512
      }
      // The end-of-archive blocks: the rest of the stream does not matter.
      if (ended) break
    }
  } catch {
    return undefined
  }
  return names.length ? names : undefined
}

function cString(buf: Buffer, start: number, length: number): string {
  const raw = buf.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.toString('utf8', 0, end < 0 ? raw.length : end)
}

/** Header checksum: the byte sum with the checksum field read as spaces. */
function validChecksum(header: Buffer): boolean {
  const stored = parseInt(header.toString('latin1', 148, 156).replace(/\0.*$/s, '').trim(), 8)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]
  return sum === stored
}
