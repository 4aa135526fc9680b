import type { Distribution, FormField } from '../dists/distribution.js'
import { basicAuth, type Http, type HttpResponse } from '../http.js'
import { readSimplePage } from '../index-api/simple.js'
import type { Log } from '../log.js'
import { uploadFields } from './form.js'
import { buildMultipartBody } from './multipart.js'
import { hintFor, indexMessage, isAlreadyExists } from './response.js'

export interface UploadTarget {
  /** Upload endpoint. */
  url: string
  user: string
  password: string
  skipExisting: boolean
  verbose: boolean
  /** The index's simple API, when known: used to compare hashes of files that already exist. */
  simpleUrl?: string
}

export type UploadOutcome =
  { status: 'uploaded' } | { status: 'skipped'; reason: string; sameHash: boolean | undefined }

/** An upload the index refused, with its own words, a hint, and what was asked. */
export class UploadError extends Error {
  constructor(
    readonly dist: Distribution,
    readonly status: number,
    readonly indexMessage: string,
    readonly url: string,
    readonly hint?: string
  ) {
    super(
      `Uploading ${dist.filename} failed: ${status ? `HTTP ${status}: ` : ''}${indexMessage} (${url})` +
        (hint ? `\n${hint}` : '')
    )
    this.name = 'UploadError'
  }
}

const MAX_SAME_HOST_REDIRECTS = 3

/** Sends one distribution and says what became of it; throws UploadError when refused. */
export async function uploadDistribution(
  http: Http,
  target: UploadTarget,
  dist: Distribution,
  log: Log,
  extraFields: readonly FormField[] = []
): Promise<UploadOutcome> {
  const fields = uploadFields(dist, extraFields)
  const body = buildMultipartBody(fields, {
    field: 'content',
    filename: dist.filename,
    path: dist.path,
    size: dist.size,
    contentType: 'application/octet-stream'
  })
  const headers = {
    Authorization: basicAuth(target.user, target.password),
    Accept: 'application/json',
    'Content-Type': body.contentType,
    'Content-Length': body.contentLength
  }

  let url = target.url
  let response: HttpResponse
  for (let hop = 0; ; hop++) {
    if (target.verbose) {
      log.info(
        `POST ${url} (${dist.filename}, ${body.contentLength} bytes, ${fields.length} fields)`
      )
    }
    response = await http.request('POST', url, { headers, body: () => body.open() })
    if (target.verbose) log.info(`→ HTTP ${response.status} ${response.statusText}`.trimEnd())
    const next = redirectTarget(response, url)
    if (!next) break
    if (new URL(next).origin !== new URL(url).origin || hop >= MAX_SAME_HOST_REDIRECTS) {
      // Never replay credentials to another host; tell the user the right URL instead.
      throw new UploadError(
        dist,
        response.status,
        `the index redirected the upload to ${next}`,
        url,
        `Set 'repository-url' to the upload URL itself. Credentials are not sent to another host.`
      )
    }
    log.warning(
      `${url} redirected to ${next}; following it on the same host. Set 'repository-url: ${next}' to skip the detour.`
    )
    url = next
  }

  const message = indexMessage(response)
  if (response.status >= 200 && response.status < 300) {
    if (isHtmlPage(response)) {
      // PyPI answers a form without `:action` with its HTML home page and a 200: nothing stored.
      throw new UploadError(
        dist,
        200,
        'the index answered 200 with an HTML page, not an upload result: the URL is probably not an upload endpoint',
        url,
        hintFor(405, message, url)
      )
    }
    return { status: 'uploaded' }
  }
  if (isAlreadyExists(response, message)) {
    if (target.skipExisting) {
      return {
        status: 'skipped',
        reason: message,
        sameHash: await sameHashOnIndex(http, target, dist)
      }
    }
  }
  throw new UploadError(dist, response.status, message, url, hintFor(response.status, message, url))
}

function redirectTarget(response: HttpResponse, url: string): string | undefined {
  if (![301, 302, 303, 307, 308].includes(response.status)) return undefined
  const location = response.headers.location
  return location ? new URL(location, url).toString() : undefined
}

/**
 * Indexes answer a stored upload with an empty body, "OK" or JSON (GitLab: 201). A whole HTML
 * document is what PyPI sends for a form it did not take as an upload (no `:action`): nothing stored.
 */
function isHtmlPage(response: HttpResponse): boolean {
  return /<html[\s>]/i.test(response.body) && /<\/html>/i.test(response.body)
}

/**
 * After "already exists": is the file on the index the same as ours? undefined when the index's
 * simple page cannot be read.
 */
async function sameHashOnIndex(
  http: Http,
  target: UploadTarget,
  dist: Distribution
): Promise<boolean | undefined> {
  if (!target.simpleUrl) return undefined
  try {
    const page = await readSimplePage(http, target.simpleUrl, dist.name)
    if (!page.found) return undefined
    const listed = page.files.get(dist.filename)
    if (listed === undefined || listed === '') return undefined
    return listed === dist.digests.sha256
  } catch {
    return undefined
  }
}
