/**
 * The bundled action, run as the runner runs it, against the local index: a file rewritten after
 * the checks (here: while the release's first file is being uploaded) is reported as failed with
 * what happened and what to do, and the index never stores it (issue 8 §7).
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { appendFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'pypi-changed-token'
let work: string
let server: IndexServer
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'changed-e2e-'))
  server = await startIndexServer({ tokens: [TOKEN] })
})
afterAll(async () => {
  await server.close()
  await rm(work, { recursive: true, force: true })
})

it('reports a file changed on disk after the checks as failed, and the index stores nothing of it', async () => {
  const dir = path.join(work, 'dist')
  const filenames = ['racy-1.0-py3-none-any.whl', 'racy-1.0-py2.py3-none-any.whl']
  for (const filename of filenames) {
    makeWheel(dir, {
      filename,
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'racy', Version: '1.0' })
    })
  }
  // The release's first file goes alone; its answer is held back long enough for this test to
  // change the other file on disk, after every check has passed and before its upload opens it.
  server.injectFaults({ delayMs: 2000 })
  const running = runAction(
    { password: TOKEN, 'repository-url': server.url, 'packages-dir': dir, 'verify-timeout': '2' },
    { runnerDefaults: true }
  )
  let changed: string | undefined
  for (let waited = 0; !changed && waited < 60_000; waited += 20) {
    const first = server.requests[0]?.file?.filename
    if (first) {
      changed = filenames.find(f => f !== first)
      appendFileSync(path.join(dir, changed!), 'rebuilt meanwhile')
    } else {
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }
  const run = await running
  expect(changed).toBeDefined()

  expect(run.exitCode).toBe(1)
  expect(server.files().map(f => f.filename)).toEqual(filenames.filter(f => f !== changed))
  // No request carried the changed file to the index.
  expect(server.requests.filter(r => r.file?.filename === changed)).toEqual([])
  const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
  expect(
    errors.some(
      l =>
        l.includes(`${changed} changed on disk after it was checked (size `) &&
        l.includes('nothing was published for it; rebuild and run again')
    )
  ).toBe(true)
  expect(run.summary).toContain(changed)
  expect(run.summary).toContain('changed on disk after it was checked')
  expect(JSON.parse(run.outputs.uploaded)).toHaveLength(1)
}, 120_000)
