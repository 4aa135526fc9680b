/**
 * Runs one client process and measures it: wall time from spawn to exit (this process's clock),
 * and peak memory (max RSS) from GNU time, which reads it from the kernel's rusage when the child
 * is reaped. Each run is bounded: past its time limit the whole process group is killed.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'

export const GNU_TIME = '/usr/bin/time'

export interface Measured {
  exitCode: number
  wallMs: number
  /** Peak resident set of the client (the largest of it and its children), in KiB; NaN if unknown. */
  maxRssKb: number
  stdout: string
  stderr: string
  timedOut: boolean
}

export interface MeasureOptions {
  env: Record<string, string>
  cwd: string
  timeoutMs: number
  /** Measure max RSS with GNU time (default true). */
  peakMemory?: boolean
  /** Called with the moment just before the spawn (performance.now()). */
  onSpawn?: (at: number) => void
}

/** Processes running now, so an interrupted benchmark can end them (and only them). */
const running = new Set<number>()

/** Kills the process groups of the runs still in progress (on SIGINT, or a fatal error). */
export function killRunning(): void {
  for (const pid of running) killGroup(pid)
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

const OUTPUT_LIMIT = 1024 * 1024

export async function measure(
  command: string,
  args: readonly string[],
  options: MeasureOptions
): Promise<Measured> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'bench-measure-'))
  const rssFile = path.join(scratch, 'maxrss')
  const peak = options.peakMemory !== false && existsSync(GNU_TIME)
  const [file, argv] = peak
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]]
    : [command, [...args]]
  try {
    const started = performance.now()
    options.onSpawn?.(started)
    // Its own process group, so a time-out ends the client and whatever it started.
    const child = spawn(file, argv, {
      env: options.env,
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    if (child.pid !== undefined) running.add(child.pid)
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      if (stdout.length < OUTPUT_LIMIT) stdout += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < OUTPUT_LIMIT) stderr += d.toString()
    })
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) killGroup(child.pid)
    }, options.timeoutMs)
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on('error', reject)
      child.on('close', code => resolve(code ?? -1))
    })
    const wallMs = performance.now() - started
    clearTimeout(timer)
    if (child.pid !== undefined) running.delete(child.pid)
    return {
      exitCode,
      wallMs,
      maxRssKb: peak ? await readMaxRss(rssFile) : NaN,
      stdout,
      stderr,
      timedOut
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

/** GNU time writes "Command exited with non-zero status N" before the figure on failures. */
async function readMaxRss(file: string): Promise<number> {
  try {
    const lines = (await readFile(file, 'utf8')).trim().split('\n')
    const value = Number(lines[lines.length - 1])
    return Number.isFinite(value) ? value : NaN
  } catch {
    return NaN
  }
}
