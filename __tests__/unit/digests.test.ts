import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { computeDigests } from '../../src/inspect/digests.js'
import { python } from '../support/make-dists.js'

/** hashlib's view of each file: what twine sends and PyPI recomputes. */
const HASHLIB_PY = String.raw`
import hashlib, json, os, sys
out = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    out[path] = {"digests": {"sha256": hashlib.sha256(data).hexdigest(),
                             "blake2_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
                             "md5": hashlib.md5(data).hexdigest()},
                 "size": os.path.getsize(path)}
print(json.dumps(out))
`

describe('computeDigests', () => {
  let dir: string
  const files: Record<string, Buffer> = {
    'empty.bin': Buffer.alloc(0),
    'small.txt': Buffer.from('hello, wörld\n'),
    'exactly-one-chunk.bin': randomBytes(1024 * 1024),
    // Several 1 MiB chunks plus a ragged end.
    'several-chunks.bin': randomBytes(3 * 1024 * 1024 + 12345),
    'nine-chunks.bin': randomBytes(9 * 1024 * 1024 + 777)
  }
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'digests-test-'))
    for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data)
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('equals hashlib’s sha256, blake2b(digest_size=32) and md5, and the file size', async () => {
    const paths = Object.keys(files).map(name => join(dir, name))
    const reference = python<Record<string, unknown>>(HASHLIB_PY, paths)
    for (const path of paths) {
      // toMatchObject: the result also carries the file's identity (onDisk), which Python has no word on.
      expect([path, await computeDigests(path)]).toMatchObject([path, reference[path]])
      expect((await computeDigests(path)).size).toBe(statSync(path).size)
    }
  })

  it('gives the right digests when many large files are hashed at once ', async () => {
    const paths = Object.keys(files).map(name => join(dir, name))
    const reference = python<Record<string, { digests: unknown }>>(HASHLIB_PY, paths)
    const together = await Promise.all([...paths, ...paths].map(p => computeDigests(p)))
    expect(together.map(r => r.digests)).toEqual(
      [...paths, ...paths].map(p => reference[p].digests)
    )
  })

  it('rejects when the file cannot be read', async () => {
    await expect(computeDigests(join(dir, 'missing.bin'))).rejects.toThrow(/ENOENT/)
  })

  it('gives the known digests of the empty file', async () => {
    const { digests, size } = await computeDigests(join(dir, 'empty.bin'))
    expect(size).toBe(0)
    expect(digests.sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(digests.md5).toBe('d41d8cd98f00b204e9800998ecf8427e')
    expect(digests.blake2_256).toBe(
      '0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8'
    )
  })

  it('runs many passes at once without mixing them up', async () => {
    const paths = Object.keys(files).map(name => join(dir, name))
    const together = await Promise.all([...paths, ...paths].map(p => computeDigests(p)))
    const alone: Awaited<ReturnType<typeof computeDigests>>[] = []
    for (const p of paths) alone.push(await computeDigests(p))
    expect(together).toEqual([...alone, ...alone])
  })

  it('rejects for a missing file', async () => {
    await expect(computeDigests(join(dir, 'missing.bin'))).rejects.toMatchObject({ code: 'ENOENT' })
  })
})
