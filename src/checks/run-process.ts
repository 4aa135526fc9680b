/**
 * Runs a program with text on stdin and collects its output, with a time limit. Uses
 * `node:child_process` directly rather than @actions/exec, so the checks that need a helper
 * program (Python) do not depend on running inside GitHub Actions.
 */
import { spawn } from 'node:child_process'

export interface RunOptions {
  /** Written to the program's stdin (UTF-8), which is then closed. */
  input?: string
  env?: NodeJS.ProcessEnv
  /** The program is killed after this many milliseconds. */
  timeoutMs: number
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
    let timedOut = false
    let settled = false
    const finish = (exitCode: number | null, spawnError?: NodeJS.ErrnoException): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
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
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true
    })
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, options.timeoutMs)

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
    // A program that exits without reading its input (too old, crashed) makes the write fail
    // with EPIPE; its exit status tells the story, so the stream error is not one.
    child.stdin.on('error', () => undefined)
    child.on('error', error => finish(null, error))
    child.on('close', code => finish(code))
    child.stdin.end(options.input ?? '', 'utf8')
  })
