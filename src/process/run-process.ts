/**
 * Runs a program with a time limit and collects its output: at once (`runProcess`), or started
 * early with its input written later (`startProcess`). On `node:child_process`, not @actions/exec,
 * whose runner cannot be killed at its time limit, looks the program up on the action's PATH
 * instead of the child's (builder: "finds python3 or python on PATH"), decodes each chunk alone
 * (builder: "keeps split characters whole"), and takes stdin only up front.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { excerpt } from '../shared/excerpt.js'
import type { ChildEnv } from '../shared/child-env.js'

export interface RunOptions {
  /** `runProcess` writes it to stdin (UTF-8), then closes it. */
  input?: string
  /** Only `ChildEnv.from` makes one: a child never inherits the token or the ID-token request. */
  env: ChildEnv
  /** Killed this long after its input was written. Without it, runs to its end. */
  timeoutMs?: number
  cwd?: string
  /** Each line (without its ending) as it arrives; the output is still collected. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** For `cmd.exe /c "…"`, whose quoting is not the C runtime's that Node applies. */
  windowsVerbatimArguments?: boolean
}

export interface ProcessResult {
  /** Null when the program did not exit normally (not started, killed). */
  exitCode: number | null
  stdout: string
  stderr: string
  spawnError?: NodeJS.ErrnoException
  timedOut: boolean
}

type Runs<T> = (command: string, args: readonly string[], options: RunOptions) => T
export type RunProcess = Runs<Promise<ProcessResult>>

export interface RunningProcess {
  readonly pid: number | undefined
  /** Writes `input`, closes stdin and starts the time limit; only the first call counts. */
  endInput(input?: string): void
  /** SIGKILL; `result` still settles, with a null exit code. */
  kill(): void
  /** Never rejects. Until `endInput` or `kill` the program does not keep Node running. */
  readonly result: Promise<ProcessResult>
}

export type StartProcess = Runs<RunningProcess>

/** Far above a render reply or a failure message, far below what would hurt the runner. */
export const MAX_KEPT_OUTPUT = 16 * 1024 * 1024

/**
 * Starts a program whose input comes later, so its start-up overlaps the caller's work. Until
 * `endInput` it holds no event-loop reference: a helper started early and forgotten must not keep
 * the action running. The time limit counts from `endInput`: waiting for input is not slowness.
 */
export const startProcess: StartProcess = (command, args, options) => {
  let timedOut = false
  let settled = false
  let inputEnded = false
  let timer: NodeJS.Timeout | undefined
  let resolveResult: (result: ProcessResult) => void = () => undefined
  const result = new Promise<ProcessResult>(resolve => (resolveResult = resolve))
  const child = spawn(command, [...args], {
    env: options.env.toSpawn(),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
    windowsVerbatimArguments: options.windowsVerbatimArguments
  })
  const streams = (['stdout', 'stderr'] as const).map(name => {
    const kept: Buffer[] = []
    let size = 0
    const decoder = new StringDecoder('utf8')
    let pending = ''
    const emit = (line: string): void => options.onLine?.(line.replace(/\r$/, ''), name)
    child[name].on('data', (chunk: Buffer) => {
      // Bounded: a build that prints without end must not fill memory; the log still gets it all.
      const part = chunk.subarray(0, Math.max(0, MAX_KEPT_OUTPUT - size))
      if (part.length > 0) kept.push(part)
      size += part.length
      if (!options.onLine) return
      const lines = (pending + decoder.write(chunk)).split('\n')
      pending = lines.pop() ?? ''
      lines.forEach(emit)
    })
    return () => {
      pending += decoder.end()
      if (pending !== '') emit(pending)
      return Buffer.concat(kept).toString('utf8')
    }
  })
  const finish = (exitCode: number | null, spawnError?: NodeJS.ErrnoException): void => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    const [stdout, stderr] = streams.map(end => end())
    resolveResult({ exitCode, stdout, stderr, spawnError, timedOut })
  }
  // A program that exits without reading its input makes the write fail (EPIPE): its exit says why.
  child.stdin.on('error', () => undefined)
  child.on('error', error => finish(null, error))
  child.on('close', code => finish(code))
  holdEventLoop(child, false)

  return {
    pid: child.pid,
    endInput(input = '') {
      if (inputEnded || settled) return
      inputEnded = true
      holdEventLoop(child, true)
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
      holdEventLoop(child, true)
      child.kill('SIGKILL')
    },
    result
  }
}

function holdEventLoop(child: ChildProcessWithoutNullStreams, hold: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as Array<{
    ref?: () => void
    unref?: () => void
  }>) {
    if (hold) handle.ref?.()
    else handle.unref?.()
  }
}

export function runWith(start: StartProcess): RunProcess {
  return (command, args, options) => {
    const running = start(command, args, options)
    running.endInput(options.input)
    return running.result
  }
}

/** Never rejects: every way a run can go wrong is in the result. */
export const runProcess: RunProcess = runWith(startProcess)

/** How a failed run ended; `withLastLine` adds the last line it wrote, where Python says why. */
export function describeFailure(result: ProcessResult, withLastLine = true): string {
  if (result.spawnError?.code === 'ENOENT') return 'not found'
  if (result.spawnError) return `could not be started (${result.spawnError.message})`
  if (result.timedOut) return 'took too long and was stopped'
  if (result.exitCode === null) return 'was stopped by a signal'
  const said = withLastLine ? lastOutputLine(result.stderr || result.stdout) : ''
  return `exited with code ${result.exitCode}${said ? `: ${said}` : ''}`
}

/** Where Python says what failed. */
export function lastOutputLine(text: string): string {
  const lines = text
    .trim()
    .split(/\r?\n/)
    .filter(l => l.trim() !== '')
  return excerpt(lines[lines.length - 1] ?? '', 300)
}
