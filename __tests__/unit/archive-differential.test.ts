/**
 * Hostile archives built in code, read by our readers and by Python's zipfile/tarfile (what pip
 * and PyPI use) over the same bytes. Where Python reads an archive, we read the same members and
 * the same metadata, or refuse the file; where PyPI would refuse it, our archive rules say so in
 * PyPI's words before anything is uploaded.
 */
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

import {
  entryPointsProblem,
  sdistArchiveProblems,
  wheelArchiveProblems
} from '../../src/inspect/archive-rules.js'
import { DistributionError } from '../../src/dists/distribution.js'
import { readSdist } from '../../src/inspect/sdist.js'
import { readWheel } from '../../src/inspect/wheel.js'
import {
  buildTar,
  buildZip,
  hideZipInComment,
  metadataText,
  python,
  setZipFlags,
  type ZipMember
} from '../support/make-dists.js'

const DIST_INFO = 'demo-1.0.dist-info'
const FILENAME = 'demo-1.0-py3-none-any.whl'
const meta = (name: string, extra: Record<string, string> = {}): string =>
  metadataText({ 'Metadata-Version': '2.1', Name: name, Version: '1.0', ...extra })

function wheelMembers(options: { metadata?: string; record?: boolean } = {}): ZipMember[] {
  const members: ZipMember[] = [
    { name: 'demo/__init__.py', data: 'x = 1\n' },
    { name: `${DIST_INFO}/METADATA`, data: options.metadata ?? meta('demo') },
    { name: `${DIST_INFO}/WHEEL`, data: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\n' }
  ]
  if (options.record !== false) members.push({ name: `${DIST_INFO}/RECORD`, data: '' })
  return members
}

/** A zip whose comment hides a second archive and an EOCD Python takes, but a reader that
 *  checks the comment length does not. */
function twoEndRecords(): Buffer {
  // The hidden archive's offsets are relative to its own start, which Python's "concat" finds.
  return hideZipInComment(
    buildZip(wheelMembers({ metadata: meta('demo') })),
    buildZip(wheelMembers({ metadata: meta('evil-twin') }))
  )
}

const ZIP_PY = String.raw`
import json, sys, zipfile
out = []
for path in sys.argv[1:]:
    try:
        with zipfile.ZipFile(path) as zf:
            names = [i.filename for i in zf.infolist()]
            md = [n for n in dict.fromkeys(names) if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            data = zf.read(md[0]).decode("utf-8") if len(md) == 1 else None
            out.append({"ok": True, "names": names, "metadata": data})
    except Exception as e:
        out.append({"ok": False, "error": type(e).__name__})
print(json.dumps(out))
`

interface PythonZip {
  ok: boolean
  names?: string[]
  metadata?: string | null
}

interface WheelCase {
  label: string
  bytes: Buffer
  /** The problem PyPI answers with (its words), or undefined when it accepts the archive. */
  pypi?: string
  licenseFiles?: string[]
  filename?: string
}

const WHEEL_CASES: WheelCase[] = [
  { label: 'a plain wheel', bytes: buildZip(wheelMembers()) },
  { label: 'a ZIP64 wheel', bytes: buildZip(wheelMembers(), { zip64: true }) },
  {
    label: 'data descriptors',
    bytes: setZipFlags(buildZip(wheelMembers()), 0x08),
    pypi: 'ZIP archive not accepted: ZIP contains a data descriptor. See https://docs.pypi.org/archives'
  },
  {
    label: 'bytes before the first entry',
    bytes: buildZip(wheelMembers(), { prefix: Buffer.from('#!/bin/sh\nexit 0\n') }),
    pypi: 'ZIP archive not accepted: Unknown record signature.'
  },
  {
    label: 'bytes after the end record',
    bytes: Buffer.concat([buildZip(wheelMembers()), Buffer.from('appended')]),
    pypi: 'ZIP archive not accepted: Trailing data.'
  },
  {
    label: 'two members of the same name (METADATA twice)',
    bytes: buildZip([
      ...wheelMembers().map(m => ({ ...m, method: 'store' as const })),
      { name: `${DIST_INFO}/METADATA`, data: meta('omed'), method: 'store' }
    ]),
    pypi: 'ZIP archive not accepted: Duplicate filename in local headers.'
  },
  {
    label: 'two end-of-central-directory records',
    bytes: twoEndRecords(),
    pypi: 'ZIP archive not accepted: Mis-matched data size.'
  },
  {
    label: 'a non-UTF-8-flagged name (Python decodes it as CP437)',
    bytes: setZipFlags(
      buildZip([...wheelMembers(), { name: 'demo/caf\u00e9.py', data: '' }]),
      0,
      0x0800
    ),
    pypi: 'ZIP archive not accepted: Filename not in central directory.'
  },
  {
    label: 'a compression method PyPI does not take',
    bytes: buildZip([...wheelMembers(), { name: 'demo/x.bin', data: 'x', methodCode: 12 }]),
    pypi: 'File does not use a supported compression type'
  },
  {
    label: 'no RECORD',
    bytes: buildZip(wheelMembers({ record: false })),
    pypi: `Wheel '${FILENAME}' does not contain the required RECORD file: ${DIST_INFO}/RECORD`
  },
  {
    label: 'a .dist-info folder that does not match the file name',
    bytes: buildZip(wheelMembers()),
    filename: 'Demo-1.0-py3-none-any.whl',
    pypi: 'WHEEL not found at Demo-1.0.dist-info/WHEEL'
  },
  {
    label: 'an entry point name with a path in it',
    bytes: buildZip([
      ...wheelMembers(),
      { name: `${DIST_INFO}/entry_points.txt`, data: '[console_scripts]\n../evil = demo:main\n' }
    ]),
    pypi: `Wheel '${FILENAME}' has invalid entry points defined in the entry_points.txt file`
  },
  {
    label: 'a License-File missing under .dist-info/licenses/',
    bytes: buildZip(wheelMembers()),
    licenseFiles: ['LICENSE'],
    pypi: `License-File LICENSE does not exist in distribution file ${FILENAME} at ${DIST_INFO}/licenses/LICENSE`
  },
  {
    label: 'a License-File where PyPI looks for it',
    bytes: buildZip([...wheelMembers(), { name: `${DIST_INFO}/licenses/LICENSE`, data: 'MIT' }]),
    licenseFiles: ['LICENSE']
  }
]

describe('wheels: our reader against Python zipfile, our rules against PyPI', () => {
  let dir: string
  let paths: string[]
  let pythonSaw: PythonZip[]
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'zip-diff-'))
    paths = WHEEL_CASES.map((c, i) => {
      const path = join(dir, String(i), c.filename ?? FILENAME)
      mkdirSync(join(dir, String(i)))
      writeFileSync(path, c.bytes)
      return path
    })
    pythonSaw = python<PythonZip[]>(ZIP_PY, paths)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  WHEEL_CASES.forEach((c, index) => {
    it(`${c.label}: same members and METADATA as Python; PyPI's verdict before upload`, async () => {
      const py = pythonSaw[index]
      const ours = await readWheel(paths[index]).then(
        read => read,
        (error: unknown) => error
      )
      if (!py.ok) {
        expect(ours).toBeInstanceOf(DistributionError)
        return
      }
      if (ours instanceof DistributionError || ours instanceof Error) throw ours
      const read = ours as Awaited<ReturnType<typeof readWheel>>
      expect(read.archive.entries.map(e => e.name)).toEqual(py.names)
      expect(read.metadata.data.toString('utf8')).toBe(py.metadata)

      const problems = wheelArchiveProblems(paths[index], read.archive, c.licenseFiles ?? [])
      if (c.pypi === undefined) expect(problems).toEqual([])
      else {
        expect(problems.map(p => p.message).join('\n')).toContain(c.pypi)
        for (const problem of problems) expect(problem.hint).toBeTruthy()
      }
    })
  })
})

const ENTRY_POINTS_PY = String.raw`
import configparser, json, re, sys
class P(configparser.ConfigParser):
    optionxform = staticmethod(str)
out = []
for text in json.loads(sys.stdin.read()):
    parser = P(delimiters=("=",))
    try:
        parser.read_string(text)
        ok = all(re.fullmatch(r"[\w.-]+", k) for s in ("console_scripts", "gui_scripts") if s in parser for k in parser[s])
    except configparser.Error:
        ok = False
    out.append(ok)
print(json.dumps(out))
`

describe('entry_points.txt: our verdict against Python configparser', () => {
  const pool = [
    '[console_scripts]',
    '[gui_scripts]',
    '[other.group]',
    '[DEFAULT]',
    'demo = demo:main',
    'demo-cli = demo.cli:run [extra]',
    'démo = demo:main',
    'a.b_c-d = x:y',
    '../evil = x:y',
    'with space = x:y',
    'colon: x:y',
    '= nameless',
    '  continued value',
    '# comment',
    '; comment',
    '',
    'demo = duplicate:main',
    '\ufeff[console_scripts]',
    '[console_scripts] trailing',
    '\tindented = x:y',
    'x\u00a0= y',
    'tab\t=\tz',
    'no delimiter here',
    '[]'
  ]
  it('agrees on hand-picked and generated files', () => {
    let seed = 20260821
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const inputs: string[] = pool.map(line => `[console_scripts]\n${line}\n`)
    for (let i = 0; i < 400; i++) {
      const lines = Array.from({ length: 1 + random(6) }, () => pool[random(pool.length)])
      inputs.push(lines.join(random(4) === 0 ? '\r\n' : '\n') + '\n')
    }
    const expected = execPython(ENTRY_POINTS_PY, JSON.stringify(inputs))
    const ours = inputs.map(text => entryPointsProblem(Buffer.from(text, 'utf8')) === undefined)
    const disagreements = inputs.filter((_, i) => ours[i] !== expected[i])
    expect(disagreements).toEqual([])
    expect(expected.filter(ok => !ok).length).toBeGreaterThan(50) // the pool refuses often
    expect(entryPointsProblem(Buffer.from([0xff, 0xfe]))).toContain('not decodable as UTF-8')
  })
})

function execPython(script: string, stdin: string): boolean[] {
  const out = execFileSync('/usr/bin/python3', ['-c', script], { input: stdin, encoding: 'utf8' })
  return JSON.parse(out) as boolean[]
}

const TAR_PY = String.raw`
import json, os, sys, tarfile
out = []
for path in sys.argv[1:]:
    try:
        with tarfile.open(path, "r:gz") as tf:
            names = tf.getnames()
            if any(m.issparse() for m in tf.getmembers()):
                out.append({"ok": False, "why": "sparse"}); continue
            top = os.path.commonpath(names) if names else ""
            if top in (".", "/", ""):
                out.append({"ok": False, "why": "top"}); continue
            member = tf.getmember(os.path.join(top, "PKG-INFO"))
            out.append({"ok": True, "names": names, "top": top,
                        "pkgInfo": tf.extractfile(member).read().decode("utf-8")})
    except Exception as e:
        out.append({"ok": False, "why": type(e).__name__})
print(json.dumps(out))
`

const PKG = metadataText({ 'Metadata-Version': '2.4', Name: 'demo', Version: '1.0' })
const SDIST_CASES: Array<{ label: string; members: Parameters<typeof buildTar>[0] }> = [
  {
    label: 'a plain sdist',
    members: [
      { name: 'demo-1.0', type: '5' },
      { name: 'demo-1.0/PKG-INFO', data: PKG },
      { name: 'demo-1.0/LICENSE', data: 'MIT' }
    ]
  },
  {
    label: 'a stray top-level file after PKG-INFO',
    members: [
      { name: 'demo-1.0/PKG-INFO', data: PKG },
      { name: 'demo-1.0/setup.py', data: '' },
      { name: 'README', data: '' }
    ]
  },
  {
    label: 'PKG-INFO twice (tarfile answers with the last)',
    members: [
      { name: 'demo-1.0/PKG-INFO', data: PKG },
      { name: 'demo-1.0/setup.py', data: '' },
      { name: 'demo-1.0/PKG-INFO', data: PKG.replace('demo', 'other') }
    ]
  },
  {
    label: 'names starting with ./',
    members: [
      { name: './demo-1.0/PKG-INFO', data: PKG },
      { name: './demo-1.0/setup.py', data: '' }
    ]
  },
  {
    label: 'an absolute name beside relative ones',
    members: [
      { name: 'demo-1.0/PKG-INFO', data: PKG },
      { name: '/demo-1.0/setup.py', data: '' }
    ]
  },
  {
    label: 'a pax-marked GNU sparse member',
    members: [
      { name: 'demo-1.0/PKG-INFO', data: PKG },
      {
        name: 'demo-1.0/holes.bin',
        data: '',
        pax: { 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.realsize': '0' }
      }
    ]
  },
  {
    label: 'everything one folder deeper (the common path is two levels)',
    members: [
      { name: 'demo-1.0/src/PKG-INFO', data: PKG },
      { name: 'demo-1.0/src/setup.py', data: '' }
    ]
  }
]

describe('sdists: our reader against Python tarfile and PyPI', () => {
  let dir: string
  let paths: string[]
  let pythonSaw: Array<{
    ok: boolean
    why?: string
    names?: string[]
    top?: string
    pkgInfo?: string
  }>
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tar-diff-'))
    paths = SDIST_CASES.map((c, i) => {
      const path = join(dir, `case${i}.tar.gz`)
      writeFileSync(path, gzipSync(buildTar(c.members)))
      return path
    })
    pythonSaw = python(TAR_PY, paths)
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  SDIST_CASES.forEach((c, index) => {
    it(`${c.label}: refused where PyPI refuses, else the PKG-INFO Python reads`, async () => {
      const py = pythonSaw[index]
      const ours = await readSdist(paths[index]).then(
        read => read,
        (error: unknown) => error
      )
      if (!py.ok) {
        expect(ours).toBeInstanceOf(DistributionError)
        const [problem] = (ours as DistributionError).problems
        expect(problem.hint).toBeTruthy()
        if (py.why === 'sparse') expect(problem.message).toContain('Sparse members are not allowed')
        if (py.why === 'top') {
          expect(problem.message).toContain('Incorrect number of top-level directories in sdist')
        }
        return
      }
      if (ours instanceof Error) throw ours
      const read = ours as Awaited<ReturnType<typeof readSdist>>
      expect([...read.archive.names].sort()).toEqual([...new Set(py.names)].sort())
      expect(read.archive.top).toBe(py.top)
      expect(read.metadata.data.toString('utf8')).toBe(py.pkgInfo)
    })
  })

  it('finds a License-File under the top folder, and names the one that is missing', async () => {
    const { archive } = await readSdist(paths[0])
    expect(sdistArchiveProblems(paths[0], archive, ['LICENSE'], false)).toEqual([])
    const [problem] = sdistArchiveProblems(paths[0], archive, ['COPYING'], false)
    expect(problem.message).toContain(
      'License-File COPYING does not exist in distribution file case0.tar.gz at demo-1.0/COPYING'
    )
  })
})
