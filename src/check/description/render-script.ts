/**
 * The Python program that renders descriptions with readme_renderer, the library PyPI (and
 * `twine check`) renders them with. Kept as a string, not a .py file, so the bundler carries it
 * inside the action.
 *
 * Protocol: stdin is UTF-8 JSON `{"items": [{"renderer": "rst"|"markdown"|"txt", "text": …}]}`;
 * stdout is one JSON object (ASCII only, so no console encoding can garble it), `RenderReply`.
 * The program itself decides whether it can do the job (Python version, readme_renderer and
 * cmarkgfm importable), so one run both probes and renders. It does all of that before reading
 * stdin, so it can be started early and handed the request later; "too-old" and "missing" are
 * answered without reading stdin at all. Empty input means no request: it exits with no answer.
 *
 * It must still compile on Python 2, so that an old `python` answers "too old" instead of
 * failing with a SyntaxError: no f-strings, no annotations.
 */

export type RenderStatus = 'ok' | 'failed' | 'unchecked' | 'crashed'

export interface RenderItemResult {
  /** `failed`: readme_renderer returned None, which is what PyPI refuses. */
  status: RenderStatus
  /** What docutils wrote to the warning stream (`<string>:12: (WARNING/2) …`). */
  messages?: string
  /** For `unchecked` (Markdown support missing) and `crashed` (the renderer raised). */
  error?: string
}

export type RenderReply = {
  python: string
  executable: string
} & (
  | { status: 'too-old' }
  | { status: 'missing'; error: string }
  | {
      status: 'rendered'
      /** Installed versions of readme_renderer and its renderers, for the log. */
      versions: Record<string, string>
      /** False when cmarkgfm (readme_renderer[md]) is missing: Markdown items are `unchecked`. */
      markdown: boolean
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
    for name in ("readme_renderer", "docutils", "cmarkgfm", "nh3", "bleach", "Pygments"):
        try:
            found[name] = metadata.version(name)
        except Exception:
            pass
    return found


def render(item, markdown_error):
    import io
    import warnings
    import readme_renderer.rst
    import readme_renderer.txt

    text = item["text"]
    kind = item["renderer"]
    stream = io.StringIO()
    try:
        if kind == "rst":
            html = readme_renderer.rst.render(text, stream=stream)
        elif kind == "markdown":
            if markdown_error is not None:
                return {"status": "unchecked", "error": markdown_error}
            import readme_renderer.markdown
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # No variant argument: PyPI renders every Markdown description as GFM.
                html = readme_renderer.markdown.render(text)
        else:
            html = readme_renderer.txt.render(text)
    except Exception as exc:
        return {"status": "crashed", "error": describe(exc)}
    # PyPI refuses exactly when the renderer returns None.
    return {"status": "ok" if html is not None else "failed", "messages": stream.getvalue()}


def main():
    if sys.version_info < (3, 8):
        reply({"status": "too-old"})
        return
    # Everything that does not depend on the request comes before reading it: the caller starts
    # this program early and writes the request when it knows the descriptions, so these imports
    # (most of this program's time) overlap the caller's own work.
    try:
        import readme_renderer.rst
        import readme_renderer.txt
    except Exception as exc:
        reply({"status": "missing", "error": describe(exc)})
        return

    markdown_error = None
    try:
        # readme_renderer[md]: without cmarkgfm, readme_renderer renders no Markdown at all.
        import cmarkgfm
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import readme_renderer.markdown
    except Exception as exc:
        markdown_error = describe(exc)
    versions = installed_versions()

    data = sys.stdin.buffer.read()
    if not data.strip():
        # No request: the caller cancelled, or went away (which closes this end too).
        return
    request = json.loads(data.decode("utf-8"))
    # Nothing a renderer prints may get into the answer.
    sys.stdout = sys.stderr
    results = [render(item, markdown_error) for item in request["items"]]
    reply({
        "status": "rendered",
        "versions": versions,
        "markdown": markdown_error is None,
        "results": results,
    })


main()
`
