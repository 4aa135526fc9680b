/**
 * A wheel read from bytes already in memory (a small file, read once for the archive and the
 * digests) must read exactly as the same wheel read from disk, and nothing it returns may point
 * into those bytes: their memory is used again for the next file. And the framing walk over a
 * large wheel on disk (read through windows) must find what it finds in memory.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { READ_WHOLE_UP_TO } from '../../src/inspect/whole-file.js'
import { readWheel } from '../../src/inspect/zip.js'
import { buildZip, metadataText, setZipFlags, type ZipMember } from '../support/make-dists.js'

const DIST_INFO = 'demo-1.0.dist-info'
const FILENAME = 'demo-1.0-py3-none-any.whl'

function members(method: 'store' | 'deflate', extra: ZipMember[] = []): ZipMember[] {
  return [
    ...extra,
    { name: 'demo/__init__.py', data: 'x = 1\n', method },
    {
      name: `${DIST_INFO}/METADATA`,
      data: metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' }),
      method
    },
    { name: `${DIST_INFO}/WHEEL`, data: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\n', method },
    { name: `${DIST_INFO}/RECORD`, data: 'demo/__init__.py,,\n', method },
    { name: `${DIST_INFO}/entry_points.txt`, data: '[console_scripts]\ndemo = demo:main\n', method }
  ]
}

/** What a read gives, as plain data (Buffers as text), to compare two reads. */
function plain(read: Awaited<ReturnType<typeof readWheel>>): string {
  return JSON.stringify(
    {
      metadata: read.metadata,
      ...read.archive,
      byName: [...read.archive.byName],
      distInfoFiles: [...read.archive.distInfoFiles]
    },
    (_key, value: unknown) =>
      value && (value as { type?: string }).type === 'Buffer'
        ? Buffer.from((value as { data: number[] }).data).toString('latin1')
        : value
  )
}

describe('a wheel read from bytes in memory', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wheel-in-memory-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  /** Each in a folder of its own, under the wheel's name (PyPI reads `{name}-{version}.dist-info`). */
  const write = (folder: string, bytes: Buffer): string => {
    mkdirSync(join(dir, folder))
    const path = join(dir, folder, FILENAME)
    writeFileSync(path, bytes)
    return path
  }

  for (const method of ['store', 'deflate'] as const) {
    it(`reads as from disk, and keeps nothing of the bytes (${method}d members)`, async () => {
      const path = write(method, buildZip(members(method)))
      const fromDisk = await readWheel(path)
      const bytes = readFileSync(path)
      const fromMemory = await readWheel(path, { read: { bytes, size: bytes.length } })
      const seen = plain(fromMemory)
      expect(seen).toBe(plain(fromDisk))
      expect(fromMemory.archive.distInfoFiles.size).toBe(3)
      // The caller reads the next file into the same memory: the answer must not change.
      bytes.fill(0)
      expect(plain(fromMemory)).toBe(seen)
    })
  }

  it('sees no byte past the size stat gave, and a read that came up short as a file cut short', async () => {
    const zip = buildZip(members('deflate'))
    const path = write('grown', zip)
    const grown = Buffer.concat([zip, Buffer.from('appended while read')])
    // The framing walk would call appended bytes 'Trailing data'; past the size they are not seen.
    expect(plain(await readWheel(path, { read: { bytes: grown, size: zip.length } }))).toBe(
      plain(await readWheel(path))
    )
    await expect(
      readWheel(path, { read: { bytes: zip.subarray(0, zip.length - 10), size: zip.length } })
    ).rejects.toThrow(/the file ends early \(truncated\)/)
  })
})

describe('the framing walk over a wheel too large to be read whole', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wheel-framing-disk-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  // A stored member first makes each wheel larger than what is read whole, so readWheel reads it
  // from disk through windows; the same bytes then go through the in-memory path.
  const big: ZipMember = { name: 'demo/big.bin', data: randomBytes(READ_WHOLE_UP_TO + 4096) }
  const cases: Array<{ label: string; bytes: Buffer; pypi: string | undefined }> = [
    { label: 'a sound wheel', bytes: buildZip(members('deflate', [big])), pypi: undefined },
    {
      label: 'data descriptors',
      bytes: setZipFlags(buildZip(members('deflate', [big])), 0x08),
      pypi: 'ZIP contains a data descriptor'
    },
    {
      label: 'bytes after the end record',
      bytes: Buffer.concat([buildZip(members('deflate', [big])), Buffer.from('appended')]),
      pypi: 'Trailing data'
    },
    {
      label: 'a member twice',
      bytes: buildZip([
        ...members('store', [big]),
        { name: 'demo/__init__.py', data: 'x = 2\n', method: 'store' }
      ]),
      pypi: 'Duplicate filename in local headers'
    },
    {
      label: 'a name with a control character',
      bytes: buildZip(members('deflate', [big, { name: 'demo/a\u0001b.py', data: '' }])),
      pypi: 'Invalid character in filename'
    }
  ]

  cases.forEach(({ label, bytes, pypi }, index) => {
    it(`${label}: the same verdict from disk as from memory`, async () => {
      mkdirSync(join(dir, String(index)))
      const path = join(dir, String(index), FILENAME)
      writeFileSync(path, bytes)
      expect(statSync(path).size).toBeGreaterThan(READ_WHOLE_UP_TO)
      const fromDisk = await readWheel(path)
      const fromMemory = await readWheel(path, { read: { bytes, size: bytes.length } })
      expect(fromDisk.archive.framingProblem).toBe(pypi)
      expect(plain(fromDisk)).toBe(plain(fromMemory))
    })
  })
})
