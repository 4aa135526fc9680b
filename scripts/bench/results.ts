/**
 * What one benchmark run found, and the few numbers derived from it (medians, throughput, ratios),
 * kept apart from the measuring so the report can be re-rendered from the raw samples.
 */
import type { SourceSize } from './code-size.js'

export interface Sample {
  wallMs: number
  /** KiB, NaN when GNU time was not available. */
  maxRssKb: number
}

export interface CaseResult {
  /** Stable key, e.g. `small/action/c4/verify`. */
  key: string
  client: 'action' | 'twine'
  /** What was set, for people: "concurrency 4, verify-upload true". */
  settings: string
  files: number
  bytes: number
  samples: Sample[]
}

export interface FirstByteResult {
  key: string
  label: string
  /** Spawn → first upload byte at the index, per run, in ms. */
  samplesMs: number[]
}

export interface MachineFacts {
  date: string
  nproc: number
  cpu: string
  memoryGiB: number
  os: string
  node: string
  twine: string | undefined
  /** What was measured: the bundle (relative to the repo), its sha256 (first 12 hex), the commit. */
  build: { entry: string; distSha256: string; commit: string; distChangedSinceCommit: boolean }
  /** Spawn → exit of `node -e 0`: the floor under any Node program's start-up, median ms. */
  nodeFloorMs: number
  /**
   * 1-minute load averages when the benchmark started and ended: other work on the machine
   * (a shared CI box, tests running beside it) slows both clients and widens the spread.
   */
  loadAverage: { start: number; end?: number }
}

export interface BenchResults {
  machine: MachineFacts
  small: CaseResult[]
  large: CaseResult[]
  /** HTTPS behind a link with a round trip and a bandwidth limit (see wan-proxy.ts). */
  wan: CaseResult[]
  /** The link's floor for the WAN case: its bytes at the link's rate plus the handshakes, ms. */
  wanFloorMs?: number
  firstByte: FirstByteResult[]
  source: SourceSize
  notes: string[]
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export function medianWallMs(result: CaseResult): number {
  return median(result.samples.map(s => s.wallMs))
}

/** The largest peak over the runs: the figure a memory limit has to allow for. */
export function peakRssMb(result: CaseResult): number {
  const values = result.samples.map(s => s.maxRssKb).filter(Number.isFinite)
  return values.length ? Math.max(...values) / 1024 : NaN
}

/** Decimal MB per second of wall time, over the median run. */
export function throughputMBps(result: CaseResult): number {
  return result.bytes / 1e6 / (medianWallMs(result) / 1000)
}

/**
 * The concurrency to ship: the smallest whose median wall time is within `tolerance` of the
 * fastest. Past that point more parallel requests buy nothing here and only cost the index.
 */
export function recommendConcurrency(
  byConcurrency: ReadonlyArray<{ concurrency: number; medianMs: number }>,
  tolerance: number
): number | undefined {
  if (byConcurrency.length === 0) return undefined
  const best = Math.min(...byConcurrency.map(c => c.medianMs))
  return [...byConcurrency]
    .sort((a, b) => a.concurrency - b.concurrency)
    .find(c => c.medianMs <= best * (1 + tolerance))?.concurrency
}
