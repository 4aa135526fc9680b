/**
 * Reads an sdist (.tar.gz) the way Python's tarfile lists it for PyPI: every header to the end
 * (member data skipped), since PyPI's rules are about all the names: their `os.path.commonpath`
 * must be one folder, `<top>/PKG-INFO` must be there (the last of that name, as getmember
 * answers), sparse members are refused. Only PKG-INFO's bytes are kept.
 *
 * As tarfile: ustar `prefix` (unless the type is a GNU one), pax `x` and global `g` records, GNU
 * long names (`L`), tarfile's numbers and checksums (tar.ts), folder names' trailing slashes
 * dropped. Names are binary strings (one character per byte): equal exactly when their bytes are.
 */

import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { createGunzip } from 'node:zlib'
import { DistributionError, rebuildHint, type RuleId } from '../dists/distribution.js'
import { trimEndOf } from '../shared/format.js'
import { MAX_METADATA_BYTES, type ArchiveMember } from './metadata.js'
import { BLOCK, checksumMatches, ChunkReader, parsePax, pythonNti, text } from './tar.js'

/** Pax records and GNU long names are a few hundred bytes; more is a broken or hostile archive. */
const MAX_EXTENSION_BYTES = 1024 * 1024
/** The most decompressed bytes read from one sdist: 1 GiB, or 32× the file when larger. */
const MAX_SDIST_DECOMPRESSED_BYTES = 1024 * 1024 * 1024
/** More members than this is no real sdist, and their names would fill memory. */
const MAX_MEMBERS = 1_000_000

const sdistProblem = (path: string, rule: RuleId, message: string, hint = rebuildHint('sdist')) =>
  DistributionError.of(path, rule, `${basename(path)}: ${message}`, hint)
const invalidSdist = (path: string, why: string) =>
  sdistProblem(path, 'invalid-sdist', `not a valid sdist (.tar.gz): ${why}.`)

/** What PyPI's sdist rules look at (see archive-rules.ts). */
export interface SdistArchive {
  /** Every member name as tarfile gives it, as binary strings (one character per byte). */
  names: Set<string>
  /** `os.path.commonpath` of the names, as a binary string. */
  top: string
}

/** A binary-string name as text for messages. */
export const displayName = (name: string): string => Buffer.from(name, 'latin1').toString('utf8')

/** Path components as os.path.commonpath sees them: no empty and no `.` parts. */
const components = (name: string): string[] =>
  name.split('/').filter(part => part !== '' && part !== '.')

/** The top-level names, for the message: up to three, or "the archive is empty". */
function topsOf(names: Set<string>): string {
  const tops = [...new Set([...names].map(n => components(n)[0] ?? n))]
  const shown = tops.slice(0, 3).map(t => `'${displayName(t)}'`)
  if (tops.length > 3) shown.push('…')
  return names.size === 0 ? ' (the archive is empty)' : ` (${shown.join(', ')})`
}

/** tarfile's REGULAR_TYPES (a sparse `S` member is refused before it matters). */
const REGULAR_TYPES = new Set(['0', '\0', '7'])
/** Types whose data tarfile does not skip (links, devices, folders, FIFOs). */
const NO_DATA_TYPES = new Set(['1', '2', '3', '4', '5', '6'])
const GNU_TYPES = new Set(['L', 'K', 'S'])
const EXTENSION_TYPES = new Set(['x', 'X', 'g', 'L', 'K'])

/** The sdist's core metadata, `<top>/PKG-INFO`, and the names PyPI's rules need. */
export async function readSdist(
  path: string,
  options: { maxBytes?: number; maxDecompressedBytes?: number } = {}
): Promise<{ metadata: ArchiveMember; archive: SdistArchive }> {
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
    return await scan(path, reader, options.maxBytes ?? MAX_METADATA_BYTES)
  } catch (error) {
    // zlib reports a truncated or damaged stream with Z_* codes; file errors pass through as-is.
    const code = (error as NodeJS.ErrnoException).code
    if (typeof code === 'string' && code.startsWith('Z_')) {
      throw invalidSdist(
        path,
        code === 'Z_BUF_ERROR'
          ? 'the gzip stream ends early (truncated)'
          : `the gzip data is corrupt (${(error as Error).message})`
      )
    }
    throw error
  } finally {
    file.destroy()
    gunzip.destroy()
  }
}

async function scan(path: string, reader: ChunkReader, maxBytes: number) {
  const globals = new Map<string, string>()
  let pax: Map<string, string> | undefined
  let longName: string | undefined
  const names = new Set<string>()
  let common: string[] | undefined
  let absolute: boolean | undefined
  let mixed = false
  // Members named `<dir>/PKG-INFO` that may still be `<top>/PKG-INFO`; the last of a name wins.
  type Candidate = { depth: number; size: number; regular: boolean; data?: Buffer }
  const candidates = new Map<string, Candidate>()
  /** `size` bytes and the padding to the next block, kept (or skipped, when `keep` is false). */
  const readData = async (size: number, what: string, keep = true): Promise<Buffer> => {
    const padded = Math.ceil(size / BLOCK) * BLOCK
    const parts: Buffer[] = []
    if ((await reader.take(padded, keep ? parts : undefined)) < padded) {
      throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`)
    }
    return Buffer.concat(parts).subarray(0, size)
  }
  const malformedPax = () => invalidSdist(path, 'a pax extended header is malformed')
  const sparse = () =>
    sdistProblem(
      path,
      'sdist-sparse',
      'tar archive not accepted: Sparse members are not allowed. See https://docs.pypi.org/archives for more information',
      'Rebuild the sdist with `python -m build --sdist` (it never writes sparse members); GNU tar ' +
        'writes them for files with holes when given --sparse.'
    )

  for (;;) {
    const block = await reader.read(BLOCK)
    if (block.length === 0) break // no end-of-archive blocks: tolerated, as Python does
    if (block.length < BLOCK)
      throw invalidSdist(path, 'the tar stream ends inside a header (truncated)')
    if (block.every(byte => byte === 0)) break
    if (!checksumMatches(block)) throw invalidSdist(path, 'a tar header fails its checksum')
    let type = String.fromCharCode(block[156])
    const size = pythonNti(block.subarray(124, 136))
    if (size === undefined || size < 0)
      throw invalidSdist(path, 'a tar header has an unreadable size')
    if (type === 'S') throw sparse()

    // Extension headers describe the next member (`K`, a long link target, is not needed).
    if (EXTENSION_TYPES.has(type)) {
      if (size > MAX_EXTENSION_BYTES) {
        throw invalidSdist(path, `an extended header of ${size} bytes is larger than any real one`)
      }
      const data = await readData(size, 'an extended header')
      if (type === 'x' || type === 'X') pax = new Map([...globals, ...parsePax(data, malformedPax)])
      else if (type === 'g') for (const [k, v] of parsePax(data, malformedPax)) globals.set(k, v)
      else if (type === 'L') longName = text(data)
      continue
    }

    let name = text(block, 0, 100)
    if (type === '\0' && name.endsWith('/')) type = '5'
    if (type === '5') name = trimEndOf(name, '/')
    const prefix = text(block, 345, 155)
    if (prefix !== '' && !GNU_TYPES.has(type)) name = `${prefix}/${name}`
    if (longName !== undefined) name = type === '5' ? longName.replace(/\/$/, '') : longName
    const records = pax ?? (globals.size > 0 ? globals : undefined)
    const sparseMajor = records?.get('GNU.sparse.major') === '1'
    if (records?.has('GNU.sparse.map') || records?.has('GNU.sparse.size')) throw sparse()
    if (sparseMajor && records?.get('GNU.sparse.minor') === '0') throw sparse()
    const paxPath = records?.get('path')
    if (paxPath !== undefined) name = trimEndOf(paxPath, '/')
    const paxSize = records?.get('size')
    if (paxSize !== undefined && !/^\d+$/.test(paxSize)) {
      throw invalidSdist(path, 'a pax size record is malformed')
    }
    const dataSize = paxSize === undefined ? size : Number(paxSize)
    pax = longName = undefined

    if (names.size >= MAX_MEMBERS) {
      throw invalidSdist(path, `it has more than ${MAX_MEMBERS} members, more than any real sdist`)
    }
    names.add(name)
    const parts = components(name)
    const isAbsolute = name.startsWith('/')
    absolute ??= isAbsolute
    mixed ||= absolute !== isAbsolute
    let same = 0
    while (same < (common ?? parts).length && common?.[same] === parts[same]) same++
    common = common === undefined ? parts : common.slice(0, same)
    for (const [candidate, { depth }] of candidates) {
      if (depth > common.length) candidates.delete(candidate)
    }

    const depth = parts.length - 1
    const canonical = (isAbsolute ? '/' : '') + parts.join('/')
    if (parts[depth] === 'PKG-INFO' && canonical === name && depth <= common.length) {
      const regular = REGULAR_TYPES.has(type)
      const keep = regular && dataSize <= maxBytes
      const data = keep ? await readData(dataSize, displayName(name)) : undefined
      candidates.set(name, { depth, size: dataSize, regular, ...(data ? { data } : {}) })
      if (keep) continue
    }
    if (!NO_DATA_TYPES.has(type)) await readData(dataSize, displayName(name), false)
  }

  // PyPI's own layout rule and words (Warehouse `_is_valid_dist_file`), then `<top>/PKG-INFO`.
  const top = (absolute ? '/' : '') + (common ?? []).join('/')
  const found = candidates.get(`${top}/PKG-INFO`)
  const shown = displayName(`${top}/PKG-INFO`)
  const layout = 'Incorrect number of top-level directories in sdist'
  const refusals: Array<[boolean, RuleId, () => string]> = [
    [mixed, 'sdist-layout', () => `${layout} (it mixes absolute and relative member names).`],
    [
      top === '' || top === '/' || top === '.',
      'sdist-layout',
      () =>
        `${layout}${topsOf(names)}; an sdist holds everything under one folder, <name>-<version>/.`
    ],
    [
      !found,
      'sdist-metadata',
      () => `PKG-INFO not found at ${shown}; an sdist carries its core metadata there.`
    ],
    [
      !found?.regular,
      'sdist-metadata',
      () => `${shown} is not a regular file (a link or a folder).`
    ]
  ]
  for (const [refused, rule, message] of refusals) {
    if (refused) throw sdistProblem(path, rule, message())
  }
  if (!found?.data) {
    throw sdistProblem(
      path,
      'metadata-too-large',
      `${shown} is ${found?.size} bytes, more than the ${maxBytes}-byte limit for core metadata.`,
      'A PKG-INFO this large is almost certainly a broken or hostile build; rebuild the sdist.'
    )
  }
  return { metadata: { entryName: shown, data: found.data }, archive: { names, top } }
}
