/**
 * The bundled action (dist/index.js) run the way the runner runs it, against the local index.
 * `npm test` bundles first, so this exercises the current sources as shipped.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { createServer as createHttpServer, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FIXTURE_DISTS_DIR, fixtureFilenames, fixtureProjects } from '../support/fixtures.js'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makePlainWheel, makeWheel, metadataText, setZipFlags } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'
import { startWanLink } from '../support/wan-link.js'

const TOKEN = 'pypi-e2e-token-abcdefghijklmnop'
const publishable = fixtureProjects.filter(p => p.filenamesFollowPypiRules)

describe('node dist/index.js against a PyPI-like index', () => {
  let index: IndexServer
  let work: string
  beforeAll(async () => {
    index = await startIndexServer({ tokens: [TOKEN], checkArchives: true })
    work = await mkdtemp(path.join(tmpdir(), 'e2e-'))
  })
  afterAll(async () => {
    await index.close()
    await rm(work, { recursive: true, force: true })
  })

  it('publishes a download-artifact tree of real wheels and sdists, byte for byte', async () => {
    const dir = path.join(work, 'artifacts')
    for (const p of publishable) {
      await cp(path.join(FIXTURE_DISTS_DIR, p.dir), path.join(dir, `${p.dir}-artifact`, p.dir), {
        recursive: true
      })
    }
    await writeFile(path.join(dir, 'SHA256SUMS'), 'not a distribution\n')
    const run = await runAction(
      { password: TOKEN, 'repository-url': index.url, 'packages-dir': dir },
      { runnerDefaults: false }
    )
    expect(run.stderr).toBe('')
    expect(run.exitCode).toBe(0)

    const expected = publishable.flatMap(p => fixtureFilenames(p)).sort()
    const stored = index.files()
    expect(stored.map(f => f.filename).sort()).toEqual(expected)
    for (const file of stored) {
      const local = await readFile(
        path.join(
          FIXTURE_DISTS_DIR,
          publishable.find(p => fixtureFilenames(p).includes(file.filename))!.dir,
          file.filename
        )
      )
      expect(await readFile(file.path)).toEqual(local)
    }

    const uploaded = JSON.parse(run.outputs.uploaded) as Array<{
      filename: string
      sha256: string
      size: number
    }>
    expect(uploaded.map(u => u.filename).sort()).toEqual(expected)
    for (const u of uploaded) {
      const s = stored.find(f => f.filename === u.filename)!
      expect(u.sha256).toBe(s.sha256)
      expect(u.size).toBe(s.size)
    }
    expect(JSON.parse(run.outputs.skipped)).toEqual([])
    expect(run.outputs['project-name'].split(',').sort()).toEqual(
      [...new Set(publishable.map(p => p.metadataName.wheel))].sort()
    )
    // The index once, in the heading; short digests in the table, full ones below.
    expect(run.summary).toContain(`✅ Published 7 files to <code>${index.url}</code>`)
    expect(run.summary.split(new URL(index.url).host)).toHaveLength(3) // heading + read-back line
    expect(run.summary).toContain(
      '<tr><th>File</th><th>Size</th><th>sha256</th><th>Result</th></tr>'
    )
    for (const file of stored) {
      expect(run.summary).toContain(`<code>${file.sha256.slice(0, 12)}</code>`)
      expect(run.summary).toContain(`${file.sha256}  ${file.filename}`)
    }
    // Read back from the index: every file listed with its sha256.
    expect(run.summary.match(/✅ uploaded · verified/g)).toHaveLength(7)
    expect((JSON.parse(run.outputs.verified) as unknown[]).length).toBe(7)
    for (const name of expected) expect(run.summary).toContain(name)
  })

  it('sends every metadata field of the file, faithful to its METADATA', async () => {
    // Python's own parser reads METADATA; every header must arrive as the form field PyPI expects.
    const hatch = publishable.find(p => p.dir === 'hatch-sample')!
    const wheel = hatch.wheels[0]
    const headers = JSON.parse(
      execFileSync('/usr/bin/python3', [
        '-c',
        `import zipfile, email, json, sys
z = zipfile.ZipFile(sys.argv[1])
m = email.message_from_bytes(z.read([n for n in z.namelist() if n.endswith('.dist-info/METADATA')][0]))
print(json.dumps({"headers": [[k, v] for k, v in m.items()], "body": m.get_payload()}))`,
        path.join(FIXTURE_DISTS_DIR, hatch.dir, wheel)
      ]).toString()
    ) as { headers: Array<[string, string]>; body: string }
    const request = index.requests.find(r => r.file?.filename === wheel && r.status === 200)!
    const sent = request.fields
    const special: Record<string, string> = {
      classifier: 'classifiers',
      'project-url': 'project_urls',
      'home-page': 'home_page'
    }
    for (const [name, value] of headers.headers) {
      const field = special[name.toLowerCase()] ?? name.toLowerCase().replace(/-/g, '_')
      const values = sent.filter(([n]) => n === field).map(([, v]) => v)
      expect(values).toContain(field === 'project_urls' ? value.replace(/,\s*/, ', ') : value)
    }
    expect(sent.find(([n]) => n === 'description')?.[1]).toBe(headers.body)
    expect(sent).toEqual(
      expect.arrayContaining([
        [':action', 'file_upload'],
        ['protocol_version', '1']
      ])
    )
    expect(request.headers['user-agent']).toMatch(/^pypi-publish\/\d+\.\d+\.\d+/)
    expect(request.headers['content-length']).toBeDefined()
  })

  it('refuses bad files before any upload, naming each file and the fix', async () => {
    const dir = path.join(work, 'bad')
    await mkdir(dir, { recursive: true })
    await cp(path.join(FIXTURE_DISTS_DIR, 'setuptools-sample'), dir, { recursive: true })
    makePlainWheel(dir, 'good-pkg', '1.0.0')
    makePlainWheel(dir, 'local-pkg', '1.0.0+abc')
    // PyPI's policies stop a run to PyPI (as a dry run: nothing may leave loopback).
    const run = await runAction({
      password: 'pypi-AgEIcHlwaS5vcmcCAQA-e2e',
      'repository-url': 'https://upload.pypi.org/legacy/',
      // The dry run reads the index as the real run would: here, the local one.
      'index-url': index.simpleUrl,
      'packages-dir': dir,
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).not.toMatch(/Dry run: would upload/)
    expect(run.stdout).toMatch(
      /::error title=[^,]*,file=.*Sample\.Setup_Tools-1\.2\.3\.tar\.gz::.*should be 'sample_setup_tools-1\.2\.3\.tar\.gz'/
    )
    expect(run.stdout).toMatch(
      /::error title=[^,]*,file=.*Sample\.Setup_Tools-1\.2\.3-py3-none-any\.whl::.*normalized project name/
    )
    expect(run.stdout).toMatch(
      /::error title=[^,]*,file=.*local_pkg-1\.0\.0\+abc-py3-none-any\.whl::.*local version/
    )
    expect(run.stdout).toMatch(/nothing was uploaded/)
    expect(run.summary).toContain('nothing was uploaded')
    // Later steps that read the outputs as JSON (`if: always()`) get empty lists, not ''.
    expect(JSON.parse(run.outputs.uploaded)).toEqual([])
    expect(JSON.parse(run.outputs.verified)).toEqual([])
    expect(JSON.parse(run.outputs.projects)).toEqual([])
  })

  it("refuses before any upload a wheel PyPI refuses for its zip framing, in PyPI's words", async () => {
    const dir = path.join(work, 'framing')
    await mkdir(dir, { recursive: true })
    makePlainWheel(dir, 'aaa-good', '1.0.0')
    const streamed = makePlainWheel(dir, 'zzz-streamed', '1.0.0')
    // Sizes deferred to data descriptors, as streaming zip writers do: pip reads it, PyPI won't.
    await writeFile(streamed, setZipFlags(await readFile(streamed), 0x08))
    const words = 'ZIP archive not accepted: ZIP contains a data descriptor'

    // PyPI's archive rules stop a run to PyPI (as a dry run: nothing may leave loopback).
    const run = await runAction({
      password: 'pypi-AgEIcHlwaS5vcmcCAQA-e2e',
      'repository-url': 'https://upload.pypi.org/legacy/',
      // The dry run reads the index as the real run would: here, the local one.
      'index-url': index.simpleUrl,
      'packages-dir': dir,
      'dry-run': 'true'
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(
      new RegExp(`::error title=[^,]*,file=.*zzz_streamed-1\\.0\\.0-py3-none-any\\.whl::.*${words}`)
    )
    expect(run.stdout).toMatch(/nothing was uploaded/)

    // The same files sent to an index that is not PyPI, checks on: PyPI's archive rules are
    // warnings there, the index takes the first, then refuses the second with those words,
    // leaving a half-published upload behind: what the checks prevent on PyPI.
    const elsewhere = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir
    })
    expect(elsewhere.exitCode).toBe(1)
    expect(elsewhere.stdout).toMatch(
      new RegExp(
        `::warning title=[^,]*,file=.*zzz_streamed-1\\.0\\.0-py3-none-any\\.whl::.*${words}`
      )
    )
    expect(index.files().map(f => f.filename)).toContain('aaa_good-1.0.0-py3-none-any.whl')
    expect(index.files().map(f => f.filename)).not.toContain('zzz_streamed-1.0.0-py3-none-any.whl')
  })

  it("warns about PyPI's policies for another index and lets that index decide", async () => {
    const dir = path.join(work, 'local-version-elsewhere')
    await mkdir(dir, { recursive: true })
    makeWheel(dir, {
      filename: 'elsewhere_pkg-1.0.0+abc-py3-none-any.whl',
      metadata: metadataText({
        'Metadata-Version': '2.1',
        Name: 'elsewhere-pkg',
        Version: '1.0.0+abc'
      })
    })
    const before = index.requests.length
    const run = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir
    })
    expect(run.stdout).toMatch(
      /::warning title=[^,]*,file=.*elsewhere_pkg-1\.0\.0\+abc-py3-none-any\.whl::The use of local versions in '1\.0\.0\+abc' is not allowed\..*PyPI and TestPyPI refuse this; other indexes decide for themselves/
    )
    // The file went to the index, and its answer (this one follows PyPI) is what stops the run.
    expect(index.requests.length).toBeGreaterThan(before)
    expect(run.exitCode).toBe(1)
    expect(run.stdout).not.toMatch(/problem\(s\) found; nothing was uploaded/)
  })

  it('follows a same-host redirect once, then uploads straight to the new URL', async () => {
    const dir = path.join(work, 'redirect')
    // A project of its own: files already on the index would not be sent again.
    for (const tag of ['py2', 'py3'])
      makeWheel(dir, {
        filename: `redirect_pkg-1.0.0-${tag}-none-any.whl`,
        metadata: metadataText({
          'Metadata-Version': '2.1',
          Name: 'redirect-pkg',
          Version: '1.0.0'
        }),
        // Two files with the same bytes would be refused.
        extraFiles: { 'redirect_pkg/tag.txt': tag }
      })
    const before = index.requests.length
    const run = await runAction({
      password: TOKEN,
      'repository-url': index.url.replace(/\/$/, ''),
      'packages-dir': dir,
      'skip-existing': 'true'
    })
    expect(run.exitCode).toBe(0)
    expect(run.stdout.match(/redirected to/g)).toHaveLength(1)
    // One 308 for the first file; the second file goes to /legacy/ directly.
    const posts = index.requests.slice(before)
    expect(posts.filter(r => r.status === 308)).toHaveLength(1)
    expect(posts.filter(r => r.path === '/legacy/')).toHaveLength(2)
  })

  it('follows no redirect to another origin: the token and the simple-page reads stay on the URL given', async () => {
    const dir = path.join(work, 'cross-origin')
    makePlainWheel(dir, 'cross-origin-pkg', '1.0.0')
    const listen = async (handler: Parameters<typeof createHttpServer>[1]) => {
      const server = createHttpServer(handler)
      await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
      return { server, port: (server.address() as AddressInfo).port }
    }
    // Whatever reaches the other origin is recorded; nothing should.
    const reachedElsewhere: string[] = []
    const elsewhere = await listen((req, res) => {
      reachedElsewhere.push(`${req.method} ${req.url}`)
      req.resume()
      res.writeHead(200, { 'Content-Type': 'application/vnd.pypi.simple.v1+json' }).end('{}')
    })
    // Another origin: `localhost` and another port.
    const target = `http://localhost:${elsewhere.port}`
    const seen: string[] = []
    const front = await listen((req, res) => {
      seen.push(`${req.method} ${req.url}`)
      req.resume()
      res.writeHead(307, { Location: `${target}${req.url}` }).end()
    })
    const frontOrigin = `http://127.0.0.1:${front.port}`
    try {
      const run = await runAction({
        password: TOKEN,
        'repository-url': `${frontOrigin}/legacy/`,
        'index-url': `${frontOrigin}/simple/`,
        'packages-dir': dir
      })
      expect(run.exitCode).toBe(1)
      expect(run.stdout).toContain(`the index redirected the upload to ${target}/legacy/`)
      expect(run.stdout).toContain('Credentials are not sent to another host')
      // The front got the page reads and the upload; the other origin got nothing at all.
      expect(seen).toContain('GET /simple/cross-origin-pkg/')
      expect(seen).toContain('POST /legacy/')
      expect(reachedElsewhere).toEqual([])
    } finally {
      for (const { server } of [front, elsewhere]) {
        await new Promise(resolve => server.close(resolve))
      }
    }
  })

  it('goes through the proxy HTTP_PROXY names: the bundle loads its CONNECT tunnel on demand', async () => {
    const dir = path.join(work, 'proxied')
    makePlainWheel(dir, 'proxied-pkg', '1.0.0')
    const indexPort = Number(new URL(index.origin).port)
    const tunnels: string[] = []
    // The request lines that crossed the tunnels: a kept-alive tunnel carries several requests.
    const proxied: string[] = []
    const proxy = createHttpServer((_req, res) => res.writeHead(400).end())
    proxy.on('connect', (req: IncomingMessage, socket: Socket) => {
      tunnels.push(req.url ?? '')
      socket.on('data', (chunk: Buffer) => {
        for (const line of chunk
          .toString('latin1')
          .matchAll(/(?:^|\r\n)(GET|POST) (\S+) HTTP\/1\.1\r\n/g))
          proxied.push(`${line[1]} ${line[2]}`)
      })
      // The index's host name does not resolve: every tunnel ends at the local index.
      const upstream = connect(indexPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>(resolve => proxy.listen(0, '127.0.0.1', resolve))
    try {
      const proxyPort = (proxy.address() as AddressInfo).port
      const origin = `http://index.example.test:${indexPort}`
      const run = await runAction(
        {
          password: TOKEN,
          'repository-url': `${origin}/legacy/`,
          'index-url': `${origin}/simple/`,
          'packages-dir': dir
        },
        { env: { HTTP_PROXY: `http://127.0.0.1:${proxyPort}` } }
      )
      expect(run.stderr).toBe('')
      expect(run.exitCode).toBe(0)
      expect(JSON.parse(run.outputs.verified)).toHaveLength(1)
      expect(index.files().map(f => f.filename)).toContain('proxied_pkg-1.0.0-py3-none-any.whl')
      // The read-ahead, the upload and the read-back all went through the proxy.
      expect(proxied.filter(r => r.startsWith('GET /simple/')).length).toBeGreaterThanOrEqual(2)
      expect(proxied.filter(r => r === 'POST /legacy/')).toHaveLength(1)
      expect(tunnels.length).toBeGreaterThanOrEqual(1)
      expect(new Set(tunnels)).toEqual(new Set([`index.example.test:${indexPort}`]))
    } finally {
      proxy.closeAllConnections()
      await new Promise(resolve => proxy.close(resolve))
    }
  })

  it('publishes over HTTPS to an index whose CA the runner trusts, and refuses one it does not trust', async () => {
    const dir = path.join(work, 'tls')
    makePlainWheel(dir, 'tls-pkg', '1.0.0')
    // A TLS terminator (certificate for 127.0.0.1, made with openssl) in front of the index.
    const link = await startWanLink(
      { host: '127.0.0.1', port: Number(new URL(index.origin).port) },
      { rttMs: 0, bitsPerSecond: 10e9, dir: await mkdtemp(path.join(work, 'cert-')) }
    )
    try {
      const inputs = {
        password: TOKEN,
        'repository-url': `${link.origin}/legacy/`,
        'index-url': `${link.origin}/simple/`,
        'packages-dir': dir
      }
      const untrusted = await runAction(inputs)
      expect(untrusted.exitCode).toBe(1)
      expect(untrusted.stdout).toContain('certificate')
      expect(index.files().map(f => f.filename)).not.toContain('tls_pkg-1.0.0-py3-none-any.whl')

      const trusted = await runAction(inputs, { env: { NODE_EXTRA_CA_CERTS: link.certFile } })
      expect(trusted.stderr).toBe('')
      expect(trusted.exitCode).toBe(0)
      expect(JSON.parse(trusted.outputs.verified)).toHaveLength(1)
      expect(index.files().map(f => f.filename)).toContain('tls_pkg-1.0.0-py3-none-any.whl')
    } finally {
      await link.close()
    }
  })

  it('fails cleanly outside the runner (no job summary file), with no stack trace', async () => {
    const missing = path.join(work, 'no-such-dir')
    const run = await runAction(
      { password: TOKEN, 'repository-url': index.url, 'packages-dir': missing },
      { runnerDefaults: false, noSummaryFile: true }
    )
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/::error title=[^,]*,file=.*no-such-dir::The packages directory/)
    expect(run.stderr).toBe('')
  })

  it('writes no job summary with summary: false, on success and on a refused input alike', async () => {
    const dir = path.join(work, 'quiet')
    makePlainWheel(dir, 'quiet-pkg', '1.0.0')
    const inputs = { password: TOKEN, 'repository-url': index.url, 'packages-dir': dir }
    const published = await runAction({ ...inputs, summary: 'false' })
    expect(published.exitCode).toBe(0)
    expect(published.summary).toBe('')
    expect(JSON.parse(published.outputs.verified)).toHaveLength(1)
    expect(published.stdout).toContain('quiet_pkg-1.0.0-py3-none-any.whl')

    const refused = await runAction({ ...inputs, summary: 'false', concurrency: 'many' })
    expect(refused.exitCode).toBe(1)
    expect(refused.summary).toBe('')
    expect(refused.stdout).toContain("The input 'concurrency' must be a whole number")
    // The default still writes one.
    const summarised = await runAction({ ...inputs, concurrency: 'many' })
    expect(summarised.summary).toContain("The input 'concurrency' must be a whole number")
  })

  it('links the release page the index holds files of, from release-url-pattern', async () => {
    const dir = path.join(work, 'linked')
    makePlainWheel(dir, 'Linked.Pkg', '2.0.0')
    const pattern = `${new URL(index.url).origin}/project/{name}/{version}/`
    const inputs = { password: TOKEN, 'repository-url': index.url, 'packages-dir': dir }
    const dry = await runAction({ ...inputs, 'release-url-pattern': pattern, 'dry-run': 'true' })
    expect(dry.exitCode).toBe(0)
    expect(dry.outputs['release-url']).toBe('')
    expect(dry.summary).not.toContain('Release page')

    const run = await runAction({ ...inputs, 'release-url-pattern': pattern })
    expect(run.exitCode).toBe(0)
    const page = `${new URL(index.url).origin}/project/linked-pkg/2.0.0/`
    expect(run.outputs['release-url']).toBe(page)
    expect(run.summary).toContain(`Release page: <a href="${page}">${page}</a>`)

    const refused = await runAction({ ...inputs, 'release-url-pattern': 'ftp://x/{name}' })
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toContain("The input 'release-url-pattern' must be an http(s) URL")
    // An index other than PyPI's without a pattern: no link is made up.
    const plain = await runAction(inputs)
    expect(plain.outputs['release-url']).toBe('')
  })

  it("runs no pip next to the credentials: the runner's readme_renderer, with a notice saying so", async () => {
    // Every Python the action starts goes through this wrapper, which writes down its arguments.
    const bin = path.join(work, 'python-log')
    const calls = path.join(bin, 'calls.txt')
    await mkdir(bin, { recursive: true })
    for (const name of ['python3', 'python']) {
      await writeFile(
        path.join(bin, name),
        `#!/bin/sh\necho "$*" >> '${calls}'\nexec /usr/bin/python3 "$@"\n`,
        { mode: 0o755 }
      )
    }
    const dir = path.join(work, 'described')
    makeWheel(dir, {
      filename: 'described_pkg-1.0.0-py3-none-any.whl',
      metadata: metadataText(
        {
          'Metadata-Version': '2.1',
          Name: 'described-pkg',
          Version: '1.0.0',
          'Description-Content-Type': 'text/x-rst'
        },
        'Described\n=========\n\nA project.\n'
      )
    })
    const run = await runAction(
      { password: TOKEN, 'repository-url': index.url, 'packages-dir': dir },
      { env: { PATH: `${bin}:/usr/bin:${process.env.PATH}` } }
    )
    expect(run.exitCode).toBe(0)
    const started = (await readFile(calls, 'utf8')).trim().split('\n')
    expect(started.length).toBeGreaterThan(0) // the description check ran through the wrapper
    expect(started.filter(args => /(^|\s)-m pip\b|\bpip install\b/.test(args))).toEqual([])
    expect(run.stdout).toMatch(
      /::notice title=pypi-publish::Descriptions rendered with .* not with PyPI's readme_renderer 45\.0, docutils 0\.23, Pygments 2\.20\.0: no other versions are installed, since an unpinned install next to the job's credentials is not safe/
    )
  })

  it('explains a refused token and never prints it', async () => {
    const dir = path.join(work, 'one')
    makePlainWheel(dir, 'refused-pkg', '1.0.0')
    const wrong = 'pypi-wrong-token-0123456789abcdef'
    const run = await runAction({
      password: wrong,
      'repository-url': index.url,
      'packages-dir': dir
    })
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/HTTP 403: Invalid or non-existent authentication information/)
    expect(run.stdout).toMatch(/__token__/)
    expect(run.stdout).toMatch(/No file was uploaded/)
    for (const text of [run.stdout, run.stderr, run.summary, JSON.stringify(run.outputs)]) {
      expect(text).not.toContain(wrong)
      expect(text).not.toContain(Buffer.from(`__token__:${wrong}`).toString('base64'))
    }

    // Inside GitHub's runner the secret is registered for masking, in lines the runner consumes.
    const inRunner = await runAction(
      { password: wrong, 'repository-url': index.url, 'packages-dir': dir },
      { env: { GITHUB_ACTIONS: 'true' } }
    )
    const shown = inRunner.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(inRunner.stdout).toContain(`::add-mask::${wrong}`)
    expect(shown).not.toContain(wrong)
    expect(shown).toMatch(/HTTP 403/)
  })

  it('skips files that exist with skip-existing, and fails without it', async () => {
    const dir = path.join(work, 'again')
    await cp(path.join(FIXTURE_DISTS_DIR, 'flit-sample'), dir, { recursive: true })
    // Same name, different bytes: PyPI's "File already exists".
    const wheel = path.join(dir, 'flit_sample-3.1.0-py3-none-any.whl')
    const sdistOnly = path.join(work, 'again-sdist')
    await mkdir(sdistOnly)
    const first = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir
    })
    expect(first.exitCode).toBe(0)
    await rm(wheel)
    makePlainWheel(dir, 'flit_sample', '3.1.0')
    const before = index.requests.length
    const failing = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir
    })
    expect(failing.exitCode).toBe(1)
    // Refused before anything is sent: PyPI would refuse it anyway, after the files before it.
    expect(index.requests.length).toBe(before)
    expect(failing.stdout).toMatch(
      /::error title=[^,]*,file=.*flit_sample-3\.1\.0-py3-none-any\.whl::.*different file under this name/
    )
    expect(failing.stdout).toMatch(/never allows a file to be replaced/)
    expect(failing.stdout).toMatch(/bump the version/)
    expect(failing.stdout).toMatch(/skip-existing/)

    const skipping = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': dir,
      'skip-existing': 'true'
    })
    expect(skipping.exitCode).toBe(0)
    expect(index.requests.length).toBe(before)
    const skipped = JSON.parse(skipping.outputs.skipped) as Array<{ filename: string }>
    expect(skipped.map(s => s.filename).sort()).toEqual([
      'flit_sample-3.1.0-py3-none-any.whl',
      'flit_sample-3.1.0.tar.gz'
    ])
    expect(skipping.stdout).toMatch(/::warning.*DIFFERENT content/)
    // Only the sdist is on the index as built here.
    const verified = JSON.parse(skipping.outputs.verified) as Array<{ filename: string }>
    expect(verified.map(v => v.filename)).toEqual(['flit_sample-3.1.0.tar.gz'])
    expect(skipping.stdout).toMatch(/All 1 file\(s\) are on the index/)
  })
})
