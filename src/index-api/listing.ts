import type { Distribution } from '../dists/distribution.js'
import { normalizeName } from '../dists/filename.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { readSimplePage, type ListedFiles } from './simple.js'

/**
 * What the index lists for each project (normalized name → its files), read once per project.
 * A project whose page could not be read (401/403, 5xx, a redirect elsewhere, a body that does
 * not parse) has no entry: nothing can be said about its files.
 */
export type Listings = Map<string, ListedFiles>

/**
 * Reads each project's simple page once. A 404 is a readable answer: the project does not exist
 * yet, so none of its files are there (a first release).
 */
export async function readListings(
  http: Http,
  simpleUrl: string,
  dists: readonly Distribution[],
  authorization: string | undefined,
  log: Log
): Promise<Listings> {
  const listings: Listings = new Map()
  for (const project of new Set(dists.map(d => normalizeName(d.name)))) {
    try {
      const page = await readSimplePage(http, simpleUrl, project, { authorization })
      if (page.found) listings.set(project, page.files)
      else if (page.status === 404) listings.set(project, new Map())
      else log.debug(`${page.url} answered HTTP ${page.status}: its files are not known`)
    } catch (error) {
      log.debug(`Reading ${simpleUrl} for ${project} failed: ${String(error)}`)
    }
  }
  return listings
}

/** What the index holds under a file's name, by its listings. */
export type Presence =
  /** The project's page could not be read. */
  | 'unknown'
  | 'absent'
  /** Listed with the local sha256. */
  | 'same'
  /** Listed with another sha256. */
  | 'different'
  /** Listed without a sha256 (some HTML-only indexes). */
  | 'listed'

export function presenceOf(listings: Listings, dist: Distribution): Presence {
  const files = listings.get(normalizeName(dist.name))
  if (!files) return 'unknown'
  const listed = files.get(dist.filename)
  if (listed === undefined) return 'absent'
  if (listed === '') return 'listed'
  return listed === dist.digests.sha256 ? 'same' : 'different'
}

/** The sha256 the listings give for a file ('' or undefined when none). */
export function listedSha256(listings: Listings, dist: Distribution): string | undefined {
  return listings.get(normalizeName(dist.name))?.get(dist.filename)
}
