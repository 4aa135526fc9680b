/**
 * A file that changes between the checks and its upload is refused, never sent with the stale
 * digests and length of the form (issue 8 §7). Real sockets: the local index on 127.0.0.1, real
 * wheels, real files changed on disk before the upload and while it streams. Each case asserts
 * that the index stored nothing and that the error names the file and says what happened.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import {
  appendFileSync,
  openSync,
  closeSync,
  statSync,
  truncateSync,
  utimesSync,
  writeSync
} from 'node:fs'
import { copyFile, mkdtemp, rename, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { StaticTokenSource } from '../../src/auth/token-source.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { FileChangedError } from '../../src/dists/on-disk.js'
import { inspectDistribution } from '../../src/inspect/inspect.js'
import { Http } from '../../src/shared/http.js'
import { RecordingLog } from '../support/recording-log.js'
import type { ProgressReporter } from '../../src/upload/multipart.js'
import { classifyFailure, sendDistribution } from '../../src/upload/send.js'
import { uploadDistribution } from '../../src/upload/upload.js'
import { startIndexServer, DEFAULT_TOKEN, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'

let work: string
let server: IndexServer
let http: Http
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'changed-'))
  server = await startIndexServer()
  http = new Http({ timeoutMs: 10_000 })
})
afterAll(async () => {
  http.dispose()
  await server.close()
  await rm(work, { recursive: true, force: true })
})
afterEach(() => {
  // Nothing any case sent may have been stored.
  expect(server.files()).toEqual([])
})

let counter = 0
/** A wheel of ~`mib` MiB of stored (incompressible) data, inspected as the pipeline would. */
async function bigWheel(mib = 6): Promise<Distribution> {
  const dir = await mkdtemp(path.join(work, 'w-'))
  const file = makeWheel(dir, {
    filename: `changed${++counter}-1.0-py3-none-any.whl`,
    metadata: metadataText({
      'Metadata-Version': '2.1',
      Name: `changed${counter}`,
      Version: '1.0'
    }),
    compression: 'store',
    extraFiles: { [`changed${counter}/blob.bin`]: randomBytes(mib * 1024 * 1024) }
  })
  // A whole-second mtime, so that a test can put it back exactly (utimes rounds finer ones).
  utimesSync(file, 1_700_000_000, 1_700_000_000)
  return inspectDistribution(file)
}

const request = (progress?: ProgressReporter) => ({
  url: server.url,
  user: '__token__',
  password: DEFAULT_TOKEN,
  verbose: false,
  progress
})

/** Calls `change` once, as soon as `afterBytes` of the body have been handed to the socket. */
function changeWhileSending(afterBytes: number, change: () => void): ProgressReporter {
  let sent = 0
  let done = false
  return {
    start: () => (sent = 0),
    sent(bytes) {
      sent += bytes
      if (!done && sent >= afterBytes) {
        done = true
        change()
      }
    }
  }
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error as Error
  )
  if (!outcome) throw new Error('the upload succeeded')
  return outcome
}

describe('a file changed between the checks and the upload', () => {
  it('is refused before a byte of it is sent when it grew, and never retried', async () => {
    const dist = await bigWheel(1)
    appendFileSync(dist.path, 'more bytes')
    const before = server.requests.length

    const error = await failure(
      sendDistribution(
        {
          http,
          url: server.url,
          tokens: new StaticTokenSource('__token__', DEFAULT_TOKEN),
          skipExisting: false,
          verbose: false,
          simpleUrl: server.simpleUrl,
          retry: { retries: 3, maxTotalMs: 60_000, baseDelayMs: 1, maxDelayMs: 1 },
          log: new RecordingLog(),
          sleep: async () => undefined
        },
        dist
      )
    )

    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toBe(
      `${dist.filename} changed on disk after it was checked (size ${dist.size} → ${dist.size + 10} bytes, ` +
        `modified ${new Date(dist.onDisk!.mtimeMs).toISOString()} → ${new Date(statSync(dist.path).mtimeMs).toISOString()}); ` +
        'nothing was published for it; rebuild and run again (with no other step writing to that folder meanwhile).'
    )
    // At most the one attempt reached the index, and it carried no file.
    const sent = server.requests.slice(before)
    expect(sent.length).toBeLessThanOrEqual(1)
    expect(sent.every(r => r.file === undefined && r.status === 0)).toBe(true)
  })

  it('is refused when another file (same size, same mtime) was put in its place', async () => {
    const dist = await bigWheel(1)
    const other = `${dist.path}.new`
    await copyFile(dist.path, other)
    utimesSync(other, 1_700_000_000, 1_700_000_000)
    await rename(other, dist.path)

    const error = await failure(uploadDistribution(http, request(), dist, new RecordingLog()))
    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toContain('(it was replaced by another file)')
    expect(classifyFailure(error)).toBe('final')
  })
})

describe('a file that changes while it streams', () => {
  it('ends early: the request is cut mid-body, the index gets an incomplete form', async () => {
    const dist = await bigWheel()
    const before = server.requests.length
    const half = Math.floor(dist.size / 2)
    const progress = changeWhileSending(1, () => truncateSync(dist.path, half))

    const error = await failure(
      uploadDistribution(http, request(progress), dist, new RecordingLog())
    )

    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toMatch(
      new RegExp(
        `^${dist.filename.replace(/\./g, '\\.')} changed on disk after it was checked \\(it ended after \\d+ of the ${dist.size} bytes checked\\); nothing was published for it`
      )
    )
    expect(classifyFailure(error)).toBe('final')
    const [seen] = server.requests.slice(before)
    expect(seen.status).toBe(0) // no answer: the connection was cut before the body was complete
    expect(seen.file).toBeUndefined()
  })

  it('grows: not one byte past the checked size is sent, and the form is never closed', async () => {
    const dist = await bigWheel()
    const before = server.requests.length
    const progress = changeWhileSending(1, () => appendFileSync(dist.path, randomBytes(4096)))

    const error = await failure(
      uploadDistribution(http, request(progress), dist, new RecordingLog())
    )

    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toContain(`(it has grown past the ${dist.size} bytes checked)`)
    const [seen] = server.requests.slice(before)
    expect(seen.status).toBe(0)
    expect(seen.file).toBeUndefined()
  })

  it('is rewritten in place with its size and mtime kept: the sha256 of the bytes sent catches it before the final boundary', async () => {
    const dist = await bigWheel()
    const before = server.requests.length
    const progress = changeWhileSending(1, () => {
      // Overwrite bytes near the end (not yet read), then put the mtime back: only the content differs.
      const fd = openSync(dist.path, 'r+')
      writeSync(fd, randomBytes(64), 0, 64, dist.size - 1000)
      closeSync(fd)
      utimesSync(dist.path, 1_700_000_000, 1_700_000_000)
    })

    const error = await failure(
      uploadDistribution(http, request(progress), dist, new RecordingLog())
    )

    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toContain(`not the ${dist.digests.sha256} checked)`)
    const [seen] = server.requests.slice(before)
    // Every byte of the file went out, yet the index never saw a complete form to store.
    expect(seen.status).toBe(0)
    expect(seen.file).toBeUndefined()
  })

  it('an unchanged file still uploads byte for byte (the checks cost no correctness)', async () => {
    const dist = await bigWheel(2)
    await uploadDistribution(http, request(), dist, new RecordingLog())
    const stored = server.files()
    expect(stored.map(f => f.filename)).toEqual([dist.filename])
    expect(stored[0].sha256).toBe(dist.digests.sha256)
    // Tidy up for the afterEach rule (nothing else may be stored).
    await server.deleteFile(dist.filename)
  })
})

describe('a small file (checked through before sending) that changed since the checks', () => {
  const small = (): Promise<Distribution> => bigWheel(1 / 16)

  it('rewritten in place with its size and mtime kept: refused with its sha256, before a byte is sent', async () => {
    const dist = await small()
    expect(dist.size).toBeLessThan(1024 * 1024)
    const fd = openSync(dist.path, 'r+')
    writeSync(fd, randomBytes(64), 0, 64, dist.size - 1000)
    closeSync(fd)
    utimesSync(dist.path, 1_700_000_000, 1_700_000_000)
    const before = server.requests.length

    const error = await failure(uploadDistribution(http, request(), dist, new RecordingLog()))
    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toContain(`not the ${dist.digests.sha256} checked)`)
    expect(classifyFailure(error)).toBe('final')
    // Checked through before the request: the index never saw it.
    expect(server.requests.length).toBe(before)
  })

  it('grown: refused before a byte is sent, naming the change', async () => {
    const dist = await small()
    appendFileSync(dist.path, 'more bytes')
    const before = server.requests.length
    const error = await failure(uploadDistribution(http, request(), dist, new RecordingLog()))
    expect(error).toBeInstanceOf(FileChangedError)
    expect(error.message).toContain(`size ${dist.size} → ${dist.size + 10} bytes`)
    expect(server.requests.length).toBe(before)
  })

  it('unchanged: uploads byte for byte, progress counting the whole body once', async () => {
    const dist = await small()
    const seen: number[] = []
    let total = 0
    const progress: ProgressReporter = {
      start: size => (total = size),
      sent: bytes => seen.push(bytes)
    }
    await uploadDistribution(http, request(progress), dist, new RecordingLog())
    const stored = server.files()
    expect(stored.map(f => f.filename)).toEqual([dist.filename])
    expect(stored[0].sha256).toBe(dist.digests.sha256)
    expect(total).toBeGreaterThan(dist.size)
    expect(seen.reduce((a, b) => a + b, 0)).toBe(total)
    await server.deleteFile(dist.filename)
  })
})
