/**
 * The blake2b hasher made ahead of the first file (warmDigests, issue 12) goes to exactly one
 * pass. A file of several chunks is hashed across awaits, so two passes sharing one hasher would
 * mix their bytes and both come out wrong. Its own test file: the module's spare hashers start
 * empty, so the first passes really do race for the warmed one.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { computeDigests, warmDigests } from '../../src/inspect/digests.js'
import { python } from '../support/make-dists.js'

const BLAKE2_PY = String.raw`
import hashlib, json, sys
print(json.dumps({p: hashlib.blake2b(open(p, "rb").read(), digest_size=32).hexdigest() for p in sys.argv[1:]}))
`

let dir: string
const paths: string[] = []
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'digests-warm-'))
  for (let i = 0; i < 4; i++) {
    const path = join(dir, `file-${i}.bin`)
    // Several 1 MiB chunks each, so every pass awaits between its updates.
    writeFileSync(path, randomBytes(3 * 1024 * 1024 + i * 4099))
    paths.push(path)
  }
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('gives the hasher it made ahead to one pass only: passes started together all agree with hashlib', async () => {
  warmDigests()
  warmDigests() // a second call makes no second hasher and changes nothing
  const together = await Promise.all(paths.map(p => computeDigests(p)))
  const reference = python<Record<string, string>>(BLAKE2_PY, paths)
  expect(together.map(d => d.digests.blake2_256)).toEqual(paths.map(p => reference[p]))
})
