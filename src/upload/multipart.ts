import { createHash, randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { FileIdentity, FormField } from '../dists/distribution.js'
import { FileChangedError, identityChanges, identityOf } from '../dists/on-disk.js'
import { hexDigest } from '../inspect/digests.js'
import { READ_WHOLE_UP_TO, readWholeFile, type ReadMemory } from '../inspect/whole-file.js'
import type { ProgressReporter } from './progress.js'

/**
 * A multipart/form-data body whose length is known before it is sent: the text parts are small and
 * built up front, the file part is streamed from disk, so memory stays flat whatever the file size
 * and the index gets a Content-Length (some indexes refuse chunked uploads).
 *
 * The form fields (digests, and the Content-Length derived from the size) were computed when the
 * file was checked, and go out before the file's bytes. So the stream makes sure it sends exactly
 * those bytes: it refuses a file whose size, mtime or inode differ from the checked ones when it
 * opens it, sends no more than the checked size, re-hashes what it sends, and when anything
 * differs it fails before the closing boundary and cuts the connection, so the index receives an
 * incomplete form (which it cannot store), never a complete one that describes other bytes.
 */
export interface MultipartBody {
  contentType: string
  contentLength: number
  /**
   * The whole body afresh; call again to re-send (retries). A file up to READ_WHOLE_UP_TO comes
   * back as one Buffer, read and checked now (a file changed since the checks throws, with
   * nothing sent: for many small files the per-chunk stream, its file calls through the thread
   * pool and a stream per upload cost more than sending them); a larger one as a stream that
   * reads, re-hashes and checks it as it goes.
   */
  open(): Readable | Buffer
  /**
   * Hands back a Buffer `open` gave out (a small body whole, or one chunk of a stream) once the
   * socket has taken all of it (the HTTP client's `onSent`), so the next body or chunk is read into
   * the same memory. What is never handed back (a failed request) costs fresh memory next time,
   * nothing more; Buffers it did not give out (the form's head and tail) are ignored.
   */
  sent(chunk: Buffer): void
  /** Why the last stream failed (the file changed, a read failed), if it did. */
  failure(): Error | undefined
}

export interface FilePart {
  field: string
  filename: string
  path: string
  size: number
  contentType: string
  /** The file as checked; when given, a file that differs when opened is refused. */
  onDisk?: FileIdentity
  /** The checked sha256; when given, the bytes sent are hashed and compared before the end. */
  sha256?: string
}

/**
 * The file is sent in chunks of this size. 1 MiB chunks measured ~30 MB more peak memory with
 * eight uploads at once over TLS (each connection holds a few chunks, encrypted, until the link
 * takes them) and no faster a send, on loopback or over a 200 Mbit/s link.
 */
const CHUNK = 256 * 1024
/**
 * File chunks kept for reuse. A chunk's buffer lives outside V8's heap, so a fresh one per chunk
 * left up to ~64 MB of sent chunks waiting for a collection during a large upload; the socket
 * holds one or two chunks at a time, so a few buffers handed back by the sender cover it.
 */
const POOLED_CHUNKS = 4

/** The buffers file chunks are read into: reused when handed back, fresh when none is free. */
class ChunkPool {
  /** Given out and not handed back yet, by their memory. */
  private readonly out = new WeakSet<ArrayBufferLike>()
  /** Full-size chunks only: every read but a file's last is CHUNK long. */
  private readonly free: ArrayBufferLike[] = []

  take(size: number): Buffer {
    // Only as large as the read: a small file's body costs no full-chunk allocation.
    const memory = this.free.pop() ?? Buffer.allocUnsafeSlow(size).buffer
    this.out.add(memory)
    return Buffer.from(memory, 0, size)
  }

  /** Ignores chunks it did not give out (the head and tail), and keeps POOLED_CHUNKS at most. */
  give(chunk: Buffer): void {
    const memory = chunk.buffer
    if (!this.out.delete(memory)) return
    if (memory.byteLength === CHUNK && this.free.length < POOLED_CHUNKS) this.free.push(memory)
  }
}

/**
 * Fresh memory for each small body: what a body gets when no shared memory is given. For 100
 * uploads of 64 KiB, fresh buffers cost ~0.3 ms each in page faults on a VM and then collections;
 * memory shared across a run's uploads (ReadBuffers) costs neither.
 */
const FRESH_MEMORY: ReadMemory = {
  take: length => Buffer.allocUnsafe(length),
  give: () => undefined
}

export function buildMultipartBody(
  fields: readonly FormField[],
  file: FilePart,
  progress?: ProgressReporter,
  memory: ReadMemory = FRESH_MEMORY
): MultipartBody {
  // Unpredictable, so no file can hold it: 122 random bits. randomUUID draws from a pool Node
  // refills in batches; randomBytes made a system call per body (~70 µs each on a VM).
  const boundary = `----pypi-publish-${randomUUID().replaceAll('-', '')}`
  const head = Buffer.concat([
    ...fields.map(([name, value]) =>
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`,
        'utf8'
      )
    ),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; ` +
        `filename="${quote(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
      'utf8'
    )
  ])
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')
  let failure: Error | undefined
  // Each small body handed out by `open`, with the memory it is a view of, until `sent`.
  const lent = new Map<Buffer, Buffer>()
  // A large file's chunks, for every attempt at sending this body.
  const pool = new ChunkPool()
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + file.size + tail.length,
    failure: () => failure,
    sent: chunk => {
      const taken = lent.get(chunk)
      if (taken) {
        lent.delete(chunk)
        memory.give(taken)
      } else {
        pool.give(chunk)
      }
    },
    open: () => {
      failure = undefined
      const length = head.length + file.size + tail.length
      progress?.start(length)
      if (file.size <= READ_WHOLE_UP_TO) {
        let whole: { body: Buffer; memory: Buffer } | undefined
        try {
          whole = wholeBody(head, file, tail, memory)
        } catch (error) {
          failure = error as Error
          throw error
        }
        if (whole) {
          lent.set(whole.body, whole.memory)
          progress?.sent(whole.body.length)
          progress?.done()
          return whole.body
        }
      }
      const stream = Readable.from(bodyChunks(head, file, tail, pool, progress), {
        objectMode: false
      })
      // The HTTP client destroys the request when its body fails (the index sees a cut upload);
      // the failure is kept so the caller reports it rather than the cut connection.
      stream.once('error', error => (failure = error))
      return stream
    }
  }
}

async function* bodyChunks(
  head: Buffer,
  file: FilePart,
  tail: Buffer,
  pool: ChunkPool,
  progress?: ProgressReporter
): AsyncGenerator<Buffer> {
  // Opened and compared before the first byte goes out: a file replaced or rewritten since the
  // checks is refused with nothing sent.
  const handle = await open(file.path, 'r')
  try {
    const opened = identityOf(await handle.stat())
    const expected = file.onDisk ?? { ...opened, size: file.size }
    const differences = identityChanges(expected, opened)
    if (differences.length > 0) throw changedFile(file, differences.join(', '))

    // Progress counts every byte of the body, as `start` was given the body's length: counting
    // the file alone would leave the last line short of 100%.
    progress?.sent(head.length)
    yield head

    // The bytes sent are hashed as they go: ~0.85 ms per MiB with SHA-NI, far below what the
    // network takes, and the only way to notice a same-size rewrite that kept its mtime.
    const sha256 = file.sha256 ? createHash('sha256') : undefined
    let sent = 0
    while (sent < file.size) {
      // Never a buffer the socket may still hold: a fresh one, or one the sender handed back.
      const buffer = pool.take(Math.min(CHUNK, file.size - sent))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, sent)
      if (bytesRead === 0) {
        throw changedFile(file, `it ended after ${sent} of the ${file.size} bytes checked`)
      }
      const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead)
      sha256?.update(chunk)
      sent += bytesRead
      progress?.sent(bytesRead)
      yield chunk
    }

    // Everything below runs before the closing boundary: a failure here leaves the form incomplete.
    const probe = await handle.read(Buffer.alloc(1), 0, 1, file.size)
    if (probe.bytesRead > 0)
      throw changedFile(file, `it has grown past the ${file.size} bytes checked`)
    const after = identityChanges(expected, identityOf(await handle.stat()))
    if (after.length > 0) throw changedFile(file, after.join(', '))
    const digest = sha256?.digest('hex')
    if (digest !== undefined && digest !== file.sha256) {
      throw changedFile(
        file,
        `the bytes sent have sha256 ${digest}, not the ${file.sha256} checked`
      )
    }
  } finally {
    await handle.close()
  }
  progress?.sent(tail.length)
  yield tail
  progress?.done()
}

/**
 * The whole body of a small file in one buffer: the file is read straight into the room between
 * the head and the tail, and nothing is sent unless it is exactly the file checked (same identity
 * and size, same sha256). Undefined when the path is no longer a regular file of at most
 * READ_WHOLE_UP_TO bytes: the streaming path then opens it and says what changed. The body is a
 * view of `memory` taken from the pool, which the caller gives back once it is sent.
 */
function wholeBody(
  head: Buffer,
  file: FilePart,
  tail: Buffer,
  pool: ReadMemory
): { body: Buffer; memory: Buffer } | undefined {
  // One byte of room past the file, so that a file that grew is noticed (the read stops there).
  const memory = pool.take(head.length + file.size + 1 + tail.length)
  try {
    head.copy(memory, 0)
    const region = {
      take: (length: number) => memory.subarray(head.length, head.length + length),
      give: () => undefined
    }
    const read = readWholeFile(file.path, READ_WHOLE_UP_TO, region)
    if (!read) {
      pool.give(memory)
      return undefined
    }
    const expected = file.onDisk ?? { ...read.onDisk, size: file.size }
    const differences = [...identityChanges(expected, read.onDisk), ...read.changes]
    if (differences.length > 0) throw changedFile(file, differences.join(', '))
    if (file.sha256 !== undefined) {
      const digest = hexDigest('sha256', read.bytes)
      if (digest !== file.sha256) {
        throw changedFile(file, `its bytes have sha256 ${digest}, not the ${file.sha256} checked`)
      }
    }
    tail.copy(memory, head.length + file.size)
    return { body: memory.subarray(0, head.length + file.size + tail.length), memory }
  } catch (error) {
    pool.give(memory)
    throw error
  }
}

function changedFile(file: FilePart, why: string): FileChangedError {
  return new FileChangedError(file.path, file.filename, why)
}

/** Field names and filenames are ours or PEP-defined; escape quotes and newlines anyway. */
function quote(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '%22')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
}
