/**
 * Renders descriptions with the runner's Python and readme_renderer — the library PyPI renders
 * them with — because no JavaScript renderer reproduces docutils faithfully. One Python process
 * renders every description. When readme_renderer is missing, it is installed with pip into a
 * temporary folder (never into the runner's Python), if the caller allows it.
 */
import type { Log } from '../log.js'
import { defaultPythons, installTemporarily } from '../process/python.js'
import type { Renderer } from './content-type.js'
import { RENDER_SCRIPT, type RenderItemResult, type RenderReply } from './render-script.js'
import {
  describeFailure,
  lastOutputLine,
  runProcess,
  type RunProcess
} from '../process/run-process.js'

export interface RenderRequest {
  renderer: Renderer
  text: string
}

export interface RendererOptions {
  /** The Python to use. Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  /** Install readme_renderer[md] with pip into a temporary folder when it is missing. Default true. */
  allowInstall?: boolean
  log: Log
  /** Runs a program; tests wrap the real one. Default `runProcess`. */
  run?: RunProcess
  /** Limit for the rendering run. Default 2 minutes. */
  timeoutMs?: number
  /** Limit for `pip install`. Default 5 minutes. */
  installTimeoutMs?: number
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

type Rendered = Extract<RenderReply, { status: 'rendered' }>

const PACKAGE = 'readme_renderer[md]'

export async function renderDescriptions(
  requests: readonly RenderRequest[],
  options: RendererOptions
): Promise<RenderOutcome> {
  const run = options.run ?? runProcess
  const { log } = options
  const timeoutMs = options.timeoutMs ?? 120_000
  const input = JSON.stringify({ items: requests })

  /** Why each Python that could not be used at all was passed over. */
  const unusable: string[] = []
  /** The first Python that works but lacks readme_renderer (or its Markdown support). */
  let installInto: { python: string; version: string; what: string } | undefined
  /** A run that rendered everything but Markdown, kept in case nothing better turns up. */
  let partial: { python: string; reply: Rendered } | undefined

  for (const python of options.python ? [options.python] : defaultPythons()) {
    const answer = await runScript(run, python, input, process.env, timeoutMs)
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
    const installed = await installAndRender(run, installInto.python, input, options, timeoutMs)
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
  run: RunProcess,
  python: string,
  input: string,
  options: RendererOptions,
  timeoutMs: number
): Promise<Rendered | string> {
  options.log.info(
    `Installing ${PACKAGE} with ${python} -m pip into a temporary folder to check the descriptions as PyPI renders them`
  )
  const install = await installTemporarily(run, python, PACKAGE, {
    env: process.env,
    timeoutMs: options.installTimeoutMs ?? 300_000
  })
  if (!install.ok) return `could not be installed (${install.command}: ${install.failure})`
  try {
    const answer = await runScript(run, python, input, install.env, timeoutMs)
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

/** Runs the render script; a string says why this Python could not be used. */
async function runScript(
  run: RunProcess,
  python: string,
  input: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number
): Promise<RenderReply | string> {
  const result = await run(python, ['-c', RENDER_SCRIPT], { input, env, timeoutMs })
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
