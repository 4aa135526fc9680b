import type { Log } from '../shared/log.js'
import type { Writer } from './writer.js'

/**
 * The Log the action uses: every message through the one Writer, which redacts it and makes sure
 * no outside text in it can issue a runner command. Groups are the runner's `::group::`.
 */
export function actionsLog(writer: Writer): Log {
  return {
    // Written always; the runner shows it only with step debugging on.
    debug: message => writer.command('debug', {}, message),
    info: message => writer.text(message),
    warning: (message, file) => writer.annotate('warning', message, file),
    error: (message, file) => writer.annotate('error', message, file),
    notice: message => writer.annotate('notice', message),
    group: async (title, fn) => {
      writer.command('group', {}, title)
      try {
        return await fn()
      } finally {
        writer.command('endgroup', {}, '')
      }
    },
    childOutput: async fn => {
      try {
        return await fn(line => writer.output(line))
      } finally {
        writer.endOutput()
      }
    }
  }
}
