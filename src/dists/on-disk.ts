/**
 * A file is checked once and uploaded later: between the two, a build step, a second job or an
 * attacker can change it. Whether the file opened for sending is still the one checked.
 */
import type { Stats } from 'node:fs'
import type { FileIdentity } from './distribution.js'

export function identityOf(stats: Stats): FileIdentity {
  return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, dev: stats.dev }
}

/** What differs between the file as checked and as found now, in words ([] when nothing). */
export function identityChanges(checked: FileIdentity, now: FileIdentity): string[] {
  const changes: string[] = []
  if (checked.dev !== now.dev || checked.ino !== now.ino) {
    changes.push('it was replaced by another file')
  }
  if (checked.size !== now.size) changes.push(`size ${checked.size} → ${now.size} bytes`)
  if (checked.mtimeMs !== now.mtimeMs) {
    const [then, later] = [checked.mtimeMs, now.mtimeMs].map(ms => new Date(ms).toISOString())
    // Within one millisecond the two dates print alike; the file was still written again.
    changes.push(then === later ? `modified again at ${later}` : `modified ${then} → ${later}`)
  }
  return changes
}

/** The form would describe other bytes; never retried (it would send the same stale form). */
export class FileChangedError extends Error {
  constructor(
    readonly path: string,
    readonly filename: string,
    readonly why: string
  ) {
    super(
      `${filename} changed on disk after it was checked (${why}); nothing was published for it; ` +
        'rebuild and run again (with no other step writing to that folder meanwhile).'
    )
    this.name = 'FileChangedError'
  }
}
