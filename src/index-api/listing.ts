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
  return new ListingReader(http, simpleUrl, authorization).listings(dists, log)
}

/** One page read, as it ended: never a rejection (a failed read only means "not known"). */
type PageRead = { files: ListedFiles } | { note: string }

/**
 * The simple pages of a run's projects, each asked for once, as soon as its project is known:
 * the pipeline starts a project's read when its first file has been inspected, so the round trip
 * (a TLS handshake and an answer, against PyPI) runs while the other files are still read and
 * checked. It only reads: nothing is sent before every file has passed its checks.
 */
export class ListingReader {
  private readonly pages = new Map<string, Promise<PageRead>>()

  constructor(
    private readonly http: Http,
    private readonly simpleUrl: string,
    private readonly authorization: string | undefined
  ) {}

  /** Starts reading the page of `projectName` (a no-op when it was started already). */
  start(projectName: string): void {
    const project = normalizeName(projectName)
    if (!this.pages.has(project)) this.pages.set(project, this.read(project))
  }

  /** What the index lists for the projects of `dists` (their reads started now if not yet). */
  async listings(dists: readonly Distribution[], log: Log): Promise<Listings> {
    const listings: Listings = new Map()
    for (const dist of dists) this.start(dist.name)
    for (const project of new Set(dists.map(d => normalizeName(d.name)))) {
      const read = await (this.pages.get(project) as Promise<PageRead>)
      if ('files' in read) listings.set(project, read.files)
      else log.debug(read.note)
    }
    return listings
  }

  private async read(project: string): Promise<PageRead> {
    try {
      const page = await readSimplePage(this.http, this.simpleUrl, project, {
        authorization: this.authorization
      })
      if (page.found) return { files: page.files }
      if (page.status === 404) return { files: new Map() }
      return { note: `${page.url} answered HTTP ${page.status}: its files are not known` }
    } catch (error) {
      return { note: `Reading ${this.simpleUrl} for ${project} failed: ${String(error)}` }
    }
  }
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
