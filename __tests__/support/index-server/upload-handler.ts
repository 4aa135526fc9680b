/**
 * The upload endpoint's decisions, in the order Warehouse makes them (warehouse/forklift/legacy.py
 * `file_upload`): route by `:action`, then credentials, form and metadata, project permission,
 * filename, content type, size, digests, duplicates, filename rules, and finally storing the file.
 * The first failing check answers, with PyPI's status and words.
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { checkDistributionArchive, checkWheelContents } from './archive-check.js'
import { isAllowedPlatformTag, parseSdistFilename, parseWheelFilename } from './dist-filenames.js'
import {
  alreadyExists,
  badCredentialsPage,
  identicalReuploadIsNoop,
  usernameAllowed,
  type Flavor
} from './flavors.js'
import { checkForm, first, type UploadForm } from './form-rules.js'
import { statusPage, type Page } from './http-pages.js'
import type { ReceivedFile, ReceivedForm } from './multipart-upload.js'
import { compareVersions, formatVersion, normalizeName } from './pep440.js'
import {
  DEFAULT_USER,
  type Project,
  type Registry,
  type StoredFile,
  type TokenGrant
} from './registry.js'
import { texts } from './warehouse-texts.js'

export interface UploadSettings {
  registry: Registry
  flavor: Flavor
  maxFileSize: number
  /** Where accepted files are moved to. */
  packagesDir: string
  /** Also open the archive and look for WHEEL / PKG-INFO, as PyPI does. */
  checkArchives: boolean
}

export interface UploadRequest {
  form: ReceivedForm
  authorization?: string
  accept?: string
  /** `:action` from the query string (Pyramid reads it from there too). */
  queryAction?: string
  /** The Host header, for the upload page's title. */
  host?: string
}

export interface UploadOutcome {
  page: Page
  /** The index's message (empty for a plain success). */
  message: string
  /** The file stored by this request. */
  stored?: StoredFile
}

export interface UploadMode {
  /** False: decide as usual but store nothing (a server that says 200 and loses the file). */
  commit: boolean
}

export async function handleUpload(
  request: UploadRequest,
  settings: UploadSettings,
  mode: UploadMode = { commit: true }
): Promise<UploadOutcome> {
  const tempPath = request.form.file?.tempPath
  let outcome: UploadOutcome | undefined
  try {
    outcome = await decide(request, settings, mode)
    return outcome
  } finally {
    // A temp file not moved into storage goes (an upload held in memory just goes with the request).
    if (tempPath && !outcome?.stored) await rm(tempPath, { force: true })
  }
}

async function decide(
  request: UploadRequest,
  settings: UploadSettings,
  mode: UploadMode
): Promise<UploadOutcome> {
  const accept = request.accept
  const reject = (status: number, message: string): UploadOutcome => ({
    page: statusPage(status, message, { accept }),
    message
  })

  // Routing: without `:action=file_upload` the request falls through to the upload page.
  const action = request.queryAction ?? first(request.form.fields, ':action')
  if (action === 'submit' || action === 'submit_pkg_info')
    return reject(410, texts.preRegistrationGone)
  if (action === 'doc_upload') return reject(410, texts.docUploadGone)
  if (action !== 'file_upload') return { page: uploadPage(request.host), message: '' }

  // The `sanitize` decorator: "UNKNOWN" means absent, and only `content` may be a file.
  const fields = request.form.fields
    .filter(([, value]) => value.trim() !== 'UNKNOWN')
    .map(([name, value]): [string, string] => [name, value.replace(/\0/g, '\\x00')])
  const tuple = request.form.fileFields[0]
  if (tuple !== undefined) return reject(400, texts.fieldIsTuple(tuple))

  const auth = authenticate(request.authorization, settings, accept)
  if (!auth.ok) return { page: auth.page, message: auth.message }
  const grant = auth.grant

  if ((first(fields, 'protocol_version') ?? '1') !== '1')
    return reject(400, texts.unknownProtocolVersion)

  const checked = checkForm(fields)
  if (!checked.ok) return reject(400, checked.message)
  const form = checked.form

  const file = request.form.file
  if (!file) return reject(400, texts.noFile)

  const { registry } = settings
  const normalized = normalizeName(form.name)
  const existing = registry.project(form.name)
  const permission = checkPermission(grant, existing, form, normalized)
  if (permission) return reject(permission.status, permission.message)
  // PyPI renames the project to the latest upload's spelling before the file checks.
  const projectName = form.name

  const filenameProblem = checkFilenameShape(file.filename, form.filetype)
  if (filenameProblem) return reject(400, filenameProblem)

  if (!file.contentType || file.contentType.startsWith('image/')) {
    return reject(400, texts.invalidDistributionFile())
  }
  if (file.overLimit) return reject(400, texts.fileTooLarge(projectName, settings.maxFileSize))

  const actual = { md5: file.md5, sha256: file.sha256, blake2_256: file.blake2_256 }
  for (const kind of ['md5', 'sha256', 'blake2_256'] as const) {
    const supplied = form.digests[kind]
    if (supplied && supplied !== actual[kind]) return reject(400, texts.digestMismatch)
  }

  const taken = checkTaken(file, form, settings, accept)
  if (taken) return taken

  const archive = settings.checkArchives
    ? file.content
      ? Buffer.concat(file.content)
      : file.tempPath
    : undefined
  if (archive) {
    const why = await checkDistributionArchive(archive, file.filename)
    if (why !== undefined) return reject(400, texts.invalidDistributionFile(why ?? undefined))
  }

  const nameProblem =
    form.filetype === 'sdist'
      ? checkSdistFilename(file.filename, form, projectName)
      : checkWheelFilename(file.filename, form, projectName)
  if (nameProblem) return reject(400, nameProblem)
  if (archive && form.filetype === 'bdist_wheel') {
    const missing = await checkWheelContents(archive, file.filename)
    if (missing) return reject(400, missing)
  }

  const attestations = first(fields, 'attestations')
  if (attestations !== undefined) {
    const why = checkAttestations(attestations, grant)
    if (why) return reject(400, texts.invalidAttestations(why))
  }

  if (!mode.commit) return success(accept)

  // The archive check awaited: look again, then claim the name before the next await.
  const takenNow = checkTaken(file, form, settings, accept)
  if (takenNow) return takenNow
  const stored: StoredFile = {
    project: normalized,
    version: form.versionText,
    filename: file.filename,
    path: join(settings.packagesDir, file.filename),
    size: file.size,
    sha256: file.sha256,
    blake2_256: file.blake2_256,
    md5: file.md5,
    packagetype: form.filetype,
    pythonVersion: form.pyversion,
    uploadTime: new Date().toISOString(),
    fields: request.form.fields
  }
  registry.add(
    stored,
    projectName,
    form.version,
    grant.trustedPublisher ? undefined : (grant.user ?? DEFAULT_USER)
  )
  try {
    if (file.content) writeChunks(stored.path, file.content)
    else await rename(file.tempPath as string, stored.path)
  } catch (error) {
    registry.remove(stored.filename)
    registry.deletedFilenames.delete(stored.filename)
    return reject(500, `Could not store the file: ${(error as Error).message}`)
  }
  return { ...success(accept), stored }
}

/**
 * Writes a small upload synchronously, chunk by chunk: thread-pool round trips for open, write
 * and close cost the shared CPUs more than the write itself, and no read of the file can come in
 * between and find it half written.
 */
function writeChunks(path: string, chunks: Buffer[]): void {
  const fd = openSync(path, 'w')
  try {
    for (const chunk of chunks) {
      for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at)
    }
  } finally {
    closeSync(fd)
  }
}

function success(accept?: string): UploadOutcome {
  // Warehouse answers `HTTPOk()` with an empty body, which Pyramid fills with its "200 OK" page.
  return { page: statusPage(200, undefined, { accept }), message: '' }
}

type AuthResult = { ok: true; grant: TokenGrant } | { ok: false; page: Page; message: string }

/** Basic auth (`__token__` + token on PyPI), or PyPI's `Authorization: token <token>` form. */
function authenticate(
  header: string | undefined,
  settings: UploadSettings,
  accept?: string
): AuthResult {
  const refuse = (page: Page): AuthResult => ({ ok: false, page, message: page.reason })
  const [scheme, credentials = ''] = (header ?? '').trim().split(/\s+/, 2)
  let token: string | undefined
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    const username = colon < 0 ? decoded : decoded.slice(0, colon)
    if (!usernameAllowed(settings.flavor, username)) {
      return refuse(statusPage(403, texts.wrongUsername, { accept }))
    }
    token = colon < 0 ? '' : decoded.slice(colon + 1)
  } else if (settings.flavor === 'pypi' && ['token', 'bearer'].includes(scheme?.toLowerCase())) {
    token = credentials
  }
  const grant = token === undefined ? undefined : settings.registry.tokens.get(token)
  if (!grant) return refuse(badCredentialsPage(settings.flavor, accept))
  return { ok: true, grant }
}

/** Project creation and the token's right to upload to the project (macaroon caveats, then ownership). */
function checkPermission(
  grant: TokenGrant,
  project: Project | undefined,
  form: UploadForm,
  normalized: string
): { status: number; message: string } | undefined {
  const scope = grant.projects?.map(normalizeName)
  if (!project && grant.trustedPublisher && !scope?.includes(normalized)) {
    return { status: 400, message: texts.nonUserCannotCreate }
  }
  const displayName = project?.name ?? form.name
  if (grant.expiresAt !== undefined && Date.now() >= grant.expiresAt) {
    return { status: 403, message: texts.invalidApiToken(texts.tokenExpired) }
  }
  if (scope && !scope.includes(normalized)) {
    return {
      status: 403,
      message: grant.trustedPublisher
        ? texts.tokenNotAllowed(displayName)
        : texts.invalidApiToken(texts.scopedTokenWrongProject(displayName))
    }
  }
  const user = grant.user ?? DEFAULT_USER
  if (project?.owner !== undefined && !grant.trustedPublisher && project.owner !== user) {
    return { status: 403, message: texts.userNotAllowed(user, displayName) }
  }
  return undefined
}

/** `_validate_filename`: printable, no path separators, an extension that fits the filetype. */
function checkFilenameShape(
  filename: string,
  filetype: UploadForm['filetype']
): string | undefined {
  const printable = [...filename].every(ch => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127)
  if (!printable) return texts.nonPrintableFilename
  if (filename.includes('/') || filename.includes('\\')) return texts.slashInFilename
  const match = /^.+?(\.(tar\.gz|zip|whl))$/i.exec(filename)
  if (!match) return texts.unknownExtension
  const allowed = filetype === 'sdist' ? ['.zip', '.tar.gz'] : ['.whl']
  if (!allowed.includes(match[1])) return texts.extensionForFiletype(match[1], filetype)
  return undefined
}

/**
 * A taken filename (or the same bytes under another name), a name once used by a deleted file,
 * or a second sdist for the release. PyPI treats an identical re-upload as done.
 */
function checkTaken(
  file: ReceivedFile,
  form: UploadForm,
  settings: UploadSettings,
  accept?: string
): UploadOutcome | undefined {
  const { registry, flavor } = settings
  // PyPI also refuses the same bytes under another name; the others only look at names.
  const found = registry.findFile(file.filename, flavor === 'pypi' ? file.blake2_256 : undefined)
  if (found) {
    const identical =
      found.filename === file.filename &&
      found.sha256 === file.sha256 &&
      found.blake2_256 === file.blake2_256
    if (identical && identicalReuploadIsNoop(flavor)) return success(accept)
    return alreadyExists(flavor, {
      filename: file.filename,
      blake2_256: file.blake2_256,
      project: normalizeName(form.name),
      version: form.versionText,
      accept
    })
  }
  if (registry.deletedFilenames.has(file.filename)) {
    return {
      page: statusPage(400, texts.filenameReused, { accept }),
      message: texts.filenameReused
    }
  }
  if (form.filetype === 'sdist' && registry.hasSdist(registry.project(form.name), form.version)) {
    return {
      page: statusPage(400, texts.oneSdistPerRelease, { accept }),
      message: texts.oneSdistPerRelease
    }
  }
  return undefined
}

/** PEP 625: `{name with _}-{normalized version}.tar.gz`, nothing else. */
function checkSdistFilename(
  filename: string,
  form: UploadForm,
  projectName: string
): string | undefined {
  const parsed = parseSdistFilename(filename)
  if (!parsed) return texts.invalidSdistFilename(filename)
  const normalized = normalizeName(form.name)
  const underscored = normalized.replace(/-/g, '_')
  let nameFromFilename = parsed.name
  // A post-release version may hold a dash ("1.0-1"): then the name ends at the second-last dash.
  if (
    form.version.post !== undefined &&
    nameFromFilename !== normalized &&
    filename.split('-').length > 2
  ) {
    const stem = filename.slice(0, -'.tar.gz'.length)
    const cut = stem.lastIndexOf('-', stem.lastIndexOf('-') - 1)
    if (cut > 0) nameFromFilename = normalizeName(stem.slice(0, cut))
  }
  if (nameFromFilename !== normalized) return texts.startFilenameWith(projectName, underscored)
  const expected = `${underscored}-${form.versionText}.tar.gz`
  if (filename !== expected) return texts.sdistFilenameShouldBe(filename, expected)
  return undefined
}

/** Wheel name rules: parseable, allowed platform, normalized project name, matching version. */
function checkWheelFilename(
  filename: string,
  form: UploadForm,
  projectName: string
): string | undefined {
  const parsed = parseWheelFilename(filename)
  if (!parsed.ok) return parsed.error
  const wheel = parsed.value
  const badTag = wheel.platforms.find(tag => !isAllowedPlatformTag(tag))
  if (badTag) return texts.unsupportedPlatformTag(filename, badTag)
  const normalized = normalizeName(form.name)
  const underscored = normalized.replace(/-/g, '_')
  if (wheel.name !== normalized) return texts.startFilenameWith(projectName, underscored)
  if (wheel.distribution !== underscored) {
    return texts.wheelNameNotNormalized(filename, underscored, wheel.distribution)
  }
  if (compareVersions(wheel.version, form.version) !== 0) {
    return texts.wheelVersionMismatch(form.versionText, formatVersion(wheel.version))
  }
  return undefined
}

/** The checks PyPI makes before verifying attestations (it then verifies signatures, which we do not). */
function checkAttestations(text: string, grant: TokenGrant): string | undefined {
  if (!grant.trustedPublisher)
    return 'Attestations are only supported when using Trusted Publishing'
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return `Malformed attestations: ${(error as Error).message}`
  }
  if (!Array.isArray(parsed)) return 'Malformed attestations: expected a JSON array'
  if (!parsed.length) return 'Malformed attestations: an empty attestation set is not permitted'
  if (parsed.length > 2) return 'A maximum of 2 attestations per file are supported'
  return undefined
}

/** What PyPI shows at /legacy/ for anything that is not an upload: 200, and nothing stored. */
export function uploadPage(host = 'localhost'): Page {
  const body =
    `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${host}</title>\n</head>\n<body>\n` +
    '<h2>API endpoint</h2>\n<p>This URL is an API endpoint for uploading files to PyPI.<br>\n' +
    'For more information on uploading projects to PyPI, visit the ' +
    '<a href="https://packaging.python.org/distributing/#uploading-your-project-to-pypi">Python Packaging User Guide</a>.</p>\n' +
    '<p>Otherwise, we suggest you <a href="https://pypi.org/">go to the PyPI homepage</a>.</p>\n</body>\n</html>\n'
  return {
    status: 200,
    reason: 'OK',
    headers: { 'content-type': 'text/html; charset=UTF-8' },
    body
  }
}
