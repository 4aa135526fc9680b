import * as core from '@actions/core'
import type { Log } from '../shared/log.js'
import type { Redactor } from '../shared/redact.js'

/** The Log the action uses: @actions/core, with every message redacted first. */
export function actionsLog(redactor: Redactor): Log {
  const r = (text: string): string => redactor.redact(text)
  return {
    debug: message => core.debug(r(message)),
    info: message => core.info(r(message)),
    warning: (message, file) => core.warning(r(message), file ? { file } : undefined),
    error: (message, file) => core.error(r(message), file ? { file } : undefined),
    notice: message => core.notice(r(message)),
    group: (title, fn) => core.group(r(title), fn)
  }
}
