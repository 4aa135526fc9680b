/**
 * The command line's own glob expansion (Node 20 has no fs.glob), and the core taking an explicit
 * file list instead of searching packages-dir.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expandGlob, isGlob } from '../../src/cli/globs.js'
import { listedDistributions } from '../../src/discover/discover.js'
import { DistributionError } from '../../src/dists/distribution.js'

let root: string
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'cli-globs-'))
  for (const file of [
    'dist/a-1.0-py3-none-any.whl',
    'dist/a-1.0.tar.gz',
    'dist/a-1.0.tar.gz.asc',
    'dist/.hidden-1.0-py3-none-any.whl',
    'out/linux/b-1.0-cp312-cp312-manylinux_2_17_x86_64.whl',
    'out/mac/deep/b-1.0-cp312-cp312-macosx_11_0_arm64.whl',
    'out/.cache/c-1.0-py3-none-any.whl'
  ]) {
    await mkdir(path.join(root, path.dirname(file)), { recursive: true })
    await writeFile(path.join(root, file), 'x')
  }
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('expandGlob', () => {
  it('matches * and ? within a name, never a leading dot', async () => {
    expect(await expandGlob('dist/*', root)).toEqual([
      'dist/a-1.0-py3-none-any.whl',
      'dist/a-1.0.tar.gz',
      'dist/a-1.0.tar.gz.asc'
    ])
    expect(await expandGlob('dist/a-?.?.tar.gz', root)).toEqual(['dist/a-1.0.tar.gz'])
  })

  it('** matches any depth of folders, dot-folders excluded', async () => {
    expect(await expandGlob('out/**/*.whl', root)).toEqual([
      'out/linux/b-1.0-cp312-cp312-manylinux_2_17_x86_64.whl',
      'out/mac/deep/b-1.0-cp312-cp312-macosx_11_0_arm64.whl'
    ])
    expect(await expandGlob('**/a-*.whl', root)).toEqual(['dist/a-1.0-py3-none-any.whl'])
  })

  it('takes classes, absolute patterns, and matches nothing quietly', async () => {
    expect(await expandGlob('dist/*.[wt][ha]*', root)).toEqual([
      'dist/a-1.0-py3-none-any.whl',
      'dist/a-1.0.tar.gz',
      'dist/a-1.0.tar.gz.asc'
    ])
    expect(await expandGlob('dist/*[!c]', root)).toEqual([
      'dist/a-1.0-py3-none-any.whl',
      'dist/a-1.0.tar.gz'
    ])
    const absolute = path.join(root, 'dist', '*.whl')
    expect(await expandGlob(absolute, '/')).toEqual([
      path.join(root, 'dist/a-1.0-py3-none-any.whl')
    ])
    expect(await expandGlob('nowhere/*.whl', root)).toEqual([])
    expect(isGlob('dist/a-1.0.tar.gz')).toBe(false)
  })
})

describe('listedDistributions (the core, given files instead of packages-dir)', () => {
  const kinds = new Set(['wheel', 'sdist'] as const)
  it('keeps the distributions, passes over the rest, and names what is missing', async () => {
    const found = await listedDistributions(
      [
        path.join(root, 'dist/a-1.0.tar.gz'),
        path.join(root, 'dist/a-1.0.tar.gz.asc'),
        path.join(root, 'dist/a-1.0-py3-none-any.whl'),
        path.join(root, 'dist/gone-1.0.tar.gz')
      ],
      kinds
    )
    expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl', 'a-1.0.tar.gz'])
    expect(found.passedOver).toEqual([path.join(root, 'dist/a-1.0.tar.gz.asc')])
    expect(found.problems.map(p => p.message)).toEqual([
      expect.stringContaining("gone-1.0.tar.gz' does not exist")
    ])
  })

  it('refuses a list without a distribution', async () => {
    await expect(
      listedDistributions([path.join(root, 'dist/a-1.0.tar.gz.asc')], kinds)
    ).rejects.toThrow(DistributionError)
  })
})
