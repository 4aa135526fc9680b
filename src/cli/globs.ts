import type { Dirent } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'

/**
 * Globs the shell did not expand (quoted, or cmd.exe): `*`, `?`, `[abc]`/`[!abc]`, `**`. As in a
 * POSIX shell, no wildcard matches a leading `.`, and `**` skips dot-folders and symbolic links to
 * folders (they can loop). Node 20 has no fs.glob.
 */

/** Whether the argument has a wildcard in it (a plain file name is used as it is). */
export function isGlob(argument: string): boolean {
  return /[*?[]/.test(argument)
}

/** The files matching `pattern`, sorted; paths as the pattern writes them (relative stays relative). */
export async function expandGlob(pattern: string, cwd: string): Promise<string[]> {
  const written = process.platform === 'win32' ? pattern.replace(/\\/g, '/') : pattern
  const segments = written.split('/')
  // An absolute pattern starts at the root (`/…`, or `C:/…` on Windows); `a//b` is `a/b`.
  const root = segments[0] === '' ? '/' : /^[A-Za-z]:$/.test(segments[0]) ? `${segments[0]}/` : ''
  const rest = segments.slice(root ? 1 : 0).filter(s => s !== '' && s !== '.')
  const found = new Set<string>()
  await walk(cwd, root, rest, found)
  return [...found].sort()
}

async function walk(
  cwd: string,
  base: string,
  segments: string[],
  found: Set<string>
): Promise<void> {
  const here = path.resolve(cwd, base || '.')
  if (segments.length === 0) {
    const info = await stat(here).catch(() => undefined)
    if (info?.isFile() && base) found.add(base)
    return
  }
  const [segment, ...rest] = segments
  const join = (name: string): string => (base ? path.posix.join(base, name) : name)
  if (segment === '**') {
    await walk(cwd, base, rest, found)
    for (const entry of await list(here)) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) {
        await walk(cwd, join(entry.name), segments, found)
      }
    }
    return
  }
  if (!isGlob(segment)) {
    await walk(cwd, join(segment), rest, found)
    return
  }
  const matcher = segmentPattern(segment)
  for (const entry of await list(here)) {
    if (entry.name.startsWith('.') && !segment.startsWith('.')) continue
    if (matcher.test(entry.name)) await walk(cwd, join(entry.name), rest, found)
  }
}

async function list(dir: string): Promise<Dirent[]> {
  // A folder that cannot be read matches nothing, as in a shell.
  return readdir(dir, { withFileTypes: true }).catch(() => [])
}

/** One path segment's wildcards as a regular expression over a whole name. */
function segmentPattern(segment: string): RegExp {
  let source = ''
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i]
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = segment.indexOf(']', i + 2)
      if (end === -1) {
        source += '\\['
        continue
      }
      let body = segment.slice(i + 1, end)
      const negated = body.startsWith('!') || body.startsWith('^')
      if (negated) body = body.slice(1)
      source += `[${negated ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`
      i = end
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 'su')
}
