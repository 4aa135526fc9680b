/**
 * readWholeFile: a small regular file read once (for the archive and the digests), its identity
 * taken around the read; anything else left to the streaming readers. Real files, a real FIFO
 * and a /proc file (whose size stat gives as 0), no mocks.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { ReadBuffers, readWholeFile } from '../../src/inspect/whole-file.js'

describe('readWholeFile', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'whole-file-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a regular file whole, with its identity before the read', () => {
    const data = randomBytes(70_000)
    const path = join(dir, 'a.whl')
    writeFileSync(path, data)
    const whole = readWholeFile(path, 1024 * 1024, new ReadBuffers())
    const stats = statSync(path)
    expect(whole?.bytes.equals(data)).toBe(true)
    expect(whole?.onDisk).toEqual({
      size: 70_000,
      mtimeMs: stats.mtimeMs,
      ino: stats.ino,
      dev: stats.dev
    })
    expect(whole?.changes).toEqual([])
  })

  it('reads an empty file as empty', () => {
    const path = join(dir, 'empty.whl')
    writeFileSync(path, '')
    const whole = readWholeFile(path, 1024, new ReadBuffers())
    expect(whole?.bytes.length).toBe(0)
    expect(whole?.changes).toEqual([])
  })

  it('leaves a larger file and a folder to the streaming readers', () => {
    const path = join(dir, 'large.whl')
    writeFileSync(path, Buffer.alloc(2049))
    expect(readWholeFile(path, 2048, new ReadBuffers())).toBeUndefined()
    expect(readWholeFile(path, 2049, new ReadBuffers())?.bytes.length).toBe(2049)
    mkdirSync(join(dir, 'folder.whl'))
    expect(readWholeFile(join(dir, 'folder.whl'), 2048, new ReadBuffers())).toBeUndefined()
  })

  it('does not wait on a FIFO (nothing writes to it): it is left to the streaming readers', () => {
    if (process.platform === 'win32') return
    const path = join(dir, 'fifo-1.0-py3-none-any.whl')
    execFileSync('mkfifo', [path])
    // A blocking open would hang this test (and the action's event loop) here.
    expect(readWholeFile(path, 1024 * 1024, new ReadBuffers())).toBeUndefined()
  })

  it('reports a file that reads longer than stat said as changed, reading no more than one byte past it', () => {
    // /proc files stat as 0 bytes and read as text: a file that grew between the stat and the read.
    if (!existsSync('/proc/version')) return
    const whole = readWholeFile('/proc/version', 1024 * 1024, new ReadBuffers())
    expect(whole?.onDisk.size).toBe(0)
    expect(whole?.bytes.length).toBe(1)
    expect(whole?.changes).toEqual(['read 1 of 0 bytes'])
  })

  it('rejects a missing file with its error code', () => {
    expect(() => readWholeFile(join(dir, 'missing.whl'), 1024, new ReadBuffers())).toThrow(
      expect.objectContaining({ code: 'ENOENT' })
    )
  })
})

describe('ReadBuffers', () => {
  it('lends a buffer given back again, and keeps no more than were lent at once', () => {
    const buffers = new ReadBuffers()
    const first = buffers.take(1000)
    const second = buffers.take(1000)
    expect(second).not.toBe(first)
    buffers.give(first)
    buffers.give(second)
    // Both fit the next file: one of them is lent again, not new memory.
    expect([first, second]).toContain(buffers.take(65_000))
  })

  it('makes a larger buffer for a larger file, and drops the smallest one past the count in use', () => {
    const buffers = new ReadBuffers()
    const small = buffers.take(100)
    buffers.give(small)
    const large = buffers.take(200_000)
    expect(large.length).toBeGreaterThanOrEqual(200_000)
    buffers.give(large)
    // One was in use at a time: only the large one is kept, and it serves a small file too.
    expect(buffers.take(100)).toBe(large)
    expect(buffers.take(100)).not.toBe(small)
  })
})
