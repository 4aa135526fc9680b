import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { EOL } from 'node:os'
import path from 'node:path'
import type { Log } from '../shared/log.js'

export interface WriterOptions {
  /** Applied to everything printed except `::add-mask::`'s secret. */
  redact?: (text: string) => string
  /** Annotations name files relative to this folder (GITHUB_WORKSPACE), so GitHub links them. */
  workspace?: string
  /** The runner's path rules (path.win32 on Windows); tests pass the other platform's. */
  paths?: path.PlatformPath
}

type Annotation = 'error' | 'warning' | 'notice'

/**
 * What the runner would take for a command: `::` after whitespace as .NET's TrimStart counts it
 * (U+0085, NEL, is whitespace there but not in `\s`), or the legacy `##[`, anywhere in the line.
 */
function isCommandLike(line: string): boolean {
  return /^[\s\u0085]*::/.test(line) || line.includes('##[')
}

/** The runner reads lines ending in CR, LF or CRLF (.NET's ReadLine). */
const LINE_BREAK = /\r\n|\r|\n/

/**
 * The action's Log and only writer of stdout. Commands go through @actions/core (which escapes
 * them); core lacks the rest of what outside text needs: redaction of encoded secrets, and a
 * `::stop-commands::` fence with a random token around any line (a child's: every line) that
 * the runner could read as a command.
 */
export class Writer implements Log {
  private readonly redact: (text: string) => string
  private readonly workspace: string | undefined
  private readonly paths: path.PlatformPath
  /** The token of the open fence, if one is open. */
  private fence: string | undefined
  /** Parallel uploads failing alike report the same problem: annotated once. */
  private readonly annotated = new Set<string>()
  /** The group being run, opened in the log by its first line (none: no empty fold). */
  private groupTitle: string | undefined
  private groupOpen = false

  constructor(options: WriterOptions = {}) {
    this.redact = options.redact ?? (text => text)
    this.workspace = options.workspace || undefined
    this.paths = options.paths ?? path
  }

  debug = (message: string): void => {
    this.endOutput()
    core.debug(this.redact(message))
  }
  info = (message: string): void => this.text(message)
  warning = (message: string, file?: string): void => this.annotate('warning', message, file)
  error = (message: string, file?: string): void => this.annotate('error', message, file)
  notice = (message: string): void => this.annotate('notice', message)
  group = async <T>(title: string, fn: () => Promise<T>): Promise<T> => {
    this.endOutput()
    this.groupTitle = this.redact(title)
    try {
      return await fn()
    } finally {
      this.endOutput()
      if (this.groupOpen) core.endGroup()
      this.groupTitle = undefined
      this.groupOpen = false
    }
  }
  childOutput = async <T>(fn: (show: (line: string) => void) => Promise<T>): Promise<T> =>
    fn(line => this.output(line)).finally(() => this.endOutput())

  /** Our own text (with outside values in it): each line shown as it is, never as a command. */
  text(message: string): void {
    for (const line of this.redact(message).split(LINE_BREAK)) this.line(line, 'text')
    this.endOutput()
  }

  /** A child's line: always fenced (it may know commands we do not); the fence stays open. */
  output(line: string): void {
    for (const part of this.redact(line).split(LINE_BREAK)) this.line(part, 'output')
  }

  /** `::add-mask::`, the one command whose data is the secret itself. */
  mask(secret: string): void {
    this.endOutput()
    core.setSecret(secret)
  }

  annotate(kind: Annotation, message: string, file?: string): void {
    const shownFile = file === undefined ? undefined : this.relativeFile(this.redact(file))
    const key = `${kind}\0${shownFile ?? ''}\0${message}`
    if (this.annotated.has(key)) return
    this.annotated.add(key)
    this.endOutput()
    // The title heads the annotation on the run's page: which file, when there is one.
    const title = shownFile ? `pypi-publish: ${shownFile.split(/[\\/]/).pop()}` : 'pypi-publish'
    this.openGroup()
    core[kind](this.redact(message), shownFile ? { title, file: shownFile } : { title })
  }

  /** Fails the step with `message` as its error (not repeated if already annotated). */
  fail(message: string): void {
    // core.setFailed's annotation has no title; the exit code is the same.
    process.exitCode = core.ExitCode.Failure
    this.annotate('error', message)
  }

  /** GitHub links an annotation's file by its path in the repository, with `/` on every runner. */
  private relativeFile(file: string): string {
    const paths = this.paths
    if (!this.workspace || !paths.isAbsolute(file)) return file.split(paths.sep).join('/')
    const relative = paths.relative(this.workspace, file)
    if (relative === '' || relative.startsWith('..') || paths.isAbsolute(relative)) return file
    return relative.split(paths.sep).join('/')
  }

  private line(line: string, kind: 'text' | 'output'): void {
    // The fence's token is from the OS's CSPRNG, per fence: the text inside cannot know it.
    if (kind === 'text' && !isCommandLike(line)) this.endOutput()
    else if (!this.fence) {
      this.fence = randomBytes(16).toString('hex')
      this.emit(`::stop-commands::${this.fence}`)
    }
    this.emit(line)
  }

  /** Closes the open fence, if one is open. */
  endOutput(): void {
    if (this.fence) this.emit(`::${this.fence}::`)
    this.fence = undefined
  }

  private emit(line: string): void {
    this.openGroup()
    process.stdout.write(line + EOL)
  }

  /** Debug lines do not open a group: hidden without step debugging, they would leave it empty. */
  private openGroup(): void {
    if (this.groupTitle === undefined || this.groupOpen) return
    this.groupOpen = true
    core.startGroup(this.groupTitle)
  }
}
