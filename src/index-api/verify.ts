import type { Distribution } from '../dists/distribution.js'
import { normalizeName } from '../dists/filename.js'
import type { Http } from '../shared/http.js'
import { readSimplePage } from './simple.js'
import type { Log } from '../shared/log.js'
import { sleep as realSleep } from '../upload/retry.js'

export interface VerifyOptions {
  http: Http
  simpleUrl: string
  /** Basic auth for indexes whose simple pages need it (same host as the upload URL). */
  authorization?: string
  /** How long to keep reading until every file shows up (indexes and CDNs lag). */
  timeoutMs: number
  log: Log
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface VerifyResult {
  /** Listed with our sha256. */
  verified: Distribution[]
  /** Listed, but the index gives no sha256 to compare (some HTML-only indexes). */
  unverifiable: Distribution[]
  /** Not listed, or listed with another sha256 (given), when time ran out. */
  failed: Array<{ dist: Distribution; reason: string; listedSha256?: string }>
}

/**
 * Reads the index back until every file is listed with the local sha256, or the time is up. A 200
 * is not proof that a file was stored (PyPI answers 200 with an HTML page to a form without
 * `:action`), and users of other tools needed a script of their own to check a release landed.
 */
export async function verifyOnIndex(
  dists: readonly Distribution[],
  options: VerifyOptions
): Promise<VerifyResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? realSleep
  const deadline = now() + options.timeoutMs
  const pending = new Map(dists.map(d => [d.filename, d]))
  const seen = new Map<string, string>() // filename → last sha256 listed
  const unverifiable: Distribution[] = []
  let wait = 1000

  for (let round = 1; ; round++) {
    // One read per project: an sdist and a wheel may spell the name differently.
    const projects = new Set([...pending.values()].map(d => normalizeName(d.name)))
    for (const project of projects) {
      const page = await readSimplePage(
        options.http,
        options.simpleUrl,
        project,
        options.authorization
      ).catch((error: unknown) => {
        options.log.debug(`Reading ${options.simpleUrl} for ${project} failed: ${String(error)}`)
        return undefined
      })
      if (!page?.found) continue
      for (const dist of [...pending.values()].filter(d => normalizeName(d.name) === project)) {
        const listed = page.files.get(dist.filename)
        if (listed === undefined) continue
        seen.set(dist.filename, listed)
        if (listed === '') unverifiable.push(dist)
        // Listed with another hash: no amount of waiting changes that, so stop reading for it.
        pending.delete(dist.filename)
      }
    }
    const left = deadline - now()
    if (pending.size === 0 || left <= 0) break
    // The last wait is cut to the deadline, so the final read happens at the bound and the whole
    // allowed time is used (waiting the full backoff would either overrun it or give up early).
    const next = Math.min(wait, left)
    options.log.info(
      `Waiting for the index to list ${pending.size} file(s) (read ${round}); reading again in ${next / 1000} s`
    )
    await sleep(next)
    wait = Math.min(wait * 2, 15_000)
  }

  const failed: VerifyResult['failed'] = []
  const verified: Distribution[] = []
  for (const dist of dists) {
    const listed = seen.get(dist.filename)
    if (listed === undefined) {
      failed.push({
        dist,
        reason: `not listed on ${options.simpleUrl} after ${Math.round(options.timeoutMs / 1000)} s`
      })
    } else if (listed === dist.digests.sha256) {
      verified.push(dist)
    } else if (listed !== '') {
      failed.push({
        dist,
        reason: `listed on ${options.simpleUrl} with sha256 ${listed}, not ${dist.digests.sha256}`,
        listedSha256: listed
      })
    }
  }
  return { verified, unverifiable, failed }
}
