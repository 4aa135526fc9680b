import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'
import { distKindOf } from '../dists/filename.js'

export interface Discovery {
  /** Distribution files found, sorted by filename then path so runs are repeatable. */
  files: Array<{ path: string; filename: string; kind: DistKind }>
  /** Files passed over (attestations, checksums, .gitignore…), named in debug output. */
  passedOver: string[]
  /** Distributions of a kind the user did not ask for. */
  excluded: string[]
  /** Files that look like distributions PyPI refuses (`.zip` sdists). */
  problems: Problem[]
}

/**
 * Finds distributions under `dir`, at any depth: actions/download-artifact puts each artifact in a
 * folder of its own, and the official action's flat listing misses them.
 */
export async function discoverDistributions(
  dir: string,
  kinds: ReadonlySet<DistKind>
): Promise<Discovery> {
  const root = path.resolve(dir)
  await assertDirectory(root, dir)
  const result: Discovery = { files: [], passedOver: [], excluded: [], problems: [] }
  for (const file of await walk(root)) {
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
  if (result.files.length === 0 && result.problems.length === 0) {
    throw new DistributionError([emptyFolderProblem(dir, root, result, kinds)])
  }
  return result
}

async function assertDirectory(root: string, asGiven: string): Promise<void> {
  let isDir: boolean
  try {
    isDir = (await stat(root)).isDirectory()
  } catch {
    throw new DistributionError([
      {
        file: root,
        rule: 'packages-dir',
        message: `The packages directory '${asGiven}' does not exist (looked in ${root}).`,
        hint:
          'Build the distributions first (e.g. `python -m build`), or download the artifact that holds ' +
          "them into this folder, or point 'packages-dir' at the folder that holds them."
      }
    ])
  }
  if (!isDir) {
    throw new DistributionError([
      {
        file: root,
        rule: 'packages-dir',
        message: `'${asGiven}' is a file, not a directory.`,
        hint: "Set 'packages-dir' to the folder that holds the wheels and sdists."
      }
    ])
  }
}

function emptyFolderProblem(
  asGiven: string,
  root: string,
  found: Discovery,
  kinds: ReadonlySet<DistKind>
): Problem {
  const wanted = [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ')
  const seen = [...found.excluded, ...found.passedOver].map(f => path.relative(root, f))
  const detail = seen.length
    ? ` It holds ${seen.length} other file(s): ${seen.slice(0, 10).join(', ')}${seen.length > 10 ? ', …' : ''}.`
    : ' It is empty.'
  return {
    file: root,
    rule: 'packages-dir',
    message: `No distributions (${wanted}) found in '${asGiven}' or below it.${detail}`,
    hint:
      found.excluded.length > 0
        ? "Only distributions of the kinds in 'distributions' are published: widen it, or build the missing kind."
        : 'Did the build step run, and did download-artifact put the files into this folder (check its `path:`)?'
  }
}

/** Every regular file below `dir`. Symlinked folders are not followed (they can loop). */
async function walk(dir: string): Promise<string[]> {
  const files: string[] = []
  const entries = await readdir(dir, { withFileTypes: true })
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      files.push(...(await walk(full)))
    } else if (entry.isFile()) {
      files.push(full)
    } else if (entry.isSymbolicLink()) {
      // A link to a file counts; a dangling link or a link to a folder does not.
      const target = await stat(full).catch(() => undefined)
      if (target?.isFile()) files.push(full)
    }
  }
  return files
}
