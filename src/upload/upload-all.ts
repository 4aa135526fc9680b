import type { Distribution } from '../dists/distribution.js'
import { normalizeName } from '../dists/filename.js'
import { sendDistribution, type SendContext } from './send.js'
import { formatSize } from '../shared/format.js'
import { UploadError } from './upload.js'

export interface FileResult {
  dist: Distribution
  status: 'uploaded' | 'skipped' | 'failed' | 'not-attempted'
  /** The index's message (skipped/failed). */
  message?: string
  /** For skipped files: whether the file on the index has the same sha256 (undefined: unknown). */
  sameHash?: boolean
  attempts?: number
  /** Read back from the index with our sha256 (true), or not found so (false). */
  verified?: boolean
}

/**
 * Uploads the distributions, `concurrency` at a time. The first file of each project goes alone,
 * because it may create the project or the release and PyPI takes the release's metadata from
 * it; the project's other files follow in parallel. On the first hard failure no new upload
 * starts (those in flight finish), so every file ends with a result that says what happened, and
 * the failure that stopped the run is returned beside them.
 */
export async function publishAll(
  ctx: SendContext,
  dists: readonly Distribution[],
  concurrency: number
): Promise<{ files: FileResult[]; failure?: Error }> {
  const { log } = ctx
  const files: FileResult[] = dists.map(dist => ({ dist, status: 'not-attempted' }))
  let failure: Error | undefined

  // Each project's first upload, as a promise its other files wait for.
  const firstOfProject = new Map<string, Promise<boolean>>()
  const queue = [...files]

  const uploadOne = async (result: FileResult): Promise<boolean> => {
    const { dist } = result
    try {
      const outcome = await sendDistribution(ctx, dist)
      result.attempts = outcome.attempts
      if (outcome.status === 'uploaded') {
        result.status = 'uploaded'
        const note = outcome.confirmedOnIndex
          ? ', confirmed on the index'
          : outcome.attempts > 1
            ? ` after ${outcome.attempts} attempts`
            : ''
        log.info(`✔ ${dist.filename} uploaded (${formatSize(dist.size)}${note})`)
      } else {
        result.status = 'skipped'
        result.message = outcome.reason
        result.sameHash = outcome.sameHash
        if (outcome.sameHash === false) {
          log.warning(
            `${dist.filename} is already on the index with DIFFERENT content (its sha256 is not ${dist.digests.sha256}). ` +
              'It was skipped and the index keeps its own file. Bump the version if this build should be published.',
            dist.path
          )
        } else {
          log.info(
            `↷ ${dist.filename} already on the index; skipped` +
              (outcome.sameHash ? ' (identical sha256)' : ' (its hash could not be compared)')
          )
        }
      }
      return true
    } catch (error) {
      result.status = 'failed'
      const err = error instanceof Error ? error : new Error(String(error))
      result.message = err instanceof UploadError ? err.indexMessage : err.message
      log.error(err.message, dist.path)
      failure ??= err
      return false
    }
  }

  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next && !failure; next = queue.shift()) {
      const project = normalizeName(next.dist.name)
      const first = firstOfProject.get(project)
      if (first === undefined) {
        const upload = uploadOne(next)
        firstOfProject.set(project, upload)
        await upload
      } else if ((await first) && !failure) await uploadOne(next)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker))
  return { files, failure }
}
