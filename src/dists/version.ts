/**
 * PEP 440 versions as PyPI judges them: packaging ≥ 26.1's `Version` step by step (pattern,
 * normalization, comparison key), so messages quote the canonical strings PyPI quotes.
 */

/** A version split into its PEP 440 segments. Numbers are bigint: segments have no size limit. */
export interface ParsedVersion {
  epoch: bigint
  /** As written, trailing zeros kept (`1.0.0` → [1, 0, 0]). */
  release: bigint[]
  pre?: { label: 'a' | 'b' | 'rc'; number: bigint }
  post?: bigint
  dev?: bigint
  /** Numbers where a part is all digits, lowercased text otherwise. */
  local?: Array<string | bigint>
}

/** Python's `\s`, which packaging strips around a version; JavaScript's differs (U+FEFF, U+001C…). */
const PY_WHITESPACE =
  '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]'

/** packaging's VERSION_PATTERN; `i` without `u` folds ASCII only, as its `(?a:…)` groups do. */
const VERSION_RE = new RegExp(
  `^${PY_WHITESPACE}*v?` +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[._-]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[._-]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[._-]?(?<postL>post|rev|r)[._-]?(?<postN2>[0-9]+)?)?' +
    '(?:[._-]?(?<devL>dev)[._-]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[._-][a-z0-9]+)*))?' +
    `${PY_WHITESPACE}*$`,
  'i'
)

/** Python's `int()` refuses longer digit strings (CVE-2020-10735), so PyPI never accepts them. */
const PYTHON_INT_MAX_DIGITS = 4300

/** Parses a version the way `packaging.version.Version(s)` does; undefined where it would raise. */
export function parseVersion(text: string): ParsedVersion | undefined {
  const g = VERSION_RE.exec(text)?.groups
  if (!g) return undefined
  let tooLong = false
  const toInt = (digits: string): bigint =>
    digits.length > PYTHON_INT_MAX_DIGITS ? ((tooLong = true), 0n) : BigInt(digits)
  const parsed: ParsedVersion = {
    epoch: toInt(g.epoch ?? '0'),
    release: g.release.split('.').map(toInt)
  }
  if (g.preL !== undefined) {
    // alpha/a → a, beta/b → b, c/pre/preview/rc → rc.
    const first = g.preL[0].toLowerCase()
    const label = first === 'a' || first === 'b' ? first : 'rc'
    parsed.pre = { label, number: toInt(g.preN ?? '0') }
  }
  // `1.0-1` is the implicit post-release spelling; `post`, `rev` and `r` are all `.postN`.
  const postNumber = g.postN1 ?? g.postN2
  if (g.postL !== undefined || postNumber !== undefined) parsed.post = toInt(postNumber ?? '0')
  if (g.devL !== undefined) parsed.dev = toInt(g.devN ?? '0')
  parsed.local = g.local
    ?.split(/[._-]/)
    .map(part => (/^[0-9]+$/.test(part) ? toInt(part) : part.toLowerCase()))
  return tooLong ? undefined : parsed
}

/** The canonical string of a parsed version, as `str(Version(s))` writes it. */
export function formatVersion(v: ParsedVersion): string {
  let out = v.epoch !== 0n ? `${v.epoch}!` : ''
  out += v.release.join('.')
  if (v.pre) out += `${v.pre.label}${v.pre.number}`
  if (v.post !== undefined) out += `.post${v.post}`
  if (v.dev !== undefined) out += `.dev${v.dev}`
  if (v.local) out += `+${v.local.join('.')}`
  return out
}

/** The canonical form of a version (`str(packaging.version.Version(s))`), or undefined if invalid. */
export function normalizeVersion(text: string): string | undefined {
  const parsed = parseVersion(text)
  return parsed && formatVersion(parsed)
}

/** The version without its local segment (`1.0+abc` → `1.0`), canonical; undefined if invalid. */
export function publicVersion(text: string): string | undefined {
  const parsed = parseVersion(text)
  return parsed && formatVersion({ ...parsed, local: undefined })
}

function trimTrailingZeros(release: readonly bigint[]): bigint[] {
  let end = release.length
  while (end > 0 && release[end - 1] === 0n) end--
  return release.slice(0, end)
}

/**
 * packaging's `canonicalize_version`: the canonical string with trailing zeros cut, so `1.0` and
 * `1.0.0` are one release. Two versions have the same key exactly when they compare equal.
 */
export function releaseKey(v: ParsedVersion): string {
  const release = trimTrailingZeros(v.release)
  return formatVersion({ ...v, release: release.length > 0 ? release : [0n] })
}

function cmp(a: bigint | number | string, b: bigint | number | string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Element by element; a proper prefix sorts first (Python tuples). */
function cmpSeq<T>(a: readonly T[], b: readonly T[], each: (x: T, y: T) => number): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = each(a[i], b[i])
    if (c !== 0) return c
  }
  return cmp(a.length, b.length)
}

const PRE_RANK = { a: 0n, b: 1n, rc: 2n } as const

/** packaging's pre/post/dev key: `1.0.dev1` < a/b/rc < final; no post < post; dev < no dev. */
function suffixKey(v: ParsedVersion): bigint[] {
  const devOnly = !v.pre && v.post === undefined && v.dev !== undefined
  return [
    v.pre ? PRE_RANK[v.pre.label] : devOnly ? -1n : 3n,
    v.pre?.number ?? 0n,
    v.post === undefined ? 0n : 1n,
    v.post ?? 0n,
    v.dev === undefined ? 1n : 0n,
    v.dev ?? 0n
  ]
}

/** PEP 440: in a local segment, text parts sort before numbers; text compares as strings. */
const cmpLocalPart = (a: string | bigint, b: string | bigint): number =>
  typeof a === typeof b ? cmp(a, b) : typeof a === 'string' ? -1 : 1

function toParsed(version: string | ParsedVersion): ParsedVersion {
  if (typeof version !== 'string') return version
  const parsed = parseVersion(version)
  if (!parsed) throw new TypeError(`Invalid version: '${version}'`)
  return parsed
}

/** PEP 440 order (`1.0` == `1.0.0`); throws a TypeError for a string that is not a version. */
export function compareVersions(a: string | ParsedVersion, b: string | ParsedVersion): number {
  const [x, y] = [toParsed(a), toParsed(b)]
  return (
    cmp(x.epoch, y.epoch) ||
    cmpSeq(trimTrailingZeros(x.release), trimTrailingZeros(y.release), cmp) ||
    cmpSeq(suffixKey(x), suffixKey(y), cmp) ||
    // A version without a local segment (never an empty one) sorts before one with it.
    cmpSeq(x.local ?? [], y.local ?? [], cmpLocalPart)
  )
}
