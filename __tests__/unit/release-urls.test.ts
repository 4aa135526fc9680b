/** The release-url output: the index's page of each release it holds a file of. */
import { describe, expect, it } from '@jest/globals'
import type { Distribution } from '../../src/dists/distribution.js'
import { releaseUrls } from '../../src/pipeline/outcome.js'
import type { RunResult } from '../../src/pipeline/publish.js'
import type { FileResult } from '../../src/upload/upload-all.js'

const dist = (name: string, version: string): Distribution =>
  ({ name, version, filename: `${name}-${version}-py3-none-any.whl` }) as Distribution

function run(
  repositoryUrl: string,
  files: FileResult[],
  extra: Partial<RunResult> = {}
): RunResult {
  return {
    repositoryUrl,
    dryRun: false,
    dists: files.map(f => f.dist),
    files,
    attestationPaths: [],
    ...extra
  }
}

describe('releaseUrls', () => {
  const a = dist('My.Project', '1.0')
  const b = dist('other', '2.0')

  it("knows PyPI's and TestPyPI's pages, by the normalized name, once per release", () => {
    const files: FileResult[] = [
      { dist: a, status: 'uploaded', verified: true },
      { dist: { ...a, filename: 'My.Project-1.0.tar.gz' }, status: 'skipped', sameHash: true }
    ]
    expect(releaseUrls(run('https://upload.pypi.org/legacy/', files))).toEqual([
      'https://pypi.org/project/my-project/1.0/'
    ])
    expect(releaseUrls(run('https://test.pypi.org/legacy/', files))).toEqual([
      'https://test.pypi.org/project/my-project/1.0/'
    ])
  })

  it('names only releases with a file on the index', () => {
    const files: FileResult[] = [
      { dist: a, status: 'failed', message: 'HTTP 503' },
      { dist: b, status: 'uploaded', verified: false },
      { dist: { ...b, version: '3.0' }, status: 'skipped', sameHash: false }
    ]
    expect(releaseUrls(run('https://upload.pypi.org/legacy/', files))).toEqual([])
    expect(
      releaseUrls(
        run('https://upload.pypi.org/legacy/', [{ dist: b, status: 'uploaded', verified: true }], {
          dryRun: true
        })
      )
    ).toEqual([])
  })

  it('follows the pattern for another index, and makes none up without one', () => {
    const files: FileResult[] = [{ dist: b, status: 'uploaded' }]
    expect(releaseUrls(run('https://my.index/upload/', files))).toEqual([])
    expect(
      releaseUrls(
        run('https://my.index/upload/', files, {
          releaseUrlPattern: 'https://my.index/p/{name}?v={version}'
        })
      )
    ).toEqual(['https://my.index/p/other?v=2.0'])
  })
})
