import type { Distribution, Problem } from '../dists/distribution.js'

/**
 * download-artifact layouts often hold the same file twice (an sdist in every matrix artifact).
 * The same filename with the same content counts once; with different content nobody can tell
 * which one is meant, so that is a problem.
 */
export function dedupeByFilename(dists: readonly Distribution[]): {
  unique: Distribution[]
  duplicates: Distribution[]
  problems: Problem[]
} {
  const byName = new Map<string, Distribution[]>()
  for (const dist of dists) {
    const group = byName.get(dist.filename)
    if (group) group.push(dist)
    else byName.set(dist.filename, [dist])
  }
  const unique: Distribution[] = []
  const duplicates: Distribution[] = []
  const problems: Problem[] = []
  for (const [filename, group] of byName) {
    unique.push(group[0])
    duplicates.push(...group.slice(1))
    if (new Set(group.map(d => d.digests.sha256)).size > 1) {
      problems.push({
        file: group[0].path,
        rule: 'duplicate-filename',
        message:
          `'${filename}' occurs ${group.length} times with different content: ` +
          group.map(d => `${d.path} (sha256 ${d.digests.sha256.slice(0, 12)}…)`).join(', '),
        hint: 'Keep one copy: builds of the same name and version must be identical, or the version must differ.'
      })
    }
  }
  return { unique, duplicates, problems }
}
