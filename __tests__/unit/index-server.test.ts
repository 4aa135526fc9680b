/**
 * The local index server, exercised over real HTTP on 127.0.0.1 with multipart bodies built here
 * (and, at the end, by Debian's twine): every PyPI rule it imitates, its read APIs and its faults.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { blake2b } from 'hash-wasm'
import {
  DEFAULT_TOKEN,
  FLAVORS,
  canonicalVersion,
  compareVersions,
  normalizeName,
  normalizeVersion,
  parseVersion,
  startIndexServer,
  type IndexServer,
  type IndexServerOptions
} from '../support/index-server.js'
import { pythonJson } from '../support/index-server/http-pages.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { itWhen } from '../support/required.js'

const run = promisify(execFile)

const TOKEN_AUTH = basic('__token__', DEFAULT_TOKEN)
const WHEEL = 'sample_pkg-1.0.0-py3-none-any.whl'
const SDIST = 'sample_pkg-1.0.0.tar.gz'
const META_URL =
  'See https://packaging.python.org/specifications/core-metadata for more information.'

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
}

interface UploadSpec {
  filename?: string
  /** Default: bytes derived from the filename, so different files never share content. */
  content?: string | Uint8Array
  /** Overrides of the default form fields; `undefined` drops a field, an array repeats it. */
  fields?: Record<string, string | string[] | undefined>
  /** The content part's type; default application/octet-stream. */
  contentType?: string
  /** Send no `content` part at all. */
  noFile?: boolean
  /** Authorization header; null sends none. */
  auth?: string | null
  accept?: string
  path?: string
}

interface Answer {
  status: number
  statusText: string
  headers: Headers
  body: string
}

async function digests(
  content: Uint8Array
): Promise<{ sha256: string; md5: string; blake2: string }> {
  return {
    sha256: createHash('sha256').update(content).digest('hex'),
    md5: createHash('md5').update(content).digest('hex'),
    blake2: await blake2b(content, 256)
  }
}

function bytesOf(spec: UploadSpec, filename: string): Uint8Array {
  const content = spec.content ?? `contents of ${filename}`
  return typeof content === 'string' ? new TextEncoder().encode(content) : content
}

async function buildForm(spec: UploadSpec): Promise<FormData> {
  const filename = spec.filename ?? WHEEL
  const content = bytesOf(spec, filename)
  const d = await digests(content)
  const defaults: Record<string, string | string[] | undefined> = {
    ':action': 'file_upload',
    protocol_version: '1',
    metadata_version: '2.1',
    name: 'sample-pkg',
    version: '1.0.0',
    summary: 'A sample package',
    filetype: filename.endsWith('.whl') ? 'bdist_wheel' : 'sdist',
    pyversion: filename.endsWith('.whl') ? 'py3' : 'source',
    md5_digest: d.md5,
    sha256_digest: d.sha256,
    blake2_256_digest: d.blake2
  }
  const form = new FormData()
  for (const [name, value] of Object.entries({ ...defaults, ...spec.fields })) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) form.append(name, v)
  }
  if (!spec.noFile) {
    const blob = new Blob([content as Uint8Array<ArrayBuffer>], {
      type: spec.contentType ?? 'application/octet-stream'
    })
    form.append('content', blob, filename)
  }
  return form
}

async function upload(server: IndexServer, spec: UploadSpec = {}): Promise<Answer> {
  const headers: Record<string, string> = {}
  const auth = spec.auth === undefined ? TOKEN_AUTH : spec.auth
  if (auth !== null) headers.authorization = auth
  if (spec.accept) headers.accept = spec.accept
  const response = await fetch(server.origin + (spec.path ?? '/legacy/'), {
    method: 'POST',
    body: await buildForm(spec),
    headers,
    redirect: 'manual'
  })
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: await response.text()
  }
}

/** The index's message, from the JSON body Warehouse sends to `Accept: application/json`. */
async function uploadMessage(
  server: IndexServer,
  spec: UploadSpec = {}
): Promise<{ status: number; message: string }> {
  const answer = await upload(server, { accept: 'application/json', ...spec })
  const code = (JSON.parse(answer.body) as { code: string }).code
  expect(code.startsWith(`${answer.status} `)).toBe(true)
  return { status: answer.status, message: code.slice(4) }
}

async function get(
  server: IndexServer,
  path: string,
  headers: Record<string, string> = {}
): Promise<Answer> {
  const response = await fetch(server.origin + path, { headers, redirect: 'manual' })
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: await response.text()
  }
}

describe('index server', () => {
  let server: IndexServer
  const extra: IndexServer[] = []

  async function fresh(options: IndexServerOptions = {}): Promise<IndexServer> {
    const s = await startIndexServer(options)
    extra.push(s)
    return s
  }

  beforeAll(async () => {
    server = await startIndexServer()
  })
  afterAll(async () => {
    await server.close()
  })
  afterEach(async () => {
    await Promise.all(extra.splice(0).map(s => s.close()))
  })

  describe('a successful upload', () => {
    it('answers 200 and stores the bytes with their digests, name and version normalized', async () => {
      const s = await fresh()
      const content = new TextEncoder().encode('the wheel bytes')
      const answer = await upload(s, {
        filename: 'sample_pkg-1.0rc1-py3-none-any.whl',
        content,
        fields: { name: 'Sample.Pkg', version: '1.0-RC1' }
      })
      expect(answer.status).toBe(200)
      expect(answer.statusText).toBe('OK')
      expect(answer.body).toContain('<title>200 OK</title>')

      const [stored] = s.files()
      const d = await digests(content)
      expect(stored).toMatchObject({
        project: 'sample-pkg',
        version: '1.0rc1',
        filename: 'sample_pkg-1.0rc1-py3-none-any.whl',
        size: content.length,
        sha256: d.sha256,
        md5: d.md5,
        blake2_256: d.blake2,
        packagetype: 'bdist_wheel',
        pythonVersion: 'py3'
      })
      expect(new Uint8Array(await readFile(stored.path))).toEqual(content)
      expect(stored.fields.slice(0, 4)).toEqual([
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ['metadata_version', '2.1'],
        ['name', 'Sample.Pkg']
      ])
    })

    it('answers JSON like Pyramid when asked for it', async () => {
      const s = await fresh()
      const answer = await upload(s, { accept: 'application/json' })
      expect(answer.status).toBe(200)
      expect(answer.headers.get('content-type')).toBe('application/json')
      expect(JSON.parse(answer.body)).toEqual({
        message: '\n\n\n\n\n',
        code: '200 OK',
        title: 'OK'
      })
    })

    it('records each upload request: headers, fields, file, status and message', async () => {
      const s = await fresh()
      await upload(s)
      await upload(s, { auth: null })
      expect(s.requests).toHaveLength(2)
      const [ok, refused] = s.requests
      expect(ok).toMatchObject({ method: 'POST', path: '/legacy/', status: 200, message: '' })
      expect(ok.headers.authorization).toBe(TOKEN_AUTH)
      expect(ok.fields).toContainEqual(['name', 'sample-pkg'])
      expect(ok.file).toMatchObject({ filename: WHEEL, contentType: 'application/octet-stream' })
      expect(ok.file?.sha256).toBe((await digests(bytesOf({}, WHEEL))).sha256)
      expect(refused.status).toBe(403)
      expect(refused.message).toMatch(/^Invalid or non-existent authentication information/)
    })

    it('accepts an md5 digest alone, as PyPI still does for old clients', async () => {
      const s = await fresh()
      const answer = await upload(s, {
        fields: { sha256_digest: undefined, blake2_256_digest: undefined }
      })
      expect(answer.status).toBe(200)
      expect(s.files()).toHaveLength(1)
    })

    it('treats "UNKNOWN" values and empty strings as absent', async () => {
      const s = await fresh()
      const answer = await upload(s, {
        fields: { license: 'UNKNOWN', license_expression: 'MIT', summary: '' }
      })
      // With License dropped, License-Expression alone is fine, except that 2.1 predates it.
      expect(answer.statusText).toBe(
        `license-expression introduced in metadata version 2.4, not 2.1. ${META_URL}`
      )
    })
  })

  describe('the PyPI trap and routing', () => {
    it('answers 200 with an HTML page and stores nothing when :action is missing', async () => {
      const s = await fresh()
      const answer = await upload(s, { fields: { ':action': undefined } })
      expect(answer.status).toBe(200)
      expect(answer.body).toContain('This URL is an API endpoint for uploading files to PyPI.')
      expect(s.files()).toEqual([])
    })

    it('falls through to the same page for an unknown :action, even without credentials', async () => {
      const s = await fresh()
      const answer = await upload(s, { fields: { ':action': 'upload' }, auth: null })
      expect(answer.status).toBe(200)
      expect(answer.body).toContain('API endpoint')
      expect(s.files()).toEqual([])
    })

    it('takes :action from the query string too', async () => {
      const s = await fresh()
      const answer = await upload(s, {
        fields: { ':action': undefined },
        path: '/legacy/?:action=file_upload'
      })
      expect(answer.status).toBe(200)
      expect(s.files()).toHaveLength(1)
    })

    it('answers 410 to the retired submit and doc_upload actions', async () => {
      const s = await fresh()
      expect((await upload(s, { fields: { ':action': 'submit' } })).statusText).toBe(
        'Project pre-registration is no longer required or supported, upload your files instead.'
      )
      const docs = await upload(s, { fields: { ':action': 'doc_upload' } })
      expect(docs.status).toBe(410)
      expect(docs.statusText).toMatch(/^Uploading documentation is no longer supported/)
    })

    it('redirects /legacy to /legacy/ with 308', async () => {
      const s = await fresh()
      const answer = await upload(s, { path: '/legacy' })
      expect(answer.status).toBe(308)
      expect(answer.headers.get('location')).toBe('/legacy/')
      expect(answer.statusText).toBe(
        'An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)'
      )
      expect(s.files()).toEqual([])
      expect(s.requests[0]).toMatchObject({ path: '/legacy', status: 308 })
    })

    it.each(['/', '/simple/', '/simple/sample-pkg/'])(
      'answers 405 to an upload POSTed to %s',
      async path => {
        const s = await fresh()
        const answer = await upload(s, { path })
        expect(answer.status).toBe(405)
        expect(answer.statusText).toBe('Method Not Allowed')
        expect(answer.body).toContain('The method POST is not allowed for this resource.')
        expect(s.files()).toEqual([])
      }
    )

    it('serves the upload page on GET /legacy/ and 404 elsewhere', async () => {
      expect((await get(server, '/legacy/')).body).toContain('API endpoint')
      expect((await get(server, '/nowhere')).status).toBe(404)
    })
  })

  describe('credentials', () => {
    it('refuses a missing Authorization header with 403, as PyPI does', async () => {
      const answer = await upload(server, { auth: null })
      expect(answer.status).toBe(403)
      expect(answer.statusText).toBe(
        'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.'
      )
      expect(answer.body).toContain(
        '<title>403 Invalid or non-existent authentication information.'
      )
    })

    it('refuses a username other than __token__', async () => {
      const answer = await upload(server, { auth: basic('alice', DEFAULT_TOKEN) })
      expect(answer.status).toBe(403)
      expect(answer.statusText).toBe(
        'Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted Publishers ' +
          'instead. See https://pypi.org/help/#apitoken and https://pypi.org/help/#trusted-publishers'
      )
    })

    it('refuses an unknown token', async () => {
      const answer = await upload(server, { auth: basic('__token__', 'pypi-wrong') })
      expect(answer.status).toBe(403)
      expect(answer.statusText).toMatch(/^Invalid or non-existent authentication information\./)
    })

    it("accepts PyPI's `Authorization: token <token>` form", async () => {
      const s = await fresh()
      expect((await upload(s, { auth: `token ${DEFAULT_TOKEN}` })).status).toBe(200)
    })

    it('challenges with 401 and WWW-Authenticate on self-hosted flavors, and takes any username', async () => {
      const s = await fresh({ flavor: 'pypiserver', tokens: ['secret'] })
      const missing = await upload(s, { auth: null })
      expect(missing.status).toBe(401)
      expect(missing.headers.get('www-authenticate')).toBe('Basic realm="pypiserver"')
      expect((await upload(s, { auth: basic('alice', 'wrong') })).status).toBe(401)
      expect((await upload(s, { auth: basic('alice', 'secret') })).status).toBe(200)
    })

    it('refuses an expired token, a token scoped to another project, and another user’s project', async () => {
      const s = await fresh({
        tokens: [
          DEFAULT_TOKEN,
          { token: 'pypi-expired', expiresAt: Date.now() - 1000 },
          { token: 'pypi-scoped', projects: ['other-project'] },
          { token: 'pypi-bob', user: 'bob' }
        ]
      })
      const expired = await uploadMessage(s, { auth: basic('__token__', 'pypi-expired') })
      expect(expired).toEqual({ status: 403, message: 'Invalid API Token: token is expired' })
      const scoped = await uploadMessage(s, { auth: basic('__token__', 'pypi-scoped') })
      expect(scoped).toEqual({
        status: 403,
        message: "Invalid API Token: project-scoped token is not valid for project: 'sample-pkg'"
      })
      expect((await upload(s)).status).toBe(200)
      const bob = await uploadMessage(s, {
        auth: basic('__token__', 'pypi-bob'),
        filename: 'sample_pkg-1.0.0-py2-none-any.whl',
        fields: { pyversion: 'py2' }
      })
      expect(bob).toEqual({
        status: 403,
        message:
          "The user 'bob' isn't allowed to upload to project 'sample-pkg'. See https://pypi.org/help/#project-name for more information."
      })
    })

    it('lets a trusted publisher create only its pending project, and takes tokens added later', async () => {
      const s = await fresh()
      s.addToken({ token: 'pypi-minted', trustedPublisher: true, projects: ['sample-pkg'] })
      const elsewhere = await uploadMessage(s, {
        auth: basic('__token__', 'pypi-minted'),
        filename: 'other-1.0.0-py3-none-any.whl',
        fields: { name: 'other' }
      })
      expect(elsewhere.status).toBe(400)
      expect(elsewhere.message).toMatch(/^Non-user identities cannot create new projects\./)
      expect((await upload(s, { auth: basic('__token__', 'pypi-minted') })).status).toBe(200)
    })

    it('accepts attestations only with a trusted-publishing token', async () => {
      const s = await fresh()
      s.addToken({ token: 'pypi-minted', trustedPublisher: true, projects: ['sample-pkg'] })
      const withApiToken = await uploadMessage(s, { fields: { attestations: '[{}]' } })
      expect(withApiToken).toEqual({
        status: 400,
        message:
          'Invalid attestations supplied during upload: Attestations are only supported when using Trusted Publishing'
      })
      const empty = await uploadMessage(s, {
        auth: basic('__token__', 'pypi-minted'),
        fields: { attestations: '[]' }
      })
      expect(empty.message).toBe(
        'Invalid attestations supplied during upload: Malformed attestations: an empty attestation set is not permitted'
      )
      const ok = await upload(s, {
        auth: basic('__token__', 'pypi-minted'),
        fields: { attestations: '[{}]' }
      })
      expect(ok.status).toBe(200)
      expect(s.files()[0].fields).toContainEqual(['attestations', '[{}]'])
    })
  })

  describe('form and metadata rules', () => {
    const cases: Array<[string, UploadSpec['fields'], string]> = [
      ['protocol_version other than 1', { protocol_version: '2' }, 'Unknown protocol version.'],
      [
        'an unknown metadata version',
        { metadata_version: '3.0' },
        `'3.0' is not a valid metadata version. ${META_URL}`
      ],
      [
        'metadata 2.6 (known to packaging, not to PyPI)',
        { metadata_version: '2.6' },
        `'2.6' is not a valid metadata version. ${META_URL}`
      ],
      [
        'a missing metadata version',
        { metadata_version: undefined },
        `None is not a valid metadata version. ${META_URL}`
      ],
      [
        'an invalid name',
        { name: 'foo-' },
        "'foo-' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII numeric and '.', '_' and '-'. " +
          META_URL
      ],
      [
        'a missing name',
        { name: undefined },
        `'' is an invalid value for Name. Error: This field is required. ${META_URL}`
      ],
      ['an invalid version', { version: '1.0.x' }, `'1.0.x' is invalid for 'version'. ${META_URL}`],
      ['a missing version', { version: undefined }, `'version' is a required field. ${META_URL}`],
      [
        'a local version',
        { version: '1.0.0+Local.7' },
        "The use of local versions in '1.0.0+local.7' is not allowed. See " +
          'https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers for more information.'
      ],
      [
        'License with License-Expression',
        { metadata_version: '2.4', license: 'MIT License', license_expression: 'MIT' },
        `License is deprecated when License-Expression is present. Only License-Expression should be present. ${META_URL}`
      ],
      [
        'License-Expression under metadata 2.3',
        { metadata_version: '2.3', license_expression: 'MIT' },
        `license-expression introduced in metadata version 2.4, not 2.3. ${META_URL}`
      ],
      [
        'License-File under metadata 2.1',
        { license_file: 'LICENSE' },
        `license-file introduced in metadata version 2.4, not 2.1. ${META_URL}`
      ],
      [
        'Dynamic under metadata 2.1',
        { dynamic: 'Summary' },
        `dynamic introduced in metadata version 2.2, not 2.1. ${META_URL}`
      ],
      [
        'Import-Name under metadata 2.4',
        { metadata_version: '2.4', import_name: 'sample_pkg' },
        `import-name introduced in metadata version 2.5, not 2.4. ${META_URL}`
      ],
      [
        'Import-Namespace under metadata 2.4',
        { metadata_version: '2.4', import_namespace: 'sample' },
        `import-namespace introduced in metadata version 2.5, not 2.4. ${META_URL}`
      ],
      [
        'a classifier that is not one',
        { classifiers: ['Programming Language :: Python :: 3', 'X :: Y'] },
        `'X :: Y' is not a valid classifier. ${META_URL}`
      ],
      [
        'a Private :: classifier',
        { classifiers: 'Private :: Do Not Upload' },
        `'Private :: Do Not Upload' is not a valid classifier. ${META_URL}`
      ],
      [
        'a summary given twice',
        { summary: ['one', 'two'] },
        `'summary' has invalid data. ${META_URL}`
      ],
      [
        'a multi-line summary',
        { summary: 'one\ntwo' },
        `'summary' must be a single line. ${META_URL}`
      ],
      [
        'an unknown description content type',
        { description_content_type: 'text/html' },
        `'description-content-type' must be one of ['text/plain', 'text/x-rst', 'text/markdown'], not 'text/html'. ${META_URL}`
      ],
      [
        'an unknown filetype',
        { filetype: 'bdist_egg' },
        'Invalid value for filetype. Error: Use a known file type.'
      ],
      [
        'a wheel without pyversion',
        { pyversion: undefined },
        'Invalid value for pyversion. Error: Python version is required for binary distribution uploads.'
      ],
      [
        'no digest at all',
        { md5_digest: undefined, sha256_digest: undefined, blake2_256_digest: undefined },
        'Error: Include at least one message digest.'
      ],
      [
        'a sha256 digest that is not hex',
        { sha256_digest: 'xyz' },
        'Invalid value for sha256_digest. Error: Use a valid, hex-encoded, SHA256 message digest.'
      ]
    ]
    it.each(cases)('refuses %s', async (_what, fields, message) => {
      const answer = await upload(server, { fields })
      expect(answer.status).toBe(400)
      expect(answer.statusText).toBe(message)
      expect(server.files()).toEqual([])
    })

    it('refuses an sdist whose pyversion is not "source"', async () => {
      const answer = await upload(server, { filename: SDIST, fields: { pyversion: 'py3' } })
      expect(answer.statusText).toBe(
        "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist."
      )
    })

    it('reports the metadata version before other metadata errors', async () => {
      const answer = await upload(server, {
        fields: { metadata_version: '9', version: 'nope', classifiers: 'X' }
      })
      expect(answer.statusText).toBe(`'9' is not a valid metadata version. ${META_URL}`)
    })

    it('puts the message in the HTML title and body too', async () => {
      const answer = await upload(server, { fields: { name: 'foo-' } })
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
      expect(answer.body).toContain("<title>400 'foo-' is an invalid value for Name.")
      expect(answer.body).toContain(
        'The server could not comply with the request since it is either malformed or otherwise incorrect.'
      )
      expect(answer.body).toContain('&#x27;foo-&#x27; is an invalid value for Name.')
    })

    it('answers JSON with the message in `code`, as PyPI does', async () => {
      const answer = await upload(server, {
        fields: { metadata_version: '3.0' },
        accept: 'application/json'
      })
      expect(JSON.parse(answer.body)).toEqual({
        message:
          'The server could not comply with the request since it is either malformed or otherwise incorrect.\n\n\n' +
          `'3.0' is not a valid metadata version. ${META_URL}\n\n`,
        code: `400 '3.0' is not a valid metadata version. ${META_URL}`,
        title: 'Bad Request'
      })
    })
  })

  describe('the file part', () => {
    it('requires one', async () => {
      const answer = await upload(server, { noFile: true })
      expect(answer.statusText).toBe('Upload payload does not have a file.')
    })

    it('refuses a metadata field sent as a file', async () => {
      const form = await buildForm({})
      form.append('license', new Blob(['MIT']), 'LICENSE')
      const response = await fetch(server.url, {
        method: 'POST',
        body: form,
        headers: { authorization: TOKEN_AUTH }
      })
      expect(response.status).toBe(400)
      expect(response.statusText).toBe('license: Should not be a tuple.')
    })

    it('refuses a filename with control characters (a tab here)', async () => {
      const answer = await upload(server, { filename: 'sample_pkg-1.0.0-py3-none-any\t.whl' })
      expect(answer.statusText).toBe(
        'Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.'
      )
    })

    it('refuses an image content type', async () => {
      const answer = await upload(server, { contentType: 'image/png' })
      expect(answer.status).toBe(400)
      expect(answer.statusText).toBe('Invalid distribution file.')
    })

    it('refuses content that does not match a supplied digest', async () => {
      const answer = await upload(server, { fields: { blake2_256_digest: 'ab'.repeat(32) } })
      expect(answer.statusText).toBe(
        'The digest supplied does not match a digest calculated from the uploaded file.'
      )
      expect(await readdir(join(server.storageDir, 'incoming'))).toEqual([])
    })

    it('refuses a file over the size limit, naming the project and the limit', async () => {
      const s = await fresh({ maxFileSize: 2 * 1024 * 1024 })
      const answer = await upload(s, {
        content: new Uint8Array(2 * 1024 * 1024 + 1),
        fields: { name: 'Sample_Pkg' }
      })
      expect(answer.status).toBe(400)
      expect(answer.statusText).toBe(
        "File too large. Limit for project 'Sample_Pkg' is 2 MB. See " +
          'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase for more information.'
      )
      expect(s.files()).toEqual([])
      expect(s.requests[0].file?.size).toBe(2 * 1024 * 1024 + 1)
    })

    it('streams a large file to disk with correct digests', async () => {
      const s = await fresh()
      const content = new Uint8Array(24 * 1024 * 1024).map((_, i) => (i * 7919) % 251)
      expect((await upload(s, { content })).status).toBe(200)
      const d = await digests(content)
      expect(s.files()[0]).toMatchObject({
        size: content.length,
        sha256: d.sha256,
        blake2_256: d.blake2
      })
    })
  })

  describe('filename rules', () => {
    const cases: Array<[string, UploadSpec, string]> = [
      [
        'an sdist name that is not normalized',
        { filename: 'Sample-Pkg-1.0.0.tar.gz' },
        "Filename 'Sample-Pkg-1.0.0.tar.gz' is invalid, should be 'sample_pkg-1.0.0.tar.gz'."
      ],
      [
        'a .zip sdist',
        { filename: 'sample_pkg-1.0.0.zip' },
        "Filename 'sample_pkg-1.0.0.zip' is invalid, should be 'sample_pkg-1.0.0.tar.gz'."
      ],
      [
        'an sdist version that is not normalized',
        { filename: 'sample_pkg-1.0.0.RC1.tar.gz', fields: { version: '1.0.0.RC1' } },
        "Filename 'sample_pkg-1.0.0.RC1.tar.gz' is invalid, should be 'sample_pkg-1.0.0rc1.tar.gz'."
      ],
      [
        'an sdist version with a dash',
        { filename: 'sample_pkg-1.0.0-rc1.tar.gz', fields: { version: '1.0.0-rc1' } },
        'Invalid source distribution filename: sample_pkg-1.0.0-rc1.tar.gz'
      ],
      [
        'an sdist of another project',
        { filename: 'other_pkg-1.0.0.tar.gz' },
        "Start filename for 'sample-pkg' with 'sample_pkg'."
      ],
      [
        'a wheel name that is not normalized',
        { filename: 'Sample_Pkg-1.0.0-py3-none-any.whl' },
        "Filename 'Sample_Pkg-1.0.0-py3-none-any.whl' should contain the normalized project name 'sample_pkg', not 'Sample_Pkg'."
      ],
      [
        'a wheel of another project',
        { filename: 'other_pkg-1.0.0-py3-none-any.whl' },
        "Start filename for 'sample-pkg' with 'sample_pkg'."
      ],
      [
        'a wheel of another version',
        { filename: 'sample_pkg-6.6.6-py3-none-any.whl' },
        "Version in filename should be '1.0.0' not '6.6.6'."
      ],
      [
        'a linux_x86_64 wheel',
        {
          filename: 'sample_pkg-1.0.0-cp311-cp311-linux_x86_64.whl',
          fields: { pyversion: 'cp311' }
        },
        "Binary wheel 'sample_pkg-1.0.0-cp311-cp311-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."
      ],
      [
        'a wheel filename with too few parts',
        { filename: 'sample_pkg-1.0.0-any.whl' },
        "Invalid wheel filename (wrong number of parts): 'sample_pkg-1.0.0-any'"
      ],
      [
        'an unknown extension',
        { filename: 'sample_pkg-1.0.0.exe', fields: { filetype: 'sdist', pyversion: 'source' } },
        'Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information'
      ],
      [
        'a wheel sent as an sdist',
        { filename: WHEEL, fields: { filetype: 'sdist', pyversion: 'source' } },
        'Invalid file extension: Extension .whl is invalid for filetype sdist. See https://www.python.org/dev/peps/pep-0527 for more information.'
      ],
      [
        'a path in the filename',
        { filename: `dist/${WHEEL}` },
        "Cannot upload a file with '/' or '\\' in the name."
      ]
    ]
    it.each(cases)('refuses %s', async (_what, spec, message) => {
      const answer = await upload(server, spec)
      expect(answer.status).toBe(400)
      expect(answer.statusText).toBe(message)
      expect(server.files()).toEqual([])
    })

    it("names the project as this upload spells it, PyPI's rename coming first", async () => {
      const s = await fresh()
      expect((await upload(s, { fields: { name: 'Sample_Pkg' } })).status).toBe(200)
      const answer = await upload(s, {
        filename: 'other_pkg-2.0-py3-none-any.whl',
        fields: { name: 'sample.pkg', version: '2.0' }
      })
      expect(answer.statusText).toBe("Start filename for 'sample.pkg' with 'sample_pkg'.")
    })

    it.each([
      'sample_pkg-1.0.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
      'sample_pkg-1.0.0-cp311-cp311-musllinux_1_2_aarch64.whl',
      'sample_pkg-1.0.0-cp311-cp311-macosx_11_0_arm64.whl',
      'sample_pkg-1.0.0-cp311-cp311-win_amd64.whl',
      'sample_pkg-1.0-1-py3-none-any.whl'
    ])('accepts %s', async filename => {
      const s = await fresh()
      const answer = await upload(s, {
        filename,
        fields: { pyversion: filename.split('-').at(-3) as string }
      })
      expect(answer.status).toBe(200)
      expect(s.files()[0].filename).toBe(filename)
    })
  })

  describe('files already there', () => {
    it('answers 200 to an identical re-upload and keeps one copy', async () => {
      const s = await fresh()
      expect((await upload(s)).status).toBe(200)
      expect((await upload(s)).status).toBe(200)
      expect(s.files()).toHaveLength(1)
    })

    it('refuses different bytes under a taken name, quoting their blake2_256', async () => {
      const s = await fresh()
      await upload(s)
      const content = new TextEncoder().encode('other bytes')
      const answer = await upload(s, { content })
      expect(answer.status).toBe(400)
      expect(answer.statusText).toBe(
        `File already exists ('${WHEEL}', with blake2_256 hash '${(await digests(content)).blake2}'). ` +
          'See https://pypi.org/help/#file-name-reuse for more information.'
      )
      expect(s.files()).toHaveLength(1)
    })

    it('refuses the same bytes under another name', async () => {
      const s = await fresh()
      await upload(s, { content: 'same' })
      const answer = await upload(s, {
        content: 'same',
        filename: 'sample_pkg-1.0.0-py2-none-any.whl',
        fields: { pyversion: 'py2' }
      })
      expect(answer.statusText).toMatch(
        /^File already exists \('sample_pkg-1\.0\.0-py2-none-any\.whl'/
      )
    })

    it('refuses a name once used by a deleted file', async () => {
      const s = await fresh()
      await upload(s)
      const path = s.files()[0].path
      expect(await s.deleteFile(WHEEL)).toBe(true)
      expect(existsSync(path)).toBe(false)
      expect(await s.deleteFile(WHEEL)).toBe(false)
      const answer = await upload(s)
      expect(answer.statusText).toBe(
        'This filename was previously used by a file that has since been deleted. Use a different version. ' +
          'See https://pypi.org/help/#file-name-reuse for more information.'
      )
    })

    it('refuses a second sdist for the same release (1.0 is 1.0.0)', async () => {
      const s = await fresh()
      expect(
        (await upload(s, { filename: 'sample_pkg-1.0.tar.gz', fields: { version: '1.0' } })).status
      ).toBe(200)
      const answer = await upload(s, { filename: SDIST })
      expect(answer.statusText).toBe('Only one sdist may be uploaded per release.')
    })

    it('stores one copy when the same file arrives twice at once', async () => {
      const s = await fresh()
      const answers = await Promise.all([upload(s), upload(s), upload(s)])
      expect(answers.map(a => a.status)).toEqual([200, 200, 200])
      expect(s.files()).toHaveLength(1)
    })

    const flavors: Array<[string, number, RegExp]> = [
      ['pypiserver', 409, /already exists/],
      ['nexus', 400, /Repository does not allow updating assets: pypi-hosted/],
      [
        'artifactory',
        403,
        /Not enough permissions to overwrite artifact 'pypi-local:sample-pkg\/1\.0\.0\/sample_pkg/
      ],
      ['gitlab', 400, /Validation failed: File name has already been taken/],
      ['gitea', 400, /package file already exists/],
      ['gcp', 400, /already exist/]
    ]
    it.each(flavors)(
      'answers a re-upload the %s way, even with identical bytes',
      async (flavor, status, text) => {
        expect(FLAVORS).toContain(flavor)
        const s = await fresh({ flavor: flavor as IndexServerOptions['flavor'] })
        expect((await upload(s)).status).toBe(200)
        const answer = await upload(s)
        expect(answer.status).toBe(status)
        expect(`${answer.statusText}\n${answer.body}`).toMatch(text)
        expect(s.requests[1].message).toMatch(text)
        expect(s.files()).toHaveLength(1)
      }
    )
  })

  describe('reading back', () => {
    let s: IndexServer
    beforeAll(async () => {
      s = await startIndexServer()
      await upload(s, {
        fields: { name: 'Sample_Pkg', requires_python: '>=3.8', classifiers: 'Typing :: Typed' }
      })
      await upload(s, { filename: SDIST, fields: { name: 'Sample_Pkg' } })
      await upload(s, {
        filename: 'sample_pkg-2.0b1-py3-none-any.whl',
        fields: { name: 'Sample_Pkg', version: '2.0b1' }
      })
      expect(s.requests.map(r => r.status)).toEqual([200, 200, 200])
    })
    afterAll(async () => {
      await s.close()
    })

    it('serves PEP 691 JSON for the simple API', async () => {
      const answer = await get(s, '/simple/sample-pkg/', {
        accept: 'application/vnd.pypi.simple.v1+json'
      })
      expect(answer.headers.get('content-type')).toBe('application/vnd.pypi.simple.v1+json')
      const page = JSON.parse(answer.body) as {
        meta: Record<string, unknown>
        name: string
        versions: string[]
        files: Array<Record<string, unknown> & { hashes: { sha256: string } }>
      }
      expect(page.meta['api-version']).toBe('1.1')
      expect(page.name).toBe('sample-pkg')
      expect(page.versions).toEqual(['1.0.0', '2.0b1'])
      const wheel = s.files()[0]
      expect(page.files[0]).toMatchObject({
        filename: WHEEL,
        url: `${s.origin}/packages/${WHEEL}`,
        hashes: { sha256: wheel.sha256 },
        size: wheel.size,
        'upload-time': wheel.uploadTime,
        'requires-python': '>=3.8'
      })
      // By release, then by filename ('-' sorts before '.').
      expect(page.files.map(f => f.filename)).toEqual([
        WHEEL,
        SDIST,
        'sample_pkg-2.0b1-py3-none-any.whl'
      ])
    })

    it('serves PEP 503 HTML with sha256 fragments, and the bytes behind the links', async () => {
      const answer = await get(s, '/simple/sample-pkg/')
      expect(answer.headers.get('content-type')).toMatch(/^text\/html/)
      const wheel = s.files()[0]
      expect(answer.body).toContain(
        `<a href="../../packages/${WHEEL}#sha256=${wheel.sha256}" data-requires-python="&gt;=3.8">${WHEEL}</a>`
      )
      const href = /href="([^"#]+)#/.exec(answer.body)?.[1] as string
      const file = await fetch(new URL(href, `${s.origin}/simple/sample-pkg/`))
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytesOf({}, WHEEL))
    })

    it('redirects other spellings to the normalized name and says 404 for unknown projects', async () => {
      const moved = await get(s, '/simple/Sample_Pkg/')
      expect(moved.status).toBe(301)
      expect(moved.headers.get('location')).toBe('/simple/sample-pkg/')
      expect((await get(s, '/simple/sample-pkg')).headers.get('location')).toBe(
        '/simple/sample-pkg/'
      )
      const missing = await get(s, '/simple/nope/')
      expect(missing.status).toBe(404)
      expect(missing.body).toBe('404 Not Found')
      expect((await get(s, '/packages/nope-1.0.tar.gz')).status).toBe(404)
    })

    it('lists projects at the root, in JSON and HTML', async () => {
      const json = await get(s, '/simple/', { accept: 'application/vnd.pypi.simple.v1+json' })
      expect((JSON.parse(json.body) as { projects: unknown[] }).projects).toEqual([
        { name: 'Sample_Pkg', '_last-serial': expect.any(Number) }
      ])
      expect((await get(s, '/simple/')).body).toContain(
        '<a href="/simple/sample-pkg/">Sample_Pkg</a>'
      )
    })

    it('serves the JSON API for the project (latest final release) and for one version', async () => {
      const project = await get(s, '/pypi/Sample_Pkg/json')
      const body = JSON.parse(project.body) as {
        info: Record<string, unknown>
        urls: Array<Record<string, unknown>>
        releases: Record<string, unknown[]>
      }
      expect(body.info).toMatchObject({
        name: 'Sample_Pkg',
        version: '1.0.0',
        summary: 'A sample package',
        requires_python: '>=3.8',
        classifiers: ['Typing :: Typed']
      })
      expect(Object.keys(body.releases)).toEqual(['1.0.0', '2.0b1'])
      const wheel = s.files()[0]
      expect(body.urls).toContainEqual(
        expect.objectContaining({
          filename: WHEEL,
          digests: { sha256: wheel.sha256, blake2b_256: wheel.blake2_256, md5: wheel.md5 },
          size: wheel.size,
          packagetype: 'bdist_wheel',
          python_version: 'py3',
          url: `${s.origin}/packages/${WHEEL}`
        })
      )
      const version = JSON.parse((await get(s, '/pypi/Sample_Pkg/2.0b1/json')).body) as typeof body
      expect(version.info.version).toBe('2.0b1')
      expect(version.urls.map(u => u.filename)).toEqual(['sample_pkg-2.0b1-py3-none-any.whl'])
      expect(version.releases).toBeUndefined()
    })

    it('redirects the JSON API to the project’s own spelling, and says 404 for unknown ones', async () => {
      const moved = await get(s, '/pypi/sample-pkg/1.0.0/json')
      expect(moved.status).toBe(301)
      expect(moved.headers.get('location')).toBe('/pypi/Sample_Pkg/1.0.0/json')
      const missing = await get(s, '/pypi/nope/json')
      expect(missing.status).toBe(404)
      expect(JSON.parse(missing.body)).toEqual({ message: 'Not Found' })
      expect((await get(s, '/pypi/Sample_Pkg/9.9/json')).status).toBe(404)
    })
  })

  describe('faults', () => {
    it('answers an injected status instead of handling the upload, one fault per request', async () => {
      const s = await fresh()
      s.injectFaults(
        { status: 503 },
        { status: 502, body: 'upstream gone', headers: { 'retry-after': '1' } }
      )
      const first = await upload(s)
      expect(first.status).toBe(503)
      expect(first.statusText).toBe('Service Unavailable')
      const second = await upload(s)
      expect(second.status).toBe(502)
      expect(second.body).toBe('upstream gone')
      expect(second.headers.get('retry-after')).toBe('1')
      expect(s.files()).toEqual([])
      expect(s.requests.map(r => r.status)).toEqual([503, 502])
      expect(await readdir(join(s.storageDir, 'incoming'))).toEqual([])
      expect((await upload(s)).status).toBe(200)
      expect(s.pendingFaults()).toBe(0)
    })

    it('applies faults to uploads only, not to reads', async () => {
      const s = await fresh()
      s.injectFaults({ status: 500 })
      expect((await get(s, '/simple/')).status).toBe(200)
      expect(s.pendingFaults()).toBe(1)
    })

    it('delays and then handles normally when the fault only has delayMs', async () => {
      const s = await fresh()
      s.injectFaults({ delayMs: 50, headers: { 'x-fault': 'delayed' } })
      const answer = await upload(s)
      expect(answer.status).toBe(200)
      expect(answer.headers.get('x-fault')).toBe('delayed')
      expect(s.files()).toHaveLength(1)
    })

    it('stores the file and then fails (an ambiguous failure)', async () => {
      const s = await fresh()
      s.injectFaults({ storeThenFail: true })
      expect((await upload(s)).status).toBe(500)
      expect(s.files()).toHaveLength(1)
      // The retry meets its own first try: identical bytes, so PyPI says 200.
      expect((await upload(s)).status).toBe(200)
      expect(s.files()).toHaveLength(1)
    })

    it('answers 200 without storing anything', async () => {
      const s = await fresh()
      s.injectFaults({ acceptWithoutStoring: true })
      expect((await upload(s)).status).toBe(200)
      expect(s.files()).toEqual([])
      expect(await readdir(join(s.storageDir, 'packages'))).toEqual([])
    })

    it('keeps normal refusals when acceptWithoutStoring meets a bad upload', async () => {
      const s = await fresh()
      s.injectFaults({ acceptWithoutStoring: true })
      expect((await upload(s, { auth: null })).status).toBe(403)
    })

    it('echoes the credentials into the error, for masking tests', async () => {
      const s = await fresh()
      s.injectFaults({ echoAuth: true })
      const answer = await upload(s, { accept: 'application/json' })
      expect(answer.status).toBe(400)
      expect(answer.body).toContain(TOKEN_AUTH)
      expect(answer.body).toContain(`password: ${DEFAULT_TOKEN}`)
      expect(answer.statusText).toContain(DEFAULT_TOKEN)
    })

    it('cuts the connection after some body bytes', async () => {
      const s = await fresh()
      s.injectFaults({ resetAfterBytes: 100 })
      await expect(upload(s, { content: new Uint8Array(1024 * 1024) })).rejects.toThrow()
      expect(s.files()).toEqual([])
      expect(s.requests[0].status).toBe(0)
      expect((await upload(s)).status).toBe(200)
    })

    it('never answers a hanging request, and close() ends it', async () => {
      const s = await startIndexServer()
      s.injectFaults({ hang: true })
      const pending = upload(s)
      const outcome = pending.then(
        () => 'answered',
        () => 'failed'
      )
      // Once the whole body has been read the server has had every chance to answer.
      await waitFor(() => s.requests[0]?.message === 'never answered (hang fault)')
      const early = await Promise.race([
        outcome,
        new Promise(resolve => setImmediate(() => resolve('pending')))
      ])
      expect(early).toBe('pending')
      await s.close()
      expect(await outcome).toBe('failed')
      expect(s.files()).toEqual([])
    })
  })

  describe('latency', () => {
    it('stores a small upload in place, then answers after the added latency', async () => {
      const s = await fresh({ latencyMs: 400 })
      let answeredAt = 0
      const answer = upload(s).then(a => {
        answeredAt = performance.now()
        return a
      })
      await waitFor(() => s.files().length === 1)
      const storedAt = performance.now()
      // Stored in place: a small upload never waits in a temp file.
      expect(await readdir(join(s.storageDir, 'incoming'))).toEqual([])
      expect(await readFile(s.files()[0].path, 'utf8')).toBe(`contents of ${WHEEL}`)
      expect((await answer).status).toBe(200)
      // The answer waits out the latency after the work (a round trip on top of it).
      expect(answeredAt - storedAt).toBeGreaterThan(200)
    })

    it('still answers uploads and reads correctly with added latency', async () => {
      const s = await fresh({ latencyMs: 20 })
      const answers = await Promise.all(
        ['py2', 'py3', 'py38'].map(py =>
          upload(s, { filename: `sample_pkg-1.0.0-${py}-none-any.whl`, fields: { pyversion: py } })
        )
      )
      expect(answers.map(a => a.status)).toEqual([200, 200, 200])
      expect((await get(s, '/simple/sample-pkg/')).body.match(/<a /g)).toHaveLength(3)
    })
  })

  describe('extra routes', () => {
    it('hands method, path and body to a handler added later', async () => {
      const s = await fresh()
      s.addRoute('POST', '/_/oidc/mint-token', (_req, res, body) => {
        const { token } = JSON.parse(body.toString()) as { token: string }
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ success: true, token: `pypi-for-${token}` }))
      })
      s.addRoute('GET', /^\/_\/oidc\/audience$/, (_req, res) => {
        res.end('{"audience":"pypi"}')
      })
      const minted = await fetch(`${s.origin}/_/oidc/mint-token`, {
        method: 'POST',
        body: '{"token":"jwt"}'
      })
      expect(await minted.json()).toEqual({ success: true, token: 'pypi-for-jwt' })
      expect(await (await fetch(`${s.origin}/_/oidc/audience`)).json()).toEqual({
        audience: 'pypi'
      })
      expect(s.requests).toEqual([])
    })
  })

  describe('archive checks (opt-in, as PyPI opens every file)', () => {
    it('refuses a .whl that is not a zip', async () => {
      const s = await fresh({ checkArchives: true })
      const answer = await upload(s)
      expect(answer.statusText).toBe('Invalid distribution file. File is not a zipfile')
    })

    it('checks a large upload from its temp file as it checks a small one in memory', async () => {
      const s = await fresh({ checkArchives: true })
      const dir = await mkdtemp(join(tmpdir(), 'index-server-wheels-'))
      try {
        const metadata = metadataText({
          'Metadata-Version': '2.1',
          Name: 'sample-pkg',
          Version: '1.0.0'
        })
        const wheel = (filename: string, payload: number): Promise<Buffer> =>
          readFile(
            makeWheel(dir, {
              filename,
              metadata,
              compression: 'store',
              extraFiles: { 'sample_pkg/blob.bin': randomBytes(payload) }
            })
          )
        const small = await wheel(WHEEL, 1024)
        const large = await wheel('sample_pkg-1.0.0-py2-none-any.whl', 6 * 1024 * 1024)
        expect((await upload(s, { content: small })).status).toBe(200)
        const answer = await upload(s, {
          filename: 'sample_pkg-1.0.0-py2-none-any.whl',
          content: large,
          fields: { pyversion: 'py2' }
        })
        expect(answer.status).toBe(200)
        const sha256 = (bytes: Uint8Array): string =>
          createHash('sha256').update(bytes).digest('hex')
        expect(sha256(await readFile(s.files()[1].path))).toBe(sha256(large))
        const notZip = await upload(s, {
          filename: 'sample_pkg-1.0.0-py38-none-any.whl',
          content: new Uint8Array(6 * 1024 * 1024),
          fields: { pyversion: 'py38' }
        })
        expect(notZip.statusText).toBe('Invalid distribution file. File is not a zipfile')
        expect(await readdir(join(s.storageDir, 'incoming'))).toEqual([])
      } finally {
        await rm(dir, { recursive: true, force: true })
      }
    })

    it('refuses a .tar.gz that is not a tar', async () => {
      const s = await fresh({ checkArchives: true })
      const answer = await upload(s, { filename: SDIST })
      expect(answer.statusText).toBe('Invalid distribution file. File is not a tarfile')
    })
  })
})

describe('index server with Python clients', () => {
  const python = '/usr/bin/python3'
  const twine = '/usr/bin/twine'
  const haveTools = existsSync(python) && existsSync(twine)
  let work: string
  let dist: string[] = []

  beforeAll(async () => {
    if (!haveTools) return
    work = await mkdtemp(join(tmpdir(), 'index-server-python-'))
    const project = join(work, 'project')
    await mkdir(join(project, 'twine_probe'), { recursive: true })
    await writeFile(
      join(project, 'pyproject.toml'),
      [
        '[build-system]',
        'requires = ["hatchling"]',
        'build-backend = "hatchling.build"',
        '',
        '[project]',
        'name = "twine-probe"',
        'version = "0.1.0"',
        'description = "A wheel built by the index server test"',
        'requires-python = ">=3.8"',
        'classifiers = ["Programming Language :: Python :: 3"]',
        '',
        '[tool.hatch.build.targets.wheel]',
        'packages = ["twine_probe"]',
        ''
      ].join('\n')
    )
    await writeFile(join(project, 'twine_probe', '__init__.py'), '__version__ = "0.1.0"\n')
    // -x: Debian's hatchling lacks the `editables` extra that build would insist on.
    await run(
      python,
      ['-m', 'build', '--no-isolation', '-x', '--outdir', join(work, 'dist'), project],
      {
        cwd: project
      }
    )
    dist = (await readdir(join(work, 'dist'))).sort()
  }, 120_000)

  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true })
  })

  const withTools = itWhen(haveTools, `${twine} and ${python}`)

  async function twineUpload(
    server: IndexServer,
    files: string[]
  ): Promise<{ stdout: string; stderr: string }> {
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      TWINE_NON_INTERACTIVE: '1',
      NO_PROXY: '*'
    }
    return run(
      twine,
      [
        'upload',
        '--disable-progress-bar',
        '--repository-url',
        server.url,
        '-u',
        '__token__',
        '-p',
        DEFAULT_TOKEN,
        ...files
      ],
      { env, cwd: work }
    )
  }

  withTools(
    'twine 4 uploads a real wheel and sdist, archive checks on, and the index serves them back',
    async () => {
      expect(dist).toEqual(['twine_probe-0.1.0-py3-none-any.whl', 'twine_probe-0.1.0.tar.gz'])
      const server = await startIndexServer({ checkArchives: true })
      try {
        const paths = dist.map(f => join(work, 'dist', f))
        await twineUpload(server, paths)
        expect(server.requests.map(r => r.status)).toEqual([200, 200])
        const stored = server.files()
        expect(stored.map(f => f.filename).sort()).toEqual(dist)
        for (const file of stored) {
          const bytes = await readFile(join(work, 'dist', file.filename))
          expect(file.sha256).toBe(createHash('sha256').update(bytes).digest('hex'))
          expect(file.project).toBe('twine-probe')
        }
        const wheelRequest = server.requests.find(r => r.file?.filename.endsWith('.whl'))
        expect(wheelRequest?.fields).toEqual(
          expect.arrayContaining([
            ['name', 'twine-probe'],
            ['metadata_version', '2.1'],
            ['filetype', 'bdist_wheel'],
            ['pyversion', 'py3'],
            ['classifiers', 'Programming Language :: Python :: 3']
          ])
        )
        const simple = await get(server, '/simple/twine-probe/', {
          accept: 'application/vnd.pypi.simple.v1+json'
        })
        expect((JSON.parse(simple.body) as { files: unknown[] }).files).toHaveLength(2)
      } finally {
        await server.close()
      }
    },
    120_000
  )

  withTools(
    'twine sees a refusal with the index message',
    async () => {
      const server = await startIndexServer()
      try {
        const wheel = join(work, 'dist', 'twine_probe-0.1.0-py3-none-any.whl')
        await twineUpload(server, [wheel])
        server.injectFaults({ status: 400, body: 'nope' })
        const failure = await twineUpload(server, [wheel]).then(
          () => undefined,
          (error: { stdout: string; stderr: string }) => `${error.stdout}\n${error.stderr}`
        )
        expect(failure).toContain('400 Bad Request')
      } finally {
        await server.close()
      }
    },
    120_000
  )
})

describe('Python-looking JSON', () => {
  it("writes what Python's json.dumps writes, separators outside strings only", () => {
    const value = {
      message: 'a, b: c',
      nested: [1, { k: 'v' }, null, true],
      quote: 'say "hi", ok:',
      'back\\slash': '\\,\\:',
      uni: 'é ü \u2028 😀',
      ctl: '\t\n\x01'
    }
    // Printed by Debian's python3: json.dumps(value), then json.dumps(…, indent=2).
    expect(pythonJson(value)).toBe(
      '{"message": "a, b: c", "nested": [1, {"k": "v"}, null, true], "quote": "say \\"hi\\", ok:", ' +
        '"back\\\\slash": "\\\\,\\\\:", "uni": "\\u00e9 \\u00fc \\u2028 \\ud83d\\ude00", "ctl": "\\t\\n\\u0001"}'
    )
    expect(pythonJson({ errors: [{ status: 403, message: 'ç: x, y' }] }, 2)).toBe(
      '{\n  "errors": [\n    {\n      "status": 403,\n      "message": "\\u00e7: x, y"\n    }\n  ]\n}'
    )
  })
})

describe('PEP 440 and PEP 503 helpers', () => {
  it.each([
    ['1.0-RC1', '1.0rc1'],
    ['v1.0.0.post', '1.0.0.post0'],
    ['1.0-1', '1.0.post1'],
    ['1!2.0.DEV3', '1!2.0.dev3'],
    ['1.0alpha', '1.0a0'],
    ['1.0+Ubuntu-01', '1.0+ubuntu.1'],
    ['01.002', '1.2']
  ])('normalizes %s to %s', (input, output) => {
    expect(normalizeVersion(input)).toBe(output)
  })

  it('refuses what is not PEP 440', () => {
    for (const bad of ['1.0.x', '', 'one', '1.0+', '1..0'])
      expect(parseVersion(bad)).toBeUndefined()
  })

  it('orders versions as PEP 440 does', () => {
    const ordered = [
      '1.0.dev1',
      '1.0a1',
      '1.0a2.dev1',
      '1.0b1',
      '1.0rc1',
      '1.0',
      '1.0+local',
      '1.0.post1.dev1',
      '1.0.post1',
      '1.1',
      '2!0.1'
    ]
    const parsed = ordered.map(v => parseVersion(v) as NonNullable<ReturnType<typeof parseVersion>>)
    const shuffled = [...parsed].reverse().sort(compareVersions)
    expect(shuffled).toEqual(parsed)
    expect(compareVersions(parseVersion('1.0') as never, parseVersion('1.0.0') as never)).toBe(0)
    expect(canonicalVersion(parseVersion('1.0.0') as never)).toBe('1')
  })

  it('normalizes names', () => {
    expect(normalizeName('Sample._-Pkg')).toBe('sample-pkg')
  })
})

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise(resolve => setTimeout(resolve, 5))
}
