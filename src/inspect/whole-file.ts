/**
 * A small file read once, whole: the same bytes then serve the archive reading and every digest,
 * with no second open, stat or read of the file. Its identity is taken before and after the read,
 * as the streaming digest pass does, so a file that changed meanwhile is known.
 *
 * The read is synchronous, and into memory used again from file to file: for 100 wheels of 64 KiB
 * the thread pool's round trips (open, two stats, read, close) and a fresh buffer per file (page
 * faults, collections) were a third of their inspection. Only regular files up to a small size
 * are read so, a few hundred microseconds at most; anything else is left to the streaming readers.
 */

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import type { FileIdentity } from '../dists/distribution.js'
import { identityChanges, identityOf } from '../dists/on-disk.js'

/**
 * Files up to this size are read whole with one read, once: for a wheel, the directory, the
 * framing walk, the few members PyPI reads and all three digests then cost no further reads (each
 * one a round trip through libuv's thread pool, a third of a small wheel's inspection); for its
 * upload, the body is checked whole before the first byte and sent in one write.
 */
export const READ_WHOLE_UP_TO = 1024 * 1024

/** Read buffers are sized in steps of this, so that files of similar sizes share them. */
const STEP = 64 * 1024

/**
 * Read buffers done with, for the next file. One set per inspection run and one per upload run
 * (its memory goes when the run ends); no more buffers are kept than were in use at once.
 */
export class ReadBuffers {
  private readonly spare: Buffer[] = []
  private inUse = 0
  private mostInUse = 0

  /** A buffer of at least `length` bytes, lent until `give` hands it back. */
  take(length: number): Buffer {
    this.inUse++
    this.mostInUse = Math.max(this.mostInUse, this.inUse)
    const fits = this.spare.findIndex(buffer => buffer.length >= length)
    if (fits >= 0) return this.spare.splice(fits, 1)[0]
    return Buffer.allocUnsafe(Math.ceil(length / STEP) * STEP)
  }

  /** Takes back a buffer from `take`: nothing may read or keep a view of it after this. */
  give(buffer: Buffer): void {
    this.inUse--
    this.spare.push(buffer)
    if (this.spare.length > this.mostInUse) {
      this.spare.sort((a, b) => b.length - a.length)
      this.spare.pop()
    }
  }
}

/** Where readWholeFile reads into: ReadBuffers, or a caller's own memory. */
export type ReadMemory = Pick<ReadBuffers, 'take' | 'give'>

export interface WholeFile {
  /** What was read: the file's bytes, unless it changed while read. A view of `memory`. */
  bytes: Buffer
  /** The buffer lent by `buffers`: give it back once `bytes` is no longer read. */
  memory: Buffer
  /** The file as found before the read (what the upload later checks it against). */
  onDisk: FileIdentity
  /** How the file changed during the read, in words ([] when it did not). */
  changes: string[]
}

/** O_NONBLOCK, where it exists: opening a FIFO then returns at once instead of waiting for a writer. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0)

/**
 * The bytes of a regular file of at most `upTo` bytes; undefined for anything else (a larger file,
 * which is never held in memory whole, or a folder, device or FIFO), left to the streaming
 * readers, which open it again and report on it as they always did.
 */
export function readWholeFile(
  path: string,
  upTo: number,
  buffers: ReadMemory
): WholeFile | undefined {
  const fd = openSync(path, OPEN_FLAGS)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile() || stats.size > upTo) return undefined
    const onDisk = identityOf(stats)
    // One byte more than the size: a file that grew fills it, and is known to have changed (the
    // read stops there, so memory stays bounded whatever the file does).
    const wanted = onDisk.size + 1
    const memory = buffers.take(wanted)
    let filled = 0
    try {
      for (;;) {
        const bytesRead = readSync(fd, memory, filled, wanted - filled, filled)
        filled += bytesRead
        // A regular file's read comes up short only at its end: once the size is read, a short
        // read is the end (a growth after it shows in the second stat).
        if (bytesRead === 0 || filled === wanted || filled >= onDisk.size) break
      }
    } catch (error) {
      buffers.give(memory)
      throw error
    }
    const changes = identityChanges(onDisk, identityOf(fstatSync(fd)))
    if (filled !== onDisk.size) changes.push(`read ${filled} of ${onDisk.size} bytes`)
    return { bytes: memory.subarray(0, filled), memory, onDisk, changes }
  } finally {
    closeSync(fd)
  }
}
