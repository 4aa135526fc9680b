/**
 * The file's digests and size from one streaming pass: each 1 MiB chunk feeds sha256 and md5
 * (node:crypto) and blake2b-256 (hash-wasm; node's crypto only has 512-bit blake2b). The file is
 * never held in memory.
 *
 * On one thread the three run one after another (~170 MB/s here). For large files sha256 and md5
 * run in a worker thread while this thread does blake2b on the same chunks, which is what bounds
 * a large upload's preparation; small files stay on this thread, where a worker's start-up would
 * cost more than it saves.
 */

import { createHash } from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import { Worker } from 'node:worker_threads'
import { createBLAKE2b } from 'hash-wasm'
import type { Digests, FileIdentity } from '../dists/distribution.js'
import { identityChanges, identityOf } from '../dists/on-disk.js'

const CHUNK = 1024 * 1024
/** Files from this size on hash sha256 and md5 in a worker. */
export const PARALLEL_HASHING_FROM = 16 * 1024 * 1024
let workerInUse = false
/** Chunks handed to the worker and not yet hashed there: bounds memory if the worker lags. */
const MAX_CHUNKS_IN_FLIGHT = 4

export interface DigestOptions {
  /** Override the size from which hashing is split over two threads (tests). */
  parallelFrom?: number
}

/** sha256 and md5 of a stream of chunks, wherever they are computed. */
interface NativeHashes {
  update(chunk: Buffer): Promise<void> | void
  finish(): Promise<{ sha256: string; md5: string }>
}

/** A file that changed while it was hashed: its digests describe no single version of it. */
export class ChangedWhileReadError extends Error {
  constructor(
    readonly path: string,
    readonly why: string
  ) {
    super(`the file changed while it was being read (${why})`)
    this.name = 'ChangedWhileReadError'
  }
}

export async function computeDigests(
  path: string,
  options: DigestOptions = {}
): Promise<{ digests: Digests; size: number; onDisk: FileIdentity }> {
  // One handle for the stat and the read, so both are about the same file (a rename between a
  // stat by path and the open would pair one file's size with another's bytes).
  const handle = await open(path, 'r')
  try {
    const before = identityOf(await handle.stat())
    const result = await hashHandle(handle, before.size, options)
    const after = identityOf(await handle.stat())
    const changes = identityChanges(before, after)
    if (result.size !== before.size) changes.push(`read ${result.size} of ${before.size} bytes`)
    if (changes.length > 0) throw new ChangedWhileReadError(path, changes.join(', '))
    return { ...result, onDisk: before }
  } finally {
    await handle.close()
  }
}

async function hashHandle(
  handle: FileHandle,
  expected: number,
  options: DigestOptions
): Promise<{ digests: Digests; size: number }> {
  // One worker at a time (files are inspected several at once): memory stays bounded, and two
  // threads are what a runner's two cores can give anyway.
  const useWorker = expected >= (options.parallelFrom ?? PARALLEL_HASHING_FROM) && !workerInUse
  if (useWorker) workerInUse = true
  const native = useWorker ? inWorker() : inThisThread()
  const blake2b = await createBLAKE2b(256)
  blake2b.init()
  let size = 0
  try {
    const chunks = handle.createReadStream({ highWaterMark: CHUNK, start: 0, autoClose: false })
    for await (const chunk of chunks) {
      const bytes = chunk as Buffer
      size += bytes.length
      // blake2b first: the chunk may then be moved (not copied) to the worker, which hashes it
      // while this thread reads and hashes the next one.
      blake2b.update(bytes)
      await native.update(bytes)
    }
  } catch (error) {
    // A read that failed still ends the worker.
    await native.finish().catch(() => undefined)
    if (useWorker) workerInUse = false
    throw error
  }
  const { sha256, md5 } = await native.finish().finally(() => {
    if (useWorker) workerInUse = false
  })
  return { digests: { sha256, blake2_256: blake2b.digest('hex'), md5 }, size }
}

function inThisThread(): NativeHashes {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  return {
    update(chunk) {
      sha256.update(chunk)
      md5.update(chunk)
    },
    async finish() {
      return { sha256: sha256.digest('hex'), md5: md5.digest('hex') }
    }
  }
}

/**
 * The worker's code, evaluated from a string so that the bundle needs no separate file. It acks
 * every chunk, so this side never has more than MAX_CHUNKS_IN_FLIGHT chunks queued.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const sha256 = createHash('sha256')
const md5 = createHash('md5')
parentPort.on('message', chunk => {
  if (chunk === null) {
    parentPort.postMessage({ sha256: sha256.digest('hex'), md5: md5.digest('hex') })
    parentPort.close()
    return
  }
  sha256.update(chunk)
  md5.update(chunk)
  parentPort.postMessage('ack')
})
`

function inWorker(): NativeHashes {
  // The chunks are ArrayBuffers outside the heap; the worker's own heap stays tiny, so a small
  // young generation keeps a second isolate from adding tens of MB to peak memory.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 }
  })
  let inFlight = 0
  let wake: (() => void) | undefined
  let failure: Error | undefined
  let settle: { resolve: (v: { sha256: string; md5: string }) => void; reject: (e: Error) => void }
  const result = new Promise<{ sha256: string; md5: string }>((resolve, reject) => {
    settle = { resolve, reject }
  })
  worker.on('message', (message: 'ack' | { sha256: string; md5: string }) => {
    if (message === 'ack') {
      inFlight--
      wake?.()
      wake = undefined
    } else {
      settle.resolve(message)
    }
  })
  worker.on('error', error => {
    failure = error
    wake?.()
    settle.reject(error)
  })
  // Settled already when the worker answered; otherwise it ended without an answer.
  worker.on('exit', code => settle.reject(new Error(`the hashing worker exited (${code})`)))
  return {
    async update(chunk) {
      if (failure) throw failure
      inFlight++
      // Move the bytes when the chunk owns its whole buffer (fs reads of 1 MiB do); else copy.
      const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength
      if (owned) worker.postMessage(chunk, [chunk.buffer as ArrayBuffer])
      else worker.postMessage(chunk)
      while (inFlight >= MAX_CHUNKS_IN_FLIGHT && !failure) {
        await new Promise<void>(resolve => (wake = resolve))
      }
      if (failure) throw failure
    },
    async finish() {
      worker.postMessage(null)
      try {
        return await result
      } finally {
        await worker.terminate()
      }
    }
  }
}
