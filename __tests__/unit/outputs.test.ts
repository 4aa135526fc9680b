/** Step outputs as the runner reads them, through @actions/core's setOutput (src/action/main.ts). */
import { afterEach, describe, expect, it } from '@jest/globals'
import * as core from '@actions/core'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parseOutputFile } from '../support/run-action.js'
import { captureStdout } from '../support/stdout.js'

async function outputFile(): Promise<string> {
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'outputs-')), 'output')
  await writeFile(file, '')
  process.env.GITHUB_OUTPUT = file
  return file
}

describe('setOutput: step outputs as the runner reads them', () => {
  const saved = process.env.GITHUB_OUTPUT
  afterEach(() => {
    if (saved === undefined) delete process.env.GITHUB_OUTPUT
    else process.env.GITHUB_OUTPUT = saved
  })

  it('appends name<<delimiter blocks that keep multi-line values whole', async () => {
    const file = await outputFile()
    core.setOutput('uploaded', '["a.whl"]')
    core.setOutput('attestation-paths', '/tmp/a.json\n/tmp/b.json')
    const text = await readFile(file, 'utf8')
    expect(parseOutputFile(text)).toEqual({
      uploaded: '["a.whl"]',
      'attestation-paths': '/tmp/a.json\n/tmp/b.json'
    })
    // A fresh random delimiter per value: a value cannot guess it to end its block early.
    const delimiters = [...text.matchAll(/<<(ghadelimiter_[0-9a-f-]{36})/g)].map(m => m[1])
    expect(delimiters).toHaveLength(2)
    expect(new Set(delimiters).size).toBe(2)
  })

  it('a value that would end its block early cannot set another output', async () => {
    const file = await outputFile()
    const hostile = 'x\nghadelimiter_guess\nverified<<EOF\n["forged"]\nEOF'
    core.setOutput('project-name', hostile)
    expect(parseOutputFile(await readFile(file, 'utf8'))).toEqual({ 'project-name': hostile })
  })

  it('without GITHUB_OUTPUT, the legacy command, escaped', () => {
    delete process.env.GITHUB_OUTPUT
    const out = captureStdout(() => core.setOutput('project-name', 'demo\n::error::forged'))
    expect(out.split('\n').filter(l => l.startsWith('::'))).toEqual([
      '::set-output name=project-name::demo%0A::error::forged'
    ])
  })
})
