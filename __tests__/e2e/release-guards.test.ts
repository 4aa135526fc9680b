/**
 * Release guards, dry runs and the build step, through the bundled action against the local
 * index: when a guard trips, nothing reaches the index.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FIXTURE_DISTS_DIR, FIXTURES_DIR } from '../support/fixtures.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'pypi-release-token-abcdefghijklmnop'

describe('release guards, dry run and build (node dist/index.js)', () => {
  let index: IndexServer
  let work: string
  beforeAll(async () => {
    index = await startIndexServer({ tokens: [TOKEN] })
    work = await mkdtemp(path.join(tmpdir(), 'e2e-release-'))
  })
  afterAll(async () => {
    await index.close()
    await rm(work, { recursive: true, force: true })
  })

  async function folder(name: string, ...fixtureDirs: string[]): Promise<string> {
    const dir = path.join(work, name)
    await mkdir(dir, { recursive: true })
    for (const fixture of fixtureDirs) {
      await cp(path.join(FIXTURE_DISTS_DIR, fixture), path.join(dir, fixture), { recursive: true })
    }
    return dir
  }
  const publish = (
    dir: string,
    inputs: Record<string, string> = {},
    env: Record<string, string> = {}
  ) =>
    runAction(
      { password: TOKEN, 'repository-url': index.url, 'packages-dir': dir, ...inputs },
      { env }
    )

  it('stops a tag run whose tag names another version, before any upload', async () => {
    const dir = await folder('tag-mismatch', 'hatch-sample')
    const before = index.requests.length
    const run = await publish(dir, {}, { GITHUB_REF: 'refs/tags/v0.4.1', GITHUB_REF_TYPE: 'tag' })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/0\.4\.1/)
    expect(run.stdout).toMatch(/0\.4\.0/)
    expect(run.stdout).toMatch(/verify-tag/)
    expect(index.requests.length).toBe(before)
    expect(index.files()).toEqual([])
  })

  it('lets a tag run through when the tag equals the version as PEP 440 compares it', async () => {
    const dir = await folder('tag-match', 'flit-sample')
    const run = await publish(dir, { 'verify-upload': 'false' }, { GITHUB_REF: 'refs/tags/v3.1' })
    // v3.1 is not 3.1.0 … but PEP 440 says 3.1 == 3.1.0
    expect(run.exitCode).toBe(0)
    expect(
      index
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual(['flit_sample-3.1.0-py3-none-any.whl', 'flit_sample-3.1.0.tar.gz'])
  })

  it('stops on a stale dist/ holding two versions of one project, unless asked', async () => {
    const dir = await folder('two-versions', 'multi-wheel-sample')
    makeWheel(path.join(dir, 'old'), {
      filename: 'multi_wheel_sample-1.9.0-py3-none-any.whl',
      metadata: metadataText(
        {
          'Metadata-Version': '2.1',
          Name: 'multi-wheel-sample',
          Version: '1.9.0',
          'Description-Content-Type': 'text/plain'
        },
        'An older build.'
      )
    })
    const before = index.requests.length
    const stopped = await publish(dir)
    expect(stopped.exitCode).toBe(1)
    expect(stopped.stdout).toMatch(/1\.9\.0/)
    expect(stopped.stdout).toMatch(/2\.0\.0/)
    expect(stopped.stdout).toMatch(/allow-multiple-versions/)
    expect(index.requests.length).toBe(before)

    const allowed = await publish(dir, { 'allow-multiple-versions': 'true' })
    expect(allowed.exitCode).toBe(0)
    expect(JSON.parse(allowed.outputs.uploaded)).toHaveLength(4)
  })

  it('dry run: checks everything, uploads nothing, and lists every file in the summary', async () => {
    const dir = await folder('dry', 'hatch-sample', 'multi-wheel-sample')
    const before = { requests: index.requests.length, files: index.files().length }
    const run = await publish(dir, { 'dry-run': 'true' })
    expect(run.exitCode).toBe(0)
    // No POST: the dry run only reads the index (the simple pages, as the real run does first).
    expect(index.requests.length).toBe(before.requests)
    expect(index.files().length).toBe(before.files)
    // Earlier tests published some of these files: the dry run reads the index, as the real
    // run does, and would send only the others.
    const held = new Set(index.files().map(f => f.filename))
    expect(run.summary).toMatch(/Dry run: 5 files/)
    const names = [
      'hatch_sample-0.4.0-py3-none-any.whl',
      'hatch_sample-0.4.0.tar.gz',
      'multi_wheel_sample-2.0.0-py2.py3-none-any.whl',
      'multi_wheel_sample-2.0.0-py3-none-any.whl',
      'multi_wheel_sample-2.0.0.tar.gz'
    ]
    expect(names.some(name => held.has(name))).toBe(true)
    expect(names.some(name => !held.has(name))).toBe(true)
    for (const name of names) {
      expect(run.summary).toContain(name)
      const wouldUpload = new RegExp(`would upload ${name.replace(/\./g, '\\.')}`)
      if (held.has(name)) expect(run.stdout).not.toMatch(wouldUpload)
      else expect(run.stdout).toMatch(wouldUpload)
    }
    expect(
      JSON.parse(run.outputs.skipped)
        .map((f: { filename: string }) => f.filename)
        .sort()
    ).toEqual(names.filter(name => held.has(name)).sort())
    expect(JSON.parse(run.outputs.uploaded)).toEqual([])
  })

  it('dry run still refuses bad files', async () => {
    // PEP 625 names are PyPI's policy: an error for PyPI (a dry run sends nothing there).
    const dir = await folder('dry-bad', 'setuptools-sample')
    const run = await publish(dir, {
      'dry-run': 'true',
      'repository-url': 'https://upload.pypi.org/legacy/',
      'index-url': index.simpleUrl
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/should be 'sample_setup_tools-1\.2\.3\.tar\.gz'/)
  })

  it('builds the sample project and publishes what it built', async () => {
    const project = path.join(work, 'build-project')
    await cp(path.join(FIXTURES_DIR, 'build-project'), project, { recursive: true })
    const out = path.join(work, 'built')
    // Debian's python3-build cannot fetch build backends here (no network), so the build runs
    // without isolation through `build-command`; the default `python -m build` path is covered
    // in build.test.ts.
    const run = await publish(out, {
      build: 'true',
      'working-directory': project,
      'build-command': `/usr/bin/python3 -m build --no-isolation -x --outdir ${out}`
    })
    expect(run.exitCode).toBe(0)
    const built = (await readdir(out)).sort()
    expect(built).toEqual(['build_sample-0.1.0-py3-none-any.whl', 'build_sample-0.1.0.tar.gz'])
    expect(
      index
        .files()
        .filter(f => f.project === 'build-sample')
        .map(f => f.filename)
        .sort()
    ).toEqual(built)
    expect(run.stdout).toMatch(/::group::Building distributions/)
  })

  it('fails with the tail of the build output when the build fails', async () => {
    const project = path.join(work, 'broken-project')
    await mkdir(project, { recursive: true })
    const run = await publish(path.join(work, 'broken-out'), {
      build: 'true',
      'working-directory': project,
      'build-command': 'echo "error: no pyproject.toml here" >&2; exit 2'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/no pyproject\.toml here/)
    expect(run.summary).toContain('PyPI publish failed: nothing was uploaded')
    expect(run.summary).toContain('no pyproject.toml here')
  })
})
