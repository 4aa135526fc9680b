/**
 * The core reports through this small interface and never imports @actions/core, so the same
 * pipeline serves the action, tests and a future command-line entry. The action's edge supplies an
 * implementation backed by @actions/core; tests supply a recorder.
 */
export interface Log {
  debug(message: string): void
  info(message: string): void
  /** A warning; `file` makes it an annotation on that file where the runner supports it. */
  warning(message: string, file?: string): void
  error(message: string, file?: string): void
  notice(message: string): void
  /** Runs `fn` inside a collapsible group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /**
   * Runs `fn`, which shows a child program's output (a build, pip) line by line through `show`.
   * The lines are data: the action's log shows them verbatim and the runner never reads a
   * command in them (they are fenced with `::stop-commands::`).
   */
  childOutput<T>(fn: (show: (line: string) => void) => Promise<T>): Promise<T>
}

/** A Log that keeps every line, for tests and for callers that want the text. */
export class RecordingLog implements Log {
  readonly lines: Array<{ level: string; message: string; file?: string }> = []
  debug(message: string): void {
    this.lines.push({ level: 'debug', message })
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message })
  }
  warning(message: string, file?: string): void {
    this.lines.push({ level: 'warning', message, file })
  }
  error(message: string, file?: string): void {
    this.lines.push({ level: 'error', message, file })
  }
  notice(message: string): void {
    this.lines.push({ level: 'notice', message })
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push({ level: 'group', message: title })
    return fn()
  }
  async childOutput<T>(fn: (show: (line: string) => void) => Promise<T>): Promise<T> {
    return fn(line => this.lines.push({ level: 'output', message: line }))
  }
  text(level?: string): string {
    return this.lines
      .filter(l => level === undefined || l.level === level)
      .map(l => l.message)
      .join('\n')
  }
}
