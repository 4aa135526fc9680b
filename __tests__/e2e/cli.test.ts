/**
 * The bundled command line (dist/cli/index.js), run as a CI job outside GitHub would run it: a
 * clean environment (PATH and HOME only, plus what each test gives), against the local index.
 * `npm test` bundles first.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../support/fixtures.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makePlainWheel, makeSdist, makeWheel, metadataText } from '../support/make-dists.js'
import {
  addTrustedPublishing,
  gitlabClaims,
  unsignedJwt,
  type TrustedPublisherConfig
} from '../support/oidc-server.js'
import { makeCertificate, startWanLink } from '../support/wan-link.js'

const TOKEN = 'pypi-cli-e2e-token-abcdefghijklmnop'
const CLI = path.join(REPO_ROOT, 'dist', 'cli', 'index.js')

interface CliRun {
  exitCode: number
  stdout: string
  stderr: string
}

function runCli(args: string[], env: Record<string, string>, cwd: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin', HOME: process.env.HOME ?? cwd, ...env },
      cwd,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ exitCode: code ?? -1, stdout, stderr }))
  })
}

let work: string
let index: IndexServer
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cli-e2e-'))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})
beforeEach(async () => {
  index = await startIndexServer({ tokens: [TOKEN] })
})
afterEach(async () => {
  await index.close()
})

let projects = 0
/** A project folder with dist/ holding a wheel and an sdist of a fresh project name. */
async function project(version = '1.0.0'): Promise<{ dir: string; name: string; files: string[] }> {
  const name = `cli_demo_${++projects}`
  const dir = await mkdtemp(path.join(work, 'project-'))
  const dist = path.join(dir, 'dist')
  await mkdir(dist)
  const metadata = metadataText(
    {
      'Metadata-Version': '2.1',
      Name: name,
      Version: version,
      'Description-Content-Type': 'text/markdown'
    },
    `# ${name}\n\nA demo.\n`
  )
  makeWheel(dist, { filename: `${name}-${version}-py3-none-any.whl`, metadata })
  makeSdist(dist, { filename: `${name}-${version}.tar.gz`, pkgInfo: metadata })
  return {
    dir,
    name,
    files: [`${name}-${version}-py3-none-any.whl`, `${name}-${version}.tar.gz`].sort()
  }
}

const stored = (): string[] =>
  index
    .files()
    .map(f => f.filename)
    .sort()
const uploadPosts = (): number =>
  index.requests.filter(r => r.method === 'POST' && r.file !== undefined).length

/** Nothing GitHub-specific and no secret in anything the command printed. */
function expectCleanOutput(run: CliRun, secrets: string[]): void {
  const all = run.stdout + run.stderr
  for (const secret of secrets) expect(all).not.toContain(secret)
  expect(all).not.toMatch(/^\s*::/m)
  expect(all).not.toContain('##[')
}

describe('pypi-publish upload (dist/cli/index.js)', () => {
  it('publishes with TWINE_* variables only, reading the files back', async () => {
    const p = await project()
    const run = await runCli(
      ['upload', 'dist/*'],
      {
        TWINE_USERNAME: '__token__',
        TWINE_PASSWORD: TOKEN,
        TWINE_REPOSITORY_URL: index.url
      },
      p.dir
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual(p.files)
    expect(run.stdout).toContain('Done: 2 uploaded, 0 skipped, 2 read back with the same sha256')
    expectCleanOutput(run, [TOKEN])
  })

  it('publishes with flags only, and --json writes the outcome the action outputs carry', async () => {
    const p = await project('2.0.0')
    const [wheel, sdist] = p.files.map(f => path.join('dist', f))
    const run = await runCli(
      [
        'upload',
        '--repository-url',
        index.url,
        '-u',
        '__token__',
        '-p',
        TOKEN,
        '--json',
        wheel,
        sdist
      ],
      {},
      p.dir
    )
    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual(p.files)
    const outcome = JSON.parse(run.stdout) as {
      ok: boolean
      uploaded: Array<{ filename: string; sha256: string }>
      skipped: unknown[]
      verified: Array<{ filename: string }>
      projects: Array<{ name: string; version: string }>
    }
    expect(outcome.ok).toBe(true)
    expect(outcome.uploaded.map(f => f.filename).sort()).toEqual(p.files)
    expect(outcome.verified.map(f => f.filename).sort()).toEqual(p.files)
    expect(outcome.skipped).toEqual([])
    expect(outcome.projects).toEqual([{ name: p.name, version: '2.0.0' }])
    for (const file of index.files()) {
      expect(outcome.uploaded.find(f => f.filename === file.filename)?.sha256).toBe(file.sha256)
    }
    // The log went to stderr, so stdout is the JSON alone.
    expect(run.stderr).toContain('Done: 2 uploaded')
    expectCleanOutput(run, [TOKEN])
  })

  it('expands quoted globs itself, ** included, and refuses a glob that matches nothing', async () => {
    const p = await project()
    const nested = path.join(p.dir, 'artifacts', 'linux', 'wheels')
    await mkdir(nested, { recursive: true })
    const metadata = metadataText({ 'Metadata-Version': '2.1', Name: p.name, Version: '1.0.0' })
    makeWheel(nested, { filename: `${p.name}-1.0.0-py2-none-any.whl`, metadata })
    const env = { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url }

    const none = await runCli(['upload', 'dist/*.whl', 'build/**/*.whl'], env, p.dir)
    expect(none.exitCode).toBe(1)
    expect(none.stderr).toContain("No file matches 'build/**/*.whl'")
    expect(uploadPosts()).toBe(0)

    const run = await runCli(
      ['upload', 'dist/*.tar.gz', 'dist/*.whl', 'artifacts/**/*.whl'],
      env,
      p.dir
    )
    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual([...p.files, `${p.name}-1.0.0-py2-none-any.whl`].sort())
  })

  it('re-runs: the same files are skipped; another build under the same name needs --skip-existing', async () => {
    const p = await project()
    const env = { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url }
    expect((await runCli(['upload', 'dist/*'], env, p.dir)).exitCode).toBe(0)
    const posts = uploadPosts()

    const again = await runCli(['upload', 'dist/*', '--json'], env, p.dir)
    expect(again.exitCode).toBe(0)
    expect(uploadPosts()).toBe(posts)
    expect((JSON.parse(again.stdout) as { skipped: unknown[] }).skipped).toHaveLength(2)

    // Rebuilt: same names, other bytes.
    const metadata = metadataText(
      { 'Metadata-Version': '2.1', Name: p.name, Version: '1.0.0', Summary: 'rebuilt' },
      'rebuilt'
    )
    makeWheel(path.join(p.dir, 'dist'), { filename: p.files[0], metadata })
    const refused = await runCli(['upload', 'dist/*'], env, p.dir)
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toContain('bump the version')
    const skipped = await runCli(['upload', '--skip-existing', 'dist/*'], env, p.dir)
    expect(skipped.exitCode).toBe(0)
    expect(skipped.stderr).toContain('DIFFERENT content')
    expect(uploadPosts()).toBe(posts)
  })

  it('refuses a file PyPI would refuse: exit 1, nothing uploaded, the file named', async () => {
    const p = await project()
    const bad = metadataText({ 'Metadata-Version': '2.1', Name: p.name, Version: 'not-a-version' })
    makeWheel(path.join(p.dir, 'dist'), {
      filename: `${p.name}-0.9-py3-none-any.whl`,
      metadata: bad
    })
    const run = await runCli(
      ['upload', 'dist/*'],
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url },
      p.dir
    )
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain(`${p.name}-0.9-py3-none-any.whl`)
    expect(run.stderr).toContain('nothing was uploaded')
    expect(index.requests.filter(r => r.method === 'POST')).toHaveLength(0)
    expectCleanOutput(run, [TOKEN])
  })

  it('shows a file name with terminal escapes escaped, never raw', async () => {
    const p = await project()
    await rm(path.join(p.dir, 'dist', p.files[1]))
    const evil = `${p.files[1].replace('.tar.gz', '')}\u001b]0;pwned\u0007\u001b[2J.tar.gz`
    const metadata = metadataText({ 'Metadata-Version': '2.1', Name: p.name, Version: '1.0.0' })
    makeSdist(path.join(p.dir, 'dist'), { filename: evil, pkgInfo: metadata })
    const run = await runCli(
      ['upload', 'dist/*'],
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url },
      p.dir
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout + run.stderr).not.toContain('\u001b')
    expect(run.stdout + run.stderr).not.toContain('\u0007')
    expect(uploadPosts()).toBe(0)
  })

  it.each([
    [['upload', '--frobnicate', 'dist/*'], "'--frobnicate'"],
    [['upload'], 'No files given'],
    [['publish', 'dist/*'], "Unknown command 'publish'"],
    [['upload', '--concurrency', 'many', 'dist/*'], '--concurrency'],
    [['upload', '-r', 'warehouse', 'dist/*'], '--repository'],
    [['upload', '--verify-upload', '--no-verify-upload', 'dist/*'], 'contradict']
  ])('exits 2 on a wrong command line: %j', async (args, words) => {
    const p = await project()
    const run = await runCli(
      args,
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url },
      p.dir
    )
    expect(run.exitCode).toBe(2)
    expect(run.stderr).toContain(words)
    expect(index.requests).toHaveLength(0)
  })

  it('--help documents every flag and the exit codes; --version prints the version', async () => {
    const help = await runCli(['--help'], {}, work)
    expect(help.exitCode).toBe(0)
    for (const flag of [
      '--repository-url',
      '--skip-existing',
      '--attestations',
      '--json',
      '--dry-run'
    ]) {
      expect(help.stdout).toContain(flag)
    }
    expect(help.stdout).toContain('Exit status')
    const version = await runCli(['--version'], {}, work)
    expect(version.stdout).toMatch(/^pypi-publish \d+\.\d+\.\d+\n$/)
  })

  it('reads TWINE_REPOSITORY as twine does: testpypi resolves, a ~/.pypirc name stops the run', async () => {
    const p = await project()
    const testpypi = await runCli(
      // The dry run reads the index: a closed loopback port, so nothing leaves this machine
      // (an index that cannot be read only means its files are not known).
      ['upload', 'dist/*', '--dry-run', '--json', '--index-url', 'http://127.0.0.1:9/simple/'],
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY: 'testpypi' },
      p.dir
    )
    expect(testpypi.exitCode).toBe(0)
    expect(testpypi.stdout + testpypi.stderr).toContain('https://test.pypi.org/legacy/')
    expect(testpypi.stdout + testpypi.stderr).not.toContain('upload.pypi.org')

    const unknown = await runCli(
      ['upload', 'dist/*'],
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY: 'private' },
      p.dir
    )
    expect(unknown.exitCode).toBe(2)
    expect(unknown.stderr).toContain('TWINE_REPOSITORY=private')
    expect(unknown.stderr).toContain('~/.pypirc')
    expect(index.requests).toHaveLength(0)

    // twine's order: the URL wins over the name.
    const both = await runCli(
      ['upload', 'dist/*'],
      { TWINE_PASSWORD: TOKEN, TWINE_REPOSITORY_URL: index.url, TWINE_REPOSITORY: 'private' },
      p.dir
    )
    expect(both.exitCode).toBe(0)
    expect(stored()).toEqual(p.files)
  })

  it('with no credentials and no CI identity, says both ways out and uploads nothing', async () => {
    const p = await project()
    const run = await runCli(['upload', '--repository-url', index.url, 'dist/*'], {}, p.dir)
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('--password')
    expect(run.stderr).toContain('PYPI_ID_TOKEN')
    expect(uploadPosts()).toBe(0)
  })
})

describe('trusted publishing from GitLab CI', () => {
  const gitlabPublisher: TrustedPublisherConfig = {
    kind: 'gitlab',
    project: 'octo-group/octo-project',
    ciFile: '.gitlab-ci.yml'
  }
  const idToken = (claims = gitlabClaims()): string => {
    const now = Math.floor(Date.now() / 1000)
    return unsignedJwt({ ...claims, aud: 'pypi', iat: now, exp: now + 300, jti: `j${now}` })
  }

  it('exchanges PYPI_ID_TOKEN for an upload token and publishes', async () => {
    const p = await project()
    const tp = addTrustedPublishing(index, {
      publishers: [{ ...gitlabPublisher, projects: [p.name] }]
    })
    const jwt = idToken()
    const run = await runCli(
      ['upload', '--repository-url', index.url, 'dist/*'],
      { GITLAB_CI: 'true', PYPI_ID_TOKEN: jwt },
      p.dir
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual(p.files)
    expect(tp.minted).toHaveLength(1)
    expect(run.stdout).toContain("exchanged this GitLab CI job's ID token")
    expectCleanOutput(run, [jwt, tp.minted[0].token])
  })

  it('a publisher that does not match: the index reasons, and nothing uploaded, no token shown', async () => {
    const p = await project()
    const tp = addTrustedPublishing(index, {
      publishers: [{ ...gitlabPublisher, ciFile: 'release.gitlab-ci.yml', projects: [p.name] }]
    })
    const jwt = idToken()
    const run = await runCli(
      ['upload', '--repository-url', index.url, 'dist/*'],
      { GITLAB_CI: 'true', PYPI_ID_TOKEN: jwt },
      p.dir
    )
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('invalid-publisher')
    expect(tp.minted).toHaveLength(0)
    expect(uploadPosts()).toBe(0)
    expectCleanOutput(run, [jwt])
  })

  it('a token for another audience only: names the variable and the id_tokens block to add', async () => {
    addTrustedPublishing(index, { publishers: [gitlabPublisher] })
    const p = await project()
    const run = await runCli(
      ['upload', '--repository-url', index.url, 'dist/*'],
      { GITLAB_CI: 'true', TESTPYPI_ID_TOKEN: idToken() },
      p.dir
    )
    expect(run.exitCode).toBe(1)
    expect(run.stderr).toContain('PYPI_ID_TOKEN:')
    expect(run.stderr).toContain('aud: pypi')
    expect(run.stderr).toContain('TESTPYPI_ID_TOKEN')
    expect(uploadPosts()).toBe(0)
  })
})

describe('pypi-publish check (offline, as twine check)', () => {
  it('passes good files, fails refused ones with exit 1, and sends nothing anywhere', async () => {
    const good = await project()
    const passed = await runCli(['check', 'dist/*'], {}, good.dir)
    expect(passed.exitCode).toBe(0)
    for (const file of good.files)
      expect(passed.stdout).toContain(`Checking dist/${file}: PASSED\n`)

    // A local version (PyPI refuses it) and a wheel without a description (a warning).
    const dir = await mkdtemp(path.join(work, 'check-'))
    makePlainWheel(dir, 'local-pkg', '1.0.0+abc')
    makePlainWheel(dir, 'bare-pkg', '1.0.0')
    const refused = await runCli(
      ['check', '--json', 'bare_pkg-1.0.0-py3-none-any.whl', 'local_pkg-*.whl'],
      {},
      dir
    )
    expect(refused.exitCode).toBe(1)
    const report = JSON.parse(refused.stdout) as {
      ok: boolean
      files: Array<{
        file: string
        result: string
        errors: Array<{ rule: string }>
        warnings: string[]
      }>
    }
    expect(report.ok).toBe(false)
    const byName = new Map(report.files.map(f => [path.basename(f.file), f]))
    expect(byName.get('bare_pkg-1.0.0-py3-none-any.whl')?.result).toBe('warnings')
    expect(byName.get('bare_pkg-1.0.0-py3-none-any.whl')?.warnings.join(' ')).toContain(
      'long_description'
    )
    expect(byName.get('local_pkg-1.0.0+abc-py3-none-any.whl')?.result).toBe('failed')
    expect(byName.get('local_pkg-1.0.0+abc-py3-none-any.whl')?.errors.map(e => e.rule)).toContain(
      'local-version'
    )
    expect(refused.stderr).toContain('FAILED')
    expect(refused.stderr).not.toContain('nothing was uploaded')

    // For another index, PyPI's own policies are warnings; --strict fails on warnings as twine's.
    const elsewhere = ['--repository-url', 'https://my.index/upload/']
    const lenient = await runCli(['check', ...elsewhere, 'local_pkg-*.whl'], {}, dir)
    expect(lenient.exitCode).toBe(0)
    expect(lenient.stdout).toContain('PASSED with warnings')
    const strict = await runCli(['check', '--strict', 'bare_pkg-1.0.0-py3-none-any.whl'], {}, dir)
    expect(strict.exitCode).toBe(1)
    expect(index.requests).toEqual([])
  })

  it('names a missing file or a non-distribution, and asks for files', async () => {
    const p = await project()
    const missing = await runCli(['check', 'dist/nothing-*.whl'], {}, p.dir)
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain("No file matches 'dist/nothing-*.whl'")
    const none = await runCli(['check'], {}, p.dir)
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toContain('name the wheels and sdists to check')
  })
})

describe('the config file (~/.pypirc), read as twine reads it', () => {
  const pypirc = (url: string, password: string): string =>
    [
      '# indexes for this machine',
      '[distutils]',
      'index-servers =',
      '    pypi',
      '    private',
      '',
      '[private]',
      `repository: ${url}`,
      'username = __token__',
      `password = ${password}`,
      ''
    ].join('\n')

  it('-r NAME with --config-file, and TWINE_REPOSITORY with ~/.pypirc, upload to that index', async () => {
    const p = await project()
    const config = path.join(p.dir, 'indexes.cfg')
    await writeFile(config, pypirc(index.url, TOKEN))
    const run = await runCli(
      ['upload', 'dist/*', '-r', 'private', '--config-file', 'indexes.cfg', '--json'],
      {},
      p.dir
    )
    expect(run.stderr).not.toContain(TOKEN)
    expect(run.exitCode).toBe(0)
    expect(stored()).toEqual(p.files)

    const q = await project()
    const home = await mkdtemp(path.join(work, 'home-'))
    await writeFile(path.join(home, '.pypirc'), pypirc(index.url, 'pypi-wrong-token-in-file-0000'))
    // TWINE_PASSWORD wins over the file's password, as in twine.
    const fromHome = await runCli(
      ['upload', 'dist/*'],
      { HOME: home, TWINE_REPOSITORY: 'private', TWINE_PASSWORD: TOKEN },
      q.dir
    )
    expect(fromHome.exitCode).toBe(0)
    expect(stored()).toEqual([...p.files, ...q.files].sort())
    expect(fromHome.stdout + fromHome.stderr).not.toContain('pypi-wrong-token-in-file-0000')
  })

  it('a missing section, an unlisted one, a malformed line or a missing file is named, before any request', async () => {
    const p = await project()
    const config = path.join(p.dir, 'indexes.cfg')
    const cases: Array<[string | undefined, string[], RegExp]> = [
      [
        pypirc(index.url, TOKEN),
        ['-r', 'other'],
        /--repository other names the index 'other', which indexes\.cfg .* does not define: it has no \[other\] section/
      ],
      [
        pypirc(index.url, TOKEN).replace('    private\n', ''),
        ['-r', 'private'],
        /it has a \[private\] section, but \[distutils\] index-servers does not list it/
      ],
      [
        '[private]\nrepository = x\nthis line is wrong\n',
        ['-r', 'private'],
        /indexes\.cfg .*, line 3: this line is neither `\[section\]` nor `key = value`/
      ],
      [
        '[distutils]\nindex-servers = private\n[private]\nusername = me\n',
        ['-r', 'private'],
        /The \[private\] section of indexes\.cfg .* has no `repository`/
      ],
      [undefined, ['-r', 'private'], /The config file indexes\.cfg .* cannot be read \(ENOENT\)/]
    ]
    for (const [text, flags, error] of cases) {
      await rm(config, { force: true })
      if (text !== undefined) await writeFile(config, text)
      const run = await runCli(
        ['upload', 'dist/*', ...flags, '--config-file', 'indexes.cfg'],
        { TWINE_PASSWORD: TOKEN },
        p.dir
      )
      expect({ flags, exitCode: run.exitCode }).toEqual({ flags, exitCode: 2 })
      expect(run.stderr).toMatch(error)
    }
    expect(index.requests).toEqual([])
  })
})

describe('certificates, as twine takes them', () => {
  it('--cert trusts a private CA; --client-cert presents the certificate the index asks for', async () => {
    const certs = await mkdtemp(path.join(work, 'certs-'))
    const client = makeCertificate(await mkdtemp(path.join(certs, 'client-')))
    const clientPem = path.join(certs, 'client.pem')
    await writeFile(
      clientPem,
      (await readFile(client.keyFile, 'utf8')) + (await readFile(client.certFile, 'utf8'))
    )
    const link = await startWanLink(
      { host: '127.0.0.1', port: Number(new URL(index.url).port) },
      { rttMs: 0, bitsPerSecond: 10e9, dir: certs, clientCa: client.certFile }
    )
    try {
      const p = await project()
      const upload = ['upload', 'dist/*', '--repository-url', `${link.origin}/legacy/`]
      const env = { TWINE_PASSWORD: TOKEN }
      const untrusted = await runCli(upload, env, p.dir)
      expect(untrusted.exitCode).toBe(1)
      expect(untrusted.stderr).toContain('certificate')
      const anonymous = await runCli([...upload, '--cert', link.certFile], env, p.dir)
      expect(anonymous.exitCode).toBe(1)
      expect(stored()).toEqual([])

      const run = await runCli(
        [...upload, '--cert', link.certFile, '--client-cert', clientPem],
        env,
        p.dir
      )
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      expect(stored()).toEqual(p.files)

      const q = await project()
      const fromEnv = await runCli(
        upload,
        { ...env, TWINE_CERT: link.certFile, TWINE_CLIENT_CERT: clientPem },
        q.dir
      )
      expect(fromEnv.exitCode).toBe(0)
      expect(stored()).toEqual([...p.files, ...q.files].sort())

      const missing = await runCli([...upload, '--cert', path.join(certs, 'none.pem')], env, q.dir)
      expect(missing.exitCode).toBe(1)
      expect(missing.stderr).toContain("The CA bundle (--cert) file '")
      expect(missing.stderr).toContain('cannot be read (ENOENT); nothing was sent')
    } finally {
      await link.close()
    }
  })
})
