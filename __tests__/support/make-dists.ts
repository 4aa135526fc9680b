/**
 * Builders that write real wheels and sdists with arbitrary content, for edge-case tests: a small
 * zip writer (local headers, central directory, optional ZIP64 records) and a tar writer (ustar,
 * pax, GNU long names), plus deliberately broken archives. The archives are valid unless a builder
 * says otherwise; zip.test.ts and tar.test.ts read them back with Python's zipfile/tarfile.
 */

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { crc32, deflateRawSync, gzipSync } from 'node:zlib'

// --- METADATA text --------------------------------------------------------------------------

/**
 * Composes METADATA / PKG-INFO text: one `Name: value` line per value (arrays repeat the header),
 * in key order, then a blank line and the body if given. Multi-line values are folded with the
 * 8-space indent. Keys are written as given, so `Author-Email` tests case-insensitivity.
 */
export function metadataText(fields: Record<string, string | string[]>, body?: string): string {
  const lines: string[] = []
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) {
      lines.push(`${name}: ${one.split('\n').join('\n        ')}`)
    }
  }
  return lines.join('\n') + '\n' + (body !== undefined ? '\n' + body : '')
}

// --- zip ------------------------------------------------------------------------------------

export interface ZipMember {
  name: string
  data: Buffer | string
  /** Default 'deflate'. */
  method?: 'store' | 'deflate'
  /** Lie in the headers about the uncompressed size (hostile or broken archives). */
  declaredSize?: number
  /** Lie in the headers about the CRC-32. */
  declaredCrc?: number
  /** Use these bytes as the compressed data instead of compressing `data`. */
  rawCompressed?: Buffer
  /** Write this compression method number instead (e.g. 12, bzip2), with the data stored. */
  methodCode?: number
}

export interface ZipOptions {
  /** Write ZIP64 records (EOCD64 + locator, and ZIP64 extra fields) as large archives have. */
  zip64?: boolean
  /** Bytes before the archive (a self-extractor stub); offsets stay relative to the archive. */
  prefix?: Buffer
  comment?: string
}

/** A complete zip archive in memory. */
export function buildZip(members: ZipMember[], options: ZipOptions = {}): Buffer {
  const parts: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const member of members) {
    const data = Buffer.isBuffer(member.data) ? member.data : Buffer.from(member.data, 'utf8')
    const method = member.methodCode ?? (member.method === 'store' ? 0 : 8)
    const compressed = member.rawCompressed ?? (method === 8 ? deflateRawSync(data) : data)
    const name = Buffer.from(member.name, 'utf8')
    const flags = /[^\x20-\x7e]/.test(member.name) ? 0x0800 : 0
    const crc = member.declaredCrc ?? crc32(data)
    const size = member.declaredSize ?? data.length
    // Fixed DOS time: 2020-02-02 00:00.
    const dosTime = 0
    const dosDate = ((2020 - 1980) << 9) | (2 << 5) | 2

    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt16LE(dosTime, 10)
    local.writeUInt16LE(dosDate, 12)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(compressed.length, 18)
    local.writeUInt32LE(size, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    parts.push(local, name, compressed)

    let extra = Buffer.alloc(0)
    if (options.zip64) {
      extra = Buffer.alloc(4 + 24)
      extra.writeUInt16LE(0x0001, 0)
      extra.writeUInt16LE(24, 2)
      extra.writeBigUInt64LE(BigInt(size), 4)
      extra.writeBigUInt64LE(BigInt(compressed.length), 12)
      extra.writeBigUInt64LE(BigInt(offset), 20)
    }
    const record = Buffer.alloc(46)
    record.writeUInt32LE(0x02014b50, 0)
    record.writeUInt16LE(0x031e, 4) // made by: Unix, spec 3.0
    record.writeUInt16LE(options.zip64 ? 45 : 20, 6)
    record.writeUInt16LE(flags, 8)
    record.writeUInt16LE(method, 10)
    record.writeUInt16LE(dosTime, 12)
    record.writeUInt16LE(dosDate, 14)
    record.writeUInt32LE(crc, 16)
    record.writeUInt32LE(options.zip64 ? 0xffffffff : compressed.length, 20)
    record.writeUInt32LE(options.zip64 ? 0xffffffff : size, 24)
    record.writeUInt16LE(name.length, 28)
    record.writeUInt16LE(extra.length, 30)
    record.writeUInt16LE(0, 32)
    record.writeUInt16LE(0, 34)
    record.writeUInt16LE(0, 36)
    record.writeUInt32LE((0o100644 << 16) >>> 0, 38)
    record.writeUInt32LE(options.zip64 ? 0xffffffff : offset, 42)
    central.push(record, name, extra)
    offset += local.length + name.length + compressed.length
  }

  const directory = Buffer.concat(central)
  const directoryOffset = offset
  const tail: Buffer[] = []
  if (options.zip64) {
    const record = Buffer.alloc(56)
    record.writeUInt32LE(0x06064b50, 0)
    record.writeBigUInt64LE(BigInt(56 - 12), 4)
    record.writeUInt16LE(45, 12)
    record.writeUInt16LE(45, 14)
    record.writeBigUInt64LE(BigInt(members.length), 24)
    record.writeBigUInt64LE(BigInt(members.length), 32)
    record.writeBigUInt64LE(BigInt(directory.length), 40)
    record.writeBigUInt64LE(BigInt(directoryOffset), 48)
    const locator = Buffer.alloc(20)
    locator.writeUInt32LE(0x07064b50, 0)
    locator.writeBigUInt64LE(BigInt(directoryOffset + directory.length), 8)
    locator.writeUInt32LE(1, 16)
    tail.push(record, locator)
  }
  const comment = Buffer.from(options.comment ?? '', 'utf8')
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(options.zip64 ? 0xffff : members.length, 8)
  end.writeUInt16LE(options.zip64 ? 0xffff : members.length, 10)
  end.writeUInt32LE(options.zip64 ? 0xffffffff : directory.length, 12)
  end.writeUInt32LE(options.zip64 ? 0xffffffff : directoryOffset, 16)
  end.writeUInt16LE(comment.length, 20)
  return Buffer.concat([
    options.prefix ?? Buffer.alloc(0),
    ...parts,
    directory,
    ...tail,
    end,
    comment
  ])
}

/**
 * Sets (and clears) general-purpose flag bits in every local and central header, found by their
 * signatures: e.g. 0x08 claims data descriptors, clearing 0x0800 drops the UTF-8 name flag.
 */
export function setZipFlags(zip: Buffer, bits: number, clear = 0): Buffer {
  const out = Buffer.from(zip)
  for (let at = 0; at + 4 <= out.length; at++) {
    const signature = out.readUInt32LE(at)
    const flagsAt = signature === 0x04034b50 ? at + 6 : signature === 0x02014b50 ? at + 8 : -1
    if (flagsAt > 0) out.writeUInt16LE((out.readUInt16LE(flagsAt) | bits) & ~clear, flagsAt)
  }
  return out
}

/**
 * A second end-of-central-directory record: `outer`, whose comment holds `hidden` and ends in an
 * end record with a comment longer than the file. Python's zipfile takes that last end record and
 * reads `hidden`'s members (its "concat" finds their offsets); a reader from the start reads
 * `outer`'s.
 */
export function hideZipInComment(outer: Buffer, hidden: Buffer): Buffer {
  const fake = Buffer.from(hidden.subarray(hidden.length - 22))
  fake.writeUInt16LE(0xffff, 20) // a comment longer than the file: skipped by a careful scan
  const comment = Buffer.concat([hidden.subarray(0, hidden.length - 22), fake])
  const eocd = Buffer.from(outer.subarray(outer.length - 22))
  eocd.writeUInt16LE(comment.length, 20)
  return Buffer.concat([outer.subarray(0, outer.length - 22), eocd, comment])
}

export interface WheelOptions extends ZipOptions {
  /** e.g. `demo-1.0-py3-none-any.whl`. */
  filename: string
  /** The text of METADATA (see `metadataText`); left out when `omitMetadata`. */
  metadata: string
  /** More members, by path in the archive. */
  extraFiles?: Record<string, string | Buffer>
  /** How METADATA and the rest are stored; default 'deflate'. */
  compression?: 'store' | 'deflate'
  /** Default `<name>-<version>.dist-info` from the filename. */
  distInfoName?: string
  /** No METADATA at all (a broken wheel). */
  omitMetadata?: boolean
}

function distInfoOf(filename: string): string {
  const [name, version] = filename.replace(/\.whl$/, '').split('-')
  return `${name}-${version}.dist-info`
}

/** Writes a wheel into `dir` and returns its path. */
/** A pure-Python wheel of `name` `version` (Metadata-Version 2.1, no description), named as PyPI wants. */
export function makePlainWheel(dir: string, name: string, version: string): string {
  const filename = `${name.replace(/[-_.]+/g, '_').toLowerCase()}-${version}-py3-none-any.whl`
  const metadata = metadataText({ 'Metadata-Version': '2.1', Name: name, Version: version })
  return makeWheel(dir, { filename, metadata })
}

export function makeWheel(dir: string, options: WheelOptions): string {
  const distInfo = options.distInfoName ?? distInfoOf(options.filename)
  const method = options.compression ?? 'deflate'
  const pkg = options.filename.split('-')[0].toLowerCase()
  const members: ZipMember[] = [{ name: `${pkg}/__init__.py`, data: '__version__ = "0"\n', method }]
  for (const [name, data] of Object.entries(options.extraFiles ?? {})) {
    members.push({ name, data, method })
  }
  if (!options.omitMetadata)
    members.push({ name: `${distInfo}/METADATA`, data: options.metadata, method })
  members.push({
    name: `${distInfo}/WHEEL`,
    data: 'Wheel-Version: 1.0\nGenerator: make-dists\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    method
  })
  members.push({ name: `${distInfo}/RECORD`, data: '', method })
  return writeArchive(dir, options.filename, buildZip(members, options))
}

/**
 * A wheel whose METADATA is a tiny deflate stream that inflates to `inflatedSize` bytes (default
 * 64 MiB), while the headers claim `declaredSize` (default: a harmless 1000 bytes, so only the
 * cap while inflating can stop it; pass the true size to test the declared-size check).
 */
export function makeHostileWheel(
  dir: string,
  options: { filename: string; inflatedSize?: number; declaredSize?: number }
): string {
  const inflatedSize = options.inflatedSize ?? 64 * 1024 * 1024
  const bomb = deflateRawSync(Buffer.alloc(inflatedSize, 0x41), { level: 9 })
  const distInfo = distInfoOf(options.filename)
  const members: ZipMember[] = [
    {
      name: `${distInfo}/METADATA`,
      data: Buffer.alloc(0),
      rawCompressed: bomb,
      declaredSize: options.declaredSize ?? 1000,
      declaredCrc: 0
    },
    { name: `${distInfo}/WHEEL`, data: 'Wheel-Version: 1.0\n' }
  ]
  return writeArchive(dir, options.filename, buildZip(members))
}

/**
 * A broken wheel: 'truncated' cuts the file in half (no end of central directory record),
 * 'bad-crc' flips a byte of the stored METADATA, 'garbage' is not a zip at all.
 */
export function corruptZip(
  dir: string,
  options: { filename: string; metadata: string; mode: 'truncated' | 'bad-crc' | 'garbage' }
): string {
  if (options.mode === 'garbage') {
    return writeArchive(
      dir,
      options.filename,
      Buffer.from('this is not a zip archive\n'.repeat(20))
    )
  }
  const path = makeWheel(dir, {
    filename: options.filename,
    metadata: options.metadata,
    compression: options.mode === 'bad-crc' ? 'store' : 'deflate'
  })
  const bytes = readFileSync(path)
  if (options.mode === 'truncated') {
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length / 2)))
  } else {
    const at = bytes.indexOf(Buffer.from(options.metadata.slice(0, 16), 'utf8'))
    if (at < 0) throw new Error('METADATA text not found in the stored wheel')
    bytes[at] ^= 0x20
    writeFileSync(path, bytes)
  }
  return path
}

// --- tar ------------------------------------------------------------------------------------

export interface TarMember {
  name: string
  data?: Buffer | string
  /** '0' file (default), '5' folder, '2' symlink. */
  type?: '0' | '5' | '2'
  linkName?: string
  /** pax records for this member alone (an `x` header before it), e.g. GNU sparse markers. */
  pax?: Record<string, string>
}

export interface TarOptions {
  /**
   * How names are written: 'ustar' (prefix/name split when needed), 'pax' (every member gets a
   * pax `path=` record and a placeholder ustar name, so only a pax-aware reader finds anything),
   * 'gnu' (every member gets a GNU `L` long-name entry and a placeholder name).
   */
  names?: 'ustar' | 'pax' | 'gnu'
  /** Start with a pax global header, as `git archive` does. */
  globalHeader?: boolean
}

function octal(value: number, length: number): string {
  return value.toString(8).padStart(length - 1, '0') + '\0'
}

function header(name: string, size: number, type: string, linkName = '', prefix = ''): Buffer {
  const block = Buffer.alloc(512)
  block.write(name, 0, 100, 'utf8')
  block.write(octal(type === '5' ? 0o755 : 0o644, 8), 100, 'latin1')
  block.write(octal(0, 8), 108, 'latin1')
  block.write(octal(0, 8), 116, 'latin1')
  block.write(octal(size, 12), 124, 'latin1')
  block.write(octal(1580601600, 12), 136, 'latin1')
  block.write('        ', 148, 'latin1')
  block.write(type, 156, 'latin1')
  block.write(linkName, 157, 100, 'utf8')
  block.write('ustar\0', 257, 'latin1')
  block.write('00', 263, 'latin1')
  block.write('root', 265, 'latin1')
  block.write('root', 297, 'latin1')
  block.write(prefix, 345, 155, 'utf8')
  let sum = 0
  for (const byte of block) sum += byte
  block.write(octal(sum, 7) + ' ', 148, 'latin1')
  return block
}

function padded(data: Buffer): Buffer[] {
  const pad = (512 - (data.length % 512)) % 512
  return [data, Buffer.alloc(pad)]
}

/** One pax record, `len key=value\n`, whose length counts its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`
  let length = Buffer.byteLength(body) + 1
  while (String(length).length + Buffer.byteLength(body) !== length) length++
  return `${length}${body}`
}

/** A complete (uncompressed) tar archive in memory. */
export function buildTar(members: TarMember[], options: TarOptions = {}): Buffer {
  const blocks: Buffer[] = []
  if (options.globalHeader) {
    const data = Buffer.from(
      paxRecord('comment', '0123456789abcdef0123456789abcdef01234567'),
      'utf8'
    )
    blocks.push(header('pax_global_header', data.length, 'g'), ...padded(data))
  }
  members.forEach((member, index) => {
    const type = member.type ?? '0'
    const data =
      type === '0'
        ? Buffer.isBuffer(member.data)
          ? member.data
          : Buffer.from(member.data ?? '', 'utf8')
        : Buffer.alloc(0)
    let name = member.name
    let prefix = ''
    const style = options.names ?? 'ustar'
    if (member.pax) {
      const records = Buffer.from(
        Object.entries(member.pax)
          .map(([key, value]) => paxRecord(key, value))
          .join(''),
        'utf8'
      )
      blocks.push(header(`PaxHeaders/${index}`, records.length, 'x'), ...padded(records))
    }
    if (style === 'pax') {
      const records = Buffer.from(paxRecord('path', member.name), 'utf8')
      blocks.push(header(`PaxHeaders/${index}`, records.length, 'x'), ...padded(records))
      name = `placeholder-${index}`
    } else if (style === 'gnu') {
      const long = Buffer.from(member.name + '\0', 'utf8')
      blocks.push(header('././@LongLink', long.length, 'L'), ...padded(long))
      name = `placeholder-${index}`
    } else if (Buffer.byteLength(name) > 100) {
      const slash = name.lastIndexOf('/', name.length - 2)
      prefix = name.slice(0, slash)
      name = name.slice(slash + 1)
      if (Buffer.byteLength(prefix) > 155 || Buffer.byteLength(name) > 100) {
        throw new Error(`name too long for ustar, use names: 'pax': ${member.name}`)
      }
    }
    blocks.push(header(name, data.length, type, member.linkName, prefix), ...padded(data))
  })
  blocks.push(Buffer.alloc(1024))
  return Buffer.concat(blocks)
}

export interface SdistOptions extends TarOptions {
  /** e.g. `demo-1.0.tar.gz`. */
  filename: string
  /** The text of PKG-INFO. */
  pkgInfo: string
  /** Default: the filename without `.tar.gz`. */
  topDir?: string
  /** More members under the top folder, by path relative to it. */
  extraFiles?: Record<string, string | Buffer>
  /** Members at the archive root, outside the top folder (a broken layout). */
  rootFiles?: Record<string, string | Buffer>
  /** Force long names: pax records (or GNU `L` entries with names: 'gnu') for every member. */
  longNames?: boolean
  /** Write PKG-INFO after everything else, as hatchling does (default: first file). */
  pkgInfoLast?: boolean
}

/** Writes an sdist into `dir` and returns its path. */
export function makeSdist(dir: string, options: SdistOptions): string {
  const top = options.topDir ?? options.filename.replace(/\.tar\.gz$/, '')
  const members: TarMember[] = [{ name: `${top}/`, type: '5' }]
  for (const [name, data] of Object.entries(options.rootFiles ?? {})) members.push({ name, data })
  const pkgInfo: TarMember = { name: `${top}/PKG-INFO`, data: options.pkgInfo }
  if (!options.pkgInfoLast) members.push(pkgInfo)
  members.push({ name: `${top}/pyproject.toml`, data: '[project]\nname = "demo"\n' })
  for (const [name, data] of Object.entries(options.extraFiles ?? {})) {
    members.push({ name: `${top}/${name}`, data })
  }
  if (options.pkgInfoLast) members.push(pkgInfo)
  const names = options.names ?? (options.longNames ? 'pax' : 'ustar')
  return writeArchive(dir, options.filename, gzipSync(buildTar(members, { ...options, names })))
}

/** A valid sdist cut short: `keep` of its bytes (default half) survive. */
export function truncatedTarGz(dir: string, options: SdistOptions & { keep?: number }): string {
  const path = makeSdist(dir, options)
  const bytes = readFileSync(path)
  writeFileSync(path, bytes.subarray(0, options.keep ?? Math.floor(bytes.length / 2)))
  return path
}

function writeArchive(dir: string, filename: string, bytes: Buffer): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, filename)
  writeFileSync(path, bytes)
  return path
}

// --- Python, the reference implementation -------------------------------------------------

export const PYTHON = '/usr/bin/python3'

/** Runs a Python snippet with `args` as sys.argv[1:] and parses what it prints as JSON. */
export function python<T = unknown>(script: string, args: string[] = []): T {
  const stdout = execFileSync(PYTHON, ['-c', script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    maxBuffer: 64 * 1024 * 1024
  })
  return JSON.parse(stdout) as T
}

/**
 * Builds a project with `python -m build --no-isolation` (the Debian backends, no network) and
 * returns the paths of the sdist and the wheel. `files` are the project's files, by relative path.
 */
export function buildWithPython(
  dir: string,
  files: Record<string, string>
): { sdist: string; wheel: string } {
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, text)
  }
  const out = join(dir, 'dist')
  // -x: hatchling 1.12 asks for `editables`, which only editable installs need.
  execFileSync(PYTHON, ['-m', 'build', '--no-isolation', '-x', '-o', out, dir], {
    stdio: 'pipe',
    env: { ...process.env, SOURCE_DATE_EPOCH: '1580601600' }
  })
  const built = readdirSync(out).map(name => join(out, name))
  const sdist = built.find(p => p.endsWith('.tar.gz'))
  const wheel = built.find(p => p.endsWith('.whl'))
  if (!sdist || !wheel) throw new Error(`python -m build wrote ${built.join(', ')}`)
  return { sdist, wheel }
}
