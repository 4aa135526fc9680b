/**
 * The one writer of the action's stdout, which GitHub's runner reads for workflow commands
 * (`::add-mask::`, `::error::`, `::stop-commands::`…). Everything printed goes through it, so
 * text from outside (file names, metadata, an index's answers, a build's output) can never issue
 * a command: the only commands on stdout are the ones written by `command` here, whose data and
 * properties are escaped so that each is exactly one line. Plain text is redacted, and any line
 * of it the runner could read as a command is shown inside a `::stop-commands::` fence whose
 * token is random, so nothing in the text can end it.
 */
import { randomBytes } from 'node:crypto'
import { EOL } from 'node:os'
import path from 'node:path'

export interface WriterOptions {
  /** Where the lines go. Default: process.stdout. */
  out?: (text: string) => void
  /** Applied to every text and command data except `::add-mask::`'s. */
  redact?: (text: string) => string
  /** Annotations name files relative to this folder (GITHUB_WORKSPACE), so GitHub links them. */
  workspace?: string
  /** The runner's path rules (path.win32 on Windows); tests pass the other platform's. */
  paths?: path.PlatformPath
}

export type Annotation = 'error' | 'warning' | 'notice'

/**
 * Lines the runner would take for a command: `::name` after optional leading whitespace (the
 * runner trims it), or the legacy `##[name]` form, looked for anywhere in the line. The runner
 * trims with .NET's TrimStart, whose whitespace includes U+0085 (NEL), which JavaScript's `\s`
 * does not: without it, an index could start a command behind a NEL.
 */
function isCommandLike(line: string): boolean {
  return /^[\s\u0085]*::/.test(line) || line.includes('##[')
}

/** The runner reads lines ending in CR, LF or CRLF (.NET's ReadLine). */
const LINE_BREAK = /\r\n|\r|\n/

/** Command data, as @actions/core escapes it: one line, `%` kept unambiguous. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Command properties (file, title), as @actions/core escapes them: `,` and `:` end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export class Writer {
  private readonly out: (text: string) => void
  private readonly redact: (text: string) => string
  private readonly workspace: string | undefined
  private readonly paths: path.PlatformPath
  /** The token of the open `::stop-commands::` fence, if one is open. */
  private fence: string | undefined
  private readonly annotated = new Set<string>()

  constructor(options: WriterOptions = {}) {
    this.out = options.out ?? (text => process.stdout.write(text))
    this.redact = options.redact ?? (text => text)
    this.workspace = options.workspace || undefined
    this.paths = options.paths ?? path
  }

  /** Our own text (with outside values in it): each line shown as it is, never as a command. */
  text(message: string): void {
    for (const line of this.redact(message).split(LINE_BREAK)) this.line(line, 'text')
    this.closeFence()
  }

  /**
   * A line a child program wrote: always fenced, whatever it looks like, because a program can
   * know forms of commands we do not. The fence stays open for the lines after it, and is closed
   * before anything else is written and by `endOutput`.
   */
  output(line: string): void {
    for (const part of this.redact(line).split(LINE_BREAK)) this.line(part, 'output')
  }

  /** Closes the fence of `output`, if one is open. */
  endOutput(): void {
    this.closeFence()
  }

  /**
   * A workflow command written by the action itself. Data and properties are redacted and
   * escaped, so the command is one line and outside text in it cannot start another.
   */
  command(name: string, properties: Record<string, string | undefined>, message: string): void {
    this.closeFence()
    this.emit(formatCommand(name, properties, this.redact(message), this.redact))
  }

  /** `::add-mask::`, the one command whose data is the secret itself. */
  mask(secret: string): void {
    this.closeFence()
    this.emit(formatCommand('add-mask', {}, secret, text => text))
  }

  /**
   * An annotation. `file` is shown relative to the workspace, where GitHub can link it; the same
   * problem reported twice (parallel uploads failing alike) is annotated once.
   */
  annotate(kind: Annotation, message: string, file?: string): void {
    const shownFile = file === undefined ? undefined : this.relativeFile(file)
    const key = `${kind}\0${shownFile ?? ''}\0${message}`
    if (this.annotated.has(key)) return
    this.annotated.add(key)
    this.command(kind, { file: shownFile }, message)
  }

  /** GitHub links an annotation's file by its path in the repository, with `/` on every runner. */
  private relativeFile(file: string): string {
    const paths = this.paths
    if (!this.workspace || !paths.isAbsolute(file)) return file.split(paths.sep).join('/')
    const relative = paths.relative(this.workspace, file)
    if (relative === '' || relative.startsWith('..') || paths.isAbsolute(relative)) return file
    return relative.split(paths.sep).join('/')
  }

  /** Our text is fenced only where a line could be a command; a child's output always is. */
  private line(line: string, kind: 'text' | 'output'): void {
    if (kind === 'output' || isCommandLike(line)) {
      if (!this.fence) {
        // Random per fence, from the OS's CSPRNG: the text inside cannot know it to end the fence.
        this.fence = randomBytes(16).toString('hex')
        this.emit(`::stop-commands::${this.fence}`)
      }
    } else {
      this.closeFence()
    }
    this.emit(line)
  }

  private closeFence(): void {
    if (!this.fence) return
    this.emit(`::${this.fence}::`)
    this.fence = undefined
  }

  private emit(line: string): void {
    this.out(line + EOL)
  }
}

function formatCommand(
  name: string,
  properties: Record<string, string | undefined>,
  message: string,
  redact: (text: string) => string
): string {
  const props = Object.entries(properties)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
    .map(([key, value]) => `${key}=${escapeProperty(redact(value))}`)
    .join(',')
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`
}
