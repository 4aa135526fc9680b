/**
 * On Linux any process of the same user may read another's start-up environment from
 * /proc/<pid>/environ, and deleting a variable from process.env does not change it: a build
 * backend started by the action could read the token from its parent even though its own
 * environment (ChildEnv) holds none. So, once the secrets are known, the value of every start-up
 * variable that holds one is overwritten with zero bytes where the kernel keeps it: in this
 * process's own memory, between env_start and env_end of /proc/self/stat, written through
 * /proc/self/mem. process.env reads that same memory, so the entry reads the environment from a
 * copy made before. Elsewhere (macOS, Windows), or where the kernel refuses the write, nothing
 * changes and the limit in SECURITY.md stands.
 */
import { closeSync, openSync, readFileSync, readSync, writeSync } from 'node:fs'
import { carriesCredential, FILE_COMMAND_NAMES } from './child-env.js'
import { MIN_SECRET_LENGTH } from './redact.js'

/**
 * Zeroes, in /proc/self/environ, the values of the variables that ChildEnv leaves out because of
 * their names or because they hold one of `secrets` (the file commands excepted: @actions/core
 * reads them later, for the outputs and the summary); returns how many values were zeroed, or
 * why nothing could be done.
 */
export function scrubStartupEnvironment(
  secrets: Iterable<string>
): { zeroed: number } | { skipped: string } {
  if (process.platform !== 'linux') return { skipped: `not Linux (${process.platform})` }
  const known = [...secrets].filter(s => s.length >= MIN_SECRET_LENGTH).map(s => Buffer.from(s))
  let fd: number | undefined
  try {
    const stat = readFileSync('/proc/self/stat', 'latin1')
    // Fields after the command's closing parenthesis start at field 3; env_start is field 50.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const [start, end] = [Number(fields[47]), Number(fields[48])]
    if (!(start > 0 && end > start)) return { skipped: 'the kernel gives no environment bounds' }
    fd = openSync('/proc/self/mem', 'r+')
    const region = Buffer.alloc(end - start)
    readSync(fd, region, 0, region.length, start)
    let zeroed = 0
    for (let at = 0; at < region.length;) {
      const nul = region.indexOf(0, at)
      const stop = nul < 0 ? region.length : nul
      const entry = region.subarray(at, stop)
      const eq = entry.indexOf(0x3d) // '='
      const name = eq < 0 ? '' : entry.subarray(0, eq).toString('latin1')
      const value = entry.subarray(eq + 1)
      const holds = carriesCredential(name) || known.some(secret => value.includes(secret))
      if (eq > 0 && value.length > 0 && holds && !FILE_COMMAND_NAMES.has(name)) {
        writeSync(fd, Buffer.alloc(value.length), 0, value.length, start + at + eq + 1)
        zeroed++
      }
      at = stop + 1
    }
    return { zeroed }
  } catch (error) {
    return { skipped: (error as NodeJS.ErrnoException).code ?? String(error) }
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}
