/**
 * Which distributions a build made: the output folder is listed before and after, and the `.whl`
 * and `.tar.gz` files that are new or were rewritten are the build's. A custom build command says
 * nothing about what it wrote, so this is how its files are found; files already in the folder
 * and left alone (a stale release, say) are not counted.
 */
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'

/** What identifies one state of a file: a rewrite changes at least one of these. */
type FileState = string

export type OutputSnapshot = ReadonlyMap<string, FileState>

const BUILT_FILE = /\.(whl|tar\.gz)$/i

/** The distribution files under `dir` (nested too), by absolute path; empty if `dir` is missing. */
export async function snapshotOutputs(dir: string): Promise<OutputSnapshot> {
  const files = new Map<string, FileState>()
  await walk(path.resolve(dir), files)
  return files
}

/** The files of `after` that `before` did not have, or had in another state; sorted. */
export function changedOutputs(before: OutputSnapshot, after: OutputSnapshot): string[] {
  return [...after]
    .filter(([file, state]) => before.get(file) !== state)
    .map(([file]) => file)
    .sort()
}

async function walk(dir: string, files: Map<string, FileState>): Promise<void> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw error
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) await walk(full, files)
    else if (entry.isFile() && BUILT_FILE.test(entry.name)) {
      const info = await stat(full, { bigint: true })
      // Nanosecond times: a rebuild that writes the same bytes within a millisecond still shows.
      files.set(full, `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`)
    }
  }
}
