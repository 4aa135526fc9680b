/**
 * Runs a program with text on stdin and collects its output, with a time limit — at once
 * (`runProcess`), or started early with its input written later (`startProcess`). Uses
 * `node:child_process` directly rather than @actions/exec, so the checks that need a helper
 * program (Python) do not depend on running inside GitHub Actions.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { excerpt } from '../shared/excerpt.js'
import type { ChildEnv } from '../shared/child-env.js'

export interface RunOptions {
  /** `runProcess` writes it to the program's stdin (UTF-8), then closes it. */
  input?: string
  /**
   * Required, and only `ChildEnv.from` makes one: a child never inherits this process's
   * environment, which holds the inputs (the token) and the runner's ID-token request.
   */
  env: ChildEnv
  /**
   * The program is killed this many milliseconds after its input was written (`runProcess`
   * writes it at once). Without it, the program runs to its end.
   */
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

/** A program started with its input still to come; see `startProcess`. */
export interface RunningProcess {
  /** Undefined when the program could not be started. */
  readonly pid: number | undefined
  /**
   * Writes `input` (UTF-8) to the program's stdin, closes it, and starts the time limit. Only the
   * first call counts; a program that has already exited is not an error (its result says why).
   */
  endInput(input?: string): void
  /** Stops the program at once (SIGKILL). `result` still settles, with a null exit code. */
  kill(): void
  /**
   * Settles when the program has exited and its output is closed. Never rejects. Wait for it only
   * after `endInput` or `kill`: until then the program does not keep Node running.
   */
  readonly result: Promise<ProcessResult>
}

/** Starts a program whose input is written later; `options.input` is not used. */
export type StartProcess = (
  command: string,
  args: readonly string[],
  options: RunOptions
) => RunningProcess

/**
 * Starts a program now and lets the caller write its input later, so the program's own start-up
 * (Python importing its libraries, say) overlaps the caller's work. Until `endInput`, neither the
 * program nor its pipes keep Node's event loop alive: a helper that was started early and then
 * forgotten must not keep the action running. (Its stdin closes when this process exits, which
 * ends a program that waits for its input.) The time limit counts from `endInput`, because a
 * program waiting for its input is not slow.
 */
export const startProcess: StartProcess = (command, args, options) => {
  const stdout: Buffer[] = []
  const stderr: Buffer[] = []
  const onLine = options.onLine
  const lines = onLine && {
    stdout: new LineSplitter(line => onLine(line, 'stdout')),
    stderr: new LineSplitter(line => onLine(line, 'stderr'))
  }
  let timedOut = false
  let settled = false
  let inputEnded = false
  let timer: NodeJS.Timeout | undefined
  let resolveResult: (result: ProcessResult) => void = () => undefined
  const result = new Promise<ProcessResult>(resolve => (resolveResult = resolve))

  const finish = (exitCode: number | null, spawnError?: NodeJS.ErrnoException): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    lines?.stdout.end()
    lines?.stderr.end()
    resolveResult({
      exitCode,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      spawnError,
      timedOut
    })
  }

  const child = spawn(command, [...args], {
    env: options.env.toSpawn(),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    windowsVerbatimArguments: options.windowsVerbatimArguments
  })
  // What is kept of each stream is bounded: a build that prints without end (or a hostile
  // dependency) must not fill memory. The lines still reach the log as they come.
  const keeper = (kept: Buffer[]) => {
    let size = 0
    return (chunk: Buffer): void => {
      if (size >= MAX_KEPT_OUTPUT) return
      const part = chunk.subarray(0, MAX_KEPT_OUTPUT - size)
      kept.push(part)
      size += part.length
    }
  }
  const keepStdout = keeper(stdout)
  const keepStderr = keeper(stderr)
  child.stdout.on('data', (chunk: Buffer) => {
    keepStdout(chunk)
    lines?.stdout.write(chunk)
  })
  child.stderr.on('data', (chunk: Buffer) => {
    keepStderr(chunk)
    lines?.stderr.write(chunk)
  })
  // A program that exits without reading its input (too old, crashed, killed) makes the write
  // fail with EPIPE; its exit status tells the story, so the stream error is not one.
  child.stdin.on('error', () => undefined)
  child.on('error', error => finish(null, error))
  child.on('close', code => finish(code))
  setHoldsEventLoop(child, false)

  return {
    pid: child.pid,
    endInput(input = '') {
      if (inputEnded) return
      inputEnded = true
      if (settled) return
      // From here on the caller waits for the result, so the program must keep Node running.
      setHoldsEventLoop(child, true)
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          timedOut = true
          child.kill('SIGKILL')
        }, options.timeoutMs)
      }
      child.stdin.end(input, 'utf8')
    },
    kill() {
      if (settled) return
      // Whoever kills waits for the exit; an unreferenced child would let Node leave before it.
      setHoldsEventLoop(child, true)
      child.kill('SIGKILL')
    },
    result
  }
}

/**
 * The most of one output stream kept for the caller: far above what the render script answers
 * (a status per description) or a failure message needs, far below what would hurt the runner.
 */
export const MAX_KEPT_OUTPUT = 16 * 1024 * 1024

/** The child process and its pipes (net.Socket underneath) keep the event loop alive, or not. */
function setHoldsEventLoop(child: ChildProcessWithoutNullStreams, hold: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{
    ref?: () => void
    unref?: () => void
  }>) {
    if (hold) handle.ref?.()
    else handle.unref?.()
  }
}

/** A `RunProcess` made of a `StartProcess`: starts the program and writes its input at once. */
export function runWith(start: StartProcess): RunProcess {
  return (command, args, options) => {
    const running = start(command, args, options)
    running.endInput(options.input)
    return running.result
  }
}

/** Never rejects: every way a run can go wrong is described in the result. */
export const runProcess: RunProcess = runWith(startProcess)

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
  return excerpt(last, 300)
}
