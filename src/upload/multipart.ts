import { createHash, randomUUID } from 'node:crypto'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import type { Distribution, FormField } from '../dists/distribution.js'
import { FileChangedError, identityChanges, identityOf } from '../dists/on-disk.js'
import { formatSize } from '../shared/format.js'
import type { Log } from '../shared/log.js'

/**
 * A multipart/form-data body whose length is known before it is sent (some indexes refuse chunked
 * uploads): the text parts are built up front, the file is streamed from disk.
 *
 * The form's digests and length were computed when the file was checked and go out before its
 * bytes, so the stream makes sure it sends exactly those bytes: it refuses a file whose size, mtime
 * or inode differ when opened, sends no more than the checked size, re-hashes what it sends, and
 * when anything differs fails before the closing boundary, so the index gets an incomplete form
 * (which it cannot store), never a complete one that describes other bytes.
 */
export interface MultipartBody {
  contentType: string
  contentLength: number
  /** The whole body afresh; call again to re-send (retries). */
  open(): Readable
  /** Reads the file through with every check of `open`, sending nothing. */
  check(): Promise<void>
  /** Why the last stream failed (the file changed, a read failed), if it did. */
  failure(): Error | undefined
}

/**
 * The file, sent as the form's `content` part. `onDisk`: the file as checked; when given, a file
 * that differs when opened is refused. `sha256`: the checked one; when given, the bytes sent are
 * hashed and compared before the end.
 */
export type FilePart = Pick<Distribution, 'filename' | 'path' | 'size' | 'onDisk'> & {
  sha256?: string
}

/** Counts bytes as the body streams out, for progress lines on large files. */
export interface ProgressReporter {
  /** A new attempt starts sending from byte 0. */
  start(total: number): void
  sent(bytes: number): void
}

/** Read size: 256 KiB chunks measured ~20 MB more peak memory (BENCHMARKS.md, (b)), no faster. */
const CHUNK = 64 * 1024

export function buildMultipartBody(
  fields: readonly FormField[],
  file: FilePart,
  progress?: ProgressReporter
): MultipartBody {
  // Unpredictable, so no file can hold it: 122 random bits.
  const boundary = `----pypi-publish-${randomUUID().replaceAll('-', '')}`
  const part = (name: string): string =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"`
  const head = Buffer.from(
    fields.map(([name, value]) => `${part(name)}\r\n\r\n${value}\r\n`).join('') +
      `${part('content')}; filename="${quote(file.filename)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
    'utf8'
  )
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')
  const contentLength = head.length + file.size + tail.length
  let failure: Error | undefined

  /** The whole body; `check` reads it through without `report`, so nothing counts as sent. */
  async function* chunks(report?: ProgressReporter): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of checkedBody(file, head, tail)) {
        report?.sent(chunk.length)
        yield chunk
      }
    } catch (error) {
      // The HTTP client reports the cut connection; the caller reports this instead.
      failure = error as Error
      throw error
    }
  }

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength,
    failure: () => failure,
    open: () => {
      failure = undefined
      progress?.start(contentLength)
      return Readable.from(chunks(progress), { objectMode: false })
    },
    check: async () => {
      for await (const chunk of chunks()) void chunk
    }
  }
}

/**
 * `head`, the file's checked size in fresh chunks, `tail`. The file is refused when it is not the
 * one checked (replaced, resized, rewritten) before `head` goes, and fails before `tail` when it
 * ends early, grows or hashes otherwise.
 */
async function* checkedBody(file: FilePart, head: Buffer, tail: Buffer): AsyncGenerator<Buffer> {
  const handle = await open(file.path, 'r')
  try {
    const before = identityOf(await handle.stat())
    const differences = identityChanges(file.onDisk ?? { ...before, size: file.size }, before)
    if (differences.length > 0) throw changedFile(file, differences.join(', '))
    yield head
    // ~0.85 ms per MiB with SHA-NI: the only way to notice a same-size rewrite that kept its mtime.
    const sha256 = file.sha256 ? createHash('sha256') : undefined
    for (let sent = 0; sent < file.size;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, file.size - sent))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, sent)
      if (bytesRead === 0) {
        throw changedFile(file, `it ended after ${sent} of the ${file.size} bytes checked`)
      }
      const chunk = buffer.subarray(0, bytesRead)
      sha256?.update(chunk)
      sent += bytesRead
      yield chunk
    }
    const probe = await handle.read(Buffer.alloc(1), 0, 1, file.size)
    if (probe.bytesRead > 0)
      throw changedFile(file, `it has grown past the ${file.size} bytes checked`)
    const after = identityChanges(file.onDisk ?? before, identityOf(await handle.stat()))
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
  yield tail
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

export interface ProgressOptions {
  /** Files smaller than this get no progress lines (default 10 MiB). */
  minSize?: number
  /** How often a line is printed, in ms (default 5 s). */
  intervalMs?: number
  now?: () => number
}

/**
 * Progress lines at a steady interval: `name: 45% (120.0 MiB of 260.0 MiB, 85.3 MiB/s)`. Lines,
 * not a redrawn bar: CI logs are append-only, and parallel uploads stay readable.
 */
export function progressReporter(
  filename: string,
  log: Log,
  options: ProgressOptions = {}
): ProgressReporter {
  const { minSize = 10 * 1024 * 1024, intervalMs = 5000, now = Date.now } = options
  let total = 0
  let sent = 0
  let startedAt = 0
  let lastLine = 0
  return {
    start(size) {
      total = size
      sent = 0
      startedAt = lastLine = now()
    },
    sent(bytes) {
      sent += bytes
      const t = now()
      if (total < minSize || t - lastLine < intervalMs) return
      lastLine = t
      const rate = sent / Math.max(1, t - startedAt) / 1.024 / 1024 // bytes/ms → MiB/s
      log.info(
        `${filename}: ${Math.floor((sent / total) * 100)}% (${formatSize(sent)} of ${formatSize(total)}, ${rate.toFixed(1)} MiB/s)`
      )
    }
  }
}
