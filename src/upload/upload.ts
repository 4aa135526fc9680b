import type { Distribution, FormField } from '../dists/distribution.js'
import { excerpt } from '../shared/excerpt.js'
import type { BodyCap } from '../shared/http-body.js'
import { retryAfterMs } from '../shared/backoff.js'
import { basicAuth, type Http, type HttpResponse } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { buildMultipartBody, type ProgressReporter } from './multipart.js'
import { hintFor, indexMessage, isAlreadyExists } from './response.js'

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
  readonly dist: Distribution
  readonly status: number
  readonly indexMessage: string
  readonly url: string
  readonly hint?: string
  readonly alreadyExists: boolean
  readonly retryAfterMs?: number

  constructor(failure: UploadFailure) {
    const { dist, status, indexMessage, url, hint } = failure
    super(
      `Uploading ${dist.filename} failed: ${status ? `HTTP ${status}: ` : ''}${indexMessage} (${url})` +
        (hint ? `\n${hint}` : '')
    )
    this.name = 'UploadError'
    this.dist = dist
    this.status = status
    this.indexMessage = indexMessage
    this.url = url
    this.hint = hint
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
    'upload endpoint. The file may have been stored all the same: look at the index before ' +
    "re-running, or re-run with 'skip-existing: true'."
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
    {
      field: 'content',
      filename: dist.filename,
      path: dist.path,
      size: dist.size,
      contentType: 'application/octet-stream',
      onDisk: dist.onDisk,
      sha256: dist.digests.sha256
    },
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
  for (let hop = 0; ; hop++) {
    if (request.verbose) {
      log.info(
        `POST ${url} (${dist.filename}, ${body.contentLength} bytes, fields: ${fields
          .map(([name]) => name)
          .join(' ')})`
      )
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
      if (response.body.trim()) log.info(`← ${excerpt(response.body.trim(), 2000)}`)
    }
    const next = redirectTarget(response, url)
    if (!next) break
    if (new URL(next).origin !== new URL(url).origin || hop >= MAX_SAME_HOST_REDIRECTS) {
      // Never replay credentials to another host; tell the user the right URL instead.
      throw new UploadError({
        dist,
        status: response.status,
        indexMessage: `the index redirected the upload to ${next}`,
        url,
        hint: `Set 'repository-url' to the upload URL itself (${next}). Credentials are not sent to another host.`
      })
    }
    if (request.onRedirect) request.onRedirect(url, next)
    else log.warning(`${url} redirected to ${next}; following it on the same host.`)
    url = next
  }

  if (response.status >= 200 && response.status < 300) {
    // A stored upload's answer is not read further: its words matter only when it is refused.
    if (isHtmlPage(response)) {
      // PyPI answers a form it does not take as an upload with its HTML page and a 200.
      throw new UploadError({
        dist,
        status: response.status,
        indexMessage:
          'the index answered with an HTML page, not an upload result: the URL is probably not an upload endpoint',
        url,
        hint: hintFor(405, indexMessage(response), url)
      })
    }
    return
  }
  const message = indexMessage(response)
  throw new UploadError({
    dist,
    status: response.status,
    indexMessage: message,
    url,
    hint: hintFor(response.status, message, url),
    alreadyExists: isAlreadyExists(response, message),
    retryAfterMs: retryAfterMs(response)
  })
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
