import type { Distribution } from '../dists/distribution.js'
import { normalizeName } from '../dists/filename.js'
import type { Http, TimeLimit } from '../shared/http.js'
import { readSimplePage } from './simple.js'
import type { Log } from '../shared/log.js'
import { sleep as realSleep } from '../shared/backoff.js'

export interface VerifyOptions {
  http: Http
  simpleUrl: string
  /** Basic auth, for indexes whose simple pages need it. */
  authorization?: string
  /** Indexes and CDNs lag: how long to keep reading until every file shows up. */
  timeoutMs: number
  log: Log
  sleep?: (ms: number) => Promise<void>
  now?: () => number
}

export interface VerifyResult {
  verified: Distribution[]
  /** Listed without a sha256 (some HTML-only indexes). */
  unverifiable: Distribution[]
  /** On a page this run may not read (HTTP 401/403): whether the index holds it is not known. */
  unreadable: Array<{ dist: Distribution; reason: string }>
  /** Not listed when time ran out, or listed with another sha256. */
  failed: Array<{ dist: Distribution; reason: string; listedSha256?: string }>
}

/**
 * Reads the index back until every file is listed with the local sha256, or the time is up: a 200
 * is no proof a file was stored (PyPI answers 200 with an HTML page to a form without `:action`).
 */
export async function verifyOnIndex(
  dists: readonly Distribution[],
  options: VerifyOptions
): Promise<VerifyResult> {
  const { simpleUrl, timeoutMs, log, now = Date.now, sleep = realSleep } = options
  const deadline = now() + timeoutMs
  const bound = `verify-timeout (${Math.round(timeoutMs / 100) / 10} s)`
  // Each read is cut at the deadline, even when the index trickles a page (a request's own
  // deadline is minutes). verify-timeout 0 is one read, with only the request's deadline.
  const timeLimit = (): TimeLimit | undefined =>
    timeoutMs > 0 ? { ms: deadline - now(), reason: `${bound} ran out` } : undefined
  // The last read starts this long before the deadline: one starting at it would be cut at once.
  const finalRead = Math.min(5000, timeoutMs / 10)
  const pending = new Map(dists.map(d => [d.filename, d]))
  const seen = new Map<string, string>() // filename → last sha256 listed
  const lastError = new Map<string, string>() // project → why its last read failed
  const refused = new Map<string, string>() // project → its page's refusal: waiting changes nothing
  const unverifiable: Distribution[] = []
  let wait = 1000

  for (let round = 1; ; round++) {
    // One read per project: an sdist and a wheel may spell the name differently.
    const projects = new Set([...pending.values()].map(d => normalizeName(d.name)))
    for (const project of projects) {
      const limit = timeLimit()
      if (limit && limit.ms <= 0) break
      const page = await readSimplePage(options.http, simpleUrl, project, {
        authorization: options.authorization,
        timeLimit: limit,
        now
      }).catch((error: unknown) => {
        lastError.set(project, error instanceof Error ? error.message : String(error))
        log.debug(`Reading ${simpleUrl} for ${project} failed: ${String(error)}`)
        return undefined
      })
      if (page) lastError.delete(project)
      // A page that is not there yet (404) is what waiting is for; any other answer is a failed read.
      if (page && !page.found && page.status !== 404) {
        const answer = `${page.url} answered HTTP ${page.status}`
        lastError.set(project, answer)
        if (page.status === 401 || page.status === 403) {
          refused.set(project, answer)
          for (const [name, d] of pending)
            if (normalizeName(d.name) === project) pending.delete(name)
        }
      }
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
    if (pending.size === 0 || left <= finalRead) break
    // Cut so the final read starts just before the deadline and can still finish by it.
    const next = Math.min(wait, left - finalRead)
    log.info(
      `Waiting for the index to list ${pending.size} file(s) (read ${round}); reading again in ${next / 1000} s`
    )
    await sleep(next)
    wait = Math.min(wait * 2, 15_000)
  }

  const failed: VerifyResult['failed'] = []
  const verified: Distribution[] = []
  const unreadable: VerifyResult['unreadable'] = []
  for (const dist of dists) {
    const listed = seen.get(dist.filename)
    const refusal = refused.get(normalizeName(dist.name))
    if (listed === undefined && refusal) {
      unreadable.push({ dist, reason: refusal })
    } else if (listed === undefined) {
      const error = lastError.get(normalizeName(dist.name))
      failed.push({
        dist,
        reason:
          `not listed on ${simpleUrl} after ${Math.round(timeoutMs / 1000)} s` +
          (error ? ` (the last read failed: ${error})` : '')
      })
    } else if (listed === dist.digests.sha256) {
      verified.push(dist)
    } else if (listed !== '') {
      failed.push({
        dist,
        reason: `listed on ${simpleUrl} with sha256 ${listed}, not ${dist.digests.sha256}`,
        listedSha256: listed
      })
    }
  }
  return { verified, unverifiable, unreadable, failed }
}
