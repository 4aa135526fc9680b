import { excerpt } from '../shared/excerpt.js'
import { titleOf } from '../shared/html.js'
import type { HttpResponse } from '../shared/http.js'

/**
 * The index's own words for a response. PyPI puts its message in the reason phrase AND the body;
 * HTTP/2 has no reason phrase, so the body comes first: JSON `message` (we send
 * `Accept: application/json`), then an HTML `<title>`, then the reason phrase, then plain text.
 */
export function indexMessage(response: HttpResponse): string {
  const body = response.body.trim()
  const fromJson = jsonMessage(body)
  if (fromJson) return fromJson
  const title = titleOf(body)?.trim()
  if (title) return stripStatusPrefix(title, response.status)
  const reason = response.statusText.trim()
  const generic = GENERIC_REASONS.has(reason.toLowerCase())
  if (reason && !generic) return reason
  if (body && !body.startsWith('<')) return excerpt(body.replace(/\s+/g, ' '), 500)
  return reason || `HTTP ${response.status}`
}

const GENERIC_REASONS = new Set([
  'ok',
  'bad request',
  'forbidden',
  'unauthorized',
  'not found',
  'conflict',
  'method not allowed',
  'internal server error',
  'bad gateway',
  'service unavailable',
  'gateway timeout'
])

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
  if (code && code !== parsed.title && !GENERIC_REASONS.has(code.trim().toLowerCase())) {
    return code.trim()
  }
  for (const key of ['message', 'detail', 'error', 'errors']) {
    const value = parsed[key]
    if (typeof value === 'string' && value.trim()) return lastParagraph(value)
    if (Array.isArray(value) && value.length) {
      return value.map(v => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ')
    }
  }
  return undefined
}

function lastParagraph(text: string): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map(p => p.trim())
    .filter(Boolean)
  return paragraphs[paragraphs.length - 1] ?? text.trim()
}

function stripStatusPrefix(title: string, status: number): string {
  return title.startsWith(`${status} `) ? title.slice(String(status).length + 1) : title
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
