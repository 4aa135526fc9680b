import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'

import { readWheel } from '../../src/inspect/wheel.js'
import { crc32 } from 'node:zlib'
import {
  buildZip,
  buildWithPython,
  corruptZip,
  makeHostileWheel,
  makeWheel,
  metadataText,
  python
} from '../support/make-dists.js'
import { problemOf } from '../support/problems.js'

const readWheelMetadata = async (path: string, options?: { maxBytes?: number }) =>
  (await readWheel(path, options)).metadata
const readZipEntries = async (path: string) => (await readWheel(path)).archive.entries

const METADATA = metadataText(
  { 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0', Summary: 'Zoë’s demo' },
  'Body ✓\n'
)

/** What Python's zipfile makes of a wheel: every member CRC-checked, and the METADATA text. */
const READ_BACK_PY = String.raw`
import json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as zf:
    bad = zf.testzip()
    names = zf.namelist()
    meta = [n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
    print(json.dumps({"bad": bad, "names": names, "metadata": zf.read(meta[0]).decode("utf-8") if meta else None}))
`

interface ReadBack {
  bad: string | null
  names: string[]
  metadata: string | null
}

describe('zip reader', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zip-test-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  describe('crc32', () => {
    it('gives the IEEE check value', () => {
      expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926)
      const data = randomBytes(100_000)
      // Continuing from a previous value, as streaming callers would.
      expect(crc32(data.subarray(500), crc32(data.subarray(0, 500)))).toBe(crc32(data))
    })
  })

  const variants = [
    { label: 'deflate', options: {} },
    { label: 'stored', options: { compression: 'store' as const } },
    { label: 'ZIP64 records', options: { zip64: true } },
    {
      label: 'a self-extractor stub before the archive',
      options: { prefix: Buffer.alloc(777, 0x5a) }
    },
    { label: 'an archive comment', options: { comment: 'built by a test' } }
  ]
  for (const { label, options } of variants) {
    it(`reads METADATA from a wheel with ${label}, as Python's zipfile does`, async () => {
      const path = makeWheel(join(dir, label.replace(/\W+/g, '-')), {
        filename: 'demo-1.0-py3-none-any.whl',
        metadata: METADATA,
        ...options
      })
      const reference = python<ReadBack>(READ_BACK_PY, [path])
      expect(reference.bad).toBeNull()
      expect(reference.metadata).toBe(METADATA)

      const member = await readWheelMetadata(path)
      expect(member.entryName).toBe('demo-1.0.dist-info/METADATA')
      expect(member.data.toString('utf8')).toBe(METADATA)
      const entries = await readZipEntries(path)
      expect(entries.map(e => e.name)).toEqual(reference.names)
    })
  }

  it('reads UTF-8 member names flagged as such', async () => {
    const path = join(dir, 'utf8-names.whl')
    writeFileSync(
      path,
      buildZip([
        { name: 'démo/ünï.py', data: 'x = 1\n' },
        { name: 'demo-1.0.dist-info/METADATA', data: METADATA }
      ])
    )
    expect(python<ReadBack>(READ_BACK_PY, [path]).names).toEqual([
      'démo/ünï.py',
      'demo-1.0.dist-info/METADATA'
    ])
    expect((await readZipEntries(path))[0].name).toBe('démo/ünï.py')
  })

  it('ignores METADATA of a vendored package nested deeper in the wheel', async () => {
    const path = makeWheel(join(dir, 'nested'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: METADATA,
      extraFiles: {
        'demo/_vendor/dep-2.0.dist-info/METADATA': 'Metadata-Version: 2.1\nName: dep\n'
      }
    })
    const member = await readWheelMetadata(path)
    expect(member.entryName).toBe('demo-1.0.dist-info/METADATA')
  })

  it('refuses a wheel without a top-level .dist-info/METADATA', async () => {
    const path = makeWheel(join(dir, 'none'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: METADATA,
      omitMetadata: true,
      extraFiles: { 'demo/_vendor/dep-2.0.dist-info/METADATA': 'Name: dep\n' }
    })
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('wheel-metadata')
    expect(problem.file).toBe(path)
    expect(problem.message).toContain('demo-1.0-py3-none-any.whl')
    expect(problem.message).toContain('no <name>-<version>.dist-info/METADATA')
    expect(problem.hint).toMatch(/python -m build/)
  })

  it('refuses a wheel with two top-level .dist-info/METADATA, naming both', async () => {
    const path = makeWheel(join(dir, 'two'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: METADATA,
      extraFiles: { 'other-2.0.dist-info/METADATA': METADATA }
    })
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('wheel-metadata')
    expect(problem.message).toContain('2 top-level .dist-info/METADATA files')
    expect(problem.message).toContain('other-2.0.dist-info/METADATA')
    expect(problem.message).toContain('demo-1.0.dist-info/METADATA')
  })

  it.each(['truncated', 'garbage'] as const)(
    'calls a %s file not a valid wheel, names it and says to rebuild',
    async mode => {
      const path = corruptZip(join(dir, mode), {
        filename: 'demo-1.0-py3-none-any.whl',
        metadata: METADATA,
        mode
      })
      const problem = await problemOf(readWheelMetadata(path))
      expect(problem.rule).toBe('invalid-wheel')
      expect(problem.file).toBe(path)
      expect(problem.message).toMatch(/^demo-1\.0-py3-none-any\.whl is not a valid wheel/)
      expect(problem.message).toContain('no end of central directory record')
      expect(problem.hint).toMatch(/Rebuild the wheel/)
    }
  )

  it('refuses a file too short to be a zip', async () => {
    const path = join(dir, 'tiny-1.0-py3-none-any.whl')
    writeFileSync(path, 'PK')
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('invalid-wheel')
    expect(problem.message).toContain('only 2 bytes long')
  })

  it('detects a damaged METADATA by its CRC-32', async () => {
    const path = corruptZip(join(dir, 'crc'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: METADATA,
      mode: 'bad-crc'
    })
    // Python agrees the member is damaged.
    expect(
      python<ReadBack>(READ_BACK_PY.replace('zf.read(meta[0]).decode("utf-8")', 'None'), [path]).bad
    ).toBe('demo-1.0.dist-info/METADATA')
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('invalid-wheel')
    expect(problem.message).toContain('fails its CRC-32 check')
  })

  it('detects a central directory whose size does not match the data', async () => {
    const path = join(dir, 'size-lie.whl')
    writeFileSync(
      path,
      buildZip([{ name: 'demo-1.0.dist-info/METADATA', data: METADATA, declaredSize: 10 }])
    )
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('invalid-wheel')
    expect(problem.message).toContain('the directory says 10')
  })

  it('refuses compression methods other than stored and deflate', async () => {
    const path = join(dir, 'bzip2.whl')
    writeFileSync(
      path,
      buildZip([{ name: 'demo-1.0.dist-info/METADATA', data: METADATA, methodCode: 12 }])
    )
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('invalid-wheel')
    expect(problem.message).toContain('uses compression method 12')
  })

  it('stops inflating a hostile METADATA at the cap, whatever size it claims', async () => {
    // 64 MiB of METADATA in a ~64 KiB stream, claiming 1000 bytes.
    const path = makeHostileWheel(join(dir, 'bomb'), { filename: 'bomb-1.0-py3-none-any.whl' })
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('metadata-too-large')
    expect(problem.message).toContain('inflating to more than 4194304 bytes')
  })

  it('refuses a METADATA whose declared size is over the cap without inflating it', async () => {
    const path = makeHostileWheel(join(dir, 'big'), {
      filename: 'big-1.0-py3-none-any.whl',
      inflatedSize: 5 * 1024 * 1024,
      declaredSize: 5 * 1024 * 1024
    })
    const problem = await problemOf(readWheelMetadata(path))
    expect(problem.rule).toBe('metadata-too-large')
    expect(problem.message).toContain('is 5242880 bytes')
  })

  it('honours a smaller cap', async () => {
    const path = makeWheel(join(dir, 'cap'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: METADATA + 'x'.repeat(5000)
    })
    await expect(readWheelMetadata(path, { maxBytes: 100_000 })).resolves.toBeDefined()
    expect((await problemOf(readWheelMetadata(path, { maxBytes: 4096 }))).rule).toBe(
      'metadata-too-large'
    )
  })

  it('reads a wheel built by a real backend, equal to what Python reads', async () => {
    const { wheel } = buildWithPython(join(dir, 'real'), {
      'pyproject.toml':
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' +
        '[project]\nname = "real-demo"\nversion = "3.2.1"\ndescription = "Réal"\n',
      'real_demo/__init__.py': 'x = 1\n'
    })
    expect(wheel).toMatch(/real_demo-3\.2\.1-py2\.py3-none-any\.whl$/)
    const reference = python<ReadBack>(READ_BACK_PY, [wheel])
    const member = await readWheelMetadata(wheel)
    expect(member.entryName).toBe('real_demo-3.2.1.dist-info/METADATA')
    expect(member.data.toString('utf8')).toBe(reference.metadata)
  })
})
