import { randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { FormField } from '../dists/distribution.js'
import type { ProgressReporter } from './progress.js'

/**
 * A multipart/form-data body whose length is known before it is sent: the text parts are small and
 * built up front, the file part is streamed from disk, so memory stays flat whatever the file size
 * and the index gets a Content-Length (some indexes refuse chunked uploads).
 */
export interface MultipartBody {
  contentType: string
  contentLength: number
  /** A fresh stream over the whole body; call again to re-send (retries). */
  open(): Readable
}

export interface FilePart {
  field: string
  filename: string
  path: string
  size: number
  contentType: string
}

export function buildMultipartBody(
  fields: readonly FormField[],
  file: FilePart,
  progress?: ProgressReporter
): MultipartBody {
  const boundary = `----pypi-publish-${randomBytes(16).toString('hex')}`
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
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + file.size + tail.length,
    open: () => {
      const length = head.length + file.size + tail.length
      progress?.start(length)
      return Readable.from(bodyChunks(head, file.path, tail, progress), { objectMode: false })
    }
  }
}

async function* bodyChunks(
  head: Buffer,
  filePath: string,
  tail: Buffer,
  progress?: ProgressReporter
): AsyncGenerator<Buffer> {
  // Progress counts every byte of the body, as `start` was given the body's length: counting
  // the file alone would leave the last line short of 100%.
  progress?.sent(head.length)
  yield head
  // 1 MiB reads: few syscalls, bounded memory (the stream pauses while the socket is full).
  for await (const chunk of createReadStream(filePath, { highWaterMark: 1 << 20 })) {
    progress?.sent((chunk as Buffer).length)
    yield chunk as Buffer
  }
  progress?.sent(tail.length)
  yield tail
  progress?.done()
}

/** Field names and filenames are ours or PEP-defined; escape quotes and newlines anyway. */
function quote(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '%22')
    .replace(/\r/g, '%0D')
    .replace(/\n/g, '%0A')
}
