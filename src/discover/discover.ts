import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'
import { distKindOf } from '../dists/filename.js'
import { decodeName, escapedName, hasControlCharacter } from './names.js'

export interface Discovery {
  /** Distribution files found, sorted by filename then path so runs are repeatable. */
  files: Array<{ path: string; filename: string; kind: DistKind }>
  /** Files passed over (attestations, checksums, .gitignore…), named in debug output. */
  passedOver: string[]
  /** Distributions of a kind the user did not ask for. */
  excluded: string[]
  /**
   * Files that look like distributions PyPI refuses (`.zip` sdists), names with control characters
   * or not in UTF-8, folders that cannot be read.
   */
  problems: Problem[]
  /**
   * Folders below packages-dir that were not searched (dot-folders, node_modules), each with a
   * distribution found in it when there is one, so the run can say so.
   */
  skippedFolders: Array<{ path: string; holds?: string }>
}

export interface DiscoverOptions {
  /**
   * Lists a folder. Tests inject failures through it that root (who runs them here) never meets:
   * root reads a folder whatever its permissions.
   */
  readdir?: (dir: string) => Promise<Array<Dirent<Buffer>>>
}

const listFolder = (dir: string): Promise<Array<Dirent<Buffer>>> =>
  readdir(dir, { withFileTypes: true, encoding: 'buffer' })

/**
 * Folders never searched below packages-dir: with `packages-dir: .` they hold other projects'
 * wheels (`.venv/`, `.tox/`, `.nox/`, pip caches), git's objects, or npm's packages. A packages-dir
 * that is itself such a folder is searched: the user named it.
 */
function isSkippedFolder(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules'
}

/**
 * Finds distributions under `dir`, at any depth: actions/download-artifact puts each artifact in a
 * folder of its own, and the official action's flat listing misses them.
 */
export async function discoverDistributions(
  dir: string,
  kinds: ReadonlySet<DistKind>,
  options: DiscoverOptions = {}
): Promise<Discovery> {
  const root = path.resolve(dir)
  await assertDirectory(root, dir)
  const result = emptyDiscovery()
  const walker = new Walker(root, options.readdir ?? listFolder, result)
  await walker.walk(root)
  classify(walker.files, kinds, result)
  if (result.files.length === 0 && result.problems.length === 0) {
    throw new DistributionError([emptyFolderProblem(dir, root, result, kinds)])
  }
  return result
}

function emptyDiscovery(): Discovery {
  return { files: [], passedOver: [], excluded: [], problems: [], skippedFolders: [] }
}

/**
 * The files named by a caller (the command line's arguments, its globs already expanded) instead
 * of a folder's walk, sorted and refused by the same rules. A name that cannot be read as a file
 * is a problem; a file that is no distribution (a signature a glob caught) is passed over.
 */
export async function listedDistributions(
  files: readonly string[],
  kinds: ReadonlySet<DistKind>
): Promise<Discovery> {
  const result = emptyDiscovery()
  const readable: string[] = []
  for (const given of files) {
    const file = path.resolve(given)
    if (hasControlCharacter(file)) {
      result.problems.push({
        file: escapedName(file),
        rule: 'file-name',
        message: `The file name ${escapedName(given)} has control characters in it; PyPI refuses such names.`,
        hint: 'Rename the file (`ls -b` shows such names), then run again.'
      })
      continue
    }
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) {
      result.problems.push({
        file,
        rule: 'file-name',
        message: `'${given}' ${info ? 'is not a file' : 'does not exist'} (looked at ${file}).`,
        hint: 'Name the wheels and sdists to publish, e.g. `dist/*`; build them first if they are missing.'
      })
      continue
    }
    readable.push(file)
  }
  classify(readable, kinds, result)
  if (result.files.length === 0 && result.problems.length === 0) {
    const wanted = [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ')
    throw new DistributionError([
      {
        file: files.join(' '),
        rule: 'packages-dir',
        message: `None of the ${files.length} file(s) given is a distribution (${wanted}).`,
        hint: 'Name the wheels and sdists to publish, e.g. `dist/*`.'
      }
    ])
  }
  return result
}

/** Sorts files into distributions, excluded kinds, refused `.zip` sdists and the rest. */
function classify(files: readonly string[], kinds: ReadonlySet<DistKind>, result: Discovery): void {
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
}

async function assertDirectory(root: string, asGiven: string): Promise<void> {
  if (hasControlCharacter(root)) {
    throw new DistributionError([
      {
        file: escapedName(root),
        rule: 'packages-dir',
        message: `The packages directory ${escapedName(asGiven)} has control characters in its path.`,
        hint: "Set 'packages-dir' to a folder whose path has none (e.g. `dist`)."
      }
    ])
  }
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
  const skipped = found.skippedFolders.filter(f => f.holds !== undefined)
  const detail =
    (seen.length
      ? ` It holds ${seen.length} other file(s): ${seen.slice(0, 10).join(', ')}${seen.length > 10 ? ', …' : ''}.`
      : ' It is empty.') +
    (skipped.length
      ? ` Distributions were seen in ${skipped.map(f => path.relative(root, f.holds ?? f.path)).join(', ')}, ` +
        'inside a folder that is never searched (dot-folders and node_modules).'
      : '')
  return {
    file: root,
    rule: 'packages-dir',
    message: `No distributions (${wanted}) found in '${asGiven}' or below it.${detail}`,
    hint:
      skipped.length > 0
        ? "Point 'packages-dir' at the folder that holds the distributions to publish (a dot-folder is searched when packages-dir names it)."
        : found.excluded.length > 0
          ? "Only distributions of the kinds in 'distributions' are published: widen it, or build the missing kind."
          : 'Did the build step run, and did download-artifact put the files into this folder (check its `path:`)?'
  }
}

/** Walks packages-dir, collecting files and recording what it refuses or does not search. */
class Walker {
  readonly files: string[] = []
  constructor(
    private readonly root: string,
    private readonly list: (dir: string) => Promise<Array<Dirent<Buffer>>>,
    private readonly result: Discovery
  ) {}

  /** Every regular file below `dir`. Symlinked folders are not followed (they can loop). */
  async walk(dir: string): Promise<void> {
    let entries: Array<Dirent<Buffer>>
    try {
      entries = await this.list(dir)
    } catch (error) {
      this.result.problems.push(unreadableFolder(this.root, dir, error))
      return
    }
    for (const entry of entries) {
      const name = decodeName(entry.name)
      if (name === undefined || hasControlCharacter(name)) {
        // Refused, and never descended into: no path below it reaches a log or the index.
        this.result.problems.push(badName(this.root, dir, entry, name))
        continue
      }
      const full = path.join(dir, name)
      if (entry.isDirectory()) {
        if (isSkippedFolder(name)) {
          this.result.skippedFolders.push({ path: full, holds: await firstDistribution(full) })
        } else {
          await this.walk(full)
        }
      } else if (entry.isFile()) {
        this.files.push(full)
      } else if (entry.isSymbolicLink()) {
        // A link to a file counts; a dangling link or a link to a folder does not.
        const target = await stat(full).catch(() => undefined)
        if (target?.isFile()) this.files.push(full)
      }
    }
  }
}

/** Where a folder is, for messages: relative to packages-dir ('.' for itself). */
function where(root: string, dir: string): string {
  return escapedName(path.relative(root, dir) || '.')
}

function badName(
  root: string,
  dir: string,
  entry: Dirent<Buffer>,
  name: string | undefined
): Problem {
  const what = entry.isDirectory() ? 'folder' : 'file'
  // Not UTF-8: shown with U+FFFD where the bytes do not decode, and escaped all the same.
  const shown = escapedName(name ?? entry.name.toString('utf8'))
  const why =
    name === undefined
      ? 'is not valid UTF-8'
      : 'has control characters (newlines, escapes or the like) in it'
  return {
    file: dir,
    rule: 'file-name',
    message:
      `A ${what} in ${where(root, dir)} (under packages-dir) has a name that ${why}: ${shown}. ` +
      'PyPI refuses such file names, and they are not safe to print in a log; nothing was uploaded.',
    hint:
      `Rename or delete that ${what} (\`ls -b\` shows such names), or point 'packages-dir' at a folder ` +
      'that holds only the distributions, then run again.'
  }
}

function unreadableFolder(root: string, dir: string, error: unknown): Problem {
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'it disappeared while it was being searched'
        : code === 'ELOOP'
          ? 'too many levels of symbolic links'
          : code
            ? `error ${code}`
            : 'it could not be listed'
  return {
    file: dir,
    rule: 'unreadable-folder',
    message: `The folder ${where(root, dir)} under packages-dir cannot be read: ${why}. Nothing was uploaded.`,
    hint:
      code === 'EACCES' || code === 'EPERM'
        ? "Give the runner's user read and execute permission on it (e.g. `chmod -R u+rX` on it), " +
          "or point 'packages-dir' at the folder that holds only the distributions."
        : "Make sure nothing changes the folder while this step runs, or point 'packages-dir' at the " +
          'folder that holds only the distributions.'
  }
}

/** Bounds on looking inside a skipped folder: a node_modules or a .git can hold 100 000 entries. */
const PEEK_DEPTH = 4
const PEEK_ENTRIES = 5000

/**
 * The first distribution inside a skipped folder, if one is found within a few levels and a few
 * thousand entries (tox puts sdists in `.tox/.pkg/dist/`): enough to warn whoever expected it to
 * be published, without reading a whole virtualenv. Errors only end the look.
 */
async function firstDistribution(folder: string): Promise<string | undefined> {
  let budget = PEEK_ENTRIES
  const look = async (dir: string, depth: number): Promise<string | undefined> => {
    const entries = await listFolder(dir).catch(() => [])
    const below: string[] = []
    for (const entry of entries) {
      if (--budget < 0) return undefined
      const name = decodeName(entry.name)
      if (name === undefined || hasControlCharacter(name)) continue
      const kind = distKindOf(name)
      if ((entry.isFile() || entry.isSymbolicLink()) && (kind === 'wheel' || kind === 'sdist')) {
        return path.join(dir, name)
      }
      if (entry.isDirectory() && depth < PEEK_DEPTH) below.push(path.join(dir, name))
    }
    for (const sub of below) {
      const found = await look(sub, depth + 1)
      if (found) return found
    }
    return undefined
  }
  return look(folder, 1)
}
