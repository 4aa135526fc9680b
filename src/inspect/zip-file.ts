/** What the wheel reader and the framing walk share: zip's record signatures and positioned reads. */

import { open, type FileHandle } from 'node:fs/promises'

/** Record signatures, extra field ids, flags and fixed record sizes of the zip format. */
export const ZIP = {
  SIG_LOCAL: 0x04034b50,
  SIG_CENTRAL: 0x02014b50,
  SIG_EOCD: 0x06054b50,
  SIG_EOCD64: 0x06064b50,
  SIG_EOCD64_LOCATOR: 0x07064b50,
  ZIP64_EXTRA: 0x0001,
  UNICODE_PATH_EXTRA: 0x7075,
  FLAG_ENCRYPTED: 0x0001,
  FLAG_DATA_DESCRIPTOR: 0x0008,
  FLAG_UTF8: 0x0800,
  EOCD_SIZE: 22,
  CENTRAL_SIZE: 46
} as const
const READ_AHEAD = 64 * 1024
/** Positioned reads with a small read-ahead, so the headers of small members cost one read. */
export class FileReader {
  private window = Buffer.alloc(0)
  private start = 0

  constructor(
    private readonly handle: FileHandle,
    readonly size: number
  ) {}

  /** Exactly `length` bytes at `position` (a view), or undefined where the file has none. */
  async read(position: number, length: number): Promise<Buffer | undefined> {
    if (position < 0 || position + length > this.size) return undefined
    const offset = position - this.start
    if (offset < 0 || offset + length > this.window.length) {
      const want = Math.min(this.size - position, Math.max(length, READ_AHEAD))
      const buffer = Buffer.allocUnsafe(want)
      let done = 0
      for (let got = -1; done < want && got !== 0; done += got) {
        got = (await this.handle.read(buffer, done, want - done, position + done)).bytesRead
      }
      this.window = buffer.subarray(0, done)
      this.start = position
      if (length > done) return undefined
    }
    return this.window.subarray(position - this.start, position - this.start + length)
  }
}

/** Without `stream`, each decode starts afresh, even after a failure. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

export function strictUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

export async function withFile<T>(path: string, use: (file: FileReader) => Promise<T>): Promise<T> {
  const handle = await open(path, 'r')
  try {
    return await use(new FileReader(handle, (await handle.stat()).size))
  } finally {
    await handle.close()
  }
}
