import path from 'node:path'
import { checkDistributions } from './dists/check.js'
import { dedupeByFilename } from './dists/dedupe.js'
import { discoverDistributions } from './dists/discover.js'
import { DistributionError, type Distribution, type Problem } from './dists/distribution.js'
import { inspectAll } from './dists/inspect.js'
import { Http } from './http.js'
import { simpleUrlFor } from './index-api/simple.js'
import type { Log } from './log.js'
import type { Settings } from './settings.js'
import { formatSize, publishAll, type FileResult } from './upload/publish.js'

export interface RunResult {
  repositoryUrl: string
  dists: Distribution[]
  files: FileResult[]
  /** Warnings from the checks (the run went on). */
  warnings: Problem[]
  failure?: Error
}

/**
 * The whole publish, as plain functions over plain data: discover → inspect → check → upload.
 * Knows nothing of GitHub Actions; reports through `log`. Throws DistributionError when a file
 * is not fit to publish, before anything is sent.
 */
export async function publish(settings: Settings, log: Log): Promise<RunResult> {
  const dists = await prepare(settings, log)
  const http = new Http()
  try {
    const simpleUrl = simpleUrlFor(settings.repositoryUrl)
    const { files, failure } = await log.group(
      `Uploading ${dists.length} file(s) to ${settings.repositoryUrl}`,
      () =>
        publishAll(
          http,
          {
            url: settings.repositoryUrl,
            user: settings.user,
            password: settings.password,
            skipExisting: settings.skipExisting,
            verbose: settings.verbose,
            simpleUrl
          },
          dists,
          log
        )
    )
    return { repositoryUrl: settings.repositoryUrl, dists, files, warnings: [], failure }
  } finally {
    http.dispose()
  }
}

/** Finds, reads and checks every file; throws with every problem before the first upload. */
export async function prepare(settings: Settings, log: Log): Promise<Distribution[]> {
  const found = await discoverDistributions(settings.packagesDir, settings.distributions)
  for (const file of found.passedOver) log.debug(`Passed over (not a distribution): ${file}`)
  for (const file of found.excluded) {
    log.info(`Not published (kind not in 'distributions'): ${path.basename(file)}`)
  }

  const inspected = await inspectAll(found.files.map(f => f.path))
  const { unique, duplicates, problems: duplicateProblems } = dedupeByFilename(inspected.dists)
  for (const dup of duplicates) log.debug(`Same file found twice, counted once: ${dup.path}`)

  const problems = [...found.problems, ...inspected.problems, ...duplicateProblems]
  if (settings.verifyMetadata) {
    // PyPI's rules apply to every index: most self-hosted indexes mirror or feed PyPI, and a
    // file PyPI refuses is a broken release there too. `verify-metadata: false` lets the index
    // decide (e.g. local versions on a private index).
    const checked = checkDistributions(unique, { pypiRules: 'enforce' })
    problems.push(...checked.errors)
    for (const warning of checked.warnings) log.warning(describeProblem(warning), warning.file)
  }
  if (problems.length > 0) throw new DistributionError(problems)

  for (const dist of unique) {
    log.info(
      `${dist.filename}: ${dist.name} ${dist.version}, ${dist.kind}, ${formatSize(dist.size)}` +
        (settings.printHash || settings.verbose ? '' : `, sha256 ${dist.digests.sha256}`)
    )
    if (settings.printHash || settings.verbose) {
      log.info(`  sha256:      ${dist.digests.sha256}`)
      log.info(`  md5:         ${dist.digests.md5}`)
      log.info(`  blake2b-256: ${dist.digests.blake2_256}`)
    }
  }
  return unique
}

export function describeProblem(problem: Problem): string {
  return `${problem.message}${problem.hint ? `\n  → ${problem.hint}` : ''}`
}
