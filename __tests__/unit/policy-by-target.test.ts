/**
 * PyPI's own policies depend on the target: errors for PyPI and TestPyPI, warnings for any other
 * index (which decides for itself). What every index needs stays an error everywhere. Runs the
 * real check stage (`prepare`) over wheels written to disk; nothing is uploaded.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DistributionError } from '../../src/dists/distribution.js'
import { prepare } from '../../src/pipeline/prepare.js'
import { readSettings } from '../../src/settings/settings.js'
import { RecordingLog } from '../support/recording-log.js'
import { makeWheel, metadataText } from '../support/make-dists.js'

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
  makeWheel(dir, {
    filename: 'demo-1.0+g1234abc-py3-none-any.whl',
    metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0+g1234abc' })
  })
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
