/**
 * Issue 19: for an index other than PyPI, an archive that breaks installers still stops the run
 * before any upload, while PyPI's own archive policies are warnings and the file is published.
 * Through the bundled action (run it after `npm run package`) against the local index, which
 * takes any archive as a private index may.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import {
  buildZip,
  hideZipInComment,
  metadataText,
  setZipFlags,
  type ZipMember
} from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'private-index-token'
const WHEEL = 'demo-1.0-py3-none-any.whl'

function members(summary: string): ZipMember[] {
  const metadata = metadataText(
    {
      'Metadata-Version': '2.1',
      Name: 'demo',
      Version: '1.0',
      Summary: summary,
      'Description-Content-Type': 'text/plain'
    },
    'A demo.'
  )
  return [
    { name: 'demo/__init__.py', data: 'x = 1\n' },
    { name: 'demo-1.0.dist-info/METADATA', data: metadata },
    { name: 'demo-1.0.dist-info/WHEEL', data: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\n' },
    { name: 'demo-1.0.dist-info/RECORD', data: '' }
  ]
}

describe('archive problems for a private index (node dist/index.js)', () => {
  let index: IndexServer
  let work: string
  beforeAll(async () => {
    index = await startIndexServer({ tokens: [TOKEN] })
    work = await mkdtemp(path.join(tmpdir(), 'e2e-private-archives-'))
  })
  afterAll(async () => {
    await index.close()
    await rm(work, { recursive: true, force: true })
  })

  async function publish(label: string, wheel: Buffer) {
    const dir = path.join(work, label)
    await mkdir(dir)
    await writeFile(path.join(dir, WHEEL), wheel)
    return runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir,
      'verify-upload': 'false'
    })
  }

  it('stops on a second end-of-central-directory record before any upload', async () => {
    const before = index.requests.length
    const wheel = hideZipInComment(buildZip(members('A demo.')), buildZip(members('Another.')))
    const run = await publish('second-end-record', wheel)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toContain("Python's zipfile (pip) reads its first member at byte")
    expect(index.requests.length).toBe(before)
    expect(index.files()).toEqual([])
  })

  it("publishes a wheel with data descriptors, PyPI's refusal a warning", async () => {
    const run = await publish('data-descriptors', setZipFlags(buildZip(members('A demo.')), 0x08))
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/::warning .*ZIP contains a data descriptor/)
    expect(run.stdout).toContain(
      'PyPI and TestPyPI refuse this; other indexes decide for themselves.'
    )
    expect(index.files().map(f => f.filename)).toEqual([WHEEL])
  })
})
