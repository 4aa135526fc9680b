import type { Distribution } from '../dists/distribution.js'
import { normalizeName } from '../dists/filename.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { readSimplePage, type ListedFiles } from './simple.js'

/** Normalized project name → its files; a project whose page could not be read has no entry. */
export type Listings = Map<string, ListedFiles>

/** A failed read only means "not known": never a rejection. */
type PageRead = { files: ListedFiles } | { note: string }

/**
 * Each project's simple page, read once and started as soon as its first file is inspected, so
 * the round trip runs while the other files are still read. It only reads: nothing is sent
 * before every file has passed its checks.
 */
export class ListingReader {
  private readonly pages = new Map<string, Promise<PageRead>>()

  constructor(
    private readonly http: Http,
    private readonly simpleUrl: string,
    private readonly authorization: string | undefined
  ) {}

  start(projectName: string): void {
    const project = normalizeName(projectName)
    if (!this.pages.has(project)) this.pages.set(project, this.read(project))
  }

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
      // The project does not exist yet (a first release): none of its files are there.
      if (page.status === 404) return { files: new Map() }
      return { note: `${page.url} answered HTTP ${page.status}: its files are not known` }
    } catch (error) {
      return { note: `Reading ${this.simpleUrl} for ${project} failed: ${String(error)}` }
    }
  }
}

/** undefined when not known: the page unread, the file not listed, or listed without a sha256. */
export function presenceOf(
  listings: Listings,
  dist: Distribution
): 'same' | 'different' | undefined {
  const listed = listedSha256(listings, dist)
  return listed ? (listed === dist.digests.sha256 ? 'same' : 'different') : undefined
}

/** '' or undefined when none. */
export function listedSha256(listings: Listings, dist: Distribution): string | undefined {
  return listings.get(normalizeName(dist.name))?.get(dist.filename)
}
