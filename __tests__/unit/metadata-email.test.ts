/**
 * Differential test of the core metadata reader against Python's `email` parser (policy compat32),
 * which pkginfo, packaging (twine ≥ 6, Warehouse) and pip all use: same header names, same raw
 * values, same body, over every committed fixture and over inputs generated from a fixed seed.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readEmailMessage, parseCoreMetadata, type RawHeader } from '../../src/inspect/metadata.js'
import { readSdist } from '../../src/inspect/sdist.js'
import { readWheel } from '../../src/inspect/wheel.js'
import { fixtureDistPaths } from '../support/fixtures.js'
import { PYTHON } from '../support/make-dists.js'

interface PythonMessage {
  headers: Array<[string, string]>
  body: string
}

/**
 * Python's reading of each input. Inputs travel as JSON on stdin (argv cannot carry NUL), many
 * per process. A string input is parsed as text; `{ path }` is read from the archive by Python's
 * own zipfile/tarfile, decoded as UTF-8, so the member choice is compared as well.
 */
const EMAIL_PY = String.raw`
import email.parser, email.policy, json, sys, tarfile, zipfile
def text_of(item):
    if isinstance(item, str):
        return item
    path = item["path"]
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as z:
            [name] = [n for n in z.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            return z.read(name).decode("utf-8")
    with tarfile.open(path) as t:
        [member] = [m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")]
        return t.extractfile(member).read().decode("utf-8")
out = []
for item in json.load(sys.stdin):
    msg = email.parser.Parser(policy=email.policy.compat32).parsestr(text_of(item))
    out.append({"headers": [[k, v] for k, v in msg.items()], "body": msg.get_payload()})
print(json.dumps(out))
`

function pythonRead(inputs: Array<string | { path: string }>): PythonMessage[] {
  const stdout = execFileSync(PYTHON, ['-c', EMAIL_PY], {
    input: JSON.stringify(inputs),
    encoding: 'utf8',
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    maxBuffer: 256 * 1024 * 1024
  })
  return JSON.parse(stdout) as PythonMessage[]
}

function ours(text: string): PythonMessage {
  const message = readEmailMessage(text)
  return { headers: message.headers.map((h: RawHeader) => [h.name, h.raw]), body: message.body }
}

/** mulberry32: a tiny seeded generator, so every run tries the same inputs. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Every character Python's `str.splitlines` breaks at, besides CR and LF. */
const OTHER_LINE_BREAKS = ['\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029']

function generator(seed: number): () => string {
  const random = seeded(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const chance = (p: number): boolean => random() < p
  const names = [
    'Metadata-Version',
    'Name',
    'Version',
    'Summary',
    'License',
    'Description',
    'Classifier',
    'Requires-Dist',
    'author-email',
    'X-Future',
    'From',
    // Not headers: a space or a non-ASCII letter in the name, an empty name.
    'Bad Name',
    'Ünï',
    ''
  ]
  const atoms = [
    'word',
    'MIT License',
    ' ',
    '  ',
    '\t',
    ':',
    ', ',
    'é',
    '東京',
    '✓',
    '\0',
    '\x7f',
    '\u00a0',
    '\ufeff',
    ...OTHER_LINE_BREAKS
  ]
  const lineEnd = (): string => (chance(0.8) ? '\n' : pick(['\r\n', '\r']))
  const value = (): string => {
    let text = ''
    const count = Math.floor(random() * 6)
    for (let i = 0; i < count; i++) text += pick(atoms)
    return text
  }

  return () => {
    const lines: string[] = []
    if (chance(0.05)) lines.push(`From someone${lineEnd()}`)
    if (chance(0.05)) lines.push(` leading continuation${lineEnd()}`)
    const count = Math.floor(random() * 8)
    for (let i = 0; i < count; i++) {
      const roll = random()
      if (roll < 0.05) lines.push(`From the middle${lineEnd()}`)
      else if (roll < 0.08) lines.push(`not a header${lineEnd()}`)
      else {
        const separator = pick([': ', ':', ':  ', ':\t', ': \t '])
        lines.push(`${pick(names)}${separator}${value()}${lineEnd()}`)
      }
      // Folding: continuation lines, some holding only whitespace.
      while (chance(0.3))
        lines.push(`${pick([' ', '\t', '        ', ' \t'])}${value()}${lineEnd()}`)
    }
    if (chance(0.6)) {
      lines.push(lineEnd())
      const bodyLines = Math.floor(random() * 4)
      for (let i = 0; i < bodyLines; i++) lines.push(`${value()}body${lineEnd()}`)
    }
    let text = lines.join('')
    // Sometimes no line end at the very end.
    if (chance(0.2)) text = text.replace(/(\r\n|\r|\n)$/, '')
    return text
  }
}

describe('reading core metadata as Python’s email parser does', () => {
  it('every committed fixture: same headers, raw values and body as Python reads from the archive', async () => {
    const paths = fixtureDistPaths()
    expect(paths.length).toBeGreaterThan(0)
    const reference = pythonRead(paths.map(path => ({ path })))
    for (const [i, path] of paths.entries()) {
      const member = path.endsWith('.whl')
        ? (await readWheel(path)).metadata
        : (await readSdist(path)).metadata
      const text = new TextDecoder('utf-8', { fatal: true }).decode(member.data)
      expect({ path, ...ours(text) }).toEqual({ path, ...reference[i] })
    }
  })

  it('generated inputs: line separators, folding, non-ASCII, NUL, CR, tabs, repeats, bodies', () => {
    const next = generator(20260821)
    const texts = Array.from({ length: 3000 }, next)
    // The generator reaches the cases it is for.
    const all = texts.join('')
    for (const ch of [...OTHER_LINE_BREAKS, '\0', '\r\n', '\r', '\t', 'From ']) {
      expect(all).toContain(ch)
    }
    const reference = pythonRead(texts)
    let withBody = 0
    for (const [i, text] of texts.entries()) {
      expect({ text, ...ours(text) }).toEqual({ text, ...reference[i] })
      if (reference[i].body !== '') withBody++
    }
    expect(withBody).toBeGreaterThan(500)
  })

  it('a U+2028, U+2029 or U+0085 in a value neither ends it nor loses the headers after it', () => {
    for (const separator of OTHER_LINE_BREAKS) {
      const text = [
        'Metadata-Version: 2.1',
        'Name: demo',
        'Version: 1.0',
        `Author: Ada${separator}Lovelace`,
        'Classifier: License :: OSI Approved :: MIT License',
        'Requires-Dist: requests',
        'License: MIT',
        '',
        'Body'
      ].join('\n')
      const meta = parseCoreMetadata(text)
      expect(meta.headers.map(h => [h.name, h.value])).toEqual([
        ['Metadata-Version', '2.1'],
        ['Name', 'demo'],
        ['Version', '1.0'],
        ['Author', `Ada${separator}Lovelace`],
        ['Classifier', 'License :: OSI Approved :: MIT License'],
        ['Requires-Dist', 'requests'],
        ['License', 'MIT']
      ])
      expect(meta.description).toBe('Body')
    }
  })
})
