/**
 * An upload streams its file (issue 18): the body is the form's head, the file read in chunks as
 * the socket takes them, and the tail, never the whole file in memory, and the index gets it byte
 * for byte. Real socket: a server on 127.0.0.1 that reads the body slowly, so the socket pushes
 * back and chunks queue.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { Http } from '../../src/shared/http.js'
import { buildMultipartBody } from '../../src/upload/multipart.js'

const MIB = 1024 * 1024
let work: string
let server: Server
let url: string
let received: Buffer[] = []

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'upload-buffers-'))
  server = createServer((req, res) => {
    received = []
    // Reads a chunk every few ms: the client's socket fills and the body has to wait.
    req.on('data', (chunk: Buffer) => {
      received.push(chunk)
      req.pause()
      setTimeout(() => req.resume(), 2)
    })
    req.on('end', () => res.end('ok'))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/legacy/`
})
afterAll(async () => {
  await new Promise(resolve => server.close(resolve))
  await rm(work, { recursive: true, force: true })
})

it('streams a 24 MiB file in chunks far smaller than the file, byte for byte', async () => {
  const bytes = randomBytes(24 * MIB + 123)
  const file = path.join(work, 'big-1.0-py3-none-any.whl')
  writeFileSync(file, bytes)
  const body = buildMultipartBody([['name', 'big']], {
    filename: 'big-1.0-py3-none-any.whl',
    path: file,
    size: bytes.length
  })
  let fileChunks = 0
  let largest = 0
  const http = new Http({ timeoutMs: 10_000 })
  try {
    const response = await http.request('POST', url, {
      headers: { 'Content-Type': body.contentType, 'Content-Length': body.contentLength },
      // Every chunk the body emits, as the socket takes it.
      body: () =>
        Readable.from(
          (async function* () {
            for await (const chunk of body.open() as AsyncIterable<Buffer>) {
              fileChunks++
              largest = Math.max(largest, chunk.length)
              yield chunk
            }
          })(),
          { objectMode: false }
        ),
      cap: { bytes: 1024, what: 'the answer', advice: '' }
    })
    expect(response.status).toBe(200)
  } finally {
    http.dispose()
  }
  expect(body.failure()).toBeUndefined()
  expect(fileChunks).toBeGreaterThanOrEqual(24)
  // Never the whole file (nor a large part of it) in one piece.
  expect(largest).toBeLessThanOrEqual(MIB)
  const sent = Buffer.concat(received)
  expect(sent.length).toBe(body.contentLength)
  const start = sent.indexOf('application/octet-stream\r\n\r\n') + 28
  expect(sent.subarray(start, start + bytes.length).equals(bytes)).toBe(true)
})

it('sends small files one after another over one client, each byte for byte', async () => {
  const files = [0, 1, 2].map(i => {
    const bytes = randomBytes(200_000 + i * 1000)
    const file = path.join(work, `small${i}-1.0-py3-none-any.whl`)
    writeFileSync(file, bytes)
    return { bytes, file, name: `small${i}-1.0-py3-none-any.whl` }
  })
  const http = new Http({ timeoutMs: 10_000 })
  try {
    for (const f of files) {
      const body = buildMultipartBody([['name', 'small']], {
        filename: f.name,
        path: f.file,
        size: f.bytes.length
      })
      await body.check()
      const response = await http.request('POST', url, {
        headers: { 'Content-Type': body.contentType, 'Content-Length': body.contentLength },
        body: () => body.open(),
        cap: { bytes: 1024, what: 'the answer', advice: '' }
      })
      expect(response.status).toBe(200)
      const got = Buffer.concat(received)
      expect(got.length).toBe(body.contentLength)
      const start = got.indexOf('application/octet-stream\r\n\r\n') + 28
      expect(got.subarray(start, start + f.bytes.length).equals(f.bytes)).toBe(true)
    }
  } finally {
    http.dispose()
  }
})
