import type { Distribution } from '../dists/distribution.js'
import { ListingReader, listedSha256, presenceOf, type Listings } from '../index-api/listing.js'
import { verifyOnIndex, type VerifyResult } from '../index-api/verify.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import type { FileResult } from '../upload/upload-all.js'

/** Where the index's simple pages are read, and as whom. */
export interface IndexReader {
  http: Http
  simpleUrl: string
  authorization: string | undefined
  log: Log
}

/** Each file's status and the failure that stops the run, if any. */
export interface Statuses {
  files: FileResult[]
  failure?: Error
}

const SAME = 'already on the index with the same sha256'
const NO_REPLACE = 'PyPI never allows a file to be replaced'

/**
 * Each file's status by what the index holds before any upload: our sha256 is skipped (sending it
 * again changes nothing); another sha256 is skipped loudly under `skip-existing`, else a conflict
 * that stops the run. Files of unread pages, or listed without a sha256, stay to be sent.
 */
export function statusesBeforeUpload(
  dists: readonly Distribution[],
  listings: Listings,
  skipExisting: boolean,
  log: Log
): Statuses {
  const files = dists.map((dist): FileResult => {
    const presence = presenceOf(listings, dist)
    if (presence === 'same') {
      log.info(`↷ ${dist.filename} is already on the index (same sha256); not sent again`)
      return { dist, status: 'skipped', sameHash: true, verified: true, message: SAME }
    }
    if (presence !== 'different') return { dist, status: 'not-attempted' }
    const shas = `sha256 ${listedSha256(listings, dist)} there, ${dist.digests.sha256} here`
    const message = `the index holds a different file under this name (${shas})`
    if (skipExisting) {
      log.warning(
        `${dist.filename} is already on the index with DIFFERENT content (${shas}). It is skipped (in a dry run too) ` +
          'and the index keeps its own file: this build is NOT published. ' +
          `${NO_REPLACE}; bump the version to publish this build.`,
        dist.path
      )
      return { dist, status: 'skipped', sameHash: false, message }
    }
    log.error(
      `${dist.filename}: ${message}. ${NO_REPLACE}, even after it is deleted; bump the version and build again.`,
      dist.path
    )
    return { dist, status: 'failed', sameHash: false, message }
  })
  const conflicts = files.filter(f => f.status === 'failed').map(f => f.dist.filename)
  if (conflicts.length === 0) return { files }
  const names = `${conflicts.length === 1 ? 'the name' : 'the names'} ${conflicts.join(', ')}`
  return {
    files,
    failure: new Error(
      `The index holds a different file under ${names}. ${NO_REPLACE}: bump the version and build ` +
        'again (or set `skip-existing: true` to keep the files on the index and publish the rest). ' +
        'Nothing was uploaded.'
    )
  }
}

/**
 * After an upload ended in an error, reads the index once: a file it holds with our sha256 counts
 * as uploaded despite its answer, and when every file is there the run succeeds.
 */
export async function statusesAfterFailure(
  { files, failure }: Statuses,
  index: IndexReader
): Promise<Statuses> {
  const { http, simpleUrl, authorization, log } = index
  const dists = files.map(f => f.dist)
  const listings = await new ListingReader(http, simpleUrl, authorization).listings(dists, log)
  const read = files.map((file): FileResult => {
    if (presenceOf(listings, file.dist) !== 'same') return file
    if (file.status === 'failed') {
      log.info(`✔ ${file.dist.filename} is on the index (same sha256) despite the error`)
      return { ...file, status: 'uploaded', verified: true }
    }
    if (file.status === 'not-attempted') {
      return { ...file, status: 'skipped', sameHash: true, verified: true, message: SAME }
    }
    return { ...file, verified: true }
  })
  // Files skipped as the user asked (skip-existing) count as done, as they would without the error.
  if (!read.every(f => f.status === 'uploaded' || f.status === 'skipped')) {
    return { files: read, failure }
  }
  log.info('Every file is on the index: the errors above did not stop the release.')
  return { files: read }
}

/** Uploaded, or held by the index with our sha256 (or one not compared) before the upload. */
const sentOrHeld = (file: FileResult): boolean =>
  file.status === 'uploaded' || (file.status === 'skipped' && file.sameHash !== false)

/** Files the index holds with the local sha256 (uploaded, or there already), as far as read back. */
export const onIndex = (file: FileResult): boolean => file.verified !== false && sentOrHeld(file)

/** Reads back every file the index should hold with our sha256 (a file skipped as another build is not ours). */
export async function verifyStatuses(
  files: readonly FileResult[],
  index: IndexReader,
  timeoutMs: number
): Promise<Statuses & { verification: VerifyResult & { simpleUrl: string } }> {
  const { simpleUrl, log } = index
  const expected = files.filter(sentOrHeld)
  const found = await log.group(`Reading ${expected.length} file(s) back from ${simpleUrl}`, () =>
    verifyOnIndex(
      expected.map(f => f.dist),
      { ...index, timeoutMs }
    )
  )
  const failedOf = new Map(found.failed.map(f => [f.dist, f]))
  const verified = new Set(found.verified)
  const failed: VerifyResult['failed'] = []
  const read = files.map((file): FileResult => {
    const failure = failedOf.get(file.dist)
    if (failure?.listedSha256 && file.status === 'skipped') {
      // Skipped when the index gave no hash to compare: it holds another build.
      log.warning(
        `${file.dist.filename} was skipped, and the index holds a DIFFERENT file under this name ` +
          `(sha256 ${failure.listedSha256} there, ${file.dist.digests.sha256} here): this build is ` +
          'NOT published. Bump the version to publish it.',
        file.dist.path
      )
      return { ...file, sameHash: false }
    }
    if (failure) {
      failed.push(failure)
      return { ...file, verified: false }
    }
    return verified.has(file.dist) ? { ...file, verified: true } : file
  })
  for (const dist of found.unverifiable) {
    log.notice(`${dist.filename} is listed on ${simpleUrl}, which gives no sha256 to compare.`)
  }
  if (found.unreadable.length > 0) {
    const why = [...new Set(found.unreadable.map(u => u.reason))].join('; ')
    log.warning(
      `Not read back: ${why}, so whether the index holds ` +
        `${found.unreadable.map(u => u.dist.filename).join(', ')} is not known (its answer to ` +
        "the upload is all there is). To read the upload back, set 'index-url' to a simple index " +
        "with credentials that may read it (https://user:token@host/simple/), or 'verify-upload: false'."
    )
  }
  const verification = { ...found, failed, simpleUrl }
  if (failed.length > 0) {
    for (const { dist, reason } of failed) log.error(`${dist.filename}: ${reason}`, dist.path)
    const what = failed.map(f => `${f.dist.filename} (${f.reason})`).join('; ')
    return {
      files: read,
      verification,
      failure: new Error(`The index does not have what was uploaded: ${what}`)
    }
  }
  const count = found.verified.length
  const unverifiable = found.unverifiable.length
  // Where it was read: the group that names it is not shown when nothing went wrong in it.
  if (count > 0)
    log.info(
      count === expected.length
        ? `✔ All ${count} file(s) are on the index with the expected sha256 (read back from ${simpleUrl}).`
        : `✔ ${count} of ${expected.length} file(s) are on the index with the expected sha256 (read back from ${simpleUrl})` +
            (unverifiable ? `; ${unverifiable} listed without a sha256 to compare.` : '.')
    )
  return { files: read, verification }
}
