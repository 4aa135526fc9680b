/**
 * The file's digests and size from one streaming pass: each 1 MiB chunk feeds sha256 and md5
 * (node:crypto) and blake2b-256 (hash-wasm; node's crypto only has 512-bit blake2b). The file is
 * never held in memory. (`digestsOf` gives the same three for bytes a caller already holds: a
 * small wheel, read whole once for its archive and its digests.)
 *
 * On one thread the three run one after another (~170 MB/s here). For large files sha256 and md5
 * run in a worker thread while this thread does blake2b on the same chunks, which is what bounds
 * a large upload's preparation; small files stay on this thread, where a worker's start-up would
 * cost more than it saves.
 */

import * as crypto from 'node:crypto'
import { open, type FileHandle } from 'node:fs/promises'
import type { IHasher } from 'hash-wasm'
import blake2bBuild from 'hash-wasm/dist/blake2b.umd.min.js'
import type { Digests, FileIdentity } from '../dists/distribution.js'
import { identityChanges, identityOf } from '../dists/on-disk.js'
import { lazyBuiltin } from '../shared/lazy-builtin.js'

/** Only a large file needs the hashing thread. */
const workerThreads = lazyBuiltin<typeof import('node:worker_threads')>('node:worker_threads')

const CHUNK = 1024 * 1024
/** Files from this size on hash sha256 and md5 in a worker. */
export const PARALLEL_HASHING_FROM = 16 * 1024 * 1024
let workerInUse = false
/** Chunks handed to the worker and not yet hashed there: bounds memory if the worker lags. */
const MAX_CHUNKS_IN_FLIGHT = 4

/**
 * blake2b hashers done with, to hash the next file: each new one instantiates a WebAssembly
 * module (~0.4 ms), which was a tenth of the inspection of a small wheel. A hasher that failed
 * mid-file is not kept. As many as files were hashed at once, at most.
 */
const spareBlake2b: IHasher[] = []

/** A blake2b hasher being made ahead of the first file (warmDigests), for one taker. */
let warming: Promise<IHasher | undefined> | undefined

/**
 * Starts making a blake2b hasher now. WebAssembly compiles off the main thread, so the ~7 ms its
 * first hasher takes (decode, compile, instantiate) overlap finding the files instead of delaying
 * the first file's digests. A failure here is ignored: the first file then makes its own hasher,
 * and reports that failure as it always did.
 */
export function warmDigests(): void {
  warming ??= blake2bBuild.createBLAKE2b(256).then(
    hasher => hasher,
    () => undefined
  )
}

/** A spare hasher, else the one warmDigests is making (given to one caller only), else a new one. */
async function takeBlake2b(): Promise<IHasher> {
  const spare = spareBlake2b.pop()
  if (spare) return spare
  const pending = warming
  warming = undefined
  const warmed = await pending
  return warmed ?? blake2bBuild.createBLAKE2b(256)
}

export interface DigestOptions {
  /** Override the size from which hashing is split over two threads (tests). */
  parallelFrom?: number
}

/**
 * sha256 and md5 of a file's chunks, wherever they are computed. The file is read into memory they
 * lend (`buffer`), so nothing is allocated per chunk: a fresh 1 MiB buffer per chunk lives outside
 * V8's heap and piled up as garbage (tens of MB) before a collection freed it.
 */
interface NativeHashes {
  /** Memory to read the next chunk into; after `update` it is theirs until they lend it again. */
  buffer(): Promise<Buffer>
  /** The start of the last lent buffer, filled. */
  update(chunk: Buffer): void
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

/** crypto.hash (Node 20.12+): one call, no Hash object; createHash where it is missing. */
const oneShot = (
  crypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'hex') => string }
).hash

export function hexDigest(algorithm: 'sha256' | 'md5', bytes: Uint8Array): string {
  return oneShot
    ? oneShot(algorithm, bytes, 'hex')
    : crypto.createHash(algorithm).update(bytes).digest('hex')
}

/**
 * The digests of bytes already in memory (a small file read whole, see whole-file.ts): the same
 * three as computeDigests gives for the file, without reading it again.
 */
export async function digestsOf(bytes: Uint8Array): Promise<Digests> {
  const blake2b = await takeBlake2b()
  blake2b.init()
  blake2b.update(bytes)
  const blake2_256 = blake2b.digest('hex')
  spareBlake2b.push(blake2b)
  return { sha256: hexDigest('sha256', bytes), blake2_256, md5: hexDigest('md5', bytes) }
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
  const native = useWorker ? inWorker() : inThisThread(expected)
  const blake2b = await takeBlake2b()
  blake2b.init()
  let size = 0
  try {
    // Read to the end, not to the expected size: a file that grew is noticed by the caller.
    for (;;) {
      const buffer = await native.buffer()
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, size)
      if (bytesRead === 0) break
      const chunk = buffer.subarray(0, bytesRead)
      size += bytesRead
      // blake2b here while the worker (if any) hashes the same bytes: the memory is shared.
      blake2b.update(chunk)
      native.update(chunk)
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
  const blake2_256 = blake2b.digest('hex')
  spareBlake2b.push(blake2b)
  return { digests: { sha256, blake2_256, md5 }, size }
}

function inThisThread(expected: number): NativeHashes {
  const sha256 = crypto.createHash('sha256')
  const md5 = crypto.createHash('md5')
  // Hashed synchronously in `update`, so one buffer serves every chunk; sized to the file (one
  // byte more, so a file that grew is read to its end in as many reads), since a 1 MiB buffer
  // per small file measured ~1 ms of zeroing and page faults each.
  let memory: Buffer | undefined
  return {
    async buffer() {
      memory ??= Buffer.allocUnsafeSlow(Math.min(CHUNK, expected + 1))
      return memory
    },
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
 * The worker's code, evaluated from a string so that the bundle needs no separate file. Chunks
 * are slots of memory shared with this thread; it hashes a slot and hands it back by number, so
 * no more than MAX_CHUNKS_IN_FLIGHT chunks are ever held, and none is copied or moved.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const sha256 = createHash('sha256')
const md5 = createHash('md5')
parentPort.on('message', message => {
  if (message === null) {
    parentPort.postMessage({ sha256: sha256.digest('hex'), md5: md5.digest('hex') })
    parentPort.close()
    return
  }
  const chunk = new Uint8Array(workerData, message.slot * workerData.byteLength / ${MAX_CHUNKS_IN_FLIGHT}, message.length)
  sha256.update(chunk)
  md5.update(chunk)
  parentPort.postMessage(message.slot)
})
`

function inWorker(): NativeHashes {
  const shared = new SharedArrayBuffer(MAX_CHUNKS_IN_FLIGHT * CHUNK)
  const slots = Array.from({ length: MAX_CHUNKS_IN_FLIGHT }, (_, slot) =>
    Buffer.from(shared, slot * CHUNK, CHUNK)
  )
  const free = slots.map((_, slot) => slot).reverse()
  // The worker's heap holds next to nothing (the chunks are shared memory), so a small young
  // generation keeps a second isolate from adding tens of MB to peak memory.
  const worker = new (workerThreads().Worker)(WORKER_SOURCE, {
    eval: true,
    workerData: shared,
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 }
  })
  let lent: number | undefined
  let wake: (() => void) | undefined
  let failure: Error | undefined
  let settle: { resolve: (v: { sha256: string; md5: string }) => void; reject: (e: Error) => void }
  const result = new Promise<{ sha256: string; md5: string }>((resolve, reject) => {
    settle = { resolve, reject }
  })
  worker.on('message', (message: number | { sha256: string; md5: string }) => {
    if (typeof message === 'number') {
      free.push(message)
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
    async buffer() {
      // A slot lent and not filled (the read found the end) is lent again.
      if (lent !== undefined) return slots[lent]
      while (free.length === 0 && !failure) {
        await new Promise<void>(resolve => (wake = resolve))
      }
      if (failure) throw failure
      lent = free.pop() as number
      return slots[lent]
    },
    update(chunk) {
      if (failure) throw failure
      if (lent === undefined) throw new Error('a chunk was hashed in memory that was not lent')
      worker.postMessage({ slot: lent, length: chunk.length })
      lent = undefined
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
