/**
 * The framing walk over a wheel much larger than the reader's read-ahead (a large stored member
 * first, so the walk must jump over its data) finds what PyPI finds.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { readWheel } from '../../src/inspect/wheel.js'
import { buildZip, metadataText, setZipFlags, type ZipMember } from '../support/make-dists.js'

const DIST_INFO = 'demo-1.0.dist-info'
const FILENAME = 'demo-1.0-py3-none-any.whl'
const LARGE = 1024 * 1024

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

describe('the framing walk over a large wheel', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wheel-framing-disk-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const big: ZipMember = { name: 'demo/big.bin', data: randomBytes(LARGE + 4096) }
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
    it(`${label}: PyPI's verdict`, async () => {
      mkdirSync(join(dir, String(index)))
      const path = join(dir, String(index), FILENAME)
      writeFileSync(path, bytes)
      expect(statSync(path).size).toBeGreaterThan(LARGE)
      const fromDisk = await readWheel(path)
      expect(fromDisk.archive.framingProblem).toBe(pypi)
      expect(fromDisk.metadata.data.toString()).toContain('Name: demo')
    })
  })
})
