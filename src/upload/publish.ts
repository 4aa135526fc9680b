import type { Distribution } from '../dists/distribution.js'
import type { Http } from '../http.js'
import type { Log } from '../log.js'
import { UploadError, uploadDistribution, type UploadTarget } from './upload.js'

export type FileStatus = 'uploaded' | 'skipped' | 'failed' | 'not-attempted'

export interface FileResult {
  dist: Distribution
  status: FileStatus
  /** The index's message (skipped/failed) or undefined. */
  message?: string
  /** For skipped files: whether the file on the index has the same sha256 (undefined: unknown). */
  sameHash?: boolean
}

export interface PublishResult {
  files: FileResult[]
  /** The failure that stopped the run, if any. */
  failure?: UploadError | Error
}

/**
 * Uploads the distributions one after another and stops at the first failure, so a release is
 * never left with files after a refused one. Every file gets a result, including those never sent.
 */
export async function publishAll(
  http: Http,
  target: UploadTarget,
  dists: readonly Distribution[],
  log: Log
): Promise<PublishResult> {
  const files: FileResult[] = dists.map(dist => ({ dist, status: 'not-attempted' }))
  for (const result of files) {
    const { dist } = result
    try {
      const outcome = await uploadDistribution(http, target, dist, log)
      if (outcome.status === 'uploaded') {
        result.status = 'uploaded'
        log.info(`✔ ${dist.filename} uploaded (${formatSize(dist.size)})`)
      } else {
        result.status = 'skipped'
        result.message = outcome.reason
        result.sameHash = outcome.sameHash
        if (outcome.sameHash === false) {
          log.warning(
            `${dist.filename} is already on the index with DIFFERENT content (sha256 differs from ${dist.digests.sha256}). ` +
              'It was skipped; the index keeps its own file. Bump the version if this build should be published.',
            dist.path
          )
        } else {
          log.info(
            `↷ ${dist.filename} already exists on the index; skipped${outcome.sameHash ? ' (identical sha256)' : ''}`
          )
        }
      }
    } catch (error) {
      result.status = 'failed'
      result.message =
        error instanceof UploadError
          ? error.indexMessage
          : error instanceof Error
            ? error.message
            : String(error)
      log.error(error instanceof Error ? error.message : String(error), dist.path)
      return { files, failure: error instanceof Error ? error : new Error(String(error)) }
    }
  }
  return { files }
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`
}
