/**
 * What the bundled action reports is what the index holds: it asks the index before sending, reads
 * it back after a failure, says how to finish a partial release, and a job summary that cannot be
 * written never fails a publish. Each test has an index of its own, so its POSTs are all it saw.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FIXTURES_DIR } from '../support/fixtures.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { runAction, type ActionRun } from '../support/run-action.js'

const TOKEN = 'pypi-outcomes-token-0123456789'

let work: string
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'outcomes-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

const servers: IndexServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

async function index(): Promise<IndexServer> {
  const server = await startIndexServer({ tokens: [TOKEN] })
  servers.push(server)
  return server
}

let counter = 0
/** A folder with wheels of one new project, one per python tag; `content` changes their bytes. */
async function release(
  tags: string[],
  content = 'first build'
): Promise<{ dir: string; names: string[] }> {
  const name = `outcome${++counter}`
  const dir = await mkdtemp(path.join(work, 'dist-'))
  const names = tags.map(tag => {
    const filename = `${name}-1.0-${tag}-none-any.whl`
    makeWheel(dir, {
      filename,
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: name, Version: '1.0' }),
      extraFiles: { [`${name}/data.txt`]: `${content} (${tag})` } // PyPI refuses two files with the same bytes
    })
    return filename
  })
  return { dir, names }
}

/** The same files with other bytes, in a new folder. */
async function rebuilt(names: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(work, 'rebuilt-'))
  for (const filename of names) {
    const name = filename.split('-')[0]
    makeWheel(dir, {
      filename,
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: name, Version: '1.0' }),
      extraFiles: { [`${name}/data.txt`]: `another build of ${filename}` }
    })
  }
  return dir
}

function publish(
  server: IndexServer,
  dir: string,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      password: TOKEN,
      'repository-url': server.url,
      'packages-dir': dir,
      'verify-timeout': '2',
      ...inputs
    },
    { env }
  )
}

const filenames = (output: string): string[] =>
  (JSON.parse(output) as Array<{ filename: string }>).map(f => f.filename).sort()
const errors = (run: ActionRun): string[] =>
  run.stdout.split('\n').filter(line => line.startsWith('::error'))

describe('asking the index before sending', () => {
  it('a re-run of the same files sends nothing and reports them as already present', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    expect((await publish(server, dir)).exitCode).toBe(0)
    const posts = server.requests.length

    const again = await publish(server, dir)

    expect(again.exitCode).toBe(0)
    expect(server.requests.length).toBe(posts) // no upload POST at all
    expect(filenames(again.outputs.uploaded)).toEqual([])
    expect(filenames(again.outputs.skipped)).toEqual(names.sort())
    expect(filenames(again.outputs.verified)).toEqual(names.sort())
    expect(again.summary).toContain('Nothing new')
    expect(again.summary.match(/already on the index · verified/g)).toHaveLength(2)
  })

  it('stops before any upload when the index holds other files under these names, naming all of them', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    expect((await publish(server, dir)).exitCode).toBe(0)
    const posts = server.requests.length
    const other = await rebuilt(names)
    // A new file of the release that the conflicts must keep from being sent.
    makeWheel(other, {
      filename: names[0].replace('-py2-', '-py2.py3-'),
      metadata: metadataText({
        'Metadata-Version': '2.1',
        Name: names[0].split('-')[0],
        Version: '1.0'
      })
    })

    const run = await publish(server, other)

    expect(run.exitCode).toBe(1)
    expect(server.requests.length).toBe(posts)
    for (const name of names) {
      expect(
        errors(run).some(l => l.includes(name) && /different file under this name/.test(l))
      ).toBe(true)
    }
    const failure = errors(run).at(-1)!
    expect(failure).toMatch(
      /^::error title=pypi-publish::The index holds a different file under the names/
    )
    for (const name of names) expect(failure).toContain(name)
    expect(failure).toMatch(/PyPI never allows a file to be replaced: bump the version/)
    expect(failure).toMatch(/Nothing was uploaded/)
    expect(filenames(run.outputs.uploaded)).toEqual([])
    expect(filenames(run.outputs.verified)).toEqual([])
    expect(run.summary).toContain('Nothing was published')
  })

  it('under skip-existing, skips another build loudly and never calls it verified', async () => {
    const server = await index()
    const { dir, names } = await release(['py3'])
    expect((await publish(server, dir)).exitCode).toBe(0)
    const posts = server.requests.length

    const run = await publish(server, await rebuilt(names), { 'skip-existing': 'true' })

    expect(run.exitCode).toBe(0)
    expect(server.requests.length).toBe(posts)
    expect(filenames(run.outputs.skipped)).toEqual(names)
    expect(filenames(run.outputs.verified)).toEqual([])
    expect(run.stdout).toMatch(/::warning title=[^,]*,file=.*::.*DIFFERENT content.*NOT published/)
    expect(run.stdout).not.toMatch(/All 1 file\(s\) are on the index with the expected sha256/)
    expect(run.summary).toContain('the index holds a different file')
    const heading = run.summary.split('\n')[0]
    expect(heading).toMatch(/Nothing new on .*1 not published \(the index holds a different file\)/)
    expect(heading).not.toContain('already on')
  })

  it('another build of one file, the rest already there: nothing published, not a partial release', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    expect((await publish(server, dir)).exitCode).toBe(0)
    const posts = server.requests.length
    const [same, changed] = names.sort()
    const other = await rebuilt([changed])
    await cp(path.join(dir, same), path.join(other, same))

    const run = await publish(server, other)

    expect(run.exitCode).toBe(1)
    expect(server.requests.length).toBe(posts)
    expect(errors(run).at(-1)).toMatch(/different file under the name .*Nothing was uploaded/)
    expect(filenames(run.outputs.uploaded)).toEqual([])
    const heading = run.summary.split('\n')[0]
    expect(heading).toContain('Nothing was published')
    expect(run.summary).not.toContain('left partial')
  })
})

describe('a dry run reads the index as the real run would', () => {
  it('reports files already there as skipped, and another build under the same name as the conflict', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    const [first, second] = names.sort()
    const once = await mkdtemp(path.join(work, 'first-'))
    await cp(path.join(dir, first), path.join(once, first))
    expect((await publish(server, once)).exitCode).toBe(0)
    const posts = server.requests.filter(r => r.method === 'POST').length

    const dry = await publish(server, dir, { 'dry-run': 'true' })
    expect(dry.exitCode).toBe(0)
    expect(filenames(dry.outputs.skipped)).toEqual([first])
    expect(filenames(dry.outputs.uploaded)).toEqual([])
    expect(dry.stdout).toContain(`Dry run: would upload ${second}`)
    expect(dry.stdout).not.toContain(`Dry run: would upload ${first}`)
    expect(dry.summary).toContain('1 would be uploaded')
    expect(dry.summary).toContain('already on the index')

    // Another build of the file on the index: the real run would stop before sending; so does this.
    const other = await rebuilt([first])
    await cp(path.join(dir, second), path.join(other, second))
    const conflict = await publish(server, other, { 'dry-run': 'true' })
    expect(conflict.exitCode).toBe(1)
    expect(errors(conflict).at(-1)).toContain(
      `The index holds a different file under the name ${first}`
    )
    expect(conflict.summary).toContain('would fail')
    expect(conflict.summary).toContain('a different file is on the index')
    expect(conflict.stdout).not.toContain('Dry run: would upload')

    // With skip-existing the other build is skipped, in a dry run as in the real one.
    const skipping = await publish(server, other, { 'dry-run': 'true', 'skip-existing': 'true' })
    expect(skipping.exitCode).toBe(0)
    expect(filenames(skipping.outputs.skipped)).toEqual([first])
    expect(skipping.stdout).toContain('It is skipped (in a dry run too)')
    expect(skipping.summary).toContain('1 would be uploaded')
    expect(skipping.summary).toContain('1 already there or skipped')
    expect(server.requests.filter(r => r.method === 'POST')).toHaveLength(posts)
    expect(server.files().map(f => f.filename)).toEqual([first])
  })
})

describe('after a failure, what landed', () => {
  it('a partial release says which files are on the index and how to finish, in the error and the summary', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    const [first, second] = names.sort()
    // The first upload goes through; the second fails on both of its tries.
    server.injectFaults({}, { status: 503 }, { status: 503 })

    const run = await publish(server, dir, { retries: '1', concurrency: '1' })

    expect(run.exitCode).toBe(1)
    expect(server.files().map(f => f.filename)).toEqual([first])
    const failure = errors(run).at(-1)!
    expect(failure).toMatch(new RegExp(`Publishing stopped at ${second}`))
    expect(failure).toContain(`On the index: ${first}.`)
    expect(failure).toContain(`Not on the index: ${second}.`)
    expect(failure).toMatch(/re-run this job as it is: the files the index already holds/)
    expect(failure).not.toContain('skip-existing')
    expect(run.summary).toContain('Release left partial')
    expect(run.summary).toMatch(
      new RegExp(
        `<b>On the index:</b> <code>${first}</code><br><b>Not on the index:</b> <code>${second}</code>`
      )
    )
    expect(run.summary).toContain('re-run this job as it is')
    expect(run.summary).not.toContain('skip-existing')
    expect(filenames(run.outputs.uploaded)).toEqual([first])

    // Following the advice (the same inputs, run again) finishes the release; the file already
    // there is not sent again.
    const finish = await publish(server, dir, { retries: '1', concurrency: '1' })
    expect(finish.exitCode).toBe(0)
    expect(filenames(finish.outputs.uploaded)).toEqual([second])
    expect(filenames(finish.outputs.skipped)).toEqual([first])
    expect(
      server
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual([first, second])
  })

  it('with build: true, the advice to finish a partial release is the re-run that works: skip-existing', async () => {
    const server = await index()
    const project = await mkdtemp(path.join(work, 'project-'))
    await cp(path.join(FIXTURES_DIR, 'build-project'), project, { recursive: true })
    const out = path.join(project, 'dist')
    // Each run builds again; a build that records its time (setuptools, flit) differs each run.
    const build = (epoch: number): Record<string, string> => ({
      build: 'true',
      'working-directory': project,
      'build-command': `SOURCE_DATE_EPOCH=${epoch} /usr/bin/python3 -m build --no-isolation -x --outdir ${out}`,
      retries: '0',
      concurrency: '1'
    })
    server.injectFaults({}, { status: 400, body: 'Invalid distribution file.' })

    const run = await publish(server, out, build(1580601600))
    expect(run.exitCode).toBe(1)
    expect(server.files()).toHaveLength(1)
    const advice = /re-run this job with `skip-existing: true`/
    expect(errors(run).at(-1)).toMatch(advice)
    expect(errors(run).at(-1)).not.toContain('re-run this job as it is')
    expect(run.summary).toMatch(advice)

    // A plain re-run builds another file under the uploaded one's name, and stops on it.
    const plain = await publish(server, out, build(1600000000))
    expect(plain.exitCode).toBe(1)
    expect(errors(plain).at(-1)).toMatch(/different file under the name/)
    expect(server.files()).toHaveLength(1)

    const advised = await publish(server, out, { ...build(1600000000), 'skip-existing': 'true' })
    expect(advised.exitCode).toBe(0)
    expect(server.files()).toHaveLength(2)
    expect(filenames(advised.outputs.uploaded)).toHaveLength(1)
  })

  it('a file stored despite an error answer counts as uploaded (retries: 0), and the run goes on', async () => {
    const server = await index()
    const { dir, names } = await release(['py2', 'py3'])
    server.injectFaults({ storeThenFail: true, status: 502 })

    const run = await publish(server, dir, { retries: '0', concurrency: '1' })

    expect(run.exitCode).toBe(0)
    expect(server.requests.map(r => r.status)).toEqual([502, 200])
    expect(filenames(run.outputs.uploaded)).toEqual(names.sort())
    expect(filenames(run.outputs.verified)).toEqual(names.sort())
    expect(errors(run)).toEqual([])
  })
})

describe('an index without a readable simple page', () => {
  it('falls back to sending and letting the upload answer decide', async () => {
    const server = await index()
    const reads: number[] = []
    server.addRoute('GET', /^\/simple\//, (_req, res) => {
      reads.push(401)
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic' })
      res.end('401 Unauthorized')
    })
    const { dir, names } = await release(['py3'])

    const first = await publish(server, dir, { 'verify-upload': 'false' })
    expect(first.exitCode).toBe(0)
    expect(reads.length).toBeGreaterThan(0) // it asked
    expect(filenames(first.outputs.uploaded)).toEqual(names)

    // Another build of the same name: nothing to compare with, so it is sent; the index refuses it.
    const other = await rebuilt(names)
    const refused = await publish(server, other, { 'verify-upload': 'false' })
    expect(refused.exitCode).toBe(1)
    expect(server.requests.at(-1)?.status).toBe(400)
    expect(refused.stdout).toMatch(/File already exists/)

    const skipped = await publish(server, other, {
      'verify-upload': 'false',
      'skip-existing': 'true'
    })
    expect(skipped.exitCode).toBe(0)
    expect(filenames(skipped.outputs.skipped)).toEqual(names)
    expect(filenames(skipped.outputs.verified)).toEqual([])
  })
})

describe('an index that takes uploads but will not let this run read them back', () => {
  it('says the files were not read back, never that they are not on the index', async () => {
    const server = await index()
    server.addRoute('GET', /^\/simple\//, (_req, res) => {
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Basic' })
      res.end('401 Unauthorized')
    })
    const { dir, names } = await release(['py2', 'py3'])

    const run = await publish(server, dir)

    expect(
      server
        .files()
        .map(f => f.filename)
        .sort()
    ).toEqual(names.sort())
    expect(run.exitCode).toBe(0)
    expect(errors(run)).toEqual([])
    expect(run.stdout).toMatch(/::warning title=pypi-publish::Not read back: .* answered HTTP 401/)
    expect(run.stdout).not.toMatch(/not listed on/)
    expect(filenames(run.outputs.uploaded)).toEqual(names.sort())
    expect(filenames(run.outputs.verified)).toEqual([])
    expect(run.summary.split('\n')[0]).toContain('Published')
    expect(run.summary).toContain('2 on a page it would not let this run read')
    expect(run.summary).not.toContain('not on the index')
  })
})

describe('a read-back the index fails', () => {
  it('names the answer it got instead of calling the files unlisted', async () => {
    const server = await index()
    let reads = 0
    server.addRoute('GET', /^\/simple\//, (_req, res) => {
      // The read before the upload finds a new project; every read back fails.
      res.writeHead(reads++ === 0 ? 404 : 503, { 'Content-Type': 'text/plain' })
      res.end('unavailable')
    })
    const { dir, names } = await release(['py3'])

    const run = await publish(server, dir)

    expect(server.files().map(f => f.filename)).toEqual(names)
    expect(run.exitCode).toBe(1)
    expect(errors(run).at(-1)).toMatch(/the last read failed: \S+ answered HTTP 503/)
  })
})

describe('reporting never fails a publish', () => {
  it.each([
    ['a directory', (dir: string) => dir],
    ['a path under a missing folder', (dir: string) => path.join(dir, 'missing', 'summary.md')]
  ])(
    'a job summary file that is %s: outputs set, a warning, exit 0',
    async (_label, summaryPath) => {
      const server = await index()
      const { dir, names } = await release(['py3'])
      const target = path.join(await mkdtemp(path.join(work, 'summary-')), 'as-dir')
      await mkdir(target)

      const run = await publish(server, dir, {}, { GITHUB_STEP_SUMMARY: summaryPath(target) })

      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      expect(filenames(run.outputs.uploaded)).toEqual(names)
      expect(filenames(run.outputs.verified)).toEqual(names)
      expect(run.stdout).toMatch(
        /::warning title=pypi-publish::The job summary could not be written/
      )
    }
  )
})
