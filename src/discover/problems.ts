/** What discovery refuses, and the words for it: names and folders are outside text. */
import type { Dirent, Stats } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { DistKind, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'

/**
 * Names are outside text: a newline in one can start a workflow command. PyPI refuses control
 * characters in file names too. C0, DEL, C1 (NEL among them) and the Unicode line separators.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

/** As a JSON string with DEL, C1 and U+2028/9 escaped too: one safe line whatever it holds. */
export function escapedName(name: string): string {
  return JSON.stringify(name).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** A folder entry's name; undefined when it is not UTF-8 (all PyPI takes) or has control characters. */
export function safeName(bytes: Buffer): string | undefined {
  try {
    const name = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
    return CONTROL.test(name) ? undefined : name
  } catch {
    return undefined
  }
}

export const wantedPatterns = (kinds: ReadonlySet<DistKind>): string =>
  [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ')

/** What a search of packages-dir (or the command line's list) found. */
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

/** A path's stat, or the error that stands for it. */
export const statOf = (file: string): Promise<{ info?: Stats; error?: NodeJS.ErrnoException }> =>
  stat(file).then(
    info => ({ info }),
    (error: NodeJS.ErrnoException) => ({ error })
  )

export async function assertDirectory(root: string, asGiven: string): Promise<void> {
  const refuse = (message: string, hint: string, file = root): never => {
    throw new DistributionError([{ file, rule: 'packages-dir', message, hint }])
  }
  if (CONTROL.test(root)) {
    refuse(
      `The packages directory ${escapedName(asGiven)} has control characters in its path.`,
      "Set 'packages-dir' to a folder whose path has none (e.g. `dist`).",
      escapedName(root)
    )
  }
  const { info, error: statError } = await statOf(root)
  if (statError?.code === 'ELOOP') {
    refuse(
      `The packages directory '${asGiven}' is a symbolic link that loops: following it leads back ` +
        `to itself (looked at ${root}).`,
      "Point 'packages-dir' at the real folder that holds the distributions, or fix the link (`ls -l` shows where it points)."
    )
  } else if (statError && statError.code !== 'ENOENT' && statError.code !== 'ENOTDIR') {
    refuse(
      `The packages directory '${asGiven}' cannot be read: ${UNREADABLE_WHY[statError.code ?? ''] ?? `error ${statError.code}`} (looked at ${root}).`,
      "Give the runner's user read permission on it, or point 'packages-dir' at another folder."
    )
  } else if (!info) {
    refuse(
      `The packages directory '${asGiven}' does not exist (looked in ${root}).`,
      'Build the distributions first (e.g. `python -m build`), or download the artifact that holds ' +
        "them into this folder, or point 'packages-dir' at the folder that holds them."
    )
  } else if (!info.isDirectory()) {
    refuse(
      `'${asGiven}' is ${info.isFile() ? 'a file' : notRegular(info)}, not a directory.`,
      "Set 'packages-dir' to the folder that holds the wheels and sdists."
    )
  }
}

export function emptyFolderProblem(
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

/** Relative to packages-dir ('.' for itself), escaped. */
const where = (root: string, dir: string): string => escapedName(path.relative(root, dir) || '.')

/** An entry safeName refuses. */
export function badName(root: string, dir: string, entry: Dirent<Buffer>): Problem {
  const what = entry.isDirectory() ? 'folder' : 'file'
  // Not UTF-8: shown with U+FFFD where the bytes do not decode, and escaped all the same.
  const shown = escapedName(entry.name.toString('utf8'))
  const why = Buffer.from(entry.name.toString('utf8')).equals(entry.name)
    ? 'has control characters (newlines, escapes or the like) in it'
    : 'is not valid UTF-8'
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

/** What a path is when it is neither a folder nor a regular file. */
export function notRegular(info: Stats | undefined, error?: NodeJS.ErrnoException): string {
  if (error?.code === 'ELOOP') return 'a symbolic link that loops'
  if (!info) return 'a symbolic link to nothing'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device'
  if (info.isDirectory()) return 'a folder'
  return 'not a regular file'
}

/** A distribution's name on something that is not a file: never read (a pipe would hang the run). */
export function notAFile(root: string, file: string, what: string): Problem {
  return {
    file,
    rule: 'file-name',
    message:
      `${escapedName(path.relative(root, file) || file)} is named like a distribution but is ` +
      `${what}, not a regular file; nothing was uploaded.`,
    hint: 'Remove it from the folder, or replace it with the built file itself, then run again.'
  }
}

const UNREADABLE_WHY: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOENT: 'it disappeared while it was being searched',
  ELOOP: 'too many levels of symbolic links'
}

export function unreadableFolder(root: string, dir: string, error: unknown): Problem {
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
