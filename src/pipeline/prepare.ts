import path from 'node:path'
import { checkDistributions, dedupeByFilename, pypiRulesFor } from '../check/rules.js'
import { checkDescriptions } from '../check/description.js'
import type { RendererOptions } from '../check/readme-renderer.js'
import { checkOneRelease, checkTagMatchesVersions } from '../check/guards.js'
import { discoverDistributions, listedDistributions } from '../discover/discover.js'
import { DistributionError, type Distribution, type Problem } from '../dists/distribution.js'
import { inspectAll } from '../inspect/inspect.js'
import type { Settings } from '../settings/settings.js'
import { formatSize } from '../shared/format.js'
import type { Log } from '../shared/log.js'
import type { RunContext } from '../shared/run-context.js'

export interface PrepareOptions {
  /** How the description check's Python is found and started (tests); `env` defaults to the run's. */
  descriptions?: Partial<RendererOptions>
  /** Told of each file that was read without a problem, before the checks of the whole set. */
  onInspected?: (dist: Distribution) => void
}

/** Finds, reads and checks every file; throws with every problem before the first upload. */
export async function prepare(
  settings: Settings,
  log: Log,
  run: Pick<RunContext, 'tag' | 'childEnv'>,
  options: PrepareOptions = {}
): Promise<Distribution[]> {
  const found = settings.files
    ? await listedDistributions(settings.files, settings.distributions)
    : await discoverDistributions(settings.packagesDir, settings.distributions)
  for (const file of found.passedOver) log.debug(`Passed over (not a distribution): ${file}`)
  for (const folder of found.skippedFolders) {
    log.debug(`Not searched (dot-folders and node_modules never are): ${folder.path}`)
    if (folder.holds) {
      log.notice(
        `${path.relative(settings.packagesDir, folder.path)}/ holds distributions (e.g. ` +
          `${path.relative(settings.packagesDir, folder.holds)}) that are not published: folders ` +
          "whose names start with '.', and node_modules, are never searched. To publish them, set " +
          "'packages-dir' to that folder."
      )
    }
  }
  for (const file of found.excluded) {
    log.info(`Not published (kind not in 'distributions'): ${path.basename(file)}`)
  }

  const inspected = await inspectAll(
    found.files.map(f => f.path),
    { onInspected: options.onInspected }
  )
  const { unique, duplicates, problems: duplicateProblems } = dedupeByFilename(inspected.dists)
  for (const dup of duplicates) log.debug(`Same file found twice, counted once: ${dup.path}`)

  const problems = [...found.problems, ...inspected.problems, ...duplicateProblems]
  if (settings.verifyMetadata) {
    // What any index needs is an error everywhere; PyPI's own policies are errors for PyPI and
    // TestPyPI, warnings for other indexes, which decide for themselves (e.g. local versions).
    const report = ({ errors, warnings }: { errors: Problem[]; warnings: Problem[] }): void => {
      problems.push(...errors)
      for (const warning of warnings) log.warning(describeProblem(warning), warning.file)
    }
    report(checkDistributions(unique, { pypiRules: pypiRulesFor(settings.repositoryUrl) }))
    const env = options.descriptions?.env ?? run.childEnv
    report(await checkDescriptions(unique, { ...options.descriptions, env, log }))
  }
  if (settings.verifyTag) {
    const tag = checkTagMatchesVersions(unique, run)
    problems.push(...tag.errors)
    for (const notice of tag.notices) log.notice(notice)
  }
  const { allowMultipleVersions } = settings
  problems.push(...checkOneRelease(unique, { allowMultipleVersions }))
  if (problems.length > 0) throw new DistributionError(problems)

  const hashes = settings.printHash || settings.verbose
  for (const dist of unique) {
    log.info(
      `${dist.filename}: ${dist.name} ${dist.version}, ${dist.kind}, ${formatSize(dist.size)}` +
        (hashes ? '' : `, sha256 ${dist.digests.sha256}`)
    )
    if (hashes) {
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
