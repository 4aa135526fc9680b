import type { Log } from '../shared/log.js'
import { formatSize } from '../shared/format.js'

/** Counts bytes as the body streams out, for progress lines on large files. */
export interface ProgressReporter {
  /** A new attempt starts sending from byte 0. */
  start(total: number): void
  sent(bytes: number): void
  done(): void
}

export interface ProgressOptions {
  /** Files smaller than this get no progress lines (default 10 MiB). */
  minSize?: number
  /** How often a line is printed, in ms (default 5 s). */
  intervalMs?: number
  now?: () => number
}

/**
 * Progress lines at a steady interval: `name: 45% (120.0 MiB of 260.0 MiB, 85.3 MiB/s)`. Lines,
 * not a redrawn bar: CI logs are append-only, and parallel uploads stay readable.
 */
export function progressReporter(
  filename: string,
  log: Log,
  options: ProgressOptions = {}
): ProgressReporter {
  const minSize = options.minSize ?? 10 * 1024 * 1024
  const intervalMs = options.intervalMs ?? 5000
  const now = options.now ?? Date.now
  let total = 0
  let sent = 0
  let startedAt = 0
  let lastLine = 0
  return {
    start(size) {
      total = size
      sent = 0
      startedAt = lastLine = now()
    },
    sent(bytes) {
      sent += bytes
      if (total < minSize) return
      const t = now()
      if (t - lastLine < intervalMs) return
      lastLine = t
      const rate = sent / Math.max(1, t - startedAt) / 1.024 / 1024 // bytes/ms → MiB/s
      log.info(
        `${filename}: ${Math.floor((sent / total) * 100)}% (${formatSize(sent)} of ${formatSize(total)}, ${rate.toFixed(1)} MiB/s)`
      )
    },
    done() {
      /* the caller prints the result line */
    }
  }
}
