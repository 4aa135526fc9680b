/**
 * The release guards: the tag ↔ version check and one release at a time. Most cases use plain
 * Distribution values (the guards read only name, version and filename); the fixtures' real
 * distributions, read by inspect, show that the guards agree with what is on disk.
 */
import { describe, expect, it } from '@jest/globals'
import { checkDistributions } from '../../src/check/rules.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { inspectAll } from '../../src/inspect/inspect.js'
import { checkOneRelease, checkTagMatchesVersions, readTag } from '../../src/check/guards.js'
import { fixtureDistPaths, fixtureProject } from '../support/fixtures.js'

function dist(name: string, version: string, kind: 'wheel' | 'sdist' = 'wheel'): Distribution {
  const stem = `${name.replace(/[-.]+/g, '_').toLowerCase()}-${version}`
  const filename = kind === 'wheel' ? `${stem}-py3-none-any.whl` : `${stem}.tar.gz`
  return {
    path: `/work/dist/${filename}`,
    filename,
    kind,
    filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
    pyversion: kind === 'wheel' ? 'py3' : 'source',
    size: 100,
    digests: { sha256: '0'.repeat(64), blake2_256: '0'.repeat(64), md5: '0'.repeat(32) },
    name,
    version,
    metadataVersion: '2.1',
    metadata: {
      headers: [
        { name: 'Metadata-Version', value: '2.1' },
        { name: 'Name', value: name },
        { name: 'Version', value: version }
      ]
    },
    metadataFields: []
  }
}

const onTag = (tag: string): { tag: string } => ({ tag })

describe('readTag', () => {
  it('reads a bare version, with or without v or V', () => {
    for (const tag of ['1.2.3', 'v1.2.3', 'V1.2.3']) {
      const readings = readTag(tag)
      expect(readings).toHaveLength(1)
      expect(readings[0].project).toBeUndefined()
    }
  })

  it('reads monorepo tags as project and version', () => {
    expect(readTag('foo-v1.2.3').map(r => r.project)).toEqual(['foo'])
    expect(readTag('foo/v1.2.3').map(r => r.project)).toEqual(['foo'])
    expect(readTag('foo@1.2.3').map(r => r.project)).toEqual(['foo'])
    expect(readTag('my-tool-v2.0').map(r => r.project)).toEqual(['my-tool'])
    // Both names and versions may hold a dash: every reading is kept for the check to choose.
    expect(readTag('a-1-2').map(r => r.project)).toEqual(['a', 'a-1'])
  })

  it('finds no version in words', () => {
    for (const tag of ['latest', 'release', 'nightly-build', 'v', 'foo-v', 'foo bar-1.0']) {
      expect(readTag(tag)).toEqual([])
    }
  })
})

describe('checkTagMatchesVersions', () => {
  it('checks nothing outside a tag run', () => {
    const dists = [dist('pkg', '1.0')]
    expect(checkTagMatchesVersions(dists, {})).toEqual({ errors: [], notices: [] })
    expect(checkTagMatchesVersions(dists, { tag: undefined })).toEqual({ errors: [], notices: [] })
  })

  it('compares as PEP 440 versions: v1.0 is 1.0.0, V2.0rc1 is 2.0.0-rc.1', () => {
    const ok = checkTagMatchesVersions(
      [dist('pkg', '1.0.0'), dist('pkg', '1.0.0', 'sdist')],
      onTag('v1.0')
    )
    expect(ok).toEqual({ errors: [], notices: [] })
    expect(checkTagMatchesVersions([dist('pkg', '2.0.0-rc.1')], onTag('V2.0rc1')).errors).toEqual(
      []
    )
  })

  it('refuses every file whose version is not the tag, naming both, the file and the fix', () => {
    const { errors, notices } = checkTagMatchesVersions(
      [dist('pkg', '1.2.3'), dist('pkg', '1.2.3', 'sdist')],
      onTag('v1.2.4')
    )
    expect(notices).toEqual([])
    expect(errors.map(e => e.file)).toEqual([
      '/work/dist/pkg-1.2.3-py3-none-any.whl',
      '/work/dist/pkg-1.2.3.tar.gz'
    ])
    expect(errors[0]).toEqual({
      file: '/work/dist/pkg-1.2.3-py3-none-any.whl',
      rule: 'tag-version',
      message:
        "The tag 'v1.2.4' is version 1.2.4, but pkg-1.2.3-py3-none-any.whl is version 1.2.3 of pkg.",
      hint: 'Retag, or bump the version in pyproject.toml and rebuild; or set verify-tag: false to publish without this check.'
    })
  })

  it('does not take a pre-release or a post-release for the release', () => {
    expect(checkTagMatchesVersions([dist('pkg', '1.0rc1')], onTag('v1.0')).errors).toHaveLength(1)
    expect(checkTagMatchesVersions([dist('pkg', '1.0.post1')], onTag('1.0')).errors).toHaveLength(1)
  })

  it('reports a tag that is not a version, and guesses nothing', () => {
    const { errors, notices } = checkTagMatchesVersions([dist('pkg', '1.0')], onTag('latest'))
    expect(errors).toEqual([])
    expect(notices).toEqual([
      "The tag 'latest' is not a version (PEP 440, optionally after 'v' or '<project>-v'); the version check was skipped."
    ])
  })

  it('matches a monorepo tag against the normalized project name', () => {
    const dists = [dist('Foo.Bar', '1.2.3'), dist('foo_bar', '1.2.3', 'sdist')]
    for (const tag of ['foo-bar-v1.2.3', 'foo_bar/v1.2.3', 'FOO.BAR@1.2.3', 'foo-bar-1.2.3']) {
      expect(checkTagMatchesVersions(dists, onTag(tag))).toEqual({ errors: [], notices: [] })
    }
    const wrong = checkTagMatchesVersions(dists, onTag('foo-bar-v1.2.4'))
    expect(wrong.errors.map(e => e.rule)).toEqual(['tag-version', 'tag-version'])
  })

  it("refuses another project's files under a project's tag", () => {
    const dists = [dist('foo', '1.2.3'), dist('bar', '1.2.3'), dist('bar', '0.9', 'sdist')]
    const { errors } = checkTagMatchesVersions(dists, onTag('foo-v1.2.3'))
    expect(errors.map(e => [e.rule, e.file])).toEqual([
      ['tag-project', '/work/dist/bar-1.2.3-py3-none-any.whl'],
      ['tag-project', '/work/dist/bar-0.9.tar.gz']
    ])
    expect(errors[0].message).toBe(
      "The tag 'foo-v1.2.3' names project 'foo', but bar-1.2.3-py3-none-any.whl belongs to project 'bar'."
    )
    expect(errors[0].hint).toContain('verify-tag: false')
  })

  it('picks the reading of an ambiguous tag that names a published project', () => {
    // `a-1-2`: project `a` at 1.post2, or project `a-1` at 2.
    expect(checkTagMatchesVersions([dist('a-1', '2.0')], onTag('a-1-2')).errors).toEqual([])
    expect(checkTagMatchesVersions([dist('a', '1.post2')], onTag('a-1-2')).errors).toEqual([])
    expect(checkTagMatchesVersions([dist('a', '2')], onTag('a-1-2')).errors).toHaveLength(1)
  })

  it('takes a prefix that names no published project as a word, and checks the version', () => {
    expect(checkTagMatchesVersions([dist('pkg', '1.2.3')], onTag('release-1.2.3')).errors).toEqual(
      []
    )
    const { errors } = checkTagMatchesVersions([dist('pkg', '1.2.2')], onTag('release-1.2.3'))
    expect(errors.map(e => e.message)).toEqual([
      "The tag 'release-1.2.3' is version 1.2.3, but pkg-1.2.2-py3-none-any.whl is version 1.2.2 of pkg."
    ])
  })

  it('refuses a file whose version is not PEP 440 under a version tag', () => {
    expect(checkTagMatchesVersions([dist('pkg', 'banana')], onTag('v1.0')).errors).toHaveLength(1)
  })

  it("agrees with the fixtures' real files", async () => {
    const hatch = fixtureProject('hatch-sample')
    const { dists, problems } = await inspectAll(fixtureDistPaths([hatch]))
    expect(problems).toEqual([])
    expect(dists.map(d => d.version)).toEqual(['0.4.0', '0.4.0'])
    expect(checkTagMatchesVersions(dists, onTag('v0.4')).errors).toEqual([])
    expect(checkTagMatchesVersions(dists, onTag('hatch_sample-v0.4.0')).errors).toEqual([])
    expect(checkTagMatchesVersions(dists, onTag('v0.4.1')).errors).toHaveLength(2)
  })
})

describe('checkOneRelease', () => {
  it('passes one release of each project', () => {
    const dists = [
      dist('foo', '1.0'),
      dist('foo', '1.0.0', 'sdist'),
      dist('bar', '2.0'),
      dist('bar', '2.0', 'sdist')
    ]
    expect(checkOneRelease(dists, { allowMultipleVersions: false })).toEqual([])
  })

  it('refuses a stale dist/ with one problem listing every version and its files, oldest first', () => {
    const dists = [
      dist('Foo', '1.10'),
      dist('Foo', '1.10', 'sdist'),
      dist('foo', '1.9', 'sdist'),
      dist('foo', '1.9'),
      dist('bar', '3.0')
    ]
    const problems = checkOneRelease(dists, { allowMultipleVersions: false })
    expect(problems).toEqual([
      {
        file: '/work/dist/foo-1.9.tar.gz',
        rule: 'one-release',
        message:
          "The files of project 'Foo' hold 2 versions: 1.9 (foo-1.9.tar.gz, foo-1.9-py3-none-any.whl); " +
          '1.10 (foo-1.10-py3-none-any.whl, foo-1.10.tar.gz).',
        hint:
          'A stale dist/? Remove the old files (or clean the folder before building), ' +
          'or set allow-multiple-versions: true to publish several versions on purpose.'
      }
    ])
  })

  it('lists three versions and a version that is not PEP 440 last', () => {
    const dists = [dist('p', '2.0'), dist('p', 'nightly'), dist('p', '1.0'), dist('p', '1.0a1')]
    const [problem] = checkOneRelease(dists, { allowMultipleVersions: false })
    expect(problem.message).toMatch(
      /hold 4 versions: 1\.0a1 \(.*\); 1\.0 \(.*\); 2\.0 \(.*\); nightly/
    )
  })

  it('allows several versions when asked', () => {
    const dists = [dist('foo', '1.0'), dist('foo', '1.1')]
    expect(checkOneRelease(dists, { allowMultipleVersions: true })).toEqual([])
  })

  it('leaves two sdists of one release to the PyPI rules of check.ts', () => {
    // Different spellings of one project's release: two sdists PyPI would not both take.
    const first = { ...dist('foo-bar', '1.0', 'sdist'), filename: 'foo_bar-1.0.tar.gz' }
    const second = { ...dist('Foo.Bar', '1.0.0', 'sdist'), filename: 'Foo.Bar-1.0.0.tar.gz' }
    expect(checkOneRelease([first, second], { allowMultipleVersions: false })).toEqual([])
    const rules = checkDistributions([first, second]).errors.map(e => e.rule)
    expect(rules).toContain('one-sdist')
  })
})
