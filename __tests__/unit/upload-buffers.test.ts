/**
 * A large upload reads its file into a few reused buffers (issue 12): a fresh buffer per chunk
 * left up to ~64 MB of sent chunks waiting for a garbage collection. Small files' bodies share
 * memory across uploads, handed back only once the socket has taken them. Real socket: a
 * server on 127.0.0.1 that reads the body slowly, so the socket pushes back and chunks queue.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals'
import { randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { Http } from '../../src/shared/http.js'
import { buildMultipartBody } from '../../src/upload/multipart.js'
import { ReadBuffers } from '../../src/inspect/whole-file.js'

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

it('sends a 24 MiB file through a handful of reused buffers, byte for byte', async () => {
  const bytes = randomBytes(24 * MIB + 123)
  const file = path.join(work, 'big-1.0-py3-none-any.whl')
  writeFileSync(file, bytes)
  const body = buildMultipartBody([['name', 'big']], {
    field: 'content',
    filename: 'big-1.0-py3-none-any.whl',
    path: file,
    size: bytes.length,
    contentType: 'application/octet-stream'
  })
  const memories = new Set<ArrayBufferLike>()
  let fileChunks = 0
  const http = new Http({ timeoutMs: 10_000 })
  try {
    const response = await http.request('POST', url, {
      headers: { 'Content-Type': body.contentType, 'Content-Length': body.contentLength },
      body: () => {
        const stream = body.open() as Readable
        // Every chunk the body emits, as it emits it: the memory of each file chunk (the form's
        // head and tail are a few hundred bytes; the file's chunks are far larger).
        const push = stream.push.bind(stream)
        stream.push = (chunk: unknown, encoding?: BufferEncoding) => {
          if (Buffer.isBuffer(chunk) && chunk.length >= 64 * 1024) {
            fileChunks++
            memories.add(chunk.buffer)
          }
          return push(chunk, encoding)
        }
        return stream
      },
      // The socket's hand-back, as the upload wires it: a chunk the socket has taken is read into again.
      onSent: chunk => body.sent(chunk),
      cap: { bytes: 1024, what: 'the answer', advice: '' }
    })
    expect(response.status).toBe(200)
  } finally {
    http.dispose()
  }
  expect(body.failure()).toBeUndefined()
  expect(fileChunks).toBeGreaterThanOrEqual(24)
  // Reused: the old code read each chunk into new memory (one distinct buffer per chunk).
  expect(memories.size).toBeLessThanOrEqual(6)
  // And nothing was overwritten before it left: the index got the file exactly.
  const sent = Buffer.concat(received)
  expect(sent.length).toBe(body.contentLength)
  const start = sent.indexOf('application/octet-stream\r\n\r\n') + 28
  expect(sent.subarray(start, start + bytes.length).equals(bytes)).toBe(true)
})

it('sends small files one after another from the same memory, each byte for byte, and never lends memory the socket still holds', async () => {
  const memory = new ReadBuffers()
  const lent: Buffer[] = []
  const pool = {
    take: (length: number) => {
      const taken = memory.take(length)
      lent.push(taken)
      return taken
    },
    give: (taken: Buffer) => memory.give(taken)
  }
  const files = [0, 1, 2].map(i => {
    // Different contents and sizes, all in the same 64 KiB step: one buffer can hold each.
    const bytes = randomBytes(200_000 + i * 1000)
    const file = path.join(work, `small${i}-1.0-py3-none-any.whl`)
    writeFileSync(file, bytes)
    return { bytes, file, name: `small${i}-1.0-py3-none-any.whl` }
  })
  const bodyOf = (f: (typeof files)[number]) =>
    buildMultipartBody(
      [['name', 'small']],
      {
        field: 'content',
        filename: f.name,
        path: f.file,
        size: f.bytes.length,
        contentType: 'application/octet-stream'
      },
      undefined,
      pool
    )
  const http = new Http({ timeoutMs: 10_000 })
  try {
    // Two bodies open at once (not handed back yet) are never the same memory.
    const first = bodyOf(files[0])
    const second = bodyOf(files[1])
    const a = first.open() as Buffer
    const b = second.open() as Buffer
    expect(Buffer.isBuffer(a) && Buffer.isBuffer(b)).toBe(true)
    expect(a.buffer).not.toBe(b.buffer)
    first.sent(a)
    second.sent(b)

    for (const f of files) {
      const body = bodyOf(f)
      const response = await http.request('POST', url, {
        headers: { 'Content-Type': body.contentType, 'Content-Length': body.contentLength },
        body: () => body.open(),
        onSent: chunk => body.sent(chunk),
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
  // The three uploads, one at a time, were read into memory already used: two buffers in all
  // (the two opened together above), not one per body.
  expect(new Set(lent.map(taken => taken.buffer)).size).toBe(2)
})
