import { isExpiredTokenResponse, withCurrentToken, type TokenSource } from '../auth/token-source.js'
import type { Distribution, FormField } from '../dists/distribution.js'
import { AnswerTooLargeError } from '../shared/http-body.js'
import { NetworkError, type Http } from '../shared/http.js'
import { readSimplePage } from '../index-api/simple.js'
import type { Log } from '../shared/log.js'
import { progressReporter, type ProgressOptions } from './multipart.js'
import { retryNote, withRetries, type RetryPolicy } from '../shared/backoff.js'
import { UploadError, uploadDistribution } from './upload.js'

export interface SendContext {
  http: Http
  /** Upload endpoint. */
  url: string
  tokens: TokenSource
  skipExisting: boolean
  verbose: boolean
  /** The index's simple API, when known: read after ambiguous failures and "already exists". */
  simpleUrl?: string
  /** Authorization for the simple pages, when the index wants it. */
  simpleAuth?: string
  retry: RetryPolicy
  /** Extra form fields for a file (its attestations). */
  extraFields?: (dist: Distribution) => readonly FormField[]
  log: Log
  /** Progress lines for large files (defaults: files of 10 MiB and more, every 5 s). */
  progress?: ProgressOptions
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export type SendOutcome =
  | {
      status: 'uploaded'
      attempts: number
      /** Stored by an earlier attempt whose answer was lost: seen on the index, not re-sent. */
      confirmedOnIndex?: boolean
    }
  | {
      status: 'skipped'
      attempts: number
      reason: string
      /** Whether the index's copy has our sha256; undefined when the index cannot tell. */
      sameHash: boolean | undefined
    }

/**
 * Gets one distribution onto the index: sends it, renews an expired trusted-publishing token,
 * retries transient failures with backoff, and after an ambiguous failure asks the index whether
 * the file is already there before sending again, so a file is never uploaded twice and never
 * reported uploaded without a 2xx or the index listing it with our sha256.
 */
export async function sendDistribution(ctx: SendContext, dist: Distribution): Promise<SendOutcome> {
  const { log } = ctx
  const now = ctx.now ?? Date.now
  const startedAt = now()
  const extraFields = ctx.extraFields?.(dist) ?? []
  const progress = progressReporter(dist.filename, log, ctx.progress)
  let attempts = 0
  const send = async (): Promise<SendOutcome> => {
    attempts++
    try {
      await withCurrentToken(
        ctx.tokens,
        (user, password) =>
          uploadDistribution(
            ctx.http,
            {
              url: ctx.url,
              user,
              password,
              verbose: ctx.verbose,
              extraFields,
              progress,
              onRedirect: (from, to) => followRedirect(ctx, from, to)
            },
            dist,
            log
          ),
        error =>
          error instanceof UploadError && isExpiredTokenResponse(error.status, error.indexMessage)
      )
      return { status: 'uploaded', attempts }
    } catch (error) {
      // Before any retry: the file may be on the index already (an earlier attempt or another
      // upload stored it); what that does not settle is thrown, for the retry rule.
      const confirmed: SendOutcome = { status: 'uploaded', attempts, confirmedOnIndex: true }
      if (error instanceof UploadError && error.alreadyExists) {
        const listed = await hashOnIndex(ctx, dist)
        const same = listed === dist.digests.sha256
        // Our own earlier attempt stored it; its answer was lost.
        if (same && attempts > 1) return confirmed
        if (!same && !ctx.skipExisting) throw error
        // The identical file there already is the state the user asked for (PyPI itself answers
        // 200 to an identical re-upload; other indexes refuse it).
        const sameHash = same || (listed === undefined ? undefined : false)
        return { status: 'skipped', attempts, reason: error.indexMessage, sameHash }
      }

      if (error instanceof AnswerTooLargeError) {
        // The index took the whole upload and then answered with more than an upload result can
        // be: it may have stored the file. Asked once; re-sending to an index that answers like
        // this would not help, so this is never retried.
        if ((await hashOnIndex(ctx, dist)) === dist.digests.sha256) {
          log.warning(`${dist.filename}: ${error.message} The index lists it with our sha256.`)
          return confirmed
        }
        throw error
      }

      // Asked before giving up too: the last attempt (or the only one, with `retries: 0`) may
      // have stored the file, and then it is uploaded whatever the answer said.
      if (classifyFailure(error) === 'ambiguous') {
        const listed = await hashOnIndex(ctx, dist)
        if (listed === dist.digests.sha256) {
          log.info(
            `${dist.filename}: the index has it (sha256 matches) although the answer was lost`
          )
          return confirmed
        }
        if (listed) {
          throw new UploadError({
            dist,
            status: 0,
            indexMessage: `after a lost answer the index lists ${dist.filename} with sha256 ${listed}, not ${dist.digests.sha256}`,
            url: ctx.url,
            hint: 'Another upload of this name reached the index. Check what was published before re-running.'
          })
        }
      }
      throw error
    }
  }
  try {
    return await withRetries(send, {
      policy: ctx.retry,
      transient: error =>
        classifyFailure(error) === 'final'
          ? undefined
          : { retryAfterMs: error instanceof UploadError ? error.retryAfterMs : undefined },
      // A retry that recovers is not a problem worth an annotation: only the final failure is.
      onRetry: (error, retry, delay) =>
        log.info(`${dist.filename}: ${shortReason(error)}; ${retryNote(retry, ctx.retry, delay)}`),
      sleep: ctx.sleep,
      now
    })
  } catch (error) {
    throw classifyFailure(error) === 'final' ? error : gaveUp(error, attempts, now() - startedAt)
  }
}

export type FailureKind =
  /** The request never reached the index (no connection): nothing can have been stored. */
  | 'unsent'
  /** The request may have been stored (no answer, or a 5xx after the body went out). */
  | 'ambiguous'
  /** Refused before storing: rate limit. */
  | 'rate-limited'
  /** A refusal retrying cannot change. */
  | 'final'

/**
 * What a failure means for retrying. Network failures and 5xx answers are ambiguous: the index
 * (or the proxy in front of it) may have stored the file before the answer was lost, so the
 * caller asks the index before sending again. A connection that was never opened is not: reading
 * the index then would only wait on the same unreachable host. 429 is the index asking us to
 * slow down. An untrusted certificate or a proxy that wants credentials does not heal by waiting.
 */
export function classifyFailure(error: unknown): FailureKind {
  // An answer larger than any upload result: the same index would answer the same way again.
  if (error instanceof AnswerTooLargeError) return 'final'
  // A deadline passed (an index trickling its answer) is like the inactivity timeout: ambiguous.
  if (error instanceof NetworkError) {
    if (error.final) return 'final'
    return error.unsent ? 'unsent' : 'ambiguous'
  }
  if (error instanceof UploadError) {
    if (error.status === 429) return 'rate-limited'
    if (error.status >= 500 && error.status <= 599) return 'ambiguous'
  }
  return 'final'
}

/**
 * The index moved the upload URL on the same host (PyPI: `/legacy` → `/legacy/`): later uploads go
 * straight there, and the user hears about it once.
 */
function followRedirect(ctx: SendContext, from: string, to: string): void {
  if (ctx.url !== from) return
  ctx.url = to
  ctx.log.warning(
    `${from} redirected to ${to}; following it on the same host. Set 'repository-url: ${to}' to skip the detour.`
  )
}

/** The sha256 the index lists for this file: undefined when not listed or unreadable. */
async function hashOnIndex(ctx: SendContext, dist: Distribution): Promise<string | undefined> {
  if (!ctx.simpleUrl) return undefined
  try {
    const page = await readSimplePage(ctx.http, ctx.simpleUrl, dist.name, {
      authorization: ctx.simpleAuth
    })
    return (page.found && page.files.get(dist.filename)) || undefined
  } catch (error) {
    // An oversized page is the index's configuration, worth a word; other failures are transient.
    if (error instanceof AnswerTooLargeError) ctx.log.warning(error.message)
    else ctx.log.debug(`Could not read ${ctx.simpleUrl} for ${dist.name}: ${String(error)}`)
    return undefined
  }
}

/** Only NetworkErrors and UploadErrors are retried (classifyFailure), or given up on. */
function shortReason(error: unknown): string {
  if (error instanceof UploadError) return `HTTP ${error.status}: ${error.indexMessage}`
  return (error as NetworkError).message
}

function gaveUp(error: unknown, attempts: number, elapsedMs: number): unknown {
  const note = ` (gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} in ${Math.round(elapsedMs / 1000)} s)`
  if (error instanceof UploadError) {
    return new UploadError({ ...error.failure, indexMessage: error.indexMessage + note })
  }
  if (error instanceof Error) error.message += note
  return error
}
