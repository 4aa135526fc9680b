import { execFileSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { itWhen } from '../support/required.js'
import {
  compareVersions,
  formatVersion,
  normalizeVersion,
  parseVersion,
  publicVersion
} from '../../src/dists/version.js'

/**
 * The reference is Python's `packaging.version.Version`, which PyPI runs. One python3 process
 * normalizes the whole table and sorts it; we must agree on every string, valid or not.
 */
interface Reference {
  python: string
  module: string
  packagingVersion: string
}

const REFERENCE_SCRIPT = `
import functools, importlib, json, sys
version = importlib.import_module(sys.argv[1] + '.version')
data = json.load(sys.stdin)
def norm(s):
    try:
        return str(version.Version(s))
    except ValueError:  # InvalidVersion, and int()'s 4300-digit limit
        return None
valid = [s for s in data['versions'] if norm(s) is not None]
def cmp(a, b):
    va, vb = version.Version(a), version.Version(b)
    return (va > vb) - (va < vb)
print(json.dumps({
    'normalized': [norm(s) for s in data['versions']],
    'sorted': sorted(valid, key=version.Version),
    'pairs': [cmp(a, b) for a, b in data['pairs']],
}))
`

function findReference(): Reference | undefined {
  const pythons = ['python3', '/usr/bin/python3', 'python']
  const modules = ['packaging', 'pip._vendor.packaging', 'setuptools._vendor.packaging']
  for (const python of pythons) {
    for (const module of modules) {
      try {
        const packagingVersion = execFileSync(
          python,
          ['-c', `import ${module} as p; print(p.__version__)`],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }
        ).trim()
        return { python, module, packagingVersion }
      } catch {
        // not this interpreter or not this copy of packaging; try the next
      }
    }
  }
  return undefined
}

function runReference(
  ref: Reference,
  input: { versions: string[]; pairs: Array<[string, string]> }
): { normalized: Array<string | null>; sorted: string[]; pairs: number[] } {
  const out = execFileSync(ref.python, ['-c', REFERENCE_SCRIPT, ref.module], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  })
  return JSON.parse(out)
}

const PRE_SPELLINGS = ['a', 'alpha', 'b', 'beta', 'c', 'rc', 'pre', 'preview', 'A', 'Beta', 'RC']
const POST_SPELLINGS = ['post', 'rev', 'r', 'POST', 'Rev']
const SEPARATORS = ['', '.', '-', '_']
const NUMBERS = ['', '0', '1', '01']

/** Every spelling of every suffix, with every separator on both sides of the letters. */
function generatedVersions(): string[] {
  const out: string[] = []
  for (const sep of SEPARATORS) {
    for (const n of NUMBERS) {
      for (const pre of PRE_SPELLINGS) out.push(`1.0${sep}${pre}${n}`)
      for (const post of POST_SPELLINGS) out.push(`1.0${sep}${post}${n}`)
      out.push(`1.0${sep}dev${n}`)
      out.push(`1.0${sep}DEV${sep}${n}`)
      out.push(`1.0rc1${sep}post${sep}${n}`)
      out.push(`2.0b${sep}${n}.dev${n}`)
    }
  }
  return out
}

const HANDPICKED = [
  // release segments and epochs
  '1',
  '1.0',
  '1.0.0',
  '0',
  '00',
  '01.02.003',
  '1.2.3.4.5.6.7.8',
  '1.0.0.0.0',
  '2!1.0',
  '0!1.0',
  '01!1.0',
  '1!',
  '!1.0',
  '1!2!3',
  '1.0!2',
  // pre-releases, spelled every way
  '1.0a.1',
  '1.0a-1',
  '1.0a_1',
  '1.0-alpha-1',
  '1.0_Alpha_1',
  '1.0-preview-5',
  '1.0.c',
  '1.0a1b2',
  '1.0a1.a2',
  '1.0.0-beta.1',
  '1.0.0-rc.1',
  '1.0.0-SNAPSHOT',
  '1.0.0-rc.1+build.123',
  // post-releases, implicit and explicit
  '1.0-1',
  '1.0-01',
  '1.0--1',
  '1.0-',
  '1.0.post',
  '1.0.post.1',
  '1.0post-1',
  '1.0-r-4',
  '1.0.post1.post2',
  '1.0a1-1',
  '1.0a1-post1',
  '1.0-1.dev2',
  '1.0-dev',
  // dev releases
  '1.0.dev',
  '1.0dev1dev2',
  '1.0.dev1a1',
  '1.0.dev1.post1',
  '1.0a1.post2.dev3',
  '1.0.post1.dev3',
  '1.0rc1.post1.dev0',
  // local versions
  '1.0+abc',
  '1.0+ABC.5',
  '1.0+abc_def-ghi.7',
  '1.0+001',
  '1.0+0',
  '1.0+1.a',
  '1.0+a.1.b',
  '1.0+1.2.3',
  '1.0+ubuntu-1',
  '1.0+',
  '1.0+abc..def',
  '1.0+abc+def',
  '1.0+-abc',
  '1.0+abc-',
  '1.0+a b',
  '1.0a1.dev2+local.7',
  // leading v
  'v1.0',
  'V1.0',
  'vv1.0',
  'v 1.0',
  ' v1.0 ',
  'version1',
  'V1.0RC1.POST2.DEV3+UBUNTU.4',
  // whitespace: Python's \\s, not JavaScript's
  ' 1.0',
  '1.0 ',
  '\t1.0\n',
  '\n\r\f\v1.0',
  '\u00a01.0',
  '\u20001.0\u3000',
  '\u001c1.0\u001f',
  '\u00851.0',
  '\u20281.0\u2029',
  '\ufeff1.0',
  '1.0\u200b',
  '1 .0',
  '1. 0',
  // not versions at all
  '',
  ' ',
  'abc',
  '1.0.',
  '.1',
  '1..0',
  '1.*',
  '1.0.x',
  '1,0',
  '1.0a1b',
  '1.0.0.dev.1.2',
  '\u0663.\u0660',
  '\uff11.\uff10',
  '1.0\u017f',
  // numbers larger than any machine integer, and Python's 4300-digit int() limit
  `1.${'9'.repeat(30)}`,
  '99999999999999999999999.1',
  `1.0a${'9'.repeat(25)}`,
  `1.0.post${'0'.repeat(20)}7`,
  `1.${'1'.repeat(4300)}`,
  `1.${'1'.repeat(4301)}`,
  `1.${'0'.repeat(4301)}`,
  `1.0+${'1'.repeat(4301)}`,
  `1.0+x${'1'.repeat(4301)}`,
  `1.0rc${'2'.repeat(4301)}`,
  // zeros everywhere
  '0!0',
  '0.0',
  '0!0.0.0a0.post0.dev0+0'
]

/**
 * Unicode case-folds of ASCII letters (long s, Kelvin sign, dotted and dotless i): packaging < 26.1
 * matched them case-insensitively; 26.1 made the pattern ASCII-only, and PyPI runs 26.x. Compared
 * with the reference only when it is that recent.
 */
const UNICODE_FOLDS = ['1.0po\u017ft1', '1.0+\u212a', '1.0+\u0130', '1.0alpha\u0131', '1.0+\u017f']

const VERSIONS = [...generatedVersions(), ...HANDPICKED]

/** PEP 440's own ordering example, plus the corners of local-segment ordering. */
const ORDERED = [
  '1.0.dev456',
  '1.0a1',
  '1.0a2.dev456',
  '1.0a12.dev456',
  '1.0a12',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0rc1.dev456',
  '1.0rc1',
  '1.0',
  '1.0+abc',
  '1.0+abc.5',
  '1.0+abc.7',
  '1.0+abd',
  '1.0+5',
  '1.0+5.abc',
  '1.0+5.0',
  '1.0+6',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.0.15',
  '1.1.dev1',
  '1.1',
  '1!0.1'
]

describe('parseVersion', () => {
  it('splits every segment and normalizes the spellings', () => {
    expect(parseVersion(' V2!01.02.0-Preview_3.Rev-4_DEV5+Ubuntu-007.A ')).toEqual({
      epoch: 2n,
      release: [1n, 2n, 0n],
      pre: { label: 'rc', number: 3n },
      post: 4n,
      dev: 5n,
      local: ['ubuntu', 7n, 'a']
    })
    expect(parseVersion('1.0-1')).toEqual({ epoch: 0n, release: [1n, 0n], post: 1n })
    expect(parseVersion('1.0.post')).toEqual({ epoch: 0n, release: [1n, 0n], post: 0n })
    expect(parseVersion('1.0a')).toEqual({
      epoch: 0n,
      release: [1n, 0n],
      pre: { label: 'a', number: 0n }
    })
  })

  it('refuses what is not a version', () => {
    for (const bad of ['', 'abc', '1.0.', '1..0', '1.0+', '1.0-', 'vv1', '1.0a1b2', '1!']) {
      expect(parseVersion(bad)).toBeUndefined()
    }
  })

  it('keeps numbers beyond 2^53 exact', () => {
    expect(parseVersion('1.12345678901234567890')?.release).toEqual([1n, 12345678901234567890n])
    expect(normalizeVersion('0001.12345678901234567890123')).toBe('1.12345678901234567890123')
  })

  it("refuses segments longer than Python's int() accepts, like packaging on PyPI", () => {
    expect(parseVersion(`1.${'1'.repeat(4300)}`)).toBeDefined()
    expect(parseVersion(`1.${'1'.repeat(4301)}`)).toBeUndefined()
    expect(parseVersion(`1.0+${'1'.repeat(4301)}`)).toBeUndefined()
  })

  it('folds ASCII letters only, as packaging ≥ 26.1 does (Warehouse runs 26.x)', () => {
    // packaging 23 matched these Unicode case-folds of ASCII letters; 26.1 made the pattern ASCII.
    expect(parseVersion('1.0po\u017ft1')).toBeUndefined() // long s
    expect(parseVersion('1.0+\u212a')).toBeUndefined() // Kelvin sign
    expect(parseVersion('1.0+\u0130')).toBeUndefined() // dotted capital I
  })

  it("strips Python's whitespace, not JavaScript's", () => {
    expect(normalizeVersion('\u001c1.0\u0085')).toBe('1.0')
    expect(normalizeVersion('\u3000\u00a01.0\u2029')).toBe('1.0')
    expect(normalizeVersion('\ufeff1.0')).toBeUndefined()
  })
})

describe('normalizeVersion', () => {
  it.each([
    ['1.0', '1.0'],
    ['1.0.0', '1.0.0'],
    ['v1.0', '1.0'],
    ['01.02.003', '1.2.3'],
    ['0!1.0', '1.0'],
    ['01!1.0', '1!1.0'],
    ['1.0-alpha-1', '1.0a1'],
    ['1.0.c', '1.0rc0'],
    ['1.0-preview-5', '1.0rc5'],
    ['1.0.0-beta.1', '1.0.0b1'],
    ['1.0-1', '1.0.post1'],
    ['1.0rev', '1.0.post0'],
    ['1.0_r-4', '1.0.post4'],
    ['1.0-dev', '1.0.dev0'],
    ['1.0a1-1', '1.0a1.post1'],
    ['1.0+ABC_def-001', '1.0+abc.def.1'],
    ['V1.0RC1.POST2.DEV3+UBUNTU.4', '1.0rc1.post2.dev3+ubuntu.4'],
    ['0!0.0.0a0.post0.dev0+0', '0.0.0a0.post0.dev0+0']
  ])('%j → %j', (input, expected) => {
    expect(normalizeVersion(input)).toBe(expected)
  })

  it('round-trips: a canonical string is its own normal form', () => {
    for (const v of VERSIONS) {
      const canonical = normalizeVersion(v)
      if (canonical !== undefined) expect(normalizeVersion(canonical)).toBe(canonical)
    }
  })
})

describe('compareVersions', () => {
  it('orders the PEP 440 example and the local-segment corners', () => {
    for (let i = 0; i < ORDERED.length; i++) {
      for (let j = 0; j < ORDERED.length; j++) {
        expect([ORDERED[i], ORDERED[j], compareVersions(ORDERED[i], ORDERED[j])]).toEqual([
          ORDERED[i],
          ORDERED[j],
          Math.sign(i - j)
        ])
      }
    }
  })

  it('treats trailing zeros and spellings as equal', () => {
    expect(compareVersions('1.0', '1.0.0')).toBe(0)
    expect(compareVersions('1', '1.0.0.0')).toBe(0)
    expect(compareVersions('1.0a1', '1.0.alpha.1')).toBe(0)
    expect(compareVersions('1.0-1', '1.0.post1')).toBe(0)
    expect(compareVersions('0!1.0', '1')).toBe(0)
    expect(compareVersions('1.0+A.01', '1.0+a.1')).toBe(0)
  })

  it('throws on an invalid version rather than guess', () => {
    expect(() => compareVersions('1.0', 'nope')).toThrow("Invalid version: 'nope'")
  })
})

describe('local segments and publicVersion', () => {
  it('tells local versions apart', () => {
    expect(parseVersion('1.0+abc')?.local).toEqual(['abc'])
    expect(parseVersion('1.0')?.local).toBeUndefined()
    expect(publicVersion('1.0.post1+g1234abc.d20260101')).toBe('1.0.post1')
    expect(publicVersion('nope')).toBeUndefined()
    expect(formatVersion(parseVersion('2!1.0rc1+x')!)).toBe('2!1.0rc1+x')
  })
})

const reference = findReference()
const withReference = itWhen(reference !== undefined, 'the Python packaging reference')

/** The table for the reference at hand: the Unicode folds only where packaging is ≥ 26.1. */
function referenceTable(ref: Reference): string[] {
  const [major, minor] = ref.packagingVersion.split('.').map(Number)
  return major > 26 || (major === 26 && minor >= 1) ? [...VERSIONS, ...UNICODE_FOLDS] : VERSIONS
}

describe(`against Python packaging (${reference ? `${reference.module} ${reference.packagingVersion} via ${reference.python}` : 'not found: skipped'})`, () => {
  withReference(`normalizes ${VERSIONS.length}+ version strings exactly as packaging does`, () => {
    const table = referenceTable(reference!)
    const ref = runReference(reference!, { versions: table, pairs: [] })
    const ours = table.map(v => normalizeVersion(v) ?? null)
    const disagreements = table
      .map((v, i) => ({ input: v, ours: ours[i], python: ref.normalized[i] }))
      .filter(d => d.ours !== d.python)
      .map(d => ({ ...d, input: d.input.length > 60 ? `${d.input.slice(0, 60)}…` : d.input }))
    expect(disagreements).toEqual([])
    // The table must exercise both outcomes, or it proves little.
    expect(ref.normalized.filter(n => n === null).length).toBeGreaterThan(30)
    expect(ref.normalized.filter(n => n !== null).length).toBeGreaterThan(150)
  })

  withReference('sorts every valid version of the table exactly as packaging does', () => {
    const table = referenceTable(reference!)
    const valid = table.filter(v => parseVersion(v) !== undefined)
    const pairs = ORDERED.flatMap(a => ORDERED.map(b => [a, b] as [string, string]))
    const ref = runReference(reference!, { versions: table, pairs })
    const ours = [...valid].sort((a, b) => compareVersions(a, b))
    expect(ours).toEqual(ref.sorted)
    expect(pairs.map(([a, b]) => compareVersions(a, b))).toEqual(ref.pairs)
  })
})
