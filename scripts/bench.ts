/**
 * `npm run bench`: the action's bundled entrypoint (`node dist/index.js`) against Debian's twine,
 * on the same files and a fresh local index per run (so nothing "already exists"):
 *   (a) 100 small wheels of one release with 20 ms of added latency per request, the action at
 *       its default settings, with verify-upload off, and at concurrency 1, 2, 4, 8, 16;
 *   (b) one wheel of 512 MiB and one of 2 GiB (one STORED member of random bytes each), so peak
 *       memory can be seen to stay flat as the file grows;
 *   (c) 20 wheels of 5 MB over HTTPS behind a 40 ms round trip and 200 Mbit/s, beside the link's
 *       floor (the bytes at the link's rate plus the TCP and TLS handshakes);
 *   and start to first byte (spawn → the index receiving the first byte of the first upload), and
 *   the size of src/ (lines, the largest module).
 * Reports wall time, throughput, peak memory (GNU time) and the ratios to twine, and writes them
 * into BENCHMARKS.md.
 *
 * Options: --runs=N (runs per small-wheel and WAN case, default 3), --large-runs=N (default 2),
 * --large-mib=N,N (default 512,2048), --first-byte-runs=N (default 7),
 * --only=small,first-byte,large,wan (some parts only), --entry=PATH (measure another bundle),
 * --quick (1 run each, a 64 MiB large file), --no-write. BENCHMARKS.md is written only by a full run
 * of the repository's dist/index.js.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import {
  availableParallelism,
  cpus,
  freemem,
  loadavg,
  release,
  tmpdir,
  totalmem,
  type
} from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from '../__tests__/support/fixtures.js'
import { startIndexServer, type IndexServer } from '../__tests__/support/index-server.js'
import { parseOutputFile } from '../__tests__/support/run-action.js'
import {
  actionCommand,
  twineCommand,
  twineInstalled,
  twineVersion,
  type ClientCommand
} from './bench/clients.js'
import { makeLargeWheel, makeSmallWheels } from './bench/dists.js'
import { startFirstByteProxy } from './bench/first-byte-proxy.js'
import { startWanLink } from '../__tests__/support/wan-link.js'
import { measureSource } from './bench/code-size.js'
import { GNU_TIME, killRunning, measure, type Measured } from './bench/measure.js'
import { renderResults, writeResults, type ReportKeys } from './bench/report.js'
import {
  median,
  type BenchResults,
  type CaseResult,
  type FirstByteResult,
  type MachineFacts
} from './bench/results.js'

const TOKEN = 'pypi-bench-token-0123456789abcdef'
const DEFAULT_ENTRY = path.join(REPO_ROOT, 'dist', 'index.js')
const SMALL_COUNT = 100
const SMALL_PAYLOAD = 64 * 1024
const SMALL_LATENCY_MS = 20
const SWEEP = [1, 2, 4, 8, 16, 32]
/** The WAN-like case (issue 12): 20 wheels of 5 MB over HTTPS, 40 ms round trip, 200 Mbit/s. */
const WAN = { count: 20, payloadBytes: 5 * 1000 * 1000, rttMs: 40, bitsPerSecond: 200e6 }
/** No single client run may take longer than this. */
const RUN_LIMIT_MS = 5 * 60 * 1000
/** Nor the whole benchmark. */
const TOTAL_LIMIT_MS = 60 * 60 * 1000

interface Options {
  runs: number
  largeRuns: number
  largeMiB: number[]
  firstByteRuns: number
  parts: ReadonlySet<Part>
  entry: string
  write: boolean
}

type Part = 'small' | 'first-byte' | 'large' | 'wan'
const PARTS: readonly Part[] = ['small', 'first-byte', 'large', 'wan']

function parseOptions(argv: readonly string[]): Options {
  const quick = argv.includes('--quick')
  const number = (name: string, fallback: number): number => {
    const arg = argv.find(a => a.startsWith(`--${name}=`))
    const value = arg ? Number(arg.split('=')[1]) : fallback
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} takes a positive integer`)
    return value
  }
  const text = (name: string): string | undefined =>
    argv.find(a => a.startsWith(`--${name}=`))?.slice(name.length + 3)
  const only = text('only')?.split(',')
  const unknown = only?.filter(p => !PARTS.includes(p as Part))
  if (unknown?.length)
    throw new Error(`--only takes ${PARTS.join(', ')}; not ${unknown.join(', ')}`)
  const entry = path.resolve(text('entry') ?? DEFAULT_ENTRY)
  return {
    runs: number('runs', quick ? 1 : 3),
    largeRuns: number('large-runs', quick ? 1 : 2),
    largeMiB: (text('large-mib') ?? (quick ? '64' : '512,2048')).split(',').map(Number),
    firstByteRuns: number('first-byte-runs', quick ? 3 : 7),
    parts: new Set((only ?? PARTS) as Part[]),
    entry,
    write: !quick && !argv.includes('--no-write') && !only && entry === DEFAULT_ENTRY
  }
}

/** Things to undo however the benchmark ends: servers, temp folders. */
const cleanups: Array<() => Promise<void>> = []

async function withIndex<T>(
  options: Parameters<typeof startIndexServer>[0],
  body: (index: IndexServer) => Promise<T>
): Promise<T> {
  const index = await startIndexServer({ tokens: [TOKEN], ...options })
  const close = (): Promise<void> => index.close()
  cleanups.push(close)
  try {
    return await body(index)
  } finally {
    cleanups.splice(cleanups.indexOf(close), 1)
    await index.close()
  }
}

async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  return dir
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk)
  return hash.digest('hex')
}

function describeFailure(what: string, run: Measured): Error {
  const tail = (text: string): string => text.trim().split('\n').slice(-15).join('\n')
  return new Error(
    `${what} ${run.timedOut ? `timed out after ${RUN_LIMIT_MS / 1000} s` : `exited with ${run.exitCode}`}\n` +
      `--- stdout (end) ---\n${tail(run.stdout)}\n--- stderr (end) ---\n${tail(run.stderr)}`
  )
}

/** Every file on the index exactly once, with the local sha256. */
function checkIndexHolds(index: IndexServer, expected: Map<string, string>, what: string): void {
  const stored = index.files()
  const problems: string[] = []
  if (stored.length !== expected.size)
    problems.push(`${stored.length} files stored, ${expected.size} expected`)
  for (const file of stored) {
    const sha = expected.get(file.filename)
    if (sha === undefined) problems.push(`unexpected ${file.filename}`)
    else if (sha !== file.sha256) problems.push(`${file.filename} stored with another sha256`)
  }
  if (problems.length) throw new Error(`${what}: ${problems.join('; ')}`)
}

interface Upload {
  /** Folder the action publishes (holds exactly `files`). */
  dir: string
  files: string[]
  sha256: Map<string, string>
  bytes: number
}

async function describeUpload(dir: string, files: string[]): Promise<Upload> {
  const sha256 = new Map<string, string>()
  let bytes = 0
  for (const file of files) {
    sha256.set(path.basename(file), await sha256Of(file))
    bytes += (await stat(file)).size
  }
  return { dir, files, sha256, bytes }
}

/** One action run on a fresh index; checks it published (and verified) every file. */
async function runActionOnce(
  entry: string,
  upload: Upload,
  indexOptions: Parameters<typeof startIndexServer>[0],
  inputs: Record<string, string>,
  what: string,
  wan = false
): Promise<Measured> {
  return withIndex(indexOptions, async index => {
    const work = await scratchDir('bench-action-')
    const link = wan ? await wanLink(index, work) : undefined
    try {
      const origin = link?.origin ?? index.origin
      const client = await actionCommand({
        repoRoot: REPO_ROOT,
        entry,
        workDir: work,
        inputs: {
          password: TOKEN,
          'repository-url': link ? `${origin}/legacy/` : index.url,
          'index-url': link ? `${origin}/simple/` : index.simpleUrl,
          'packages-dir': upload.dir,
          ...inputs
        }
      })
      if (link) client.env.NODE_EXTRA_CA_CERTS = link.certFile
      return await checkActionRun(client, work, index, upload, inputs, what)
    } finally {
      await link?.close()
    }
  })
}

/** The WAN-like link in front of `index`, closed however the run ends. */
async function wanLink(index: IndexServer, dir: string): Promise<WanLinkHandle> {
  const link = await startWanLink(
    { host: '127.0.0.1', port: Number(new URL(index.origin).port) },
    { rttMs: WAN.rttMs, bitsPerSecond: WAN.bitsPerSecond, dir }
  )
  cleanups.push(link.close)
  return {
    ...link,
    close: async () => {
      cleanups.splice(cleanups.indexOf(link.close), 1)
      await link.close()
    }
  }
}

type WanLinkHandle = Awaited<ReturnType<typeof startWanLink>>

async function checkActionRun(
  client: ClientCommand,
  work: string,
  index: IndexServer,
  upload: Upload,
  inputs: Record<string, string>,
  what: string
): Promise<Measured> {
  {
    const run = await measureClient(client, work)
    if (run.exitCode !== 0 || run.timedOut) throw describeFailure(what, run)
    checkIndexHolds(index, upload.sha256, what)
    const outputs = parseOutputFile(await readFile(client.env.GITHUB_OUTPUT, 'utf8'))
    const uploaded = JSON.parse(outputs.uploaded ?? '[]') as unknown[]
    if (uploaded.length !== upload.files.length)
      throw new Error(`${what}: reported ${uploaded.length} uploaded`)
    if (inputs['verify-upload'] !== 'false') {
      const verified = JSON.parse(outputs.verified ?? '[]') as unknown[]
      if (verified.length !== upload.files.length)
        throw new Error(`${what}: reported ${verified.length} verified`)
    }
    return run
  }
}

async function runTwineOnce(
  upload: Upload,
  indexOptions: Parameters<typeof startIndexServer>[0],
  what: string,
  wan = false
): Promise<Measured> {
  return withIndex(indexOptions, async index => {
    const home = await scratchDir('bench-twine-')
    const link = wan ? await wanLink(index, home) : undefined
    try {
      const url = link ? `${link.origin}/legacy/` : index.url
      const client = twineCommand({
        url,
        token: TOKEN,
        files: upload.files,
        home,
        ...(link ? { certFile: link.certFile } : {})
      })
      const run = await measureClient(client, home)
      if (run.exitCode !== 0 || run.timedOut) throw describeFailure(what, run)
      checkIndexHolds(index, upload.sha256, what)
      return run
    } finally {
      await link?.close()
    }
  })
}

function measureClient(client: ClientCommand, cwd: string): Promise<Measured> {
  return measure(client.command, client.args, { env: client.env, cwd, timeoutMs: RUN_LIMIT_MS })
}

function record(results: CaseResult[], base: Omit<CaseResult, 'samples'>, run: Measured): void {
  let entry = results.find(r => r.key === base.key)
  if (!entry) results.push((entry = { ...base, samples: [] }))
  entry.samples.push({ wallMs: run.wallMs, maxRssKb: run.maxRssKb })
  const rss = Number.isFinite(run.maxRssKb) ? `, ${(run.maxRssKb / 1024).toFixed(0)} MB peak` : ''
  console.log(`  ${base.key}: ${(run.wallMs / 1000).toFixed(2)} s${rss}`)
}

/** Spawn → the index receiving the first upload byte, through a relay that notes the moment. */
async function firstByteRuns(
  entry: string | 'twine',
  upload: Upload,
  runs: number
): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    await withIndex({}, async index => {
      const relay = await startFirstByteProxy({
        host: '127.0.0.1',
        port: Number(new URL(index.origin).port)
      })
      cleanups.push(relay.close)
      try {
        const work = await scratchDir('bench-first-byte-')
        const client =
          entry === 'twine'
            ? twineCommand({
                url: `${relay.origin}/legacy/`,
                token: TOKEN,
                files: upload.files,
                home: work
              })
            : await actionCommand({
                repoRoot: REPO_ROOT,
                entry,
                workDir: work,
                inputs: {
                  password: TOKEN,
                  'repository-url': `${relay.origin}/legacy/`,
                  'index-url': `${relay.origin}/simple/`,
                  'packages-dir': upload.dir
                }
              })
        let spawnedAt = 0
        const run = await measure(client.command, client.args, {
          env: client.env,
          cwd: work,
          timeoutMs: RUN_LIMIT_MS,
          peakMemory: false,
          onSpawn: at => (spawnedAt = at)
        })
        if (run.exitCode !== 0 || run.timedOut) throw describeFailure('first-byte run', run)
        checkIndexHolds(index, upload.sha256, 'first-byte run')
        const firstPost = relay.firstPostAt()
        if (firstPost === undefined) throw new Error('first-byte run: no POST reached the index')
        samples.push(firstPost - spawnedAt)
      } finally {
        cleanups.splice(cleanups.indexOf(relay.close), 1)
        await relay.close()
      }
    })
  }
  return samples
}

async function nodeFloorMs(): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    const run = await measure(process.execPath, ['-e', '0'], {
      env: { PATH: process.env.PATH ?? '' },
      cwd: tmpdir(),
      timeoutMs: 30_000,
      peakMemory: false
    })
    samples.push(run.wallMs)
  }
  return median(samples)
}

function gitOutput(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

async function machineFacts(twine: boolean, entry: string): Promise<MachineFacts> {
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    memoryGiB: totalmem() / 1024 ** 3,
    os: `${type()} ${release()}`,
    node: process.version,
    twine: twine ? twineVersion() : undefined,
    build: {
      entry: path.relative(REPO_ROOT, entry),
      distSha256: (await sha256Of(entry)).slice(0, 12),
      commit: gitOutput(['rev-parse', '--short', 'HEAD']) || 'unknown',
      distChangedSinceCommit: gitOutput(['status', '--porcelain', '--', 'dist']) !== ''
    },
    nodeFloorMs: await nodeFloorMs(),
    loadAverage: { start: loadavg()[0] }
  }
}

async function defaultConcurrency(): Promise<number> {
  const yml = parse(await readFile(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  return Number(yml.inputs.concurrency?.default ?? 1)
}

/** What every part of the benchmark shares. */
interface Bench {
  options: Options
  results: BenchResults
  /** Scratch folder for the generated files. */
  root: string
  twine: boolean
  /** action.yml's default concurrency. */
  concurrency: number
}

/** (a) many small wheels: twine, the action at each concurrency, and with verify-upload off. */
async function smallWheels(bench: Bench): Promise<void> {
  const { options, results, twine, concurrency } = bench
  const dir = path.join(bench.root, 'small')
  const small = await describeUpload(
    dir,
    makeSmallWheels(dir, { count: SMALL_COUNT, payloadBytes: SMALL_PAYLOAD })
  )
  const index = { latencyMs: SMALL_LATENCY_MS }
  const base = { files: small.files.length, bytes: small.bytes }
  console.log(`(a) ${small.files.length} wheels, ${(small.bytes / 1e6).toFixed(1)} MB`)
  // Rounds interleave the clients, so drift on the machine touches them alike.
  for (let round = 1; round <= options.runs; round++) {
    console.log(` round ${round} of ${options.runs}`)
    if (twine) {
      const run = await runTwineOnce(small, index, 'twine (small wheels)')
      const settings = 'twine upload, one file at a time'
      record(results.small, { ...base, key: 'small/twine', client: 'twine', settings }, run)
    }
    for (const c of SWEEP) {
      const inputs = { concurrency: String(c), 'verify-upload': 'true' }
      const run = await runActionOnce(options.entry, small, index, inputs, `action c=${c}`)
      const settings = `concurrency ${c}${c === concurrency ? ' (default)' : ''}, verify-upload true`
      record(results.small, { ...base, key: `small/action/c${c}`, client: 'action', settings }, run)
    }
    const inputs = { concurrency: String(concurrency), 'verify-upload': 'false' }
    const run = await runActionOnce(options.entry, small, index, inputs, 'action verify off')
    const settings = `concurrency ${concurrency} (default), verify-upload false`
    record(
      results.small,
      { ...base, key: 'small/action/no-verify', client: 'action', settings },
      run
    )
  }
}

/**
 * Start to first byte, with one small wheel with a Markdown README (the action renders it in
 * Python before uploading, as PyPI would), beside twine on the same wheel. Start-up is not a goal
 * of its own: below twine's is enough.
 */
async function firstByte(bench: Bench): Promise<void> {
  console.log('Start to first byte')
  const dir = path.join(bench.root, 'first-byte')
  const one = await describeUpload(
    dir,
    makeSmallWheels(dir, { count: 1, payloadBytes: SMALL_PAYLOAD, withReadme: true })
  )
  const clients = [
    {
      entry: bench.options.entry,
      key: 'first-byte/readme',
      label: 'the action: one small wheel with a Markdown README (checked before upload)'
    },
    ...(bench.twine
      ? [{ entry: 'twine', key: 'first-byte/twine', label: 'twine: the same wheel' }]
      : [])
  ]
  const results: FirstByteResult[] = clients.map(c => ({
    key: c.key,
    label: c.label,
    samplesMs: []
  }))
  // Rounds interleave the clients, so drift on the machine touches them alike.
  for (let round = 0; round < bench.options.firstByteRuns; round++) {
    for (const [i, client] of clients.entries()) {
      results[i].samplesMs.push(...(await firstByteRuns(client.entry, one, 1)))
    }
  }
  for (const result of results) {
    bench.results.firstByte.push(result)
    console.log(`  ${result.key}: median ${median(result.samplesMs).toFixed(0)} ms`)
  }
}

/**
 * The WAN-like case: 20 wheels of 5 MB over HTTPS behind a 40 ms round trip and 200 Mbit/s, the
 * action at its defaults (read-back on) beside twine, rounds interleaved.
 */
async function wanCase(bench: Bench): Promise<void> {
  const { options, results, twine } = bench
  const dir = path.join(bench.root, 'wan')
  const files = await describeUpload(
    dir,
    makeSmallWheels(dir, { count: WAN.count, payloadBytes: WAN.payloadBytes, name: 'benchwan' })
  )
  const base = { files: files.files.length, bytes: files.bytes }
  console.log(
    `(c) WAN-like: ${files.files.length} wheels, ${(files.bytes / 1e6).toFixed(1)} MB, HTTPS, ` +
      `${WAN.rttMs} ms round trip, ${WAN.bitsPerSecond / 1e6} Mbit/s`
  )
  // The floor no client can beat: every byte at the link's rate, plus the TCP and the TLS 1.3
  // handshake (one round trip each) before the first byte can go.
  results.wanFloorMs = (files.bytes * 8 * 1000) / WAN.bitsPerSecond + 2 * WAN.rttMs
  const index = { maxFileSize: 64 * 1024 * 1024 }
  for (let round = 1; round <= options.runs; round++) {
    console.log(` round ${round} of ${options.runs}`)
    if (twine) {
      const run = await runTwineOnce(files, index, 'twine (WAN)', true)
      const settings = 'twine upload, --cert for the index'
      record(results.wan, { ...base, key: 'wan/twine', client: 'twine', settings }, run)
    }
    const run = await runActionOnce(options.entry, files, index, {}, 'action (WAN)', true)
    const settings = 'defaults (verify-upload true)'
    record(results.wan, { ...base, key: 'wan/action', client: 'action', settings }, run)
  }
}

/**
 * (b) one large wheel of each size, written for its runs and deleted after them: the same client
 * at 512 MiB and 2 GiB shows whether memory stays flat as the file grows.
 */
async function largeWheel(bench: Bench): Promise<void> {
  const { options, results, twine } = bench
  for (const mib of options.largeMiB) {
    const dir = path.join(bench.root, `large-${mib}`)
    await mkdir(dir)
    console.log(`(b) writing a ${mib} MiB wheel …`)
    const file = await makeLargeWheel(dir, mib * 1024 * 1024)
    try {
      const large = await describeUpload(dir, [file])
      const index = { maxFileSize: large.bytes + 1024 * 1024 }
      const base = { files: 1, bytes: large.bytes }
      for (let round = 1; round <= options.largeRuns; round++) {
        const free = (freemem() / 1024 ** 3).toFixed(1)
        console.log(` round ${round} of ${options.largeRuns} (free memory ${free} GiB)`)
        if (twine) {
          const run = await runTwineOnce(large, index, `twine (${mib} MiB wheel)`)
          const key = `large/twine/${mib}`
          record(results.large, { ...base, key, client: 'twine', settings: 'twine upload' }, run)
        }
        const run = await runActionOnce(options.entry, large, index, {}, `action (${mib} MiB)`)
        const key = `large/action/${mib}`
        const settings = 'defaults (verify-upload true)'
        record(results.large, { ...base, key, client: 'action', settings }, run)
      }
    } finally {
      await rm(file, { force: true })
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))
  if (!existsSync(options.entry)) {
    throw new Error(`${options.entry} is missing: run \`npm run package\` first`)
  }
  const notes: string[] = []
  const twine = twineInstalled()
  if (!twine)
    notes.push('twine is not installed (/usr/bin/twine): the twine runs and ratios are skipped.')
  if (!existsSync(GNU_TIME))
    notes.push('GNU time is not installed (/usr/bin/time): peak memory is not measured.')
  const machine = await machineFacts(twine, options.entry)
  const concurrency = await defaultConcurrency()
  console.log(
    `Benchmark of ${machine.build.entry}: ${machine.nproc} CPU(s), Node ${machine.node}, ` +
      `${machine.twine ?? 'no twine'}; action default concurrency ${concurrency}`
  )

  const results: BenchResults = {
    machine,
    small: [],
    large: [],
    wan: [],
    firstByte: [],
    source: await measureSource(path.join(REPO_ROOT, 'src')),
    notes
  }
  const bench: Bench = {
    options,
    results,
    root: await scratchDir('pypi-publish-bench-'),
    twine,
    concurrency
  }
  if (options.parts.has('small')) await smallWheels(bench)
  if (options.parts.has('first-byte')) await firstByte(bench)
  if (options.parts.has('large')) await largeWheel(bench)
  if (options.parts.has('wan')) await wanCase(bench)

  machine.loadAverage.end = loadavg()[0]
  const keys: ReportKeys = {
    smallTwine: 'small/twine',
    smallAction: `small/action/c${concurrency}`,
    smallActionNoVerify: 'small/action/no-verify',
    sweep: SWEEP.map(c => ({ concurrency: c, key: `small/action/c${c}` })),
    large: options.largeMiB.map(mib => ({
      mib,
      twine: `large/twine/${mib}`,
      action: `large/action/${mib}`
    })),
    wanTwine: 'wan/twine',
    wanAction: 'wan/action',
    firstByteTwine: 'first-byte/twine',
    firstByte: 'first-byte/readme'
  }
  const markdown = renderResults(results, keys)
  console.log('\n' + markdown.split('<details>')[0])
  if (options.write) {
    const file = path.join(REPO_ROOT, 'BENCHMARKS.md')
    await writeResults(file, markdown)
    console.log(`Written to ${file}`)
  } else {
    console.log('(BENCHMARKS.md is written only by a full run of dist/index.js)')
  }
}

async function cleanUp(): Promise<void> {
  killRunning()
  for (const undo of cleanups.splice(0).reverse()) {
    await undo().catch(() => undefined)
  }
}

const deadline = setTimeout(() => {
  console.error(`bench: over ${TOTAL_LIMIT_MS / 60000} minutes, stopping`)
  void cleanUp().finally(() => process.exit(1))
}, TOTAL_LIMIT_MS)

process.once('SIGINT', () => {
  console.error('bench: interrupted')
  void cleanUp().finally(() => process.exit(130))
})

main()
  .catch((error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = 1
  })
  .finally(async () => {
    clearTimeout(deadline)
    await cleanUp()
  })
