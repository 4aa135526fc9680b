/**
 * Runs a program with text on stdin and collects its output, with a time limit. Uses
 * `node:child_process` directly rather than @actions/exec, so the checks that need a helper
 * program (Python) do not depend on running inside GitHub Actions.
 */
import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'

export interface RunOptions {
  /** Written to the program's stdin (UTF-8), which is then closed. */
  input?: string
  env?: NodeJS.ProcessEnv
  /** The program is killed after this many milliseconds. Without it, the program runs to its end. */
  timeoutMs?: number
  /** The program's working directory. Default: this process's. */
  cwd?: string
  /**
   * Called with each line of output as it arrives (without its line ending), so a long run can be
   * shown while it goes. The output is still collected into the result.
   */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /**
   * Windows only: pass the arguments as written, unquoted. Needed for `cmd.exe /c "…"`, whose
   * quoting rules are not the C runtime's that Node quotes for.
   */
  windowsVerbatimArguments?: boolean
}

export interface ProcessResult {
  /** Null when the program did not exit normally (not started, killed). */
  exitCode: number | null
  stdout: string
  stderr: string
  /** Set when the program could not be started at all (e.g. ENOENT: not on PATH). */
  spawnError?: NodeJS.ErrnoException
  timedOut: boolean
}

/** The shape callers depend on, so a test can wrap the real runner (to count the runs, say). */
export type RunProcess = (
  command: string,
  args: readonly string[],
  options: RunOptions
) => Promise<ProcessResult>

/** Never rejects: every way a run can go wrong is described in the result. */
export const runProcess: RunProcess = (command, args, options) =>
  new Promise(resolve => {
    const stdout: Buffer[] = []
    const stderr: Buffer[] = []
    const onLine = options.onLine
    const lines = onLine && {
      stdout: new LineSplitter(line => onLine(line, 'stdout')),
      stderr: new LineSplitter(line => onLine(line, 'stderr'))
    }
    let timedOut = false
    let settled = false
    const finish = (exitCode: number | null, spawnError?: NodeJS.ErrnoException): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      lines?.stdout.end()
      lines?.stderr.end()
      resolve({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        spawnError,
        timedOut
      })
    }

    const child = spawn(command, [...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
      windowsVerbatimArguments: options.windowsVerbatimArguments
    })
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true
            child.kill('SIGKILL')
          }, options.timeoutMs)

    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk)
      lines?.stdout.write(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk)
      lines?.stderr.write(chunk)
    })
    // A program that exits without reading its input (too old, crashed) makes the write fail
    // with EPIPE; its exit status tells the story, so the stream error is not one.
    child.stdin.on('error', () => undefined)
    child.on('error', error => finish(null, error))
    child.on('close', code => finish(code))
    child.stdin.end(options.input ?? '', 'utf8')
  })

/**
 * Cuts a byte stream into lines. The decoder keeps a multi-byte character split across two chunks
 * whole; a line split across chunks waits for its end; the last line may have no line ending.
 */
class LineSplitter {
  private readonly decoder = new StringDecoder('utf8')
  private pending = ''
  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer): void {
    const parts = (this.pending + this.decoder.write(chunk)).split('\n')
    this.pending = parts.pop() ?? ''
    for (const line of parts) this.emit(line.replace(/\r$/, ''))
  }

  end(): void {
    this.pending += this.decoder.end()
    if (this.pending !== '') this.emit(this.pending.replace(/\r$/, ''))
    this.pending = ''
  }
}

/** How a run went wrong, in a few words for an error message. */
export function describeFailure(result: ProcessResult): string {
  if (result.spawnError?.code === 'ENOENT') return 'not found'
  if (result.spawnError) return `could not be started (${result.spawnError.message})`
  if (result.timedOut) return 'took too long and was stopped'
  const said = lastOutputLine(result.stderr || result.stdout)
  return `exited with code ${result.exitCode}${said ? `: ${said}` : ''}`
}

/** The last non-empty line of a program's output, which is where Python and pip say what failed. */
export function lastOutputLine(text: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter(l => l.trim() !== '')
  const last = lines[lines.length - 1] ?? ''
  return last.length > 300 ? `${last.slice(0, 300)}…` : last
}
