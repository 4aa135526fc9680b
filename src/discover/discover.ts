/**
 * Finds the distributions under packages-dir at any depth (download-artifact puts each artifact
 * in a folder of its own). Our own walk, not @actions/glob: glob reads names as strings (a
 * non-UTF-8 name becomes U+FFFD and is then not found), lists a folder whose name holds a
 * newline before it could be refused, throws on an unreadable or vanished folder, and offers no
 * seam for the tests that inject those (discover.test.ts).
 */
import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'
import { distKindOf } from '../dists/filename.js'

export interface Discovery {
  /** Sorted by filename then path, so runs are repeatable. */
  files: Array<{ path: string; filename: string; kind: DistKind }>
  /** Not distributions (attestations, checksums…), named in debug output. */
  passedOver: string[]
  /** Distributions of a kind the user did not ask for. */
  excluded: string[]
  problems: Problem[]
  /** Dot-folders and node_modules below packages-dir, with a distribution seen in one, if any. */
  skippedFolders: Array<{ path: string; holds?: string }>
}

export interface DiscoverOptions {
  /** Tests inject failures root never meets (root reads a folder whatever its mode). */
  readdir?: (dir: string) => Promise<Array<Dirent<Buffer>>>
}

const listFolder = (dir: string): Promise<Array<Dirent<Buffer>>> =>
  readdir(dir, { withFileTypes: true, encoding: 'buffer' })

/**
 * Names are outside text: a newline in one can start a workflow command. PyPI refuses control
 * characters in file names too. C0, DEL, C1 (NEL among them) and the Unicode line separators.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** As a JSON string with DEL, C1 and U+2028/9 escaped too: one safe line whatever it holds. */
function escapedName(name: string): string {
  return JSON.stringify(name).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** undefined when the bytes are not UTF-8 (PyPI takes only UTF-8). */
function decodeName(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

function wantedPatterns(kinds: ReadonlySet<DistKind>): string {
  return [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ')
}

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
  await walk(root, root, options.readdir ?? listFolder, files, result)
  classify(files, kinds, result)
  if (result.files.length === 0 && result.problems.length === 0) {
    throw new DistributionError([emptyFolderProblem(dir, root, result, kinds)])
  }
  return result
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
    const info = await stat(file).catch(() => undefined)
    if (!info?.isFile()) {
      result.problems.push({
        file,
        rule: 'file-name',
        message: `'${given}' ${info ? 'is not a file' : 'does not exist'} (looked at ${file}).`,
        hint: `${hint}; build them first if they are missing.`
      })
      continue
    }
    readable.push(file)
  }
  classify(readable, kinds, result)
  if (result.files.length === 0 && result.problems.length === 0) {
    throw new DistributionError([
      {
        file: files.join(' '),
        rule: 'packages-dir',
        message: `None of the ${files.length} file(s) given is a distribution (${wantedPatterns(kinds)}).`,
        hint: `${hint}.`
      }
    ])
  }
  return result
}

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
  const refuse = (file: string, message: string, hint: string): never => {
    throw new DistributionError([{ file, rule: 'packages-dir', message, hint }])
  }
  if (CONTROL.test(root)) {
    refuse(
      escapedName(root),
      `The packages directory ${escapedName(asGiven)} has control characters in its path.`,
      "Set 'packages-dir' to a folder whose path has none (e.g. `dist`)."
    )
  }
  const info = await stat(root).catch(() => undefined)
  if (!info) {
    refuse(
      root,
      `The packages directory '${asGiven}' does not exist (looked in ${root}).`,
      'Build the distributions first (e.g. `python -m build`), or download the artifact that holds ' +
        "them into this folder, or point 'packages-dir' at the folder that holds them."
    )
  } else if (!info.isDirectory()) {
    refuse(
      root,
      `'${asGiven}' is a file, not a directory.`,
      "Set 'packages-dir' to the folder that holds the wheels and sdists."
    )
  }
}

function emptyFolderProblem(
  asGiven: string,
  root: string,
  found: Discovery,
  kinds: ReadonlySet<DistKind>
): Problem {
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
    message: `No distributions (${wantedPatterns(kinds)}) found in '${asGiven}' or below it.${detail}`,
    hint:
      skipped.length > 0
        ? "Point 'packages-dir' at the folder that holds the distributions to publish (a dot-folder is searched when packages-dir names it)."
        : found.excluded.length > 0
          ? "Only distributions of the kinds in 'distributions' are published: widen it, or build the missing kind."
          : 'Did the build step run, and did download-artifact put the files into this folder (check its `path:`)?'
  }
}

/**
 * Every regular file (or link to one) below `dir`. Links to folders are not followed (they can
 * loop). Dot-folders and node_modules below packages-dir hold other projects' wheels (`.venv`,
 * `.tox`, pip caches), git's objects or npm's packages, so they are not searched; packages-dir
 * itself is, whatever its name: the user named it.
 */
async function walk(
  root: string,
  dir: string,
  list: (dir: string) => Promise<Array<Dirent<Buffer>>>,
  files: string[],
  result: Discovery
): Promise<void> {
  let entries: Array<Dirent<Buffer>>
  try {
    entries = await list(dir)
  } catch (error) {
    result.problems.push(unreadableFolder(root, dir, error))
    return
  }
  for (const entry of entries) {
    const name = decodeName(entry.name)
    if (name === undefined || CONTROL.test(name)) {
      // Never descended into: no path below it reaches a log or the index.
      result.problems.push(badName(root, dir, entry, name))
      continue
    }
    const full = path.join(dir, name)
    if (entry.isDirectory()) {
      if (name.startsWith('.') || name === 'node_modules') {
        result.skippedFolders.push({ path: full, holds: await firstDistribution(full) })
      } else {
        await walk(root, full, list, files, result)
      }
    } else if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(full)))) {
      files.push(full)
    }
  }
}

const isFile = (file: string): Promise<boolean> =>
  stat(file).then(
    info => info.isFile(),
    () => false
  )

/** Relative to packages-dir ('.' for itself), escaped. */
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

const UNREADABLE_WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it disappeared while it was being searched',
  ELOOP: 'too many levels of symbolic links'
}

function unreadableFolder(root: string, dir: string, error: unknown): Problem {
  const code = (error as NodeJS.ErrnoException).code
  const why = (code && UNREADABLE_WHY[code]) ?? (code ? `error ${code}` : 'it could not be listed')
  return {
    file: dir,
    rule: 'unreadable-folder',
    message: `The folder ${where(root, dir)} under packages-dir cannot be read: ${why}. Nothing was uploaded.`,
    hint:
      why === 'permission denied'
        ? "Give the runner's user read and execute permission on it (e.g. `chmod -R u+rX` on it), " +
          "or point 'packages-dir' at the folder that holds only the distributions."
        : "Make sure nothing changes the folder while this step runs, or point 'packages-dir' at the " +
          'folder that holds only the distributions.'
  }
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
      const name = decodeName(entry.name)
      if (name === undefined || CONTROL.test(name)) continue
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
