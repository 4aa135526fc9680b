import path from 'node:path'
import { checkDescriptions } from '../check/description/description.js'
import type { RendererOptions, StartedRenderer } from '../check/description/readme-renderer.js'
import { checkDistributions, pypiRulesFor } from '../check/rules.js'
import { dedupeByFilename } from '../check/dedupe.js'
import { discoverDistributions, listedDistributions } from '../discover/discover.js'
import { DistributionError, type Distribution, type Problem } from '../dists/distribution.js'
import { inspectAll } from '../inspect/inspect.js'
import { checkTagMatchesVersions } from '../check/guards/tag.js'
import { checkOneRelease } from '../check/guards/versions.js'
import type { Log } from '../shared/log.js'
import type { Settings } from '../settings/settings.js'
import { formatSize } from '../shared/format.js'
import type { RunContext } from '../shared/run-context.js'

export interface PrepareOptions {
  /**
   * The description check's Python, started earlier by the caller (`startRenderer`). `prepare`
   * takes it over: it renders with it when verify-metadata is on and a description is
   * reStructuredText, and cancels it on every way out. Without it, the description check starts
   * Python only when a description is reStructuredText: Markdown and plain text need none.
   */
  renderer?: StartedRenderer
  /**
   * Which Python renders the descriptions, and how it is started. Tests set these; the
   * environment is the run's children's (`run.childEnv`) unless one is given.
   */
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
  const given = options.renderer
  // verify-metadata is off: a Python started for it is not needed (stopped now, awaited below).
  const stopping = settings.verifyMetadata ? undefined : given?.cancel()
  try {
    return await findAndCheck(
      settings,
      log,
      run,
      {
        ...options.descriptions,
        env: options.descriptions?.env ?? run.childEnv,
        renderer: settings.verifyMetadata ? given : undefined
      },
      options.onInspected
    )
  } finally {
    // Whatever way this ends (no files, a file that cannot be read), no Python stays behind.
    await (stopping ?? given?.cancel())
  }
}

async function findAndCheck(
  settings: Settings,
  log: Log,
  run: Pick<RunContext, 'tag'>,
  descriptions: RendererOptions & { renderer?: StartedRenderer },
  onInspected?: (dist: Distribution) => void
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
    { onInspected }
  )
  const { unique, duplicates, problems: duplicateProblems } = dedupeByFilename(inspected.dists)
  for (const dup of duplicates) log.debug(`Same file found twice, counted once: ${dup.path}`)

  const problems = [...found.problems, ...inspected.problems, ...duplicateProblems]
  if (settings.verifyMetadata) {
    // What any index needs (readable archives, valid metadata, filenames that match it) is an
    // error everywhere; PyPI's own policies are errors for PyPI and TestPyPI and warnings for
    // other indexes, which decide for themselves (e.g. local versions on a private index).
    const checked = checkDistributions(unique, {
      pypiRules: pypiRulesFor(settings.repositoryUrl)
    })
    problems.push(...checked.errors)
    for (const warning of checked.warnings) log.warning(describeProblem(warning), warning.file)
    const described = await checkDescriptions(unique, { ...descriptions, log })
    problems.push(...described.errors)
    for (const warning of described.warnings) log.warning(describeProblem(warning), warning.file)
  }
  if (settings.verifyTag) {
    const tag = checkTagMatchesVersions(unique, run)
    problems.push(...tag.errors)
    for (const notice of tag.notices) log.notice(notice)
  }
  problems.push(
    ...checkOneRelease(unique, { allowMultipleVersions: settings.allowMultipleVersions })
  )
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
