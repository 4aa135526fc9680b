/**
 * Renders reStructuredText descriptions with the runner's Python and readme_renderer — the library
 * PyPI renders them with — because no JavaScript renderer reproduces docutils faithfully. One
 * Python process renders every description.
 *
 * Which text draws a docutils warning (and so a refusal) changes between docutils versions, so
 * the versions PyPI uses (`PYPI_RENDERER_VERSIONS`) are what count. When the runner's differ or
 * readme_renderer is missing, PyPI's versions are installed with pip into a temporary folder
 * (never into the runner's Python), if the caller allows it, within about a minute. When that
 * cannot be done, the outcome says so and carries the runner's own rendering, which the caller
 * reads leniently (see `asPyPI`).
 *
 * Importing readme_renderer (docutils, bleach, cmarkgfm) takes most of a render's time, and it does
 * not depend on the descriptions, so `startRenderer` starts the first Python before they are known
 * and `render` hands them over later: the imports overlap the caller's own work.
 */
import type { Log } from '../../shared/log.js'
import type { ChildEnv } from '../../shared/child-env.js'
import { defaultPythons, installTemporarily } from '../../process/python.js'
import { RENDER_SCRIPT, type RenderItemResult, type RenderReply } from './render-script.js'
import {
  describeFailure,
  lastOutputLine,
  runWith,
  startProcess,
  type ProcessResult,
  type RunningProcess,
  type StartProcess
} from '../../process/run-process.js'

export interface RenderRequest {
  /** Only reStructuredText needs Python (see `markdown.ts`). */
  renderer: 'rst'
  text: string
}

/**
 * Which Python renders, and how. The log comes with the descriptions instead: a renderer may be
 * started before there is one (see `startRenderer`).
 */
export interface RendererOptions {
  /** The Python to use. Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  /**
   * Install PyPI's versions with pip into a temporary folder when the runner's differ or
   * readme_renderer is missing. Default true.
   */
  allowInstall?: boolean
  /** The versions that count as PyPI's. Default `PYPI_RENDERER_VERSIONS`; tests change it. */
  pypiVersions?: Readonly<Record<string, string>>
  /** Starts a program (Python, pip); tests wrap the real one. Default `startProcess`. */
  start?: StartProcess
  /** Limit for the rendering run, from the moment it is handed the descriptions. Default 2 minutes. */
  timeoutMs?: number
  /** Hard limit for `pip install`. Default one minute: a publish must not hang on it. */
  installTimeoutMs?: number
  /**
   * The environment of Python and pip: never the action's own (see ChildEnv); the entry makes it
   * (RunContext.childEnv).
   */
  env: ChildEnv
}

export type RenderOutcome =
  | {
      rendered: true
      /** The command that rendered, and what it turned out to be. */
      python: string
      executable: string
      pythonVersion: string
      versions: Record<string, string>
      /** One per request, in order. */
      results: RenderItemResult[]
      /** True when readme_renderer was installed for this run. */
      installed: boolean
      /** True when these are the versions PyPI renders with: its refusals are PyPI's. */
      asPyPI: boolean
      /** Why PyPI's versions are not the ones that rendered (could not install them), if so. */
      note?: string
    }
  | { rendered: false; reason: string }

/** A Python started before the descriptions are known; see `startRenderer`. */
export interface StartedRenderer {
  /** The Python that was started: the first one to try. */
  readonly python: string
  /** Its process id; undefined when it could not be started. */
  readonly pid: number | undefined
  /**
   * Hands the descriptions to the started Python and renders them, then goes on exactly as
   * `renderDescriptions` does (the other Pythons, pip). Once per renderer.
   */
  render(requests: readonly RenderRequest[], log: Log): Promise<RenderOutcome>
  /**
   * Stops the started Python unless it has already finished; resolves once it has exited. Call
   * it on every way out: a run that ends early must leave no Python behind. Harmless after
   * `render`, and more than once.
   */
  cancel(): Promise<void>
}

type Rendered = Extract<RenderReply, { status: 'rendered' }>

/**
 * What PyPI renders descriptions with: Warehouse pins these in `requirements/main.txt`
 * (readme-renderer[md]==45.0, docutils==0.23, pygments==2.20.0). Pygments counts too: a
 * `code-block` in a language it does not know is a docutils warning. Keys are the distribution
 * names the render script reports versions under.
 */
export const PYPI_RENDERER_VERSIONS: Readonly<Record<string, string>> = {
  readme_renderer: '45.0',
  docutils: '0.23',
  Pygments: '2.20.0'
}

/** pip's network limits: seconds per connection attempt, and retries. */
const PIP_NETWORK_OPTIONS = ['--timeout', '10', '--retries', '1']
const INSTALL_TIMEOUT_MS = 60_000

/** `readme_renderer 45.0, docutils 0.23`: versions for a message. */
export function describeVersions(versions: Readonly<Record<string, string>>): string {
  return Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
}

function matchesPyPI(
  versions: Readonly<Record<string, string>>,
  pypi: Readonly<Record<string, string>>
): boolean {
  return Object.entries(pypi).every(([name, version]) => versions[name] === version)
}

/**
 * Starts the first Python to try, which imports readme_renderer and then waits for the
 * descriptions. Until `render`, it does not keep Node running (see `startProcess`).
 */
export function startRenderer(options: RendererOptions): StartedRenderer {
  const pythons = options.python ? [options.python] : defaultPythons()
  const env = options.env
  const first = startScript(pythons[0], env, options)
  let state: 'waiting' | 'used' | 'cancelled' = 'waiting'
  return {
    python: pythons[0],
    pid: first.pid,
    render(requests, log) {
      if (state !== 'waiting') {
        return Promise.reject(new Error(`This renderer cannot render: it was ${state} already`))
      }
      state = 'used'
      return renderWith(requests, log, { ...options, env }, pythons, first)
    },
    async cancel() {
      if (state === 'waiting') state = 'cancelled'
      first.kill()
      await first.result
    }
  }
}

/** Renders in one go: `startRenderer` and `render` at once. */
export function renderDescriptions(
  requests: readonly RenderRequest[],
  options: RendererOptions & { log: Log }
): Promise<RenderOutcome> {
  return startRenderer(options).render(requests, options.log)
}

/** `first` is the render script already started with `pythons[0]`, waiting for its input. */
async function renderWith(
  requests: readonly RenderRequest[],
  log: Log,
  options: RendererOptions,
  pythons: readonly string[],
  first: RunningProcess
): Promise<RenderOutcome> {
  const input = JSON.stringify({ items: requests })
  const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS

  /** Why each Python that could not be used at all was passed over. */
  const unusable: string[] = []
  /** The first Python that works but lacks readme_renderer, or has other versions than PyPI. */
  let installInto: { python: string; version: string; what: string } | undefined
  /** The runner's own rendering, with versions other than PyPI's: used if no better comes. */
  let own: { python: string; reply: Rendered } | undefined

  for (const [i, python] of pythons.entries()) {
    const script = i === 0 ? first : startScript(python, options.env, options)
    const answer = await answerOf(script, input)
    if (typeof answer === 'string') {
      unusable.push(`${python}: ${answer}`)
    } else if (answer.status === 'too-old') {
      unusable.push(`${python}: Python ${answer.python} is older than 3.8`)
    } else if (answer.status === 'missing') {
      log.debug(`${python} cannot import readme_renderer: ${answer.error}`)
      installInto ??= { python, version: answer.python, what: 'readme_renderer is not installed' }
    } else if (matchesPyPI(answer.versions, pypi)) {
      return outcome(python, answer, { installed: false, asPyPI: true })
    } else {
      own = { python, reply: answer }
      installInto = {
        python,
        version: answer.python,
        what: `${python} has ${describeVersions(pick(answer.versions, pypi))}`
      }
      // A working readme_renderer: its rendering is the fallback; no other Python is tried.
      break
    }
  }

  let note: string | undefined
  if (installInto && options.allowInstall !== false) {
    const installed = await installAndRender(installInto.python, input, log, options, pypi)
    if (typeof installed !== 'string') {
      return outcome(installInto.python, installed, {
        installed: true,
        asPyPI: matchesPyPI(installed.versions, pypi)
      })
    }
    note = `PyPI's ${describeVersions(pypi)} ${installed}`
  } else if (installInto) {
    note = `installing PyPI's ${describeVersions(pypi)} is not allowed here`
  }
  if (own) {
    return outcome(own.python, own.reply, { installed: false, asPyPI: false, note })
  }
  if (installInto) {
    return {
      rendered: false,
      reason: `${installInto.what} for ${installInto.python} (Python ${installInto.version}) and ${note}`
    }
  }
  return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` }
}

/** The runner's versions of the packages PyPI pins (`missing` for one it lacks). */
function pick(
  versions: Readonly<Record<string, string>>,
  pypi: Readonly<Record<string, string>>
): Record<string, string> {
  return Object.fromEntries(Object.keys(pypi).map(name => [name, versions[name] ?? 'missing']))
}

function outcome(
  python: string,
  reply: Rendered,
  how: { installed: boolean; asPyPI: boolean; note?: string }
): RenderOutcome {
  return {
    rendered: true,
    python,
    executable: reply.executable,
    pythonVersion: reply.python,
    versions: reply.versions,
    results: reply.results,
    ...how
  }
}

/**
 * Installs PyPI's versions into a temporary folder and renders again with it first on the path.
 * Bounded: pip's own network timeout and one retry, and a hard limit on the whole install.
 */
async function installAndRender(
  python: string,
  input: string,
  log: Log,
  options: RendererOptions,
  pypi: Readonly<Record<string, string>>
): Promise<Rendered | string> {
  const requirements = Object.entries(pypi).map(([name, version]) => `${name}==${version}`)
  const limitMs = options.installTimeoutMs ?? INSTALL_TIMEOUT_MS
  log.info(
    `Installing PyPI's ${describeVersions(pypi)} with ${python} -m pip into a temporary folder ` +
      `(at most ${Math.round(limitMs / 1000)} s), to check the descriptions as PyPI renders them`
  )
  const started = Date.now()
  const run = runWith(options.start ?? startProcess)
  const install = await installTemporarily(run, python, requirements, {
    env: options.env,
    timeoutMs: limitMs,
    pipOptions: PIP_NETWORK_OPTIONS,
    onLine: line => log.debug(`pip: ${line}`)
  })
  if (!install.ok) return `could not be installed (${install.command}: ${install.failure})`
  log.info(`Installed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  try {
    const answer = await answerOf(startScript(python, install.env, options), input)
    if (typeof answer === 'string') return `were installed, but then ${python} failed: ${answer}`
    if (answer.status !== 'rendered') {
      const error =
        answer.status === 'missing' ? answer.error : `Python ${answer.python} is too old`
      return `could not be imported after installing them (${error})`
    }
    return answer
  } finally {
    await install.dispose()
  }
}

/** Starts the render script, which gets ready and then waits for its input. */
function startScript(python: string, env: ChildEnv, options: RendererOptions): RunningProcess {
  const start = options.start ?? startProcess
  return start(python, ['-c', RENDER_SCRIPT], { env, timeoutMs: options.timeoutMs ?? 120_000 })
}

/** Hands the started script its input and reads its answer; a string says why there is none. */
async function answerOf(script: RunningProcess, input: string): Promise<RenderReply | string> {
  script.endInput(input)
  return readReply(await script.result)
}

function readReply(result: ProcessResult): RenderReply | string {
  if (result.exitCode !== 0) return describeFailure(result)
  try {
    const reply = JSON.parse(result.stdout) as RenderReply
    if (typeof reply === 'object' && reply !== null && typeof reply.status === 'string')
      return reply
  } catch {
    // Falls through: not the answer of our script (a stub, a wrapper that prints).
  }
  return `did not answer as expected (${lastOutputLine(result.stdout || result.stderr) || '(no output)'})`
}
