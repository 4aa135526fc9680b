/**
 * The tar format as Python's tarfile reads it (`nti`, `calc_chksums`, pax records), so that our
 * verdict on a header (valid or not, which size) is Python's. Used by the sdist reader and by the
 * wheel check "a file both zip and tar is refused" (PyPI asks tarfile.is_tarfile).
 *
 * Not tar-stream: on hostile headers it differs from tarfile (archive-differential.test.ts): it
 * takes only the unsigned checksum, reads `0o`/`_` sizes as invalid and junk after the digits as
 * valid, joins `prefix` only under the ustar magic, refuses v7 headers, keeps folders' `/`.
 */

export const BLOCK = 512

/** ASCII whitespace as Python's str.strip() sees it (it includes \x1c–\x1f). */
const PY_WHITESPACE = new RegExp(String.raw`^[\t\n\v\f\r \x1c-\x1f]+|[\t\n\v\f\r \x1c-\x1f]+$`, 'g')

/** What Python's int(text, 8) accepts: a sign, an optional 0o prefix, `_` between digits. */
const PY_OCTAL = /^([+-]?)(?:0[oO]_?)?([0-7](?:_?[0-7])*)$/

/**
 * A numeric field as tarfile's `nti`: GNU base-256 when the first byte is 0x80 (positive) or
 * 0xFF (negative), else ASCII octal up to the first NUL. undefined where Python raises.
 */
export function pythonNti(field: Buffer): number | undefined {
  if (field[0] === 0x80 || field[0] === 0xff) {
    let value = 0
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i]
    if (field[0] === 0xff) value = value - 256 ** (field.length - 1)
    return Number.isSafeInteger(value) ? value : undefined
  }
  const raw = text(field)
  if (/[\x80-\xff]/.test(raw)) return undefined // latin1: one character per byte
  const digits = raw.replace(PY_WHITESPACE, '')
  if (digits === '') return 0
  const match = PY_OCTAL.exec(digits)
  if (!match) return undefined
  const value = parseInt(match[2].replace(/_/g, ''), 8)
  return match[1] === '-' ? -value : value
}

/** The header checksum, as Python checks it: unsigned or signed byte sum, field as spaces. */
export function checksumMatches(block: Buffer): boolean {
  const stored = pythonNti(block.subarray(148, 156))
  if (stored === undefined) return false
  let unsigned = 0
  let signed = 0
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]
    unsigned += byte
    signed += byte > 127 ? byte - 256 : byte
  }
  return stored === unsigned || stored === signed
}

/** Exact byte counts from a stream of chunks; skipped bytes are dropped as they arrive. */
export class ChunkReader {
  private held: Buffer = Buffer.alloc(0)
  private total = 0

  constructor(
    private readonly source: AsyncIterator<Buffer>,
    private readonly maxTotal: number,
    private readonly tooMuch: () => Error
  ) {}

  /** Takes up to `length` bytes (fewer only at the end) into `parts`, or drops them; how many. */
  async take(length: number, parts?: Buffer[]): Promise<number> {
    let got = 0
    while (got < length) {
      if (this.held.length === 0) {
        const next = await this.source.next()
        if (next.done) break
        this.total += next.value.length
        if (this.total > this.maxTotal) throw this.tooMuch()
        this.held = next.value
      }
      const part = this.held.subarray(0, length - got)
      parts?.push(part)
      got += part.length
      this.held = this.held.subarray(part.length)
    }
    return got
  }

  async read(length: number): Promise<Buffer> {
    const parts: Buffer[] = []
    await this.take(length, parts)
    return Buffer.concat(parts)
  }
}

/** A NUL-terminated field, as a binary string. */
export function text(block: Buffer, start = 0, length = block.length): string {
  const field = block.subarray(start, start + length)
  const nul = field.indexOf(0)
  return field.toString('latin1', 0, nul < 0 ? field.length : nul)
}

/** `len key=value\n` records of a pax extended header. */
export function parsePax(data: Buffer, malformed: () => Error): Map<string, string> {
  const records = new Map<string, string>()
  for (let at = 0; at < data.length && data[at] !== 0;) {
    const space = data.indexOf(0x20, at)
    const length = space < 0 ? NaN : Number(data.toString('latin1', at, space))
    if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
      throw malformed()
    }
    const record = data.toString('latin1', space + 1, at + length - 1) // without the '\n'
    const equals = record.indexOf('=')
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1))
    at += length
  }
  return records
}
