import { describe, expect, it, beforeAll, afterAll } from '@jest/globals'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { discoverDistributions } from '../../src/discover/discover.js'
import { DistributionError } from '../../src/dists/distribution.js'

const both = new Set(['sdist', 'wheel'] as const)

describe('discoverDistributions', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'discover-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  async function tree(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(root, name)
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true })
      await writeFile(path.join(dir, rel), content)
    }
    await mkdir(dir, { recursive: true })
    return dir
  }

  it('finds distributions at any depth, as download-artifact lays them out', async () => {
    const dir = await tree('nested', {
      'wheels-linux/pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl': 'w1',
      'wheels-macos/deeper/pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl': 'w2',
      'sdist/pkg-1.0.tar.gz': 's',
      'sdist/pkg-1.0.tar.gz.publish.attestation': '{}',
      SHA256SUMS: 'x',
      '.gitignore': '*'
    })
    const found = await discoverDistributions(dir, both)
    expect(found.files.map(f => [f.filename, f.kind])).toEqual([
      ['pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl', 'wheel'],
      ['pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', 'wheel'],
      ['pkg-1.0.tar.gz', 'sdist']
    ])
    expect(found.files.every(f => path.isAbsolute(f.path))).toBe(true)
    expect(found.passedOver.map(f => path.basename(f)).sort()).toEqual([
      '.gitignore',
      'SHA256SUMS',
      'pkg-1.0.tar.gz.publish.attestation'
    ])
    expect(found.problems).toEqual([])
  })

  it('keeps only the kinds asked for, and lists the rest', async () => {
    const dir = await tree('kinds', { 'a-1.0-py3-none-any.whl': 'w', 'a-1.0.tar.gz': 's' })
    const found = await discoverDistributions(dir, new Set(['wheel'] as const))
    expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl'])
    expect(found.excluded.map(f => path.basename(f))).toEqual(['a-1.0.tar.gz'])
  })

  it('reports a .zip sdist as refused by PyPI, with the fix', async () => {
    const dir = await tree('zip', { 'a-1.0.zip': 'z', 'a-1.0-py3-none-any.whl': 'w' })
    const found = await discoverDistributions(dir, both)
    expect(found.problems).toHaveLength(1)
    expect(found.problems[0]).toMatchObject({
      rule: 'sdist-format',
      file: path.join(dir, 'a-1.0.zip')
    })
    expect(found.problems[0].hint).toMatch(/python -m build --sdist/)
  })

  it('follows links to files but not links to folders', async () => {
    const dir = await tree('links', { 'real/a-1.0-py3-none-any.whl': 'w' })
    await symlink(
      path.join(dir, 'real', 'a-1.0-py3-none-any.whl'),
      path.join(dir, 'b-1.0-py3-none-any.whl')
    )
    await symlink(path.join(dir, 'real'), path.join(dir, 'loop'))
    const found = await discoverDistributions(dir, both)
    expect(found.files.map(f => f.filename)).toEqual([
      'a-1.0-py3-none-any.whl',
      'b-1.0-py3-none-any.whl'
    ])
  })

  it('says what was searched when the folder is missing', async () => {
    const missing = path.join(root, 'nope')
    await expect(discoverDistributions(missing, both)).rejects.toThrow(DistributionError)
    await expect(discoverDistributions(missing, both)).rejects.toThrow(
      /The packages directory '.*nope' does not exist/
    )
  })

  it('says what the folder holds when there is nothing to publish', async () => {
    const dir = await tree('stray', { 'notes.txt': 'x', 'sub/SHA256SUMS': 'y' })
    const error = await discoverDistributions(dir, both).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DistributionError)
    const problem = (error as DistributionError).problems[0]
    expect(problem.message).toMatch(/No distributions \(\*\.tar\.gz and \*\.whl|No distributions/)
    expect(problem.message).toMatch(/notes\.txt/)
    expect(problem.hint).toMatch(/download-artifact/)
  })

  it('says the other kind is there when distributions excludes everything found', async () => {
    const dir = await tree('only-sdist', { 'a-1.0.tar.gz': 's' })
    const error = (await discoverDistributions(dir, new Set(['wheel'] as const)).catch(
      (e: unknown) => e
    )) as DistributionError
    expect(error.problems[0].message).toMatch(/\*\.whl/)
    expect(error.problems[0].hint).toMatch(/'distributions'/)
  })
})
