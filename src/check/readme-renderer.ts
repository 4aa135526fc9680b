/**
 * Renders reStructuredText descriptions with the runner's Python and readme_renderer, the library
 * PyPI renders them with: no JavaScript renderer reproduces docutils. One Python run renders all.
 *
 * Which text draws a docutils warning (and so a refusal) changes between docutils versions, so
 * PyPI's versions (`PYPI_RENDERER_VERSIONS`) are what count. When the runner's differ or are
 * missing, PyPI's are installed with pip into a temporary folder (never into the runner's Python),
 * if allowed, within about a minute. Failing that, the outcome carries the runner's own rendering,
 * which the caller reads leniently (`asPyPI`).
 */
import type { Log } from '../shared/log.js'
import type { ChildEnv } from '../shared/child-env.js'
import { defaultPythons, installTemporarily } from '../process/python.js'
import {
  describeFailure,
  lastOutputLine,
  runWith,
  startProcess,
  type StartProcess
} from '../process/run-process.js'

export interface RendererOptions {
  /** Default: `python3`, then `python` (the other way round on Windows). */
  python?: string
  /** Install PyPI's versions into a temporary folder when the runner's differ. Default true. */
  allowInstall?: boolean
  /** The versions that count as PyPI's. Default `PYPI_RENDERER_VERSIONS`; tests change it. */
  pypiVersions?: Readonly<Record<string, string>>
  /** Starts Python and pip; tests wrap the real one. Default `startProcess`. */
  start?: StartProcess
  /** Limit for one rendering run. Default 2 minutes. */
  timeoutMs?: number
  /** Hard limit for `pip install`. Default one minute: a publish must not hang on it. */
  installTimeoutMs?: number
  /** Never the action's own environment (see ChildEnv). */
  env: ChildEnv
}

export interface RenderItemResult {
  /** `failed`: readme_renderer returned None, which is what PyPI refuses; `crashed`: it raised. */
  status: 'ok' | 'failed' | 'crashed'
  /** What docutils wrote to the warning stream (`<string>:12: (WARNING/2) …`). */
  messages?: string
  error?: string
  /**
   * When `failed`: rendered again halting at ERROR instead of WARNING. Which text draws a WARNING
   * changes between docutils versions; an ERROR fails under every version.
   */
  atErrorLevel?: { status: 'ok' | 'failed'; messages?: string }
}

type RenderReply = { python: string; executable: string } & (
  | { status: 'too-old' }
  | { status: 'missing'; error: string }
  | { status: 'rendered'; versions: Record<string, string>; results: RenderItemResult[] }
)
export type Rendered = Extract<RenderReply, { status: 'rendered' }>

export type RenderOutcome =
  | {
      rendered: true
      /** The command that rendered; `reply.executable` is what it turned out to be. */
      python: string
      reply: Rendered
      /** True when these are the versions PyPI renders with: its refusals are PyPI's. */
      asPyPI: boolean
      /** Why PyPI's versions are not the ones that rendered, if so. */
      note?: string
    }
  | { rendered: false; reason: string }

/**
 * Warehouse pins these in `requirements/main.txt` (readme-renderer[md]==45.0, docutils==0.23,
 * pygments==2.20.0). Pygments counts too: a `code-block` in a language it does not know is a
 * docutils warning. Keys are the distribution names the script reports versions under.
 */
export const PYPI_RENDERER_VERSIONS: Readonly<Record<string, string>> = {
  readme_renderer: '45.0',
  docutils: '0.23',
  Pygments: '2.20.0'
}

/**
 * stdin: UTF-8 JSON `{"items": [text, …]}`; stdout: one `RenderReply`, ASCII only so no console
 * encoding can garble it. It must compile on Python 2, so that an old `python` answers "too old":
 * no f-strings, no annotations.
 */
const RENDER_SCRIPT = `
import json
import sys

REAL_STDOUT = sys.stdout


def reply(answer):
    answer["python"] = ".".join(str(n) for n in sys.version_info[:3])
    answer["executable"] = sys.executable
    REAL_STDOUT.write(json.dumps(answer))
    REAL_STDOUT.flush()


def describe(exc):
    return "%s: %s" % (type(exc).__name__, exc)


def render_rst(text, halt_level):
    import io
    import readme_renderer.rst as rst

    stream = io.StringIO()
    saved = rst.SETTINGS.get("halt_level")
    rst.SETTINGS["halt_level"] = halt_level or saved
    try:
        html = rst.render(text, stream=stream)
    finally:
        rst.SETTINGS["halt_level"] = saved
    # PyPI refuses exactly when the renderer returns None.
    return {"status": "ok" if html is not None else "failed", "messages": stream.getvalue()}


def render(text):
    try:
        result = render_rst(text, None)
        if result["status"] == "failed":
            # 3 is docutils' ERROR level: what fails here fails under any docutils version.
            result["atErrorLevel"] = render_rst(text, 3)
        return result
    except Exception as exc:
        return {"status": "crashed", "error": describe(exc)}


def main():
    if sys.version_info < (3, 8):
        return reply({"status": "too-old"})
    try:
        import readme_renderer.rst
    except Exception as exc:
        return reply({"status": "missing", "error": describe(exc)})
    from importlib import metadata
    versions = {}
    for name in ("readme_renderer", "docutils", "Pygments", "nh3", "bleach"):
        try:
            versions[name] = metadata.version(name)
        except Exception:
            pass
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    # Nothing a renderer prints may get into the answer.
    sys.stdout = sys.stderr
    results = [render(text) for text in request["items"]]
    reply({"status": "rendered", "versions": versions, "results": results})


main()
`

/** pip's network limits: seconds per connection attempt, and retries. */
const PIP_NETWORK_OPTIONS = ['--timeout', '10', '--retries', '1']

/** `readme_renderer 45.0, docutils 0.23`: versions for a message. */
export function describeVersions(versions: Readonly<Record<string, string>>): string {
  return Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
}

/**
 * The first Python that renders with PyPI's versions; else PyPI's installed into the first that
 * works; else the runner's own rendering, or why there is none.
 */
export async function renderDescriptions(
  texts: readonly string[],
  options: RendererOptions & { log: Log }
): Promise<RenderOutcome> {
  const { log } = options
  const input = JSON.stringify({ items: texts })
  const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS
  const asPyPI = (reply: Rendered): boolean =>
    Object.entries(pypi).every(([name, version]) => reply.versions[name] === version)
  const unusable: string[] = []
  /** The first Python that works but lacks readme_renderer or PyPI's versions of it. */
  let installInto: { python: string; version: string } | undefined
  /** The runner's own rendering, with other versions than PyPI's: used if no better comes. */
  let own: Rendered | undefined

  for (const python of options.python ? [options.python] : defaultPythons()) {
    const answer = await renderWith(python, input, options.env, options)
    if (typeof answer === 'string') {
      unusable.push(`${python}: ${answer}`)
    } else if (answer.status === 'too-old') {
      unusable.push(`${python}: Python ${answer.python} is older than 3.8`)
    } else if (answer.status === 'missing') {
      log.debug(`${python} cannot import readme_renderer: ${answer.error}`)
      installInto ??= { python, version: answer.python }
    } else if (asPyPI(answer)) {
      return { rendered: true, python, reply: answer, asPyPI: true }
    } else {
      // A working readme_renderer: its rendering is the fallback; no other Python is tried.
      own = answer
      installInto = { python, version: answer.python }
      break
    }
  }
  if (!installInto) {
    return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` }
  }

  const { python } = installInto
  let note = `installing PyPI's ${describeVersions(pypi)} is not allowed here`
  if (options.allowInstall !== false) {
    const installed = await installAndRender(python, input, options, pypi)
    if (typeof installed !== 'string') {
      return { rendered: true, python, reply: installed, asPyPI: asPyPI(installed) }
    }
    note = `PyPI's ${describeVersions(pypi)} ${installed}`
  }
  if (own) return { rendered: true, python, reply: own, asPyPI: false, note }
  const reason = `readme_renderer is not installed for ${python} (Python ${installInto.version}) and ${note}`
  return { rendered: false, reason }
}

/** PyPI's versions into a temporary folder, first on the path; bounded by pip's and our limits. */
async function installAndRender(
  python: string,
  input: string,
  options: RendererOptions & { log: Log },
  pypi: Readonly<Record<string, string>>
): Promise<Rendered | string> {
  const { log } = options
  const limitMs = options.installTimeoutMs ?? 60_000
  log.info(
    `Installing PyPI's ${describeVersions(pypi)} with ${python} -m pip into a temporary folder ` +
      `(at most ${Math.round(limitMs / 1000)} s), to check the descriptions as PyPI renders them`
  )
  const started = Date.now()
  const requirements = Object.entries(pypi).map(([name, version]) => `${name}==${version}`)
  const install = await installTemporarily(
    runWith(options.start ?? startProcess),
    python,
    requirements,
    {
      env: options.env,
      timeoutMs: limitMs,
      pipOptions: PIP_NETWORK_OPTIONS,
      onLine: line => log.debug(`pip: ${line}`)
    }
  )
  if (!install.ok) return `could not be installed (${install.command}: ${install.failure})`
  log.info(`Installed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  try {
    const answer = await renderWith(python, input, install.env, options)
    if (typeof answer === 'string') return `were installed, but then ${python} failed: ${answer}`
    if (answer.status === 'rendered') return answer
    const error = answer.status === 'missing' ? answer.error : `Python ${answer.python} is too old`
    return `could not be imported after installing them (${error})`
  } finally {
    await install.dispose()
  }
}

/** Runs the render script; a string says why there is no answer. */
async function renderWith(
  python: string,
  input: string,
  env: ChildEnv,
  options: RendererOptions
): Promise<RenderReply | string> {
  const run = runWith(options.start ?? startProcess)
  const result = await run(python, ['-c', RENDER_SCRIPT], {
    env,
    input,
    timeoutMs: options.timeoutMs ?? 120_000
  })
  if (result.exitCode !== 0) return describeFailure(result)
  try {
    const reply = JSON.parse(result.stdout) as RenderReply
    if (typeof reply?.status === 'string') return reply
  } catch {
    // Not the answer of our script (a stub, a wrapper that prints).
  }
  return `did not answer as expected (${lastOutputLine(result.stdout || result.stderr) || '(no output)'})`
}
