/** The rules on a release as a whole, across its files. */
import type { Distribution } from '../dists/distribution.js'
import { isValidProjectName, normalizeName } from '../dists/filename.js'
import { formatVersion, parseVersion } from '../dists/version.js'
import type { Findings } from './findings.js'

/**
 * PyPI: "Only one sdist may be uploaded per release." A release is found by its canonical version,
 * trailing zeros stripped (packaging's `canonicalize_version`), so 1.0 and 1.0.0 are one release.
 */
export function checkOneSdistPerRelease(dists: readonly Distribution[], found: Findings): void {
  const first = new Map<string, Distribution>()
  for (const dist of dists) {
    if (dist.kind !== 'sdist') continue
    const parsed = parseVersion(dist.version.trim())
    if (!parsed || !isValidProjectName(dist.name.trim())) continue
    const release = parsed.release.slice()
    while (release.length > 1 && release[release.length - 1] === 0n) release.pop()
    const version = formatVersion({ ...parsed, release })
    const key = `${normalizeName(dist.name.trim())} ${version}`
    const earlier = first.get(key)
    if (!earlier) {
      first.set(key, dist)
      continue
    }
    found.policy({
      file: dist.path,
      rule: 'one-sdist',
      message: 'Only one sdist may be uploaded per release.',
      hint: `${earlier.filename} is already an sdist of ${dist.name} ${version}; publish only one of them.`
    })
  }
}
