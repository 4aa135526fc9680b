/**
 * Renders descriptions with the runner's Python and readme_renderer — the library PyPI renders
 * them with — because no JavaScript renderer reproduces docutils faithfully. One Python process
 * renders every description. When readme_renderer is missing, it is installed with pip into a
 * temporary folder (never into the runner's Python), if the caller allows it.
 *
 * Importing readme_renderer (docutils, bleach, cmarkgfm) takes most of a render's time, and it does
 * not depend on the descriptions, so `startRenderer` starts the first Python before they are known
 * and `render` hands them over later: the imports overlap the caller's own work.
 */
import type { Log } from '../../shared/log.js'
import { ChildEnv } from '../../process/child-env.js'
import { defaultPythons, installTemporarily } from '../../process/python.js'
import type { Renderer } from './content-type.js'
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
  renderer: Renderer
  text: string
}

/**
 * Which Python renders, and how. The log comes with the descriptions instead: a renderer may be
 * started before there is one (see `startRenderer`).
 */
export interface RendererOptions {
  /** The Python to use. Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  /** Install readme_renderer[md] with pip into a temporary folder when it is missing. Default true. */
  allowInstall?: boolean
  /** Starts a program (Python, pip); tests wrap the real one. Default `startProcess`. */
  start?: StartProcess
  /** Limit for the rendering run, from the moment it is handed the descriptions. Default 2 minutes. */
  timeoutMs?: number
  /** Limit for `pip install`. Default 5 minutes. */
  installTimeoutMs?: number
  /**
   * The environment of Python and pip: never the action's own (see ChildEnv). Default: this
   * process's, without inputs, runner tokens and secrets.
   */
  env?: ChildEnv
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

const PACKAGE = 'readme_renderer[md]'

/**
 * Starts the first Python to try, which imports readme_renderer and then waits for the
 * descriptions. Until `render`, it does not keep Node running (see `startProcess`).
 */
export function startRenderer(options: RendererOptions = {}): StartedRenderer {
  const pythons = options.python ? [options.python] : defaultPythons()
  const env = options.env ?? ChildEnv.from(process.env)
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
  options: RendererOptions & { env: ChildEnv },
  pythons: readonly string[],
  first: RunningProcess
): Promise<RenderOutcome> {
  const input = JSON.stringify({ items: requests })

  /** Why each Python that could not be used at all was passed over. */
  const unusable: string[] = []
  /** The first Python that works but lacks readme_renderer (or its Markdown support). */
  let installInto: { python: string; version: string; what: string } | undefined
  /** A run that rendered everything but Markdown, kept in case nothing better turns up. */
  let partial: { python: string; reply: Rendered } | undefined

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
    } else if (!answer.markdown && answer.results.some(r => r.status === 'unchecked')) {
      partial ??= { python, reply: answer }
      installInto ??= {
        python,
        version: answer.python,
        what: 'readme_renderer has no Markdown support (cmarkgfm is missing)'
      }
    } else {
      return outcome(python, answer, false)
    }
  }

  let installFailure: string | undefined
  if (installInto && options.allowInstall !== false) {
    const installed = await installAndRender(installInto.python, input, log, options)
    if (typeof installed !== 'string') return outcome(installInto.python, installed, true)
    installFailure = installed
    log.info(`${PACKAGE} ${installed}`)
  }
  if (partial) return outcome(partial.python, partial.reply, false)

  if (installInto) {
    const why = installFailure ?? 'installing it is not allowed here'
    return {
      rendered: false,
      reason: `${installInto.what} for ${installInto.python} (Python ${installInto.version}) and ${why}`
    }
  }
  return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` }
}

function outcome(python: string, reply: Rendered, installed: boolean): RenderOutcome {
  return {
    rendered: true,
    python,
    executable: reply.executable,
    pythonVersion: reply.python,
    versions: reply.versions,
    results: reply.results,
    installed
  }
}

/** Installs readme_renderer[md] into a temporary folder and renders again with it on the path. */
async function installAndRender(
  python: string,
  input: string,
  log: Log,
  options: RendererOptions & { env: ChildEnv }
): Promise<Rendered | string> {
  log.info(
    `Installing ${PACKAGE} with ${python} -m pip into a temporary folder to check the descriptions as PyPI renders them`
  )
  const run = runWith(options.start ?? startProcess)
  const install = await installTemporarily(run, python, PACKAGE, {
    env: options.env,
    timeoutMs: options.installTimeoutMs ?? 300_000
  })
  if (!install.ok) return `could not be installed (${install.command}: ${install.failure})`
  try {
    const answer = await answerOf(startScript(python, install.env, options), input)
    if (typeof answer === 'string') return `was installed, but then ${python} failed: ${answer}`
    if (answer.status !== 'rendered') {
      const error =
        answer.status === 'missing' ? answer.error : `Python ${answer.python} is too old`
      return `could not be imported after installing it (${error})`
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
