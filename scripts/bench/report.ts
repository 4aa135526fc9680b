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

/** Issue 18's targets. */
export const TARGETS = {
  sourceLines: 7500,
  moduleLines: 400,
  smallWallRatio: 0.3,
  /** The large wheel: no slower than twine. */
  largeWallRatio: 1,
  largePeakMb: 150,
  /** Flat memory: the 2 GiB run's peak within this much of the 512 MiB run's. */
  largeFlatMb: 10,
  wanFloorRatio: 1.15
}

export interface ReportKeys {
  smallTwine: string
  smallAction: string
  smallActionNoVerify: string
  /** Keys of the concurrency sweep, by concurrency. */
  sweep: ReadonlyArray<{ concurrency: number; key: string }>
  /** One large wheel per size, smallest first. */
  large: ReadonlyArray<{ mib: number; twine: string; action: string }>
  wanTwine: string
  wanAction: string
  /** twine's first byte, which the action's must beat. */
  firstByteTwine: string
  firstByte: string
}

const seconds = (ms: number): string =>
  Number.isFinite(ms) ? (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`) : '—'
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

  for (const size of keys.large) {
    const twine = find(size.twine)
    const action = find(size.action)
    const one = twine ?? action
    if (!one) continue
    out.push(`### (b) one large wheel of ${mb(one.bytes / 1e6)}, no added latency`, '')
    caseTable(
      [twine, action].filter((r): r is CaseResult => r !== undefined),
      twine
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
    if (results.wanFloorMs !== undefined) {
      out.push(
        `The link's floor: ${seconds(results.wanFloorMs)} (${mb(wan.bytes / 1e6)} at 200 Mbit/s, ` +
          'plus one round trip each for the TCP and the TLS handshake).',
        ''
      )
    }
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

  const src = results.source
  out.push(
    '### Size of src/',
    '',
    `${src.lines} lines in ${src.files} modules; the largest is \`src/${src.largest.file}\` ` +
      `(${src.largest.lines} lines)` +
      (src.over400.length ? `; over 400 lines: ${src.over400.join(', ')}.` : '.'),
    ''
  )

  const twineFirstByte = results.firstByte.find(fb => fb.key === keys.firstByteTwine)
  const actionFirstByte = results.firstByte.find(fb => fb.key === keys.firstByte)
  const twineFirstMs = twineFirstByte ? median(twineFirstByte.samplesMs) : NaN
  const actionFirstMs = actionFirstByte ? median(actionFirstByte.samplesMs) : NaN
  const judged = (value: number, ok: (v: number) => boolean): boolean | undefined =>
    Number.isFinite(value) ? ok(value) : undefined
  const row = (target: string, shown: string, value: number, ok: (v: number) => boolean): string =>
    `| ${target} | ${shown} | ${verdict(judged(value, ok))} |`

  const smallRatio = wallRatio(smallAction, smallTwine)
  const largeRows = keys.large.flatMap(size => {
    const action = find(size.action)
    const peak = action ? peakRssMb(action) : NaN
    const wall = wallRatio(action, find(size.twine))
    return [
      row(
        `(b) ${size.mib} MiB: wall ≤ twine's`,
        exactRatio(wall),
        wall,
        v => v <= TARGETS.largeWallRatio
      ),
      row(
        `(b) ${size.mib} MiB: peak RSS ≤ ${TARGETS.largePeakMb} MB`,
        mb(peak),
        peak,
        v => v <= TARGETS.largePeakMb
      )
    ]
  })
  const peaks = keys.large.map(size => find(size.action)).map(r => (r ? peakRssMb(r) : NaN))
  const spread = peaks.length > 1 ? Math.max(...peaks) - Math.min(...peaks) : NaN
  const wanFloor = results.wanFloorMs ?? NaN
  const wanRatio = wanAction ? medianWallMs(wanAction) / wanFloor : NaN
  const wanVsTwine = wallRatio(wanAction, wanTwine)
  out.push('### Targets (issue 18)', '')
  out.push('| target | measured | verdict |', '|---|---|---|')
  out.push(
    row(
      `src/ ≤ ${TARGETS.sourceLines} lines`,
      `${src.lines}`,
      src.lines,
      v => v <= TARGETS.sourceLines
    ),
    row(
      `no module over ${TARGETS.moduleLines} lines`,
      `${src.largest.lines}`,
      src.largest.lines,
      v => v <= TARGETS.moduleLines
    ),
    row(
      `(a) wall ≤ ${TARGETS.smallWallRatio}× twine's, read-back on`,
      exactRatio(smallRatio),
      smallRatio,
      v => v <= TARGETS.smallWallRatio
    ),
    ...largeRows,
    row(
      `(b) peak RSS flat: largest − smallest ≤ ${TARGETS.largeFlatMb} MB`,
      mb(spread),
      spread,
      v => v <= TARGETS.largeFlatMb
    ),
    row(
      `(c) wall ≤ ${TARGETS.wanFloorRatio}× the link's floor`,
      exactRatio(wanRatio),
      wanRatio,
      v => v <= TARGETS.wanFloorRatio
    ),
    row('(c) ahead of twine', exactRatio(wanVsTwine), wanVsTwine, v => v < 1),
    row(
      `start to first byte below twine's (${seconds(twineFirstMs)})`,
      seconds(actionFirstMs),
      twineFirstMs,
      v => actionFirstMs < v
    ),
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
