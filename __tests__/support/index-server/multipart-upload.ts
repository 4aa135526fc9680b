/**
 * Reads an upload request: the form fields in order, and the `content` file, whose sha256, md5
 * and blake2b-256 are computed on the way. A small file waits in memory; a large one streams to a
 * temp file, so a 500 MB upload costs a few MB of memory, never the whole file.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream, type WriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import busboy from 'busboy'
import { createBLAKE2b, type IHasher } from 'hash-wasm'

export interface ReceivedFile {
  filename: string
  /** The part's Content-Type; busboy (like Python's cgi) reads a missing one as text/plain. */
  contentType: string
  /** Bytes received, even past the size limit. */
  size: number
  /** Digests of the content; meaningless when `overLimit`. */
  sha256: string
  md5: string
  blake2_256: string
  /**
   * The content as received, when it is small enough to wait in memory (IN_MEMORY_LIMIT): the
   * chunks themselves, since copying them into one buffer costs more than writing them.
   */
  content?: Buffer[]
  /** Where the content waits on disk, when it is larger; neither is set when it was not kept. */
  tempPath?: string
  /** More than `maxFileSize` bytes arrived: the rest was counted, not hashed or written. */
  overLimit: boolean
}

export interface ReceivedForm {
  /** Every non-file part, in the order received. */
  fields: Array<[string, string]>
  /** The first file part named `content`. */
  file?: ReceivedFile
  /** Names of other parts sent as files (Warehouse: "<name>: Should not be a tuple."). */
  fileFields: string[]
  /** Set when the body could not be read as a form, or the client went away. */
  error?: string
}

export interface ReceiveOptions {
  tempDir: string
  maxFileSize: number
  /** False to hash the content without writing it anywhere (faults that never store). */
  keepFile: boolean
  /** Called with each chunk of the raw body as it arrives. */
  onBodyChunk?: (chunk: Buffer) => void
}

export async function receiveForm(
  req: IncomingMessage,
  options: ReceiveOptions
): Promise<ReceivedForm> {
  const form: ReceivedForm = { fields: [], fileFields: [] }
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: req.headers,
      // Keep the filename as sent, so the "no '/' in the name" rule can see it.
      preservePath: true,
      defParamCharset: 'utf8',
      limits: { fieldSize: 64 * 1024 * 1024, fields: 100_000, parts: 100_000 }
    })
  } catch (error) {
    // Not a form at all (no or another Content-Type): an empty form, like WebOb would see.
    await drain(req, options.onBodyChunk)
    return { ...form, error: (error as Error).message }
  }

  const writes: Array<Promise<void>> = []
  parser.on('field', (name, value) => form.fields.push([name, value]))
  parser.on('file', (name, stream, info) => {
    if (name !== 'content' || form.file) {
      if (name !== 'content' && name !== 'gpg_signature') form.fileFields.push(name)
      stream.resume()
      return
    }
    const file: ReceivedFile = {
      filename: info.filename ?? '',
      contentType: info.mimeType,
      size: 0,
      sha256: '',
      md5: '',
      blake2_256: '',
      overLimit: false
    }
    form.file = file
    writes.push(storeContent(stream, file, options))
  })

  const done = new Promise<void>(resolve => {
    parser.on('close', resolve)
    parser.on('error', (error: Error) => {
      form.error = error.message
      req.unpipe(parser)
      req.resume()
      resolve()
    })
    req.on('aborted', () => {
      form.error = 'the client closed the connection'
      resolve()
    })
  })
  if (options.onBodyChunk) req.on('data', options.onBodyChunk)
  req.pipe(parser)
  await done
  await Promise.allSettled(writes)
  if (form.error && form.file) {
    if (form.file.tempPath) await rm(form.file.tempPath, { force: true })
    delete form.file.tempPath
    delete form.file.content
  }
  return form
}

/**
 * BLAKE2b hashers to reuse: each new one instantiates hash-wasm's WebAssembly, which costs more
 * than hashing a small upload, and the benchmark's index shares the machine's CPUs with the client
 * under test. Reused only after its digest is taken (and re-initialised), so no state is shared.
 */
const spareBlake2b: IHasher[] = []

/**
 * Compiles hash-wasm's BLAKE2b once, when the server starts (about 12 ms of CPU), so that the
 * first upload does not pay for it while the client under test waits.
 */
export async function prepareHashers(): Promise<void> {
  if (!spareBlake2b.length) spareBlake2b.push(await createBLAKE2b(256))
}

/**
 * Uploads up to this size are kept in memory until stored: one write when accepted, none when
 * refused. Larger ones stream to a temp file, so memory stays at a few MB per upload in flight.
 */
export const IN_MEMORY_LIMIT = 4 * 1024 * 1024
const SPILL_BATCH = 1024 * 1024

/**
 * Hashes the content as it arrives and keeps it (in memory, or past IN_MEMORY_LIMIT in a temp
 * file). A plain 'data' listener rather than a stream pipeline: pipeline() with a Transform cost
 * about 0.4 ms of CPU per small upload in stream machinery alone, and a temp file per upload as
 * much again in thread-pool round trips (open, write, close, rename, rm).
 */
async function storeContent(
  stream: Readable,
  file: ReceivedFile,
  options: ReceiveOptions
): Promise<void> {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  const blake2 = spareBlake2b.pop() ?? (await createBLAKE2b(256))
  blake2.init()
  let kept: Buffer[] | undefined = options.keepFile ? [] : undefined
  let spill: WriteStream | undefined
  let spillFailed = false
  const tempPath = join(options.tempDir, `upload-${randomUUID()}`)

  // Chunks go to the temp file a megabyte at a time (one writev): a write per 64 KiB chunk cost
  // the main thread as much as a third of the hashing, in thread-pool round trips.
  let batch: Buffer[] = []
  let batchBytes = 0
  const flush = (): boolean => {
    const writer = spill as WriteStream
    let more = true
    writer.cork()
    for (const chunk of batch) more = writer.write(chunk)
    writer.uncork()
    batch = []
    batchBytes = 0
    return more
  }
  const toSpill = (chunk: Buffer): boolean => {
    batch.push(chunk)
    batchBytes += chunk.length
    return batchBytes >= SPILL_BATCH ? flush() : true
  }
  const startSpill = (chunks: Buffer[]): void => {
    spill = createWriteStream(tempPath, { highWaterMark: 2 * SPILL_BATCH })
    spill.on('error', () => {
      spillFailed = true
      stream.resume()
    })
    for (const chunk of chunks) toSpill(chunk)
  }

  const ended = await new Promise<boolean>(resolve => {
    stream.on('data', (chunk: Buffer) => {
      file.size += chunk.length
      if (file.overLimit) return
      if (file.size > options.maxFileSize) {
        // Like Warehouse, stop at the limit; keep reading so the client can get the answer.
        file.overLimit = true
        kept = undefined
        return
      }
      sha256.update(chunk)
      md5.update(chunk)
      blake2.update(chunk)
      if (spill) {
        if (!spillFailed && !toSpill(chunk)) {
          stream.pause()
          spill.once('drain', () => stream.resume())
        }
      } else if (kept) {
        kept.push(chunk)
        if (file.size > IN_MEMORY_LIMIT) {
          startSpill(kept)
          kept = undefined
        }
      }
    })
    stream.once('end', () => resolve(true))
    // Destroyed without an end: the request broke off (receiveForm reports that).
    stream.once('close', () => resolve(false))
    stream.once('error', () => resolve(false))
  })

  if (ended) {
    file.sha256 = sha256.digest('hex')
    file.md5 = md5.digest('hex')
    file.blake2_256 = blake2.digest('hex')
  }
  spareBlake2b.push(blake2)
  if (spill) {
    const writer = spill
    const keep = ended && !file.overLimit && !spillFailed
    // A write error has closed it already; otherwise finish (or abandon) the file first.
    if (!writer.closed) {
      await new Promise<void>(resolve => {
        writer.once('close', () => resolve())
        if (keep) {
          flush()
          writer.end()
        } else writer.destroy()
      })
    }
    if (keep && !spillFailed) file.tempPath = tempPath
    else await rm(tempPath, { force: true })
  } else if (ended && kept) {
    file.content = kept
  }
}

function drain(req: IncomingMessage, onChunk?: (chunk: Buffer) => void): Promise<void> {
  return new Promise(resolve => {
    if (req.readableEnded) return resolve()
    if (onChunk) req.on('data', onChunk)
    req.on('end', resolve)
    req.on('error', () => resolve())
    req.on('aborted', () => resolve())
    req.resume()
  })
}
