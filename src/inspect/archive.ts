/** What the wheel and sdist readers share: the metadata cap, a member read, the problem builder. */

import { DistributionError, type RuleId } from '../dists/distribution.js'

/** The most uncompressed METADATA / PKG-INFO we read. Real ones are a few KiB to ~1 MiB. */
export const MAX_METADATA_BYTES = 4 * 1024 * 1024

/** A member read from an archive. */
export interface ArchiveMember {
  /** Path inside the archive, e.g. `pkg-1.0.dist-info/METADATA`. */
  entryName: string
  data: Buffer
}

/** One Problem about `file`, thrown or collected. */
export function problem(file: string, rule: RuleId, message: string, hint?: string) {
  return new DistributionError([{ file, rule, message, ...(hint ? { hint } : {}) }])
}
