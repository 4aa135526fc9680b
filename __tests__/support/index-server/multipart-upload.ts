/**
 * Reads an upload request: the form fields in order, and the `content` file streamed to a temp
 * file while its sha256, md5 and blake2b-256 are computed on the way, so a 500 MB upload costs
 * a few buffers of memory, never the whole file.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { Transform, Writable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
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
  /** Where the content waits on disk; absent when it was not kept. */
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
  if (form.error && form.file?.tempPath) {
    await rm(form.file.tempPath, { force: true })
    delete form.file.tempPath
  }
  return form
}

/**
 * BLAKE2b hashers to reuse: each new one instantiates hash-wasm's WebAssembly, which costs more
 * than hashing a small upload, and the benchmark's index shares the machine's CPUs with the client
 * under test. Reused only after its digest is taken (and re-initialised), so no state is shared.
 */
const spareBlake2b: IHasher[] = []

async function storeContent(
  stream: NodeJS.ReadableStream,
  file: ReceivedFile,
  options: ReceiveOptions
): Promise<void> {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  const blake2 = spareBlake2b.pop() ?? (await createBLAKE2b(256))
  blake2.init()
  const digesting = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      file.size += chunk.length
      if (file.size > options.maxFileSize) {
        // Like Warehouse, stop at the limit; keep reading so the client can get the answer.
        file.overLimit = true
        callback()
        return
      }
      sha256.update(chunk)
      md5.update(chunk)
      blake2.update(chunk)
      callback(null, chunk)
    }
  })
  const tempPath = join(options.tempDir, `upload-${randomUUID()}`)
  const sink: Writable = options.keepFile
    ? createWriteStream(tempPath)
    : new Writable({ write: (_chunk, _encoding, callback) => callback() })
  try {
    await pipeline(stream, digesting, sink)
  } catch {
    // The request broke off; receiveForm reports that.
    spareBlake2b.push(blake2)
    if (options.keepFile) await rm(tempPath, { force: true })
    return
  }
  file.sha256 = sha256.digest('hex')
  file.md5 = md5.digest('hex')
  file.blake2_256 = blake2.digest('hex')
  spareBlake2b.push(blake2)
  if (options.keepFile) {
    if (file.overLimit) await rm(tempPath, { force: true })
    else file.tempPath = tempPath
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
