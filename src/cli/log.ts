import type { Log } from '../shared/log.js'

/**
 * The command line's Log, for a terminal or any CI system's log: no workflow commands. Every line
 * is redacted and its control characters escaped, since outside text must not steer a terminal.
 */
export interface CliLogOptions {
  /** Information lines (stderr when stdout carries `--json`). */
  out: (text: string) => void
  err: (text: string) => void
  redact: (text: string) => string
  verbose: boolean
}

// C0 controls but tab, DEL, C1 controls; the line and paragraph separators and the bidirectional
// overrides and isolates, which reorder what a reader sees.
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g

/**
 * A line as it can be printed: control characters as `\xNN`/`\uNNNN`, and a line that a CI system
 * would read as a command (`::name::`, legacy `##[name]`) escaped the same way.
 */
export function printable(line: string): string {
  const escaped = line.replace(UNPRINTABLE, ch => {
    const code = ch.charCodeAt(0)
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`
  })
  return escaped.replace(/^(\s*):/, '$1\\x3a').replace(/##\[/g, '#\\x23[')
}

export function cliLog(options: CliLogOptions): Log {
  // Lines are ours to break at \n (and a child's CRLF); a lone \r would rewrite the line, so it is
  // escaped like any other control character.
  // A group's heading is printed with its first line: a group with none leaves no heading.
  let heading: string | undefined
  const write = (to: (text: string) => void, prefix: string, message: string): void => {
    if (heading !== undefined) {
      const title = heading
      heading = undefined
      write(options.out, '', `── ${title}`)
    }
    for (const line of options.redact(message).split(/\r?\n/)) {
      to(`${prefix}${printable(line)}\n`)
    }
  }
  return {
    debug: message => {
      if (options.verbose) write(options.out, 'debug: ', message)
    },
    info: message => write(options.out, '', message),
    warning: message => write(options.err, 'warning: ', message),
    error: message => write(options.err, 'error: ', message),
    notice: message => write(options.out, 'note: ', message),
    group: async (title, fn) => {
      heading = title
      try {
        return await fn()
      } finally {
        heading = undefined
      }
    },
    childOutput: async fn => fn(line => write(options.out, '  | ', line))
  }
}
