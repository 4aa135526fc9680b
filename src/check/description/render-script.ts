/**
 * The Python program that renders descriptions with readme_renderer, the library PyPI (and
 * `twine check`) renders them with. Kept as a string, not a .py file, so the bundler carries it
 * inside the action.
 *
 * Protocol: stdin is UTF-8 JSON `{"items": [{"renderer": "rst", "text": …}]}`;
 * stdout is one JSON object (ASCII only, so no console encoding can garble it), `RenderReply`.
 * The program itself decides whether it can do the job (Python version, readme_renderer
 * importable), so one run both probes and renders. Only reStructuredText comes here: Markdown and
 * plain text are checked without Python (`markdown.ts`). It does all of that before reading
 * stdin, so it can be started early and handed the request later; "too-old" and "missing" are
 * answered without reading stdin at all. Empty input means no request: it exits with no answer.
 *
 * It must still compile on Python 2, so that an old `python` answers "too old" instead of
 * failing with a SyntaxError: no f-strings, no annotations.
 */

export type RenderStatus = 'ok' | 'failed' | 'crashed'

export interface RenderItemResult {
  /** `failed`: readme_renderer returned None, which is what PyPI refuses. */
  status: RenderStatus
  /** What docutils wrote to the warning stream (`<string>:12: (WARNING/2) …`). */
  messages?: string
  /** For `crashed` (the renderer raised). */
  error?: string
  /**
   * Only when `failed`: the same text rendered again with docutils halting at ERROR instead of
   * WARNING. readme_renderer halts at the first WARNING, and which text draws a WARNING changes
   * between docutils versions; an ERROR fails under every version. `failed` here means that.
   */
  atErrorLevel?: { status: 'ok' | 'failed'; messages?: string }
}

export type RenderReply = {
  python: string
  executable: string
} & (
  | { status: 'too-old' }
  | { status: 'missing'; error: string }
  | {
      status: 'rendered'
      /** Installed versions of readme_renderer and what it renders with, by distribution name. */
      versions: Record<string, string>
      results: RenderItemResult[]
    }
)

export const RENDER_SCRIPT = `
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


def installed_versions():
    found = {}
    from importlib import metadata
    for name in ("readme_renderer", "docutils", "Pygments", "nh3", "bleach"):
        try:
            found[name] = metadata.version(name)
        except Exception:
            pass
    return found


def render_rst(text, halt_level=None):
    import io
    import readme_renderer.rst

    stream = io.StringIO()
    saved = readme_renderer.rst.SETTINGS.get("halt_level")
    if halt_level is not None:
        readme_renderer.rst.SETTINGS["halt_level"] = halt_level
    try:
        html = readme_renderer.rst.render(text, stream=stream)
    finally:
        readme_renderer.rst.SETTINGS["halt_level"] = saved
    # PyPI refuses exactly when the renderer returns None.
    return {"status": "ok" if html is not None else "failed", "messages": stream.getvalue()}


def render(item):
    try:
        result = render_rst(item["text"])
        if result["status"] == "failed":
            # 3 is docutils' ERROR level: what fails here fails under any docutils version.
            result["atErrorLevel"] = render_rst(item["text"], halt_level=3)
        return result
    except Exception as exc:
        return {"status": "crashed", "error": describe(exc)}


def main():
    if sys.version_info < (3, 8):
        reply({"status": "too-old"})
        return
    # Everything that does not depend on the request comes before reading it: the caller may
    # start this program before it has the descriptions, so these imports overlap its own work.
    try:
        import readme_renderer.rst
    except Exception as exc:
        reply({"status": "missing", "error": describe(exc)})
        return
    versions = installed_versions()

    data = sys.stdin.buffer.read()
    if not data.strip():
        # No request: the caller cancelled, or went away (which closes this end too).
        return
    request = json.loads(data.decode("utf-8"))
    # Nothing a renderer prints may get into the answer.
    sys.stdout = sys.stderr
    results = [render(item) for item in request["items"]]
    reply({"status": "rendered", "versions": versions, "results": results})


main()
`
