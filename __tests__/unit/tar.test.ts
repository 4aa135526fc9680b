import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

import { readSdist } from '../../src/inspect/sdist.js'
import { FIXTURE_DISTS_DIR } from '../support/fixtures.js'
import {
  buildTar,
  buildWithPython,
  makeSdist,
  metadataText,
  python,
  truncatedTarGz
} from '../support/make-dists.js'
import { problemOf } from '../support/problems.js'

const readSdistMetadata = async (path: string, options?: Parameters<typeof readSdist>[1]) =>
  (await readSdist(path, options)).metadata

const PKG_INFO = metadataText(
  { 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0', Summary: 'Démo' },
  'Body ✓\n'
)

/** What Python's tarfile lists, and the PKG-INFO it finds under the common top folder. */
const READ_BACK_PY = String.raw`
import json, os, sys, tarfile
with tarfile.open(sys.argv[1], "r:gz") as tf:
    names = tf.getnames()
    root = os.path.commonpath(names)
    data = tf.extractfile(root + "/PKG-INFO").read().decode("utf-8")
    print(json.dumps({"names": names, "root": root, "pkgInfo": data}))
`

describe('sdist reader', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tar-test-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const longDir = 'a-rather-long-folder-name/'.repeat(5)
  const variants = [
    { label: 'plain ustar', options: {} },
    { label: 'PKG-INFO last, as hatchling writes it', options: { pkgInfoLast: true } },
    { label: 'pax path records for every member', options: { longNames: true } },
    { label: 'GNU long-name entries for every member', options: { names: 'gnu' as const } },
    { label: 'a git-archive pax global header', options: { globalHeader: true } },
    {
      label: 'a long member name in the ustar prefix field',
      options: { extraFiles: { [`${longDir}module.py`]: 'x = 1\n' }, pkgInfoLast: true }
    }
  ]
  for (const { label, options } of variants) {
    it(`finds PKG-INFO in an sdist with ${label}, as Python's tarfile does`, async () => {
      const path = makeSdist(join(dir, label.replace(/\W+/g, '-')), {
        filename: 'demo-1.0.tar.gz',
        pkgInfo: PKG_INFO,
        ...options
      })
      const reference = python<{ names: string[]; root: string; pkgInfo: string }>(READ_BACK_PY, [
        path
      ])
      expect(reference.root).toBe('demo-1.0')
      expect(reference.pkgInfo).toBe(PKG_INFO)
      expect(reference.names).toContain('demo-1.0/pyproject.toml')

      const member = await readSdistMetadata(path)
      expect(member.entryName).toBe('demo-1.0/PKG-INFO')
      expect(member.data.toString('utf8')).toBe(PKG_INFO)
    })
  }

  it('ignores a PKG-INFO deeper than the top folder', async () => {
    const path = makeSdist(join(dir, 'deeper'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      pkgInfoLast: true,
      extraFiles: { 'src/demo.egg-info/PKG-INFO': 'Metadata-Version: 2.1\nName: wrong\n' }
    })
    const member = await readSdistMetadata(path)
    expect(member.entryName).toBe('demo-1.0/PKG-INFO')
    expect(member.data.toString('utf8')).toBe(PKG_INFO)
  })

  it('refuses an sdist with two top-level folders, naming both entries', async () => {
    const path = makeSdist(join(dir, 'two-tops'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      rootFiles: { 'other-1.0/setup.py': '' }
    })
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('sdist-layout')
    expect(problem.file).toBe(path)
    expect(problem.message).toContain(
      "Incorrect number of top-level directories in sdist ('demo-1.0', 'other-1.0')"
    )
    expect(problem.hint).toMatch(/python -m build --sdist/)
  })

  it('refuses an sdist with a file at the top level', async () => {
    const path = makeSdist(join(dir, 'top-file'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      rootFiles: { 'setup.py': '' }
    })
    expect((await problemOf(readSdistMetadata(path))).rule).toBe('sdist-layout')
  })

  it('reports an sdist without PKG-INFO', async () => {
    const path = join(dir, 'no-pkg-info.tar.gz')
    writeFileSync(
      path,
      gzipSync(
        buildTar([
          { name: 'demo-1.0/setup.py', data: '' },
          { name: 'demo-1.0/README', data: '' }
        ])
      )
    )
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('sdist-metadata')
    expect(problem.message).toContain('PKG-INFO not found at demo-1.0/PKG-INFO')
  })

  it('refuses a PKG-INFO that is a symlink', async () => {
    const path = join(dir, 'link.tar.gz')
    writeFileSync(
      path,
      gzipSync(
        buildTar([
          { name: 'demo-1.0/PKG-INFO', type: '2', linkName: '/etc/passwd' },
          { name: 'demo-1.0/setup.py', data: '' }
        ])
      )
    )
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('sdist-metadata')
    expect(problem.message).toContain('not a regular file')
  })

  it('calls a truncated .tar.gz truncated, names it and says to rebuild', async () => {
    const path = truncatedTarGz(join(dir, 'truncated'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      pkgInfoLast: true,
      extraFiles: {
        'big.bin': Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251))
      }
    })
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('invalid-sdist')
    expect(problem.file).toBe(path)
    expect(problem.message).toMatch(/^demo-1\.0\.tar\.gz: not a valid sdist/)
    expect(problem.message).toContain('the gzip stream ends early (truncated)')
    expect(problem.hint).toMatch(/Rebuild the sdist/)
  })

  it('calls a complete gzip of a cut-off tar truncated', async () => {
    const tar = buildTar([
      { name: 'demo-1.0/big.bin', data: Buffer.alloc(10_000, 1) },
      { name: 'demo-1.0/PKG-INFO', data: PKG_INFO }
    ])
    const path = join(dir, 'cut-tar.tar.gz')
    writeFileSync(path, gzipSync(tar.subarray(0, 4096)))
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('invalid-sdist')
    expect(problem.message).toContain('ends inside demo-1.0/big.bin (truncated)')
  })

  it('says a file that is not gzip is corrupt', async () => {
    const path = join(dir, 'not-gzip.tar.gz')
    writeFileSync(path, 'plain text, not gzip\n')
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('invalid-sdist')
    expect(problem.message).toContain('the gzip data is corrupt')
  })

  it('refuses a tar header with a wrong checksum', async () => {
    const tar = buildTar([{ name: 'demo-1.0/PKG-INFO', data: PKG_INFO }])
    tar[0] ^= 0x01 // the name changes, the checksum does not
    const path = join(dir, 'checksum.tar.gz')
    writeFileSync(path, gzipSync(tar))
    expect((await problemOf(readSdistMetadata(path))).message).toContain('fails its checksum')
  })

  it('reads past PKG-INFO to the end, as PyPI does: a cut-off stream after it is refused', async () => {
    const path = truncatedTarGz(join(dir, 'stops'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      extraFiles: { 'huge.bin': Buffer.alloc(64 * 1024 * 1024) },
      keep: 40_000
    })
    expect((await problemOf(readSdistMetadata(path))).message).toContain('truncated')
  })

  it('refuses a member after PKG-INFO outside the top folder (PyPI lists every name)', async () => {
    const path = join(dir, 'stray-after.tar.gz')
    const members = [
      { name: 'demo-1.0/PKG-INFO', data: PKG_INFO },
      { name: 'zzz-stray.txt', data: 'x' }
    ]
    writeFileSync(path, gzipSync(buildTar(members)))
    const problem = await problemOf(readSdistMetadata(path))
    expect(problem.rule).toBe('sdist-layout')
    expect(problem.message).toContain('Incorrect number of top-level directories in sdist')
  })

  it('stops a decompression bomb at the cap, with a clear error', async () => {
    const path = makeSdist(join(dir, 'bomb'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO,
      pkgInfoLast: true,
      extraFiles: { 'zeros.bin': Buffer.alloc(8 * 1024 * 1024) }
    })
    const problem = await problemOf(
      readSdistMetadata(path, { maxDecompressedBytes: 4 * 1024 * 1024 })
    )
    expect(problem.rule).toBe('sdist-too-large')
    expect(problem.message).toContain('decompresses to more than 4194304 bytes')
    expect(problem.hint).toMatch(/decompression bomb/)
  })

  it('refuses a PKG-INFO over the cap', async () => {
    const path = makeSdist(join(dir, 'cap'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: PKG_INFO + 'x'.repeat(5000)
    })
    const problem = await problemOf(readSdistMetadata(path, { maxBytes: 4096 }))
    expect(problem.rule).toBe('metadata-too-large')
    expect(problem.message).toContain('more than the 4096-byte limit')
  })

  it('reads sdists built by setuptools (folder entries) and hatchling (PKG-INFO last)', async () => {
    const setuptools = buildWithPython(join(dir, 'setuptools'), {
      'pyproject.toml':
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
      'setup.cfg': '[metadata]\nname = st-demo\nversion = 1.2.3\n[options]\npackages = st_demo\n',
      'st_demo/__init__.py': ''
    }).sdist
    const hatchling = buildWithPython(join(dir, 'hatchling'), {
      'pyproject.toml':
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n' +
        '[project]\nname = "hatch-demo"\nversion = "0.4.0"\n',
      'hatch_demo/__init__.py': ''
    }).sdist
    for (const path of [setuptools, hatchling]) {
      const reference = python<{ root: string; pkgInfo: string }>(READ_BACK_PY, [path])
      const member = await readSdistMetadata(path)
      expect(member.entryName).toBe(`${reference.root}/PKG-INFO`)
      expect(member.data.toString('utf8')).toBe(reference.pkgInfo)
    }
  })

  it('reads every committed fixture sdist', async () => {
    const sdists = readdirSync(FIXTURE_DISTS_DIR, { recursive: true, encoding: 'utf8' })
      .filter(name => name.endsWith('.tar.gz'))
      .map(name => join(FIXTURE_DISTS_DIR, name))
    expect(sdists.length).toBeGreaterThan(0)
    for (const path of sdists) {
      const reference = python<{ root: string; pkgInfo: string }>(READ_BACK_PY, [path])
      const member = await readSdistMetadata(path)
      expect(member.data.toString('utf8')).toBe(reference.pkgInfo)
    }
  })
})
