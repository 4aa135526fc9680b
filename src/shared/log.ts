/** How the core reports: the action backs it with @actions/core, the command line with stderr. */
export interface Log {
  debug(message: string): void
  info(message: string): void
  /** A warning; `file` makes it an annotation on that file where the runner supports it. */
  warning(message: string, file?: string): void
  error(message: string, file?: string): void
  notice(message: string): void
  /** Runs `fn` inside a collapsible group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>
  /** Runs `fn`, whose child program's lines `show` prints as data (fenced: never runner commands). */
  childOutput<T>(fn: (show: (line: string) => void) => Promise<T>): Promise<T>
}
