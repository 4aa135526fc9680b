/**
 * Finds the distributions under packages-dir at any depth (download-artifact puts each artifact
 * in a folder of its own). Our own walk, not @actions/glob: glob reads names as strings (a
 * non-UTF-8 name becomes U+FFFD and is then not found), lists a folder whose name holds a
 * newline before it could be refused, throws on an unreadable or vanished folder, and offers no
 * seam for the tests that inject those (discover.test.ts).
 */
import type { Dirent } from 'node:fs'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'
import { distKindOf } from '../dists/filename.js'
import {
  assertDirectory,
  badName,
  CONTROL,
  type Discovery,
  emptyFolderProblem,
  escapedName,
  notAFile,
  notRegular,
  safeName,
  statOf,
  unreadableFolder,
  wantedPatterns
} from './problems.js'

export type { Discovery } from './problems.js'

export interface DiscoverOptions {
  /** Tests inject failures root never meets (root reads a folder whatever its mode). */
  readdir?: (dir: string) => Promise<Array<Dirent<Buffer>>>
}

const listFolder = (dir: string): Promise<Array<Dirent<Buffer>>> =>
  readdir(dir, { withFileTypes: true, encoding: 'buffer' })

const emptyDiscovery = (): Discovery => ({
  files: [],
  passedOver: [],
  excluded: [],
  problems: [],
  skippedFolders: []
})

export async function discoverDistributions(
  dir: string,
  kinds: ReadonlySet<DistKind>,
  options: DiscoverOptions = {}
): Promise<Discovery> {
  const root = path.resolve(dir)
  await assertDirectory(root, dir)
  const result = emptyDiscovery()
  const files: string[] = []
  const list = options.readdir ?? listFolder
  /**
   * Every regular file (or link to one) below `folder`. Links to folders are not followed (they can
   * loop). Dot-folders and node_modules below packages-dir hold other projects' wheels (`.venv`,
   * `.tox`, pip caches), git's objects or npm's packages, so they are not searched; packages-dir
   * itself is, whatever its name: the user named it.
   */
  const walk = async (folder: string): Promise<void> => {
    const entries = await list(folder).catch((error: unknown) => {
      result.problems.push(unreadableFolder(root, folder, error))
    })
    if (!entries) return
    for (const entry of entries) {
      const name = safeName(entry.name)
      if (name === undefined) {
        // Never descended into: no path below it reaches a log or the index.
        result.problems.push(badName(root, folder, entry))
        continue
      }
      const full = path.join(folder, name)
      if (entry.isDirectory()) {
        if (name.startsWith('.') || name === 'node_modules') {
          result.skippedFolders.push({ path: full, holds: await firstDistribution(full) })
        } else {
          await walk(full)
        }
      } else if (entry.isFile()) {
        files.push(full)
      } else {
        // A link to a file counts; a dangling link or a link to a folder does not. Anything else
        // named like a distribution (a pipe, a device, a looping link) is refused, never opened.
        const { info, error } = await statOf(full)
        if (info?.isFile()) files.push(full)
        else if (distKindOf(name) !== undefined && !info?.isDirectory()) {
          result.problems.push(notAFile(root, full, notRegular(info, error)))
        }
      }
    }
  }
  await walk(root)
  return classify(files, kinds, result, () => emptyFolderProblem(dir, root, result, kinds))
}

/**
 * The command line's files (globs expanded) instead of a walk, by the same rules: a name that
 * is no readable file is a problem, a file that is no distribution is passed over.
 */
export async function listedDistributions(
  files: readonly string[],
  kinds: ReadonlySet<DistKind>
): Promise<Discovery> {
  const result = emptyDiscovery()
  const readable: string[] = []
  const hint = 'Name the wheels and sdists to publish, e.g. `dist/*`'
  for (const given of files) {
    const file = path.resolve(given)
    if (CONTROL.test(file)) {
      result.problems.push({
        file: escapedName(file),
        rule: 'file-name',
        message: `The file name ${escapedName(given)} has control characters in it; PyPI refuses such names.`,
        hint: 'Rename the file (`ls -b` shows such names), then run again.'
      })
      continue
    }
    const { info, error } = await statOf(file)
    if (!info?.isFile()) {
      const what =
        info || error?.code === 'ELOOP'
          ? `is ${notRegular(info, error)}, not a regular file`
          : 'does not exist'
      result.problems.push({
        file,
        rule: 'file-name',
        message: `'${given}' ${what} (looked at ${file}).`,
        hint: `${hint}; build them first if they are missing.`
      })
      continue
    }
    readable.push(file)
  }
  return classify(readable, kinds, result, () => ({
    file: files.join(' '),
    rule: 'packages-dir',
    message: `None of the ${files.length} file(s) given is a distribution (${wantedPatterns(kinds)}).`,
    hint: `${hint}.`
  }))
}

/** Sorts the files into `result`; throws `nothing()` when no distribution and no problem is found. */
function classify(
  files: readonly string[],
  kinds: ReadonlySet<DistKind>,
  result: Discovery,
  nothing: () => Problem
): Discovery {
  for (const file of files) {
    const filename = path.basename(file)
    const kind = distKindOf(filename)
    if (kind === 'zip-sdist') {
      result.problems.push({
        file,
        rule: 'sdist-format',
        message: `'${filename}' is a .zip sdist; PyPI accepts only .tar.gz sdists (PEP 625).`,
        hint: 'Build the sdist with `python -m build --sdist`, which writes a .tar.gz, or remove the .zip from the folder.'
      })
    } else if (kind === 'wheel' || kind === 'sdist') {
      if (kinds.has(kind)) result.files.push({ path: file, filename, kind })
      else result.excluded.push(file)
    } else {
      result.passedOver.push(file)
    }
  }
  result.files.sort((a, b) =>
    a.filename === b.filename ? a.path.localeCompare(b.path) : a.filename < b.filename ? -1 : 1
  )
  if (result.files.length > 0 || result.problems.length > 0) return result
  throw new DistributionError([nothing()])
}

/**
 * A distribution in a skipped folder, looked for a few levels and a few thousand entries deep
 * (tox puts sdists in `.tox/.pkg/dist/`; a node_modules can hold 100 000 entries), to warn
 * whoever expected it published. Errors only end the look.
 */
async function firstDistribution(folder: string): Promise<string | undefined> {
  let budget = 5000
  const look = async (dir: string, depth: number): Promise<string | undefined> => {
    const below: string[] = []
    for (const entry of await listFolder(dir).catch(() => [])) {
      if (--budget < 0) return undefined
      const name = safeName(entry.name)
      if (name === undefined) continue
      const kind = distKindOf(name)
      if ((entry.isFile() || entry.isSymbolicLink()) && (kind === 'wheel' || kind === 'sdist')) {
        return path.join(dir, name)
      }
      if (entry.isDirectory() && depth < 4) below.push(path.join(dir, name))
    }
    for (const sub of below) {
      const found = await look(sub, depth + 1)
      if (found) return found
    }
    return undefined
  }
  return look(folder, 1)
}
