import { normalizeName } from '../dists/filename.js'
import { anchors } from '../shared/html.js'
import type { BodyCap } from '../shared/http-body.js'
import type { Http, TimeLimit } from '../shared/http.js'
import { trimEndOf } from '../shared/format.js'

/** What the index lists for one project: filename → sha256 (lowercase hex, '' when not given). */
export type ListedFiles = Map<string, string>

export type SimplePage =
  { found: true; files: ListedFiles; url: string } | { found: false; status: number; url: string }

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json'

/**
 * One project's page lists every file it ever had. On PyPI the largest (nightly builds with
 * thousands of releases, a dozen wheels each) are some MiB of PEP 691 JSON; 64 MiB covers them
 * with room to spare while keeping a broken or hostile index from filling memory.
 */
export const SIMPLE_PAGE_CAP: BodyCap = {
  bytes: 64 * 1024 * 1024,
  what: "a project's simple page",
  advice:
    "Check that 'index-url' is the index's simple API (e.g. https://pypi.org/simple/). If it is " +
    "and the project's page is really that large, turn the read-back off with 'verify-upload: false'."
}

export interface SimpleReadOptions {
  /** Authorization for indexes whose simple pages need it. */
  authorization?: string
  /** A hard end for the whole read, redirects included (e.g. what is left of verify-timeout). */
  timeLimit?: TimeLimit
  /** The clock the time limit is counted on (injectable for tests). */
  now?: () => number
}

/**
 * Reads `<simpleUrl><project>/` (PEP 691 JSON when the index offers it, else the PEP 503 HTML page
 * with `#sha256=` fragments). Follows same-host redirects (PyPI redirects non-normalized names).
 */
export async function readSimplePage(
  http: Http,
  simpleUrl: string,
  project: string,
  options: SimpleReadOptions = {}
): Promise<SimplePage> {
  const { authorization, timeLimit } = options
  const now = options.now ?? Date.now
  const started = now()
  let url = new URL(
    `${encodeURIComponent(normalizeName(project))}/`,
    ensureSlash(simpleUrl)
  ).toString()
  const origin = new URL(url).origin
  for (let hop = 0; hop < 5; hop++) {
    const headers: Record<string, string> = {
      Accept: `${SIMPLE_JSON}, text/html;q=0.1`,
      'Cache-Control': 'no-cache'
    }
    if (authorization) headers.Authorization = authorization
    const limit = timeLimit && { ...timeLimit, ms: timeLimit.ms - (now() - started) }
    const response = await http.get(url, SIMPLE_PAGE_CAP, headers, limit)
    if ([301, 302, 303, 307, 308].includes(response.status) && response.headers.location) {
      const next = new URL(response.headers.location, url)
      if (next.origin !== origin) return { found: false, status: response.status, url }
      url = next.toString()
      continue
    }
    if (response.status !== 200) return { found: false, status: response.status, url }
    const type = String(response.headers['content-type'] ?? '')
    const files = type.includes('json') ? parseJson(response.body) : parseHtml(response.body)
    return { found: true, files, url }
  }
  return { found: false, status: 310, url }
}

function parseJson(body: string): ListedFiles {
  const files: ListedFiles = new Map()
  const parsed = JSON.parse(body) as {
    files?: Array<{ filename?: string; hashes?: Record<string, string> }>
  }
  for (const file of parsed.files ?? []) {
    if (file.filename) files.set(file.filename, (file.hashes?.sha256 ?? '').toLowerCase())
  }
  return files
}

function parseHtml(body: string): ListedFiles {
  const files: ListedFiles = new Map()
  for (const { href, text } of anchors(body)) {
    const [location, fragment = ''] = href.split('#', 2)
    const filename = text.trim() || decodeURIComponent(location.split('/').pop() ?? '')
    const sha256 = /^sha256=([0-9a-f]{64})$/i.exec(fragment)?.[1] ?? ''
    if (filename) files.set(filename, sha256.toLowerCase())
  }
  return files
}

function ensureSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`
}

/**
 * The simple index that belongs to an upload URL, for the indexes whose layout is known, or
 * undefined when it cannot be told (the caller then says so instead of skipping silently).
 */
export function simpleUrlFor(uploadUrl: string): string | undefined {
  const url = new URL(uploadUrl)
  const host = url.hostname.toLowerCase()
  if (host === 'upload.pypi.org' || host === 'pypi.org') return 'https://pypi.org/simple/'
  if (host === 'test.pypi.org') return 'https://test.pypi.org/simple/'
  const path = trimEndOf(url.pathname, '/')
  const base = `${url.origin}`
  // Warehouse-like and many others: …/legacy → …/simple/
  if (/\/legacy$/.test(path)) return `${base}${path.replace(/\/legacy$/, '')}/simple/`
  // GitLab: /api/v4/projects/<id>/packages/pypi (and groups)
  if (/\/packages\/pypi$/.test(path)) return `${base}${path}/simple/`
  // Artifactory: /artifactory/api/pypi/<repo>
  if (/\/api\/pypi\/[^/]+$/.test(path)) return `${base}${path}/simple/`
  // Nexus: /repository/<name>
  if (/\/repository\/[^/]+$/.test(path)) return `${base}${path}/simple/`
  // pypiserver: uploads go to the root
  if (path === '') return `${base}/simple/`
  // devpi: /<user>/<index>
  if (/^\/[^/+]+\/[^/+]+$/.test(path)) return `${base}${path}/+simple/`
  return undefined
}
