/**
 * Interop with the reference client: Debian's twine and the bundled action (`node dist/index.js`)
 * upload the same files, each to its own local PyPI-like index, and every upload request is
 * compared — form fields as multisets per name (PyPI parses the whole form, so order does not
 * matter), the file part, and the HTTP framing PyPI depends on.
 *
 * Where the two legitimately differ, the difference is on the explained allow-list below; any
 * other difference fails, so a regression in our form shows up here. Debian bookworm ships
 * twine 4.0.2 (pkginfo 1.8.2, requests-toolbelt), which predates core metadata 2.3+ and the
 * packaging-based field handling of twine ≥ 6; most entries exist because of that age.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createHash } from 'node:crypto'
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fixtureDistPaths, fixtureProjects } from '../support/fixtures.js'
import { startIndexServer, type RecordedRequest } from '../support/index-server.js'
import { makeSdist, makeWheel, metadataText } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'
import {
  TWINE_PATH,
  TWINE_REQUIRED_MESSAGE,
  twineInstalled,
  twineRequired,
  twineUpload,
  type TwineRun
} from '../support/twine.js'

const TOKEN = 'pypi-interop-token-0123456789abcdef'
const BASIC_AUTH = `Basic ${Buffer.from(`__token__:${TOKEN}`).toString('base64')}`
const publishable = fixtureProjects.filter(p => p.filenamesFollowPypiRules)
const MULTI_LINE_LICENSE = [
  'Copyright (c) 2024 Someone',
  '',
  'Permission is hereby granted, free of charge, to any person obtaining a copy',
  'of this software.'
].join('\n')

// --- comparing two forms ----------------------------------------------------------------------

/** Form fields by name, each name's values sorted: a multiset per field name. */
type FieldMap = Map<string, string[]>

function fieldMap(fields: ReadonlyArray<[string, string]>): FieldMap {
  const map: FieldMap = new Map()
  for (const [name, value] of fields) map.set(name, [...(map.get(name) ?? []), value])
  for (const values of map.values()) values.sort()
  return map
}

interface UploadedFile {
  filename: string
  filetype: 'sdist' | 'bdist_wheel'
}

interface AllowedDifference {
  id: string
  /**
   * Rewrites twine's side where this difference applies (never ours: our form is what is under
   * test) and returns whether it did.
   */
  reconcile(twine: FieldMap, ours: FieldMap, file: UploadedFile): boolean
}

/** Warehouse's `_parse_keywords` (packaging): split on ',' and strip; twine ≥ 6 joins with ', '. */
function canonicalKeywords(value: string): string {
  return value
    .split(',')
    .map(k => k.trim())
    .join(', ')
}

/** Warehouse's `_parse_project_urls` (packaging): label and URL split at the first ',', stripped. */
function canonicalProjectUrl(value: string): string {
  const comma = value.indexOf(',')
  if (comma < 0) return value
  return `${value.slice(0, comma).trim()}, ${value.slice(comma + 1).trim()}`
}

/** What Python's `str.splitlines` breaks at (built from a list: a literal trips no-control-regex). */
const SPLITLINES_BREAKS = [
  '\n',
  '\r',
  '\v',
  '\f',
  '\x1c',
  '\x1d',
  '\x1e',
  '\x85',
  '\u2028',
  '\u2029'
]
const LINE_BREAK = new RegExp(`\r\n|[${SPLITLINES_BREAKS.join('')}]`)

/** pkginfo's `_collapse_leading_ws` for a header other than Description (ASCII whitespace). */
function pkginfoJoin(value: string): string {
  return value
    .split(LINE_BREAK)
    .map(l => l.trim())
    .join(' ')
}

/**
 * The explained differences, applied in this order. Each one matches a precise shape of twine's
 * value and rewrites it into what we send, so anything else still differs.
 */
const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  {
    // twine 4.0.2 puts every single-use field pkginfo knows into the form, None for absent ones
    // (including `comment` without -c), and requests-toolbelt's MultipartEncoder writes None as an
    // empty part. PyPI treats an empty value as absent (wtforms `Optional()`;
    // docs/upload-protocol.md §1), and twine ≥ 6 sends only the fields the file has. We leave
    // absent fields out.
    id: 'twine sends absent fields as empty strings',
    reconcile(twine, ours) {
      let applied = false
      for (const [name, values] of twine) {
        if (!ours.has(name) && values.every(v => v === '')) {
          twine.delete(name)
          applied = true
        }
      }
      return applied
    }
  },
  {
    // pkginfo 1.8.2 drops a single-use header whose value is "UNKNOWN" (distutils' filler) but
    // keeps it in multiple-use headers (Platform) and in the body. Warehouse deletes every form
    // value that is "UNKNOWN" once stripped (docs/upload-protocol.md §1), so we never send it.
    id: 'twine sends distutils "UNKNOWN" values',
    reconcile(twine, ours) {
      let applied = false
      for (const [name, values] of twine) {
        if (!ours.has(name) && values.every(v => v.trim() === 'UNKNOWN')) {
          twine.delete(name)
          applied = true
        }
      }
      return applied
    }
  },
  {
    // twine 4.0.2 has no python version for an sdist and sends `pyversion` empty; Warehouse's
    // MetadataForm turns an empty sdist pyversion into "source" and refuses any other value
    // ("Use 'source' as Python version for an sdist."). twine ≥ 6 sends "source", as we do
    // (docs/upload-protocol.md §1).
    id: 'twine 4 sends an empty pyversion for an sdist',
    reconcile(twine, ours, file) {
      const same = (a: string[] | undefined, b: string[]): boolean =>
        a !== undefined && a.length === b.length && a.every((v, i) => v === b[i])
      if (
        file.filetype !== 'sdist' ||
        !same(twine.get('pyversion'), ['']) ||
        !same(ours.get('pyversion'), ['source'])
      )
        return false
      twine.set('pyversion', ['source'])
      return true
    }
  },
  {
    // twine 4.0.2 names the field after pkginfo's attribute, `provides_extras`. Warehouse maps
    // form names to packaging's RawMetadata keys, which spell it `provides_extra`, and silently
    // ignores unknown names — so twine 4's extras never reach PyPI through the form. twine ≥ 6 and
    // docs/upload-protocol.md (§1: `Provides-Extra` → `provides_extra`) use the singular, as we do.
    // The values themselves must still match.
    id: 'twine 4 spells provides_extra as provides_extras',
    reconcile(twine) {
      const extras = twine.get('provides_extras')
      if (!extras || twine.has('provides_extra')) return false
      twine.delete('provides_extras')
      twine.set('provides_extra', extras)
      return true
    }
  },
  {
    // pkginfo 1.8.2 (twine ≤ 5) joins every line of a value but Description with spaces, and
    // splits lines the way `str.splitlines` does (U+2028, U+0085, VT, … too), so a licence text
    // loses its layout. twine ≥ 6 sends each value exactly as Python's email parser reads it
    // (packaging's `parse_email`): License with its lines and indentation, the other characters
    // in place. We do the same; the rest of a folded value is joined by both (CR/LF folds).
    id: 'twine 4 joins the lines of a value with spaces',
    reconcile(twine, ours) {
      let applied = false
      for (const [name, values] of twine) {
        const mine = ours.get(name)
        if (!mine || mine.length !== values.length) continue
        const joined = mine.map(pkginfoJoin).sort()
        if (values.every((v, i) => v === joined[i]) && mine.some(v => LINE_BREAK.test(v))) {
          twine.set(name, [...mine])
          applied = true
        }
      }
      return applied
    }
  },
  {
    // twine 4.0.2 sends Keywords exactly as written; we send them split on ',' and joined with
    // ', ' as twine ≥ 6 does (packaging). Warehouse splits on ',' and strips either way, so PyPI
    // stores the same list.
    id: 'twine 4 sends Keywords as written',
    reconcile(twine) {
      const keywords = twine.get('keywords')
      if (!keywords || keywords.length !== 1) return false
      const canonical = canonicalKeywords(keywords[0])
      if (canonical === keywords[0]) return false
      twine.set('keywords', [canonical])
      return true
    }
  },
  {
    // twine 4.0.2 sends each Project-URL as written ("Label,https://…"); we send "Label, URL" as
    // twine ≥ 6 does. Warehouse splits at the first ',' and strips both parts, so PyPI stores the
    // same label and URL.
    id: 'twine 4 sends Project-URL as written',
    reconcile(twine) {
      const urls = twine.get('project_urls')
      if (!urls) return false
      const canonical = urls.map(canonicalProjectUrl).sort()
      if (canonical.every((v, i) => v === urls[i])) return false
      twine.set('project_urls', canonical)
      return true
    }
  }
]

/** Both forms after the allow-list, as plain objects for a readable jest diff. */
function reconciled(
  twineFields: ReadonlyArray<[string, string]>,
  ourFields: ReadonlyArray<[string, string]>,
  file: UploadedFile
): { twine: Record<string, string[]>; ours: Record<string, string[]>; applied: string[] } {
  const twine = fieldMap(twineFields)
  const ours = fieldMap(ourFields)
  const applied = ALLOWED_DIFFERENCES.filter(d => d.reconcile(twine, ours, file)).map(d => d.id)
  const sorted = (map: FieldMap): Record<string, string[]> =>
    Object.fromEntries([...map].sort(([a], [b]) => a.localeCompare(b)))
  return { twine: sorted(twine), ours: sorted(ours), applied }
}

/** Field names that still differ after the allow-list. */
function unexplainedFields(
  twineFields: ReadonlyArray<[string, string]>,
  ourFields: ReadonlyArray<[string, string]>,
  file: UploadedFile
): string[] {
  const { twine, ours } = reconciled(twineFields, ourFields, file)
  const names = new Set([...Object.keys(twine), ...Object.keys(ours)])
  return [...names].filter(n => JSON.stringify(twine[n]) !== JSON.stringify(ours[n])).sort()
}

// --- running both clients ---------------------------------------------------------------------

interface UploadPair {
  file: UploadedFile
  twine: RecordedRequest
  ours: RecordedRequest
  local: { sha256: string; size: number }
}

function onlyRequestFor(requests: RecordedRequest[], filename: string): RecordedRequest {
  const found = requests.filter(r => r.file?.filename === filename)
  expect({ filename, requests: found.length }).toEqual({ filename, requests: 1 })
  return found[0]
}

/**
 * Uploads `files` with twine to one index and with the action to another, and pairs up the
 * requests per file. Both must succeed.
 */
async function uploadWithBoth(files: string[], work: string): Promise<UploadPair[]> {
  const twineIndex = await startIndexServer({ tokens: [TOKEN] })
  const ourIndex = await startIndexServer({ tokens: [TOKEN] })
  try {
    const twineRun = await twineUpload(twineIndex.url, TOKEN, files)
    // The output rides along so that a failure shows what the client said.
    expect({ exitCode: twineRun.exitCode, output: twineRun.stdout + twineRun.stderr }).toEqual({
      exitCode: 0,
      output: expect.any(String)
    })

    // The action gets a folder holding exactly these files, as `packages-dir`.
    const packagesDir = await mkdtemp(join(work, 'packages-'))
    for (const file of files) await copyFile(file, join(packagesDir, basename(file)))
    const actionRun = await runAction(
      { password: TOKEN, 'repository-url': ourIndex.url, 'packages-dir': packagesDir },
      // Debian's python3 first: the description check then finds its readme_renderer (the one
      // twine's own `check` uses) instead of skipping the check.
      { env: { PATH: `/usr/bin:${process.env.PATH ?? ''}` } }
    )
    expect({ exitCode: actionRun.exitCode, stdout: actionRun.stdout }).toEqual({
      exitCode: 0,
      stdout: expect.any(String)
    })

    const pairs: UploadPair[] = []
    for (const path of files) {
      const filename = basename(path)
      const bytes = await readFile(path)
      pairs.push({
        file: { filename, filetype: filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist' },
        twine: onlyRequestFor(twineIndex.requests, filename),
        ours: onlyRequestFor(ourIndex.requests, filename),
        local: { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length }
      })
    }
    return pairs
  } finally {
    await twineIndex.close()
    await ourIndex.close()
  }
}

/** Everything the interop promises for one file, uploaded by both clients. */
function expectSameUpload(pair: UploadPair): string[] {
  const { file, twine, ours, local } = pair
  expect({ file: file.filename, twine: twine.status, ours: ours.status }).toEqual({
    file: file.filename,
    twine: 200,
    ours: 200
  })

  // The file part: same name, same type, the file's own bytes.
  expect(ours.file).toEqual(twine.file)
  expect(ours.file).toEqual({
    filename: file.filename,
    contentType: 'application/octet-stream',
    size: local.size,
    sha256: local.sha256
  })

  // HTTP framing PyPI relies on: Basic auth for __token__, a multipart form with a known length.
  for (const request of [twine, ours]) {
    expect(request.headers.authorization).toBe(BASIC_AUTH)
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=\S+$/)
    expect(request.headers['content-length']).toMatch(/^\d+$/)
    expect(request.headers['transfer-encoding']).toBeUndefined()
  }

  // The form, field by field, after the explained differences.
  const { twine: twineForm, ours: ourForm, applied } = reconciled(twine.fields, ours.fields, file)
  expect({ file: file.filename, fields: ourForm }).toEqual({
    file: file.filename,
    fields: twineForm
  })
  // Both digests describe the bytes that arrived.
  expect(ourForm.sha256_digest).toEqual([local.sha256])
  // What the allow-list forgives twine, we do not do ourselves: the sdist pyversion of
  // docs/upload-protocol.md §1, and no empty or "UNKNOWN" values.
  if (file.filetype === 'sdist') expect(ourForm.pyversion).toEqual(['source'])
  expect(ours.fields.filter(([, v]) => v.trim() === '' || v.trim() === 'UNKNOWN')).toEqual([])
  return applied
}

// --- the tests --------------------------------------------------------------------------------

if (!twineInstalled() && twineRequired()) {
  describe('interop with twine', () => {
    it('has twine to compare with', () => {
      throw new Error(`${TWINE_REQUIRED_MESSAGE} (not found: ${TWINE_PATH})`)
    })
  })
} else if (!twineInstalled()) {
  const why =
    `skipped: ${TWINE_PATH} not found; install it with scripts/setup-python-tools.sh ` +
    '(CI sets REQUIRE_TWINE=1, which makes a missing twine fail instead)'
  // Jest shows neither the names nor the console output of a file whose tests are all skipped,
  // so the reason goes straight to stderr.
  process.stderr.write(`\n⚠ __tests__/e2e/interop-twine.test.ts: interop with twine ${why}\n`)
  describe.skip(`interop with twine (${why})`, () => {
    it('uploads the same form as twine', () => {})
  })
} else {
  describe('interop with twine', () => {
    let work: string
    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'interop-twine-'))
    })
    afterAll(async () => {
      await rm(work, { recursive: true, force: true })
    })

    it('the committed fixtures: same form fields, same file part, same framing', async () => {
      const files = fixtureDistPaths(publishable)
      const pairs = await uploadWithBoth(files, work)
      expect(pairs.map(p => p.file.filename).sort()).toEqual(files.map(f => basename(f)).sort())
      for (const pair of pairs) expectSameUpload(pair)
    })

    it('edge cases built in code: UTF-8 multi-line descriptions, repeated fields, odd spellings', async () => {
      const dir = join(work, 'edge')
      await mkdir(dir, { recursive: true })
      const description = [
        '# Édition spéciale',
        '',
        'Ligne deux — naïve café, Zürich, 東京 ✓',
        '',
        '    an indented code block',
        '',
        '* a list item',
        '* another',
        ''
      ].join('\n')
      const files = [
        // Metadata 2.1 as setuptools writes it: a non-normalized Name, mixed-case header names,
        // repeated Classifier / Requires-Dist / Project-URL (one without a space after the comma),
        // loosely spaced Keywords, an extra, and License-File that 2.1 does not define (neither
        // client sends it; PyPI would refuse it under 2.1).
        makeWheel(dir, {
          filename: 'edge_case_pkg-1.0.0-py3-none-any.whl',
          metadata: metadataText(
            {
              'Metadata-Version': '2.1',
              Name: 'Edge.Case_Pkg',
              Version: '1.0.0',
              Summary: 'Résumé ✓ of an edge case',
              'Home-page': 'https://example.org/home',
              'Author-email': 'Zoë Example <zoe@example.org>',
              License: 'MIT',
              Keywords: 'alpha,beta , gamma',
              Classifier: [
                'Programming Language :: Python :: 3',
                'License :: OSI Approved :: MIT License',
                'Operating System :: OS Independent'
              ],
              'Requires-Dist': [
                'requests>=2',
                'tomli; python_version < "3.11"',
                'rich; extra == "cli"'
              ],
              'Provides-Extra': 'cli',
              'Project-URL': [
                'Source, https://example.org/src',
                'Issue Tracker,https://example.org/issues'
              ],
              'Requires-Python': '>=3.8',
              'Description-Content-Type': 'text/markdown; charset=UTF-8',
              'License-File': 'LICENSE'
            },
            description
          )
        }),
        // Metadata 1.2 sdist whose description is a folded `Description:` header, not a body.
        makeSdist(dir, {
          filename: 'edge_case_pkg-1.0.0.tar.gz',
          pkgInfo: metadataText({
            'Metadata-Version': '1.2',
            Name: 'Edge.Case_Pkg',
            Version: '1.0.0',
            Summary: 'Résumé ✓ of an edge case',
            Description: 'First line, é\nsecond line ✓\n\nthird paragraph',
            Platform: ['any', 'linux'],
            'Project-Url': 'Docs, https://example.org/docs'
          })
        }),
        // Metadata 2.2 (the newest twine 4.0.2 reads): Dynamic is sent by both; License-File is not.
        makeWheel(dir, {
          filename: 'dyn_pkg-1.0.0-py3-none-any.whl',
          metadata: metadataText(
            {
              'Metadata-Version': '2.2',
              Name: 'dyn_pkg',
              Version: '1.0.0',
              Summary: 'Dynamic fields',
              Dynamic: ['Requires-Dist', 'Summary'],
              'License-File': 'LICENSE'
            },
            'A body.\n'
          )
        }),
        // distutils-style "UNKNOWN" fillers, in single-use headers, Platform and the body.
        makeWheel(dir, {
          filename: 'unknown_pkg-1.0.0-py3-none-any.whl',
          metadata: metadataText(
            {
              'Metadata-Version': '2.1',
              Name: 'unknown-pkg',
              Version: '1.0.0',
              Summary: 'distutils fillers',
              Author: 'UNKNOWN',
              'Home-page': 'UNKNOWN',
              Keywords: 'UNKNOWN',
              Platform: 'UNKNOWN'
            },
            'UNKNOWN\n'
          )
        }),
        // A licence text over several lines (setuptools folds it with 8 spaces; 84 of 966 real
        // wheels have one), and characters Python's email parser does not end lines at — before
        // the headers after them were lost from our form.
        makeWheel(dir, {
          filename: 'lines_pkg-1.0.0-py3-none-any.whl',
          metadata: metadataText(
            {
              'Metadata-Version': '2.1',
              Name: 'lines_pkg',
              Version: '1.0.0',
              Summary: 'Line separators',
              Author: 'Ada\u2028Lovelace',
              Maintainer: 'Next\x85Line',
              License: MULTI_LINE_LICENSE,
              Classifier: ['License :: OSI Approved :: MIT License', 'Typing :: Typed'],
              'Requires-Dist': ['requests>=2', 'rich; extra == "cli"'],
              'Provides-Extra': 'cli'
            },
            'A body.\n'
          )
        }),
        // CRLF line ends and a folded Author.
        makeSdist(dir, {
          filename: 'crlf_pkg-1.0.0.tar.gz',
          pkgInfo:
            'Metadata-Version: 2.1\r\nName: crlf_pkg\r\nVersion: 1.0.0\r\nSummary: CRLF lines\r\n' +
            'Author: Ada\r\n  Lovelace\r\n\r\nbody line 1\r\nbody line 2\r\n'
        })
      ]

      const pairs = await uploadWithBoth(files, work)
      const applied = new Map(pairs.map(p => [p.file.filename, expectSameUpload(p)]))

      // The non-normalized Name goes out as twine's safe name, by both.
      for (const p of pairs.filter(p => p.file.filename.startsWith('edge_case_pkg'))) {
        expect(fieldMap(p.ours.fields).get('name')).toEqual(['Edge.Case-Pkg'])
      }
      // The repeated and multi-line values really were compared, not lost on both sides.
      const edgeWheel = fieldMap(pairs[0].ours.fields)
      expect(edgeWheel.get('classifiers')).toHaveLength(3)
      expect(edgeWheel.get('requires_dist')).toHaveLength(3)
      expect(edgeWheel.get('project_urls')).toEqual([
        'Issue Tracker, https://example.org/issues',
        'Source, https://example.org/src'
      ])
      expect(edgeWheel.get('description')).toEqual([description])
      expect(edgeWheel.has('license_file')).toBe(false)
      expect(fieldMap(pairs[2].ours.fields).get('dynamic')).toEqual(['Requires-Dist', 'Summary'])
      expect(fieldMap(pairs[5].ours.fields).get('author')).toEqual(['Ada Lovelace'])
      expect(fieldMap(pairs[5].ours.fields).get('description')).toEqual([
        'body line 1\r\nbody line 2\r\n'
      ])
      // Every header after a U+2028 / U+0085 arrived, and the licence kept its lines.
      const lines = fieldMap(pairs[4].ours.fields)
      expect(lines.get('author')).toEqual(['Ada\u2028Lovelace'])
      expect(lines.get('maintainer')).toEqual(['Next\x85Line'])
      expect(lines.get('license')).toEqual([MULTI_LINE_LICENSE.split('\n').join('\n        ')])
      expect(lines.get('classifiers')).toHaveLength(2)
      expect(lines.get('requires_dist')).toHaveLength(2)
      expect(lines.get('provides_extra')).toEqual(['cli'])
      expect(lines.get('description')).toEqual(['A body.\n'])
      // And the allow-list entries these files exist for were the ones needed.
      expect(applied.get('edge_case_pkg-1.0.0-py3-none-any.whl')).toEqual(
        expect.arrayContaining([
          'twine 4 spells provides_extra as provides_extras',
          'twine 4 sends Keywords as written',
          'twine 4 sends Project-URL as written'
        ])
      )
      expect(applied.get('lines_pkg-1.0.0-py3-none-any.whl')).toContain(
        'twine 4 joins the lines of a value with spaces'
      )
      expect(applied.get('unknown_pkg-1.0.0-py3-none-any.whl')).toContain(
        'twine sends distutils "UNKNOWN" values'
      )
    })

    it('Metadata-Version 2.4 (License-Expression, License-File): twine 4 cannot read it, we send it', async () => {
      // pkginfo 1.8.2 knows metadata up to 2.2; for 2.3 and 2.4 twine 4.0.2 finds no Name or
      // Version and refuses the file before any request, so `license_expression` and
      // `license_file` (2.4, PEP 639) can only be checked on our side here. A newer twine that
      // reads the file is compared like every other file.
      const dir = join(work, 'meta24')
      await mkdir(dir, { recursive: true })
      const wheel = makeWheel(dir, {
        filename: 'lic_pkg-1.0.0-py3-none-any.whl',
        metadata: metadataText(
          {
            'Metadata-Version': '2.4',
            Name: 'lic-pkg',
            Version: '1.0.0',
            Summary: 'PEP 639 licensing',
            'License-Expression': 'MIT',
            'License-File': 'LICENSE'
          },
          'A body.\n'
        ),
        // PyPI wants each License-File under .dist-info/licenses/ (PEP 639).
        extraFiles: { 'lic_pkg-1.0.0.dist-info/licenses/LICENSE': 'MIT License\n' }
      })
      const probeIndex = await startIndexServer({ tokens: [TOKEN] })
      let probe: TwineRun
      try {
        probe = await twineUpload(probeIndex.url, TOKEN, [wheel])
        if (probe.exitCode !== 0) expect(probeIndex.requests).toEqual([])
      } finally {
        await probeIndex.close()
      }

      if (probe.exitCode !== 0) {
        const output = (probe.stdout + probe.stderr).replace(/\s+/g, ' ')
        expect(output).toContain('Metadata is missing required fields: Name, Version.')
        const supported = /supported Metadata-Version: ((?:\d+\.\d+(?:, )?)+)/.exec(output)
        expect(supported?.[1].split(', ')).toEqual(expect.arrayContaining(['2.1', '2.2']))
        expect(supported?.[1].split(', ')).not.toContain('2.4')
      }

      let ours: RecordedRequest
      if (probe.exitCode === 0) {
        const pairs = await uploadWithBoth([wheel], work)
        expectSameUpload(pairs[0])
        ours = pairs[0].ours
      } else {
        ours = await ourUploadOnly(wheel, work)
      }
      const sent = fieldMap(ours.fields)
      expect(sent.get('metadata_version')).toEqual(['2.4'])
      expect(sent.get('license_expression')).toEqual(['MIT'])
      expect(sent.get('license_file')).toEqual(['LICENSE'])
    })

    it('the allow-list explains only what it names: other differences still fail', async () => {
      const [sdist, wheel] = fixtureDistPaths(publishable.filter(p => p.dir === 'hatch-sample'))
      const pairs = await uploadWithBoth([sdist, wheel], work)
      const [sdistPair, wheelPair] = pairs
      const mutate = (
        fields: Array<[string, string]>,
        change: (fields: Array<[string, string]>) => Array<[string, string]>
      ): Array<[string, string]> => change(fields.map(([n, v]) => [n, v]))

      expect(
        unexplainedFields(wheelPair.twine.fields, wheelPair.ours.fields, wheelPair.file)
      ).toEqual([])
      expect(
        unexplainedFields(sdistPair.twine.fields, sdistPair.ours.fields, sdistPair.file)
      ).toEqual([])

      const cases: Array<[string, (f: Array<[string, string]>) => Array<[string, string]>]> = [
        // A lost repeat of a multiple-use field.
        [
          'classifiers',
          f => f.filter(([n, v]) => !(n === 'classifiers' && v.startsWith('License')))
        ],
        // A changed description (a trailing newline trimmed away).
        ['description', f => f.map(([n, v]) => [n, n === 'description' ? v.trimEnd() : v])],
        // A field we stop sending, and one twine sends empty but we send with a value.
        ['requires_python', f => f.filter(([n]) => n !== 'requires_python')],
        ['comment', f => [...f, ['comment', 'uploaded by CI']]],
        // A wrong name spelling and an empty value where twine has one.
        ['name', f => f.map(([n, v]) => [n, n === 'name' ? 'hatch_sample' : v])],
        ['summary', f => f.map(([n, v]) => [n, n === 'summary' ? '' : v])],
        // The plural spelling twine 4 uses is not acceptable from us.
        ['classifiers', f => f.map(([n, v]) => [n === 'classifiers' ? 'classifier' : n, v])]
      ]
      for (const [field, change] of cases) {
        const mutated = mutate(wheelPair.ours.fields, change)
        expect({
          field,
          unexplained: unexplainedFields(wheelPair.twine.fields, mutated, wheelPair.file)
        }).toEqual({
          field,
          unexplained: expect.arrayContaining([field])
        })
      }
      // "source" is the only pyversion an sdist may have besides twine 4's empty one.
      const badPyversion = mutate(sdistPair.ours.fields, f =>
        f.map(([n, v]) => [n, n === 'pyversion' ? 'py3' : v])
      )
      expect(unexplainedFields(sdistPair.twine.fields, badPyversion, sdistPair.file)).toEqual([
        'pyversion'
      ])
    })
  })
}

/** The action alone, for files twine cannot read: it must succeed with one upload request. */
async function ourUploadOnly(file: string, work: string): Promise<RecordedRequest> {
  const index = await startIndexServer({ tokens: [TOKEN] })
  try {
    const packagesDir = await mkdtemp(join(work, 'packages-'))
    await copyFile(file, join(packagesDir, basename(file)))
    const run = await runAction(
      { password: TOKEN, 'repository-url': index.url, 'packages-dir': packagesDir },
      { env: { PATH: `/usr/bin:${process.env.PATH ?? ''}` } }
    )
    expect({ exitCode: run.exitCode, stdout: run.stdout }).toEqual({
      exitCode: 0,
      stdout: expect.any(String)
    })
    const ours = onlyRequestFor(index.requests, basename(file))
    expect(ours.status).toBe(200)
    expect(ours.headers.authorization).toBe(BASIC_AUTH)
    return ours
  } finally {
    await index.close()
  }
}
