/**
 * The few PEP 440 (versions) and PEP 503 (names) rules the test index needs, self-contained so the
 * index never borrows the product's own parsing: a bug shared by both would hide itself.
 */

/** PEP 440's permissive pattern (its appendix), anchored; case-insensitive, surrounding space allowed. */
const VERSION_PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<preN>[0-9]+)?)?' +
    '(?<post>(?:-(?<postN1>[0-9]+))|(?:[-_.]?(?<postL>post|rev|r)[-_.]?(?<postN2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<devL>dev)[-_.]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i'
)

export type PreLabel = 'a' | 'b' | 'rc'

export interface Version {
  epoch: number
  release: number[]
  pre?: { label: PreLabel; n: number }
  post?: number
  dev?: number
  /** Local segments: numbers where the segment is all digits, lowercase text otherwise. */
  local?: Array<number | string>
}

const PRE_SPELLINGS: Record<string, PreLabel> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc'
}

/** Parses a version the way `packaging.version.Version` accepts it; undefined when invalid. */
export function parseVersion(text: string): Version | undefined {
  const m = VERSION_PATTERN.exec(text)
  if (!m?.groups) return undefined
  const g = m.groups
  // Numbers beyond 2^53 would compare wrongly; no real version has them.
  const num = (s: string | undefined): number => (s === undefined ? 0 : Number(s))
  const version: Version = {
    epoch: num(g.epoch),
    release: g.release.split('.').map(Number)
  }
  if (g.preL !== undefined)
    version.pre = { label: PRE_SPELLINGS[g.preL.toLowerCase()], n: num(g.preN) }
  if (g.post !== undefined) version.post = num(g.postN1 ?? g.postN2)
  if (g.dev !== undefined) version.dev = num(g.devN)
  if (g.local !== undefined) {
    version.local = g.local
      .toLowerCase()
      .split(/[-_.]/)
      .map(s => (/^[0-9]+$/.test(s) ? Number(s) : s))
  }
  return version
}

/** The normalized form, as `str(packaging.version.Version(...))` prints it. */
export function formatVersion(v: Version, release: number[] = v.release): string {
  let out = v.epoch ? `${v.epoch}!` : ''
  out += release.join('.')
  if (v.pre) out += `${v.pre.label}${v.pre.n}`
  if (v.post !== undefined) out += `.post${v.post}`
  if (v.dev !== undefined) out += `.dev${v.dev}`
  if (v.local) out += `+${v.local.join('.')}`
  return out
}

/** Normalizes a version string; undefined when it is not PEP 440. */
export function normalizeVersion(text: string): string | undefined {
  const v = parseVersion(text)
  return v && formatVersion(v)
}

/**
 * `packaging.utils.canonicalize_version`: the normalized form without trailing `.0`s, which is how
 * PyPI decides that `1.0` and `1.0.0` are the same release.
 */
export function canonicalVersion(v: Version): string {
  return formatVersion(v, stripTrailingZeros(v.release))
}

function stripTrailingZeros(release: number[]): number[] {
  let end = release.length
  while (end > 1 && release[end - 1] === 0) end--
  return release.slice(0, end)
}

/** PEP 440 ordering: negative when a < b, 0 when equal (so `1.0 == 1.0.0`), positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return (
    a.epoch - b.epoch ||
    compareNumberLists(stripTrailingZeros(a.release), stripTrailingZeros(b.release)) ||
    preKey(a) - preKey(b) ||
    comparePre(a, b) ||
    cmp(a.post ?? -1, b.post ?? -1) ||
    cmp(a.dev ?? Infinity, b.dev ?? Infinity) ||
    compareLocal(a.local, b.local)
  )
}

function cmp(x: number, y: number): number {
  return x === y ? 0 : x < y ? -1 : 1
}

export function isPrerelease(v: Version): boolean {
  return v.pre !== undefined || v.dev !== undefined
}

/** A dev release of a final version (`1.0.dev1`) sorts before its pre-releases (`1.0a1`). */
function preKey(v: Version): number {
  if (v.pre) return 0
  if (v.post === undefined && v.dev !== undefined) return -1
  return 1
}

function comparePre(a: Version, b: Version): number {
  if (!a.pre || !b.pre) return 0
  const order: PreLabel[] = ['a', 'b', 'rc']
  return order.indexOf(a.pre.label) - order.indexOf(b.pre.label) || a.pre.n - b.pre.n
}

function compareNumberLists(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] - b[i]
  }
  return a.length - b.length
}

/** No local sorts first; numeric segments sort after text ones; a shorter prefix sorts first. */
function compareLocal(a?: Array<number | string>, b?: Array<number | string>): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0)
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1
    if (x !== y) return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** PEP 508 / core metadata `Name`: starts and ends with a letter or digit. */
export const PROJECT_NAME_PATTERN = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i

/** PEP 503 normalization: lowercase, runs of `-`, `_`, `.` become one `-`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}
