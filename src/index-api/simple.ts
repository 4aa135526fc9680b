import { normalizeName } from '../dists/filename.js'
import { anchors } from '../shared/html.js'
import type { BodyCap } from '../shared/http-body.js'
import { redirectTarget, type Http, type TimeLimit } from '../shared/http.js'
import { trimEndOf } from '../shared/format.js'

/** What the index lists for one project: filename → sha256 (lowercase hex, '' when not given). */
export type ListedFiles = Map<string, string>

type SimplePage =
  { found: true; files: ListedFiles; url: string } | { found: false; status: number; url: string }

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json'

/** The largest pages on PyPI (nightlies, thousands of releases) are some MiB of PEP 691 JSON. */
export const SIMPLE_PAGE_CAP: BodyCap = {
  bytes: 64 * 1024 * 1024,
  what: "a project's simple page",
  advice:
    "Check that 'index-url' is the index's simple API (e.g. https://pypi.org/simple/). If it is " +
    "and the project's page is really that large, turn the read-back off with 'verify-upload: false'."
}

interface SimpleReadOptions {
  authorization?: string
  /** For the whole read, redirects included (what is left of verify-timeout). */
  timeLimit?: TimeLimit
  now?: () => number
}

/**
 * `<simpleUrl><project>/`: PEP 691 JSON when offered, else PEP 503 HTML with `#sha256=`
 * fragments. Same-origin redirects only (PyPI redirects non-normalized names).
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
  const base = simpleUrl.endsWith('/') ? simpleUrl : `${simpleUrl}/`
  let url = new URL(`${encodeURIComponent(normalizeName(project))}/`, base).toString()
  const origin = new URL(url).origin
  const headers: Record<string, string> = {
    Accept: `${SIMPLE_JSON}, text/html;q=0.1`,
    'Cache-Control': 'no-cache',
    ...(authorization && { Authorization: authorization })
  }
  for (let hop = 0; hop < 5; hop++) {
    const limit = timeLimit && { ...timeLimit, ms: timeLimit.ms - (now() - started) }
    const response = await http.get(url, SIMPLE_PAGE_CAP, headers, limit)
    const next = redirectTarget(response, url)
    // Another origin's answer is not followed: the 3xx is the page's status.
    if (next && new URL(next).origin === origin) {
      url = next
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

/** Upload path → simple index path (`$&`: as matched), by the layouts of the indexes we know. */
const SIMPLE_OF_UPLOAD: Array<[RegExp, string]> = [
  // Warehouse-like and many others: …/legacy → …/simple/
  [/\/legacy$/, '/simple/'],
  // GitLab …/packages/pypi (projects and groups), Artifactory /artifactory/api/pypi/<repo>,
  // Nexus /repository/<name>
  [/\/packages\/pypi$|\/api\/pypi\/[^/]+$|\/repository\/[^/]+$/, '$&/simple/'],
  // pypiserver: uploads go to the root
  [/^$/, '/simple/'],
  // devpi: /<user>/<index>
  [/^\/[^/+]+\/[^/+]+$/, '$&/+simple/']
]

/** undefined when the layout is not known: the caller says so instead of skipping silently. */
export function simpleUrlFor(uploadUrl: string): string | undefined {
  const { hostname, origin, pathname } = new URL(uploadUrl)
  if (hostname === 'upload.pypi.org' || hostname === 'pypi.org') return 'https://pypi.org/simple/'
  if (hostname === 'test.pypi.org') return 'https://test.pypi.org/simple/'
  const path = trimEndOf(pathname, '/')
  const known = SIMPLE_OF_UPLOAD.find(([layout]) => layout.test(path))
  return known && origin + path.replace(...known)
}
