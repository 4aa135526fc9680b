/**
 * Tar header fields read the way Python's tarfile reads them (`nti`, `calc_chksums`), so that
 * our verdict on a header (valid or not, which size) is Python's. Shared by the sdist reader and
 * by the wheel check "a file both zip and tar is refused" (PyPI asks tarfile.is_tarfile).
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
  const nul = field.indexOf(0)
  const raw = field.subarray(0, nul < 0 ? field.length : nul)
  if (raw.some(byte => byte > 0x7f)) return undefined
  const text = raw.toString('latin1').replace(PY_WHITESPACE, '')
  if (text === '') return 0
  const match = PY_OCTAL.exec(text)
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

/** Would tarfile take this first block as a member header (so `is_tarfile` says yes)? */
export function isTarHeader(block: Buffer): boolean {
  if (block.length !== BLOCK || block.every(byte => byte === 0)) return false
  return checksumMatches(block)
}
