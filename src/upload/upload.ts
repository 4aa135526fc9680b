import type { Distribution, FormField } from '../dists/distribution.js'
import { excerpt } from '../shared/excerpt.js'
import { hideTokenLike } from '../shared/redact.js'
import { titleOf } from '../shared/html.js'
import type { BodyCap } from '../shared/http-body.js'
import { retryAfterMs } from '../shared/backoff.js'
import { basicAuth, redirectTarget, type Http, type HttpResponse } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { buildMultipartBody, type ProgressReporter } from './multipart.js'

/** One upload attempt's destination and credentials. */
export interface UploadRequest {
  url: string
  user: string
  password: string
  verbose: boolean
  /** Told when the index moved the upload URL on the same host, so later uploads go there directly. */
  onRedirect?: (from: string, to: string) => void
  /** Extra form fields (attestations). */
  extraFields?: readonly FormField[]
  progress?: ProgressReporter
}

/** What an UploadError says: the index's own words, a hint, and what was asked. */
export interface UploadFailure {
  dist: Distribution
  /** The HTTP status; 0 when the failure was not an answer (the index's listing showed it). */
  status: number
  /** The index's own words (or ours, when it gave none). */
  indexMessage: string
  /** The URL the upload went to. */
  url: string
  hint?: string
  /** The index says a file of this name (or content) is already there. Default false. */
  alreadyExists?: boolean
  /** From a Retry-After header, in ms. */
  retryAfterMs?: number
}

/** An upload the index refused, with its own words, a hint, and what was asked. */
export class UploadError extends Error {
  readonly status: number
  readonly indexMessage: string
  readonly alreadyExists: boolean
  readonly retryAfterMs?: number

  constructor(readonly failure: UploadFailure) {
    const { dist, status, indexMessage, url, hint } = failure
    super(
      `Uploading ${dist.filename} failed: ${status ? `HTTP ${status}: ` : ''}${indexMessage} (${url})` +
        (hint ? `\n${hint}` : '')
    )
    this.name = 'UploadError'
    this.status = status
    this.indexMessage = indexMessage
    this.alreadyExists = failure.alreadyExists ?? false
    this.retryAfterMs = failure.retryAfterMs
  }
}

const MAX_SAME_HOST_REDIRECTS = 3

/**
 * Files up to this size are read through and checked before the request: a changed one is refused
 * with nothing sent. Larger ones are checked as they stream, before the form's closing boundary.
 */
const CHECK_BEFORE_SENDING_UP_TO = 1024 * 1024

/**
 * The upload form, field by field what twine sends (docs/upload-protocol.md §1). md5 too: twine
 * ≥ 6.2 dropped it, but some self-hosted indexes still use it, and PyPI only checks that it matches.
 */
export function uploadFields(dist: Distribution, extra: readonly FormField[] = []): FormField[] {
  return [
    [':action', 'file_upload'],
    ['protocol_version', '1'],
    ...dist.metadataFields,
    ['filetype', dist.filetype],
    ['pyversion', dist.pyversion],
    ['md5_digest', dist.digests.md5],
    ['sha256_digest', dist.digests.sha256],
    ['blake2_256_digest', dist.digests.blake2_256],
    ...extra
  ]
}

/**
 * Indexes answer an upload with a line of text, a small JSON document or an error page of a few
 * KiB (PyPI's HTML error pages are the largest); 1 MiB leaves a wide margin. More is not an
 * upload result, and an endless body must not fill the runner's memory.
 */
const UPLOAD_ANSWER_CAP: BodyCap = {
  bytes: 1024 * 1024,
  what: 'the answer to an upload',
  advice:
    "An index answers an upload with a short message: check that 'repository-url' is the index's " +
    'upload endpoint. The file may have been stored all the same; a re-run is safe: a file the ' +
    'index holds with the same sha256 is not sent again.'
}

/**
 * One attempt at sending one distribution. Resolves when the index stored it (2xx); throws
 * UploadError when the index refused it, NetworkError when no answer came. Retrying, skipping and
 * credentials renewal are the caller's (send.ts).
 */
export async function uploadDistribution(
  http: Http,
  request: UploadRequest,
  dist: Distribution,
  log: Log
): Promise<void> {
  const fields = uploadFields(dist, request.extraFields)
  const body = buildMultipartBody(
    fields,
    { ...dist, sha256: dist.digests.sha256 },
    request.progress
  )
  if (dist.size <= CHECK_BEFORE_SENDING_UP_TO) await body.check()
  const headers = {
    Authorization: basicAuth(request.user, request.password),
    Accept: 'application/json',
    'Content-Type': body.contentType,
    'Content-Length': body.contentLength
  }

  let url = request.url
  let response: HttpResponse
  // The index refused this upload: the last answer's status, at the URL it went to.
  const refused = (indexMessage: string, hint?: string, more?: Partial<UploadFailure>) =>
    new UploadError({ dist, status: response.status, indexMessage, url, hint, ...more })
  for (let hop = 0; ; hop++) {
    if (request.verbose) {
      const names = fields.map(([name]) => name).join(' ')
      log.info(`POST ${url} (${dist.filename}, ${body.contentLength} bytes, fields: ${names})`)
    }
    try {
      response = await http.request('POST', url, {
        headers,
        body: () => body.open(),
        cap: UPLOAD_ANSWER_CAP
      })
    } catch (error) {
      // The body cut the request itself (the file changed, or could not be read): that, not the
      // "no answer" it caused, is what went wrong, and sending again would not help.
      throw body.failure() ?? error
    }
    const failure = body.failure()
    if (failure) throw failure
    if (request.verbose) {
      log.info(`← HTTP ${response.status} ${response.statusText}`.trimEnd())
      const text = hideTokenLike(response.body.trim())
      if (text) log.info(`← ${excerpt(text, 2000)}`)
    }
    const next = redirectTarget(response, url)
    if (!next) break
    if (new URL(next).origin !== new URL(url).origin || hop >= MAX_SAME_HOST_REDIRECTS) {
      // Never replay credentials to another host; tell the user the right URL instead.
      throw refused(
        `the index redirected the upload to ${next}`,
        `Set 'repository-url' to the upload URL itself (${next}). Credentials are not sent to another host.`
      )
    }
    if (request.onRedirect) request.onRedirect(url, next)
    else log.warning(`${url} redirected to ${next}; following it on the same host.`)
    url = next
  }

  if (response.status >= 200 && response.status < 300) {
    // A stored upload's answer is not read further: its words matter only when it is refused.
    if (isHtmlPage(response)) {
      // PyPI answers a form it does not take as an upload with its HTML page and a 200.
      throw refused(
        'the index answered with an HTML page, not an upload result: the URL is probably not an upload endpoint',
        hintFor(405, indexMessage(response), url)
      )
    }
    return
  }
  const message = indexMessage(response)
  throw refused(message, hintFor(response.status, message, url), {
    alreadyExists: isAlreadyExists(response, message),
    retryAfterMs: retryAfterMs(response)
  })
}

/**
 * Indexes answer a stored upload with an empty body, "OK" or JSON (GitLab: 201). A whole HTML
 * document is what PyPI sends for a form it did not take as an upload (no `:action`): nothing stored.
 */
function isHtmlPage(response: HttpResponse): boolean {
  return /<html[\s>]/i.test(response.body) && /<\/html>/i.test(response.body)
}

/**
 * The index's own words for a response. PyPI puts its message in the reason phrase AND the body;
 * HTTP/2 has no reason phrase, so the body comes first: JSON `message` (we send
 * `Accept: application/json`), then an HTML `<title>`, then the reason phrase, then plain text.
 */
export function indexMessage(response: HttpResponse): string {
  // What could be a secret is hidden before anything is cut from it (the Redactor then finds the
  // secrets it knows in what is left, cut or encoded); what is shown is a bounded excerpt.
  const body = hideTokenLike(response.body.trim())
  const title = titleOf(body)?.trim()
  const prefix = `${response.status} `
  const reason = hideTokenLike(response.statusText.trim())
  const words =
    jsonMessage(body) ||
    (title && (title.startsWith(prefix) ? title.slice(prefix.length) : title)) ||
    (reason && !GENERIC_REASON.test(reason) && reason) ||
    (body && !body.startsWith('<') && body.replace(/\s+/g, ' ')) ||
    reason ||
    `HTTP ${response.status}`
  return excerpt(words, MESSAGE_LENGTH)
}

/** The longest index message shown: PyPI's are a line or two; a page pasted in is cut. */
const MESSAGE_LENGTH = 1000

/** Reason phrases that only restate the status. */
const GENERIC_REASON =
  /^(ok|bad request|forbidden|unauthorized|not found|conflict|method not allowed|internal server error|bad gateway|service unavailable|gateway timeout)$/i

/**
 * Warehouse renders errors through Pyramid: `code` is the whole status line ("400 <message>") and
 * `message` is Pyramid's generic explanation followed by the detail. Prefer the status line's
 * text, then the last paragraph of `message`; other indexes use `message`, `detail` or `error`.
 */
function jsonMessage(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined
  let parsed: Record<string, unknown>
  try {
    parsed = JSON.parse(body) as Record<string, unknown>
  } catch {
    return undefined
  }
  const code =
    typeof parsed.code === 'string' ? /^\d{3} (.+)$/s.exec(parsed.code.trim())?.[1] : undefined
  if (code && code !== parsed.title && !GENERIC_REASON.test(code.trim())) {
    return code.trim()
  }
  for (const key of ['message', 'detail', 'error', 'errors']) {
    const value = parsed[key]
    if (typeof value === 'string' && value.trim()) {
      const paragraphs = value.split(/\n\s*\n/).filter(p => p.trim())
      return (paragraphs.at(-1) ?? value).trim()
    }
    if (Array.isArray(value) && value.length) {
      return value.map(v => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ')
    }
  }
  return undefined
}

/**
 * "This file is already there", as each index says it (docs/upload-protocol.md §2). PyPI answers
 * 200 for an identical re-upload, so these matter for a *different* file under a taken name, or
 * for indexes that refuse any re-upload.
 */
const ALREADY_EXISTS_PATTERNS: RegExp[] = [
  /already exists?/i, // PyPI/TestPyPI "File already exists", pypiserver, Gitea, GCP "already exist"
  /updating asset/i, // Nexus "Repository does not allow updating assets"
  /overwrite artifact/i, // Artifactory "Not enough permissions to overwrite artifact"
  /already been taken/i // GitLab "File name has already been taken"
  // Not PyPI's "previously used by a file that has since been deleted": that file is NOT there,
  // so skipping it would publish nothing while reporting success.
]

export function isAlreadyExists(response: HttpResponse, message: string): boolean {
  if (response.status === 409) return !/conflicts with an existing project/i.test(message)
  if (response.status !== 400 && response.status !== 403) return false
  return ALREADY_EXISTS_PATTERNS.some(p => p.test(message))
}

/** A hint for the usual causes of a failed upload, or undefined. */
export function hintFor(status: number, message: string, uploadUrl: string): string | undefined {
  const url = new URL(uploadUrl)
  const isPyPI = /(^|\.)pypi\.org$/i.test(url.hostname)
  if (/file too large/i.test(message)) {
    return 'Ask for a larger file size limit: https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'
  }
  if (/project too large/i.test(message)) {
    return 'The project is over its total size limit: delete old releases or ask for more: https://docs.pypi.org/project-management/storage-limits'
  }
  if (/previously used by a file that has since been deleted/i.test(message)) {
    return 'A deleted file name can never be reused on PyPI: bump the version (or add a post release) and rebuild.'
  }
  if (/already exists?/i.test(message)) {
    return "A different file with this name is already on the index. Bump the version and rebuild, or set 'skip-existing: true' if re-running a release."
  }
  switch (status) {
    case 401:
    case 403:
      if (/username\/password authentication/i.test(message)) {
        return "PyPI accepts only API tokens: set 'user' to '__token__' (the default) and 'password' to a token starting with 'pypi-'."
      }
      if (/isn't allowed to upload|not valid for project|scoped/i.test(message)) {
        return 'The token is not allowed to upload to this project: use a token scoped to this project (or an account-wide one for a new project), or check the project name.'
      }
      if (/expired/i.test(message)) {
        return 'The token has expired: create a new one and update the secret.'
      }
      return (
        "The index refused the credentials. Check that the secret holds a valid token (starting with 'pypi-' for PyPI), " +
        `that it was made for ${isPyPI ? url.hostname.replace(/^upload\./, '') : 'this index'} (TestPyPI and PyPI tokens differ), and that 'user' is '__token__'.`
      )
    case 404:
      return `Nothing answers uploads at ${uploadUrl}. Use the index's upload URL (PyPI: https://upload.pypi.org/legacy/, TestPyPI: https://test.pypi.org/legacy/).`
    case 405:
      return `${uploadUrl} does not take uploads (it looks like a browsing or /simple/ URL). Use the upload URL: ${suggestUploadUrl(url)}`
    case 410:
      return `This URL is retired. Use ${suggestUploadUrl(url)}`
    case 409:
      return /conflicts with an existing project/i.test(message)
        ? 'The project name is too close to an existing project: pick another name.'
        : undefined
    case 429:
      return 'The index is rate-limiting: wait and re-run the job.'
    default:
      return status >= 500 ? 'The index had a server error: re-run the job later.' : undefined
  }
}

function suggestUploadUrl(url: URL): string {
  if (/(^|\.)test\.pypi\.org$/i.test(url.hostname)) return 'https://test.pypi.org/legacy/'
  if (/(^|\.)pypi\.(org|python\.org)$/i.test(url.hostname)) return 'https://upload.pypi.org/legacy/'
  const simple = /^(.*\/)\+?simple\/?(?:[^/]+\/?)?$/.exec(url.pathname)
  if (simple) {
    // Self-hosted indexes put uploads beside /simple/: Warehouse-style at …/legacy/, pypiserver,
    // Nexus, Artifactory and GitLab at the base itself.
    const base = `${url.origin}${simple[1]}`
    return `${base}legacy/ (Warehouse-style indexes) or ${base} (pypiserver, Nexus, Artifactory, GitLab, devpi)`
  }
  return "the index's upload endpoint, as its documentation names it"
}
