/**
 * PyPI's own policies depend on the target: errors for PyPI and TestPyPI, warnings for any other
 * index (which decides for itself). What every index needs stays an error everywhere. Runs the
 * real check stage (`prepare`) over wheels written to disk; nothing is uploaded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DistributionError } from '../../src/dists/distribution.js'
import { prepare } from '../../src/pipeline/prepare.js'
import { readSettings } from '../../src/settings/settings.js'
import { RecordingLog } from '../support/recording-log.js'
import {
  buildZip,
  hideZipInComment,
  makeWheel,
  metadataText,
  setZipFlags,
  type ZipMember,
  makePlainWheel
} from '../support/make-dists.js'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'policy-by-target-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const PRIVATE = 'https://nexus.example/repository/pypi-internal/'
const PYPI_TOKEN = 'pypi-AgEIcHlwaS5vcmcCAQA'
const TESTPYPI_TOKEN = 'pypi-AgENdGVzdC5weXBpLm9yZwIBAA'

function settingsFor(dir: string, inputs: Record<string, string>) {
  const all: Record<string, string> = {
    'packages-dir': dir,
    'verify-tag': 'false',
    ...inputs
  }
  return readSettings(name => all[name] ?? '', {}).settings
}

/** A wheel whose version has a local segment: PyPI refuses it, a private index may not. */
async function localVersionDir(name: string): Promise<string> {
  const dir = await mkdtemp(path.join(work, `${name}-`))
  makePlainWheel(dir, 'demo', '1.0+g1234abc')
  return dir
}

async function outcome(settings: ReturnType<typeof settingsFor>) {
  const log = new RecordingLog()
  try {
    const dists = await prepare(
      settings,
      log,
      { childEnv: childEnv() },
      { descriptions: { python: '/nonexistent' } }
    )
    return { dists, errors: [] as string[], log }
  } catch (error) {
    if (!(error instanceof DistributionError)) throw error
    return { dists: [], errors: error.problems.map(p => p.rule), log }
  }
}

describe("PyPI's policies follow the target", () => {
  it('refuse a local version for PyPI and TestPyPI', async () => {
    const dir = await localVersionDir('pypi')
    const targets: Array<Record<string, string>> = [
      { password: PYPI_TOKEN },
      { password: TESTPYPI_TOKEN, repository: 'testpypi' }
    ]
    for (const inputs of targets) {
      const result = await outcome(settingsFor(dir, inputs))
      expect(result.errors).toEqual(['local-version'])
    }
  })

  it('warn about a local version for another index, and go on', async () => {
    const dir = await localVersionDir('private')
    const result = await outcome(settingsFor(dir, { password: 'pw', 'repository-url': PRIVATE }))
    expect(result.errors).toEqual([])
    expect(result.dists.map(d => d.filename)).toEqual(['demo-1.0+g1234abc-py3-none-any.whl'])
    const warning = result.log.lines.find(l => l.level === 'warning')
    expect(warning?.message).toContain(
      "The use of local versions in '1.0+g1234abc' is not allowed."
    )
    expect(warning?.message).toContain(
      'PyPI and TestPyPI refuse this; other indexes decide for themselves.'
    )
  })

  it('keep what every index needs an error for another index too', async () => {
    const dir = await mkdtemp(path.join(work, 'spec-'))
    // The filename says 2.0, the METADATA 1.0: broken anywhere.
    makeWheel(dir, {
      filename: 'demo-2.0-py3-none-any.whl',
      distInfoName: 'demo-1.0.dist-info',
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' })
    })
    const result = await outcome(settingsFor(dir, { password: 'pw', 'repository-url': PRIVATE }))
    expect(result.errors).toContain('wheel-version')
  })
})

const DIST_INFO = 'demo-1.0.dist-info'
const WHEEL = 'demo-1.0-py3-none-any.whl'

/** A good wheel's members; `summary` changes METADATA's size, `record: false` leaves RECORD out. */
function members(options: { summary?: string; record?: boolean } = {}): ZipMember[] {
  const fields = { 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' }
  const metadata = metadataText({ ...fields, Summary: options.summary ?? 'A demo.' })
  return [
    { name: 'demo/__init__.py', data: 'x = 1\n' },
    { name: `${DIST_INFO}/METADATA`, data: metadata },
    { name: `${DIST_INFO}/WHEEL`, data: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\n' },
    ...(options.record === false ? [] : [{ name: `${DIST_INFO}/RECORD`, data: '' }])
  ]
}

async function wheelDir(label: string, bytes: Buffer, filename = WHEEL): Promise<string> {
  const dir = await mkdtemp(path.join(work, `${label}-`))
  await writeFile(path.join(dir, filename), bytes)
  return dir
}

describe('archives that break installers are errors for any index', () => {
  const renamed = buildZip(
    members().map(m => ({ ...m, name: m.name.replace(DIST_INFO, 'other-1.0.dist-info') }))
  )
  const cases: Array<[string, Buffer, string]> = [
    ['no RECORD', buildZip(members({ record: false })), 'wheel-record'],
    ['a .dist-info folder the filename does not name', renamed, 'wheel-contents'],
    ['two members of one name', buildZip([...members(), members()[1]]), 'zip-ambiguous'],
    [
      'bytes before the first member',
      buildZip(members(), { prefix: Buffer.from('#!/bin/sh\nexit 0\n') }),
      'zip-ambiguous'
    ],
    [
      'a second end-of-central-directory record',
      hideZipInComment(buildZip(members()), buildZip(members({ summary: 'Another demo.' }))),
      'zip-ambiguous'
    ]
  ]

  it.each(cases)('%s', async (label, bytes, rule) => {
    const dir = await wheelDir(label.replace(/\W+/g, '-'), bytes)
    const privately = await outcome(settingsFor(dir, { password: 'pw', 'repository-url': PRIVATE }))
    expect(privately.errors).toContain(rule)
    expect((await outcome(settingsFor(dir, { password: PYPI_TOKEN }))).errors).toContain(rule)
  })

  it("a second end record is an error there, PyPI's words for the same file a warning", async () => {
    const hidden = buildZip(members({ summary: 'Another demo.' }))
    const dir = await wheelDir('second-end', hideZipInComment(buildZip(members()), hidden))
    const result = await outcome(settingsFor(dir, { password: 'pw', 'repository-url': PRIVATE }))
    // PyPI's own words for the same file (its framing walk) stay a warning here.
    expect(result.errors).toEqual(['zip-ambiguous'])
    expect(result.log.text('warning')).toContain('ZIP archive not accepted: Mis-matched data size.')
  })
})

describe("PyPI's archive policies stay warnings for another index", () => {
  it('a wheel with data descriptors', async () => {
    const dir = await wheelDir('descriptors', setZipFlags(buildZip(members()), 0x08))
    const pypi = await outcome(settingsFor(dir, { password: PYPI_TOKEN }))
    expect(pypi.errors).toEqual(['zip-framing'])
    const result = await outcome(settingsFor(dir, { password: 'pw', 'repository-url': PRIVATE }))
    expect(result.errors).toEqual([])
    expect(result.dists.map(d => d.filename)).toEqual([WHEEL])
    const warning = result.log.lines.find(l => l.level === 'warning')?.message
    expect(warning).toContain('ZIP archive not accepted: ZIP contains a data descriptor.')
    expect(warning).toContain('PyPI and TestPyPI refuse this; other indexes decide for themselves.')
  })
})
