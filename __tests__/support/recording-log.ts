import type { Log } from '../../src/shared/log.js'

type Line = { level: string; message: string; file?: string }

/** A Log that keeps every line, for tests. */
export class RecordingLog implements Log {
  readonly lines: Line[] = []
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
    const lines = this.lines.filter(l => level === undefined || l.level === level)
    return lines.map(l => l.message).join('\n')
  }
}
