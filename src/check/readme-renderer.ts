/**
 * Renders reStructuredText descriptions with the runner's Python and readme_renderer, the library
 * PyPI renders them with: no JavaScript renderer reproduces docutils. One Python run renders all.
 *
 * Which text draws a docutils warning (and so a refusal) changes between docutils versions, so
 * PyPI's versions (`PYPI_RENDERER_VERSIONS`) are what count. When the runner's differ, the outcome
 * carries the runner's own rendering, which the caller reads leniently (`asPyPI`). Nothing is
 * installed: without hashes to pin it, a `pip install` would run unverified code in the job that
 * holds the credentials (`id-token: write`).
 */
import type { Log } from '../shared/log.js'
import type { ChildEnv } from '../shared/child-env.js'
import { defaultPythons } from '../process/python.js'
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
  /** The versions that count as PyPI's. Default `PYPI_RENDERER_VERSIONS`; tests change it. */
  pypiVersions?: Readonly<Record<string, string>>
  /** Starts Python; tests wrap the real one. Default `startProcess`. */
  start?: StartProcess
  /** Limit for one rendering run. Default 2 minutes. */
  timeoutMs?: number
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

/** How to check with PyPI's versions, for a notice: the action installs nothing itself. */
const HOW_TO_GET_PYPIS =
  "install PyPI's versions in an earlier step (`pip install " +
  `readme-renderer[md]==${PYPI_RENDERER_VERSIONS.readme_renderer} ` +
  `docutils==${PYPI_RENDERER_VERSIONS.docutils} ` +
  `pygments==${PYPI_RENDERER_VERSIONS.Pygments}\`), or run \`pypi-publish check\` in CI`

/** `readme_renderer 45.0, docutils 0.23`: versions for a message. */
export function describeVersions(versions: Readonly<Record<string, string>>): string {
  return Object.entries(versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
}

/** The first Python that renders with PyPI's versions; else the runner's own; else why none. */
export async function renderDescriptions(
  texts: readonly string[],
  options: RendererOptions & { log: Log }
): Promise<RenderOutcome> {
  const input = JSON.stringify({ items: texts })
  const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS
  const unusable: string[] = []
  /** The first Python that works but lacks readme_renderer. */
  let lacking: string | undefined

  for (const python of options.python ? [options.python] : defaultPythons()) {
    const answer = await renderWith(python, input, options.env, options)
    if (typeof answer === 'string') {
      unusable.push(`${python}: ${answer}`)
    } else if (answer.status === 'too-old') {
      unusable.push(`${python}: Python ${answer.python} is older than 3.8`)
    } else if (answer.status === 'missing') {
      options.log.debug(`${python} cannot import readme_renderer: ${answer.error}`)
      lacking ??= `${python} (Python ${answer.python})`
    } else {
      // A working readme_renderer: no other Python is tried.
      const asPyPI = Object.entries(pypi).every(([name, v]) => answer.versions[name] === v)
      if (asPyPI) return { rendered: true, python, reply: answer, asPyPI }
      const note =
        "no other versions are installed, since an unpinned install next to the job's " +
        `credentials is not safe; to check as PyPI does, ${HOW_TO_GET_PYPIS}`
      return { rendered: true, python, reply: answer, asPyPI, note }
    }
  }
  if (lacking === undefined) {
    return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` }
  }
  const reason =
    `readme_renderer is not installed for ${lacking}, and the action installs nothing ` +
    `unpinned next to the job's credentials; to check the descriptions, ${HOW_TO_GET_PYPIS}`
  return { rendered: false, reason }
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
