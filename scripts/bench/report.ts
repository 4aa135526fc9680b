/**
 * Renders the results as Markdown and puts them into BENCHMARKS.md between two markers, so the
 * hand-written part of the file (method, how to read the figures) survives every run.
 */
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import {
  median,
  medianWallMs,
  peakRssMb,
  recommendConcurrency,
  throughputMBps,
  type BenchResults,
  type CaseResult
} from './results.js'

export const BEGIN =
  '<!-- bench:results:begin (written by `npm run bench`; edits here are lost) -->'
export const END = '<!-- bench:results:end -->'

/** How close to the fastest a concurrency must be to count as just as fast. */
const CONCURRENCY_TOLERANCE = 0.1

/** Issue 12's targets. */
export const TARGETS = {
  smallWallRatio: 0.2,
  largeWallRatio: 0.5,
  largePeakMb: 100,
  firstByteMs: 150
}

export interface ReportKeys {
  smallTwine: string
  smallAction: string
  smallActionNoVerify: string
  /** Keys of the concurrency sweep, by concurrency. */
  sweep: ReadonlyArray<{ concurrency: number; key: string }>
  largeTwine: string
  largeAction: string
  /** The large wheel to a streaming sink (the clients' own work; see sink-index.ts). */
  sinkTwine: string
  sinkAction: string
  wanTwine: string
  wanAction: string
  /** twine's first byte, which the action's must beat. */
  firstByteTwine: string
  /** The floor: a bare Node POST of the same wheel (bare-post.ts); not judged, shown beside. */
  firstByteBare: string
  /** The first-byte figure the target is judged on. */
  firstByte: string
}

const seconds = (ms: number): string =>
  Number.isFinite(ms) ? (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`) : '—'
/** A difference in ms, with its sign: "+22 ms", "−3 ms". */
const signed = (ms: number): string => `${ms < 0 ? '−' : '+'}${seconds(Math.abs(ms))}`
const mb = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} MB` : '—')
const rate = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(1)} MB/s` : '—')
const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : '—')
/** The targets table judges the exact ratio: three decimals, so that 0.204 does not read as 0.20. */
const exactRatio = (value: number): string =>
  Number.isFinite(value) ? `${value.toFixed(3)}×` : '—'
const verdict = (met: boolean | undefined): string =>
  met === undefined ? 'not measured' : met ? '**met**' : '**missed**'

export function renderResults(results: BenchResults, keys: ReportKeys): string {
  const find = (key: string): CaseResult | undefined =>
    [...results.small, ...results.large, ...results.wan].find(r => r.key === key)
  const wallRatio = (a?: CaseResult, b?: CaseResult): number =>
    a && b ? medianWallMs(a) / medianWallMs(b) : NaN
  const memRatio = (a?: CaseResult, b?: CaseResult): number =>
    a && b ? peakRssMb(a) / peakRssMb(b) : NaN

  const m = results.machine
  const out: string[] = []
  out.push(`## Results of ${m.date}`, '')
  out.push(
    `Machine: ${m.nproc} CPU(s) (${m.cpu}), ${m.memoryGiB.toFixed(0)} GiB RAM, ${m.os}; ` +
      `Node ${m.node} (\`node -e 0\` takes ${seconds(m.nodeFloorMs)} spawn to exit); ` +
      `${m.twine ?? 'twine not installed'}. Load average (1 min) ${m.loadAverage.start.toFixed(2)} at ` +
      `the start, ${m.loadAverage.end?.toFixed(2) ?? '—'} at the end.`,
    '',
    `Measured: \`${m.build.entry}\` sha256 ${m.build.distSha256}…, commit ${m.build.commit}` +
      (m.build.distChangedSinceCommit ? ' (dist/ differs from the commit)' : '') +
      '.',
    ''
  )

  const caseTable = (rows: CaseResult[], twine?: CaseResult): void => {
    out.push(
      '| client | settings | runs | median wall | throughput | peak RSS | wall ÷ twine | RSS ÷ twine |',
      '|---|---|---|---|---|---|---|---|'
    )
    for (const row of rows) {
      out.push(
        `| ${row.client} | ${row.settings} | ${row.samples.length} | ${seconds(medianWallMs(row))} | ` +
          `${rate(throughputMBps(row))} | ${mb(peakRssMb(row))} | ` +
          `${row === twine ? '1' : ratio(wallRatio(row, twine))} | ` +
          `${row === twine ? '1' : ratio(memRatio(row, twine))} |`
      )
    }
    out.push('')
  }

  const smallTwine = find(keys.smallTwine)
  const smallAction = find(keys.smallAction)
  const first = results.small[0]
  if (first) {
    out.push(
      `### (a) ${first.files} small wheels of one release, 20 ms added latency per request`,
      '',
      `${first.files} files, ${mb(first.bytes / 1e6)} in all.`,
      ''
    )
    caseTable(
      [smallTwine, smallAction, find(keys.smallActionNoVerify)].filter(
        (r): r is CaseResult => r !== undefined
      ),
      smallTwine
    )
  }

  const sweep = keys.sweep
    .map(s => ({ concurrency: s.concurrency, result: find(s.key) }))
    .filter((s): s is { concurrency: number; result: CaseResult } => s.result !== undefined)
  if (sweep.length > 0) {
    out.push('Concurrency sweep (verify-upload true), same files:', '')
    out.push(
      '| concurrency | median wall | min | max | wall ÷ twine | peak RSS |',
      '|---|---|---|---|---|---|'
    )
    for (const { concurrency, result } of sweep) {
      const walls = result.samples.map(s => s.wallMs)
      out.push(
        `| ${concurrency} | ${seconds(medianWallMs(result))} | ${seconds(Math.min(...walls))} | ` +
          `${seconds(Math.max(...walls))} | ${ratio(wallRatio(result, smallTwine))} | ${mb(peakRssMb(result))} |`
      )
    }
    const recommended = recommendConcurrency(
      sweep.map(s => ({ concurrency: s.concurrency, medianMs: medianWallMs(s.result) })),
      CONCURRENCY_TOLERANCE
    )
    out.push(
      '',
      `Smallest concurrency within ${CONCURRENCY_TOLERANCE * 100}% of the fastest median: ` +
        `**${recommended ?? '—'}** (closer differences are inside this machine's run-to-run spread).`,
      ''
    )
  }

  const largeTwine = find(keys.largeTwine)
  const largeAction = find(keys.largeAction)
  const big = results.large[0]
  out.push(
    `### (b) one large wheel${big ? ` of ${mb(big.bytes / 1e6)}` : ''}, no added latency`,
    ''
  )
  caseTable(
    [largeTwine, largeAction].filter((r): r is CaseResult => r !== undefined),
    largeTwine
  )
  const sinkTwine = find(keys.sinkTwine)
  const sinkAction = find(keys.sinkAction)
  if (sinkTwine || sinkAction) {
    out.push(
      'The same wheel to a streaming sink, which reads each upload to its end and checks, hashes ' +
        "and stores nothing: the clients' own work, as against PyPI, whose CPUs are not the " +
        "runner's (above, the local index's own parsing and hashing share this machine's two cores).",
      ''
    )
    caseTable(
      [sinkTwine, sinkAction].filter((r): r is CaseResult => r !== undefined),
      sinkTwine
    )
  }

  const wanTwine = find(keys.wanTwine)
  const wanAction = find(keys.wanAction)
  const wan = results.wan[0]
  if (wan) {
    out.push(
      `### (c) WAN-like: ${wan.files} wheels, ${mb(wan.bytes / 1e6)}, HTTPS (self-signed, trusted by both), 40 ms round trip, 200 Mbit/s`,
      ''
    )
    caseTable(
      [wanTwine, wanAction].filter((r): r is CaseResult => r !== undefined),
      wanTwine
    )
  }

  out.push('### Start to first byte', '')
  out.push('| what | runs | median | min | max |', '|---|---|---|---|---|')
  for (const fb of results.firstByte) {
    out.push(
      `| ${fb.label} | ${fb.samplesMs.length} | ${seconds(median(fb.samplesMs))} | ` +
        `${seconds(Math.min(...fb.samplesMs))} | ${seconds(Math.max(...fb.samplesMs))} |`
    )
  }
  out.push('')

  const twineFirstByte = results.firstByte.find(fb => fb.key === keys.firstByteTwine)
  const twineFirstMs = twineFirstByte ? median(twineFirstByte.samplesMs) : NaN
  const smallRatio = wallRatio(smallAction, smallTwine)
  const largeRatio = wallRatio(largeAction, largeTwine)
  const largePeak = largeAction ? peakRssMb(largeAction) : NaN
  const sinkRatio = wallRatio(find(keys.sinkAction), find(keys.sinkTwine))
  const judged = (value: number, ok: (v: number) => boolean): boolean | undefined =>
    Number.isFinite(value) ? ok(value) : undefined
  const bareFirstByte = results.firstByte.find(fb => fb.key === keys.firstByteBare)
  const bareFirstMs = bareFirstByte ? median(bareFirstByte.samplesMs) : NaN
  const firstByteRows = results.firstByte
    .filter(fb => fb.key !== keys.firstByteTwine && fb.key !== keys.firstByteBare)
    .flatMap(fb => {
      const ms = median(fb.samplesMs)
      const realistic = fb.key === keys.firstByte ? ' (the realistic case)' : ''
      return [
        `| start to first byte ≤ ${TARGETS.firstByteMs} ms: ${fb.label}${realistic} | ` +
          `${seconds(ms)} | ${verdict(judged(ms, v => v <= TARGETS.firstByteMs))} |`,
        `| start to first byte below twine's (${seconds(twineFirstMs)}): ${fb.label} | ` +
          `${seconds(ms)} | ${verdict(judged(twineFirstMs, v => ms < v))} |`,
        // Not a target: how much of the figure is the action's own, above what Node needs here.
        `| (for reference) above the floor of a bare Node POST (${seconds(bareFirstMs)}): ${fb.label} | ` +
          `${Number.isFinite(bareFirstMs) ? signed(ms - bareFirstMs) : '—'} | — |`
      ]
    })
  if (firstByteRows.length === 0) {
    firstByteRows.push(
      `| start to first byte < ${TARGETS.firstByteMs} ms | — | ${verdict(undefined)} |`
    )
  }
  out.push('### Targets (issue 12)', '')
  out.push('| target | measured | verdict |', '|---|---|---|')
  out.push(
    `| (a) wall ≤ ${TARGETS.smallWallRatio}× twine's, read-back on | ${exactRatio(smallRatio)} | ${verdict(judged(smallRatio, v => v <= TARGETS.smallWallRatio))} |`,
    `| (b) wall ≤ ${TARGETS.largeWallRatio}× twine's | ${exactRatio(largeRatio)} | ${verdict(judged(largeRatio, v => v <= TARGETS.largeWallRatio))} |`,
    `| (b) wall ≤ ${TARGETS.largeWallRatio}× twine's, to a streaming sink | ${exactRatio(sinkRatio)} | ${verdict(judged(sinkRatio, v => v <= TARGETS.largeWallRatio))} |`,
    `| (b) peak RSS ≤ ${TARGETS.largePeakMb} MB | ${mb(largePeak)} | ${verdict(judged(largePeak, v => v <= TARGETS.largePeakMb))} |`,
    ...firstByteRows,
    ''
  )

  if (results.notes.length > 0) {
    out.push('Notes from this run:', '', ...results.notes.map(n => `- ${n}`), '')
  }

  out.push('<details><summary>Raw numbers (every run; wall ms, peak RSS KiB)</summary>', '')
  out.push('```json', JSON.stringify(results, rawReplacer, 2), '```', '', '</details>')
  return out.join('\n')
}

/** Rounds the raw figures so the JSON stays readable. */
function rawReplacer(key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value)) return Math.round(value * 10) / 10
  return value
}

const HEADER = `# Benchmarks

How the action compares with twine on the same files and the same local index. The figures
below are written by \`npm run bench\` (scripts/bench.ts); the method is described after them.

`

/**
 * Replaces the generated block of `file` (or creates the file), keeping everything around it, and
 * formats the result with the repository's Prettier settings so `npm run format:check` stays clean.
 */
export async function writeResults(file: string, markdown: string): Promise<void> {
  const block = `${BEGIN}\n${markdown}\n${END}`
  const text = existsSync(file) ? await readFile(file, 'utf8') : `${HEADER}${BEGIN}\n${END}\n`
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  const next =
    begin >= 0 && end > begin
      ? text.slice(0, begin) + block + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${block}\n`
  await writeFile(file, await formatted(file, next))
}

async function formatted(file: string, text: string): Promise<string> {
  const prettier = await import('prettier')
  const config = (await prettier.resolveConfig(file)) ?? {}
  return prettier.format(text, { ...config, filepath: file })
}
