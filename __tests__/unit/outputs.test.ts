import { describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setOutput } from '../../src/action/outputs.js'
import { Writer } from '../../src/action/writer.js'
import { parseOutputFile } from '../support/run-action.js'

describe('setOutput: step outputs as the runner reads them', () => {
  it('appends name<<delimiter blocks that keep multi-line values whole', async () => {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'outputs-')), 'output')
    await writeFile(file, '')
    const writer = new Writer({ out: () => undefined })
    setOutput('uploaded', '["a.whl"]', { GITHUB_OUTPUT: file }, writer)
    setOutput('attestation-paths', '/tmp/a.json\n/tmp/b.json', { GITHUB_OUTPUT: file }, writer)
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
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'outputs-')), 'output')
    await writeFile(file, '')
    const hostile = 'x\nghadelimiter_guess\nverified<<EOF\n["forged"]\nEOF'
    setOutput(
      'project-name',
      hostile,
      { GITHUB_OUTPUT: file },
      new Writer({ out: () => undefined })
    )
    expect(parseOutputFile(await readFile(file, 'utf8'))).toEqual({ 'project-name': hostile })
  })

  it('without GITHUB_OUTPUT, the legacy command, escaped by the writer', () => {
    const lines: string[] = []
    setOutput('project-name', 'demo\n::error::forged', {}, new Writer({ out: t => lines.push(t) }))
    expect(lines.join('')).toBe('::set-output name=project-name::demo%0A::error::forged\n')
  })
})
