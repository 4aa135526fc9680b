import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 1177:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  o: () => (/* binding */ startRenderer)
});

// UNUSED EXPORTS: renderDescriptions

// EXTERNAL MODULE: ./src/process/python.ts
var process_python = __nccwpck_require__(6595);
;// CONCATENATED MODULE: ./src/check/description/render-script.ts
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
`;

// EXTERNAL MODULE: ./src/process/run-process.ts + 1 modules
var run_process = __nccwpck_require__(2748);
;// CONCATENATED MODULE: ./src/check/description/readme-renderer.ts



const PACKAGE = 'readme_renderer[md]';
/**
 * Starts the first Python to try, which imports readme_renderer and then waits for the
 * descriptions. Until `render`, it does not keep Node running (see `startProcess`).
 */
function startRenderer(options = {}) {
    const pythons = options.python ? [options.python] : (0,process_python/* defaultPythons */.h)();
    const first = startScript(pythons[0], process.env, options);
    let state = 'waiting';
    return {
        python: pythons[0],
        pid: first.pid,
        render(requests, log) {
            if (state !== 'waiting') {
                return Promise.reject(new Error(`This renderer cannot render: it was ${state} already`));
            }
            state = 'used';
            return renderWith(requests, log, options, pythons, first);
        },
        async cancel() {
            if (state === 'waiting')
                state = 'cancelled';
            first.kill();
            await first.result;
        }
    };
}
/** Renders in one go: `startRenderer` and `render` at once. */
function renderDescriptions(requests, options) {
    return startRenderer(options).render(requests, options.log);
}
/** `first` is the render script already started with `pythons[0]`, waiting for its input. */
async function renderWith(requests, log, options, pythons, first) {
    const input = JSON.stringify({ items: requests });
    /** Why each Python that could not be used at all was passed over. */
    const unusable = [];
    /** The first Python that works but lacks readme_renderer (or its Markdown support). */
    let installInto;
    /** A run that rendered everything but Markdown, kept in case nothing better turns up. */
    let partial;
    for (const [i, python] of pythons.entries()) {
        const script = i === 0 ? first : startScript(python, process.env, options);
        const answer = await answerOf(script, input);
        if (typeof answer === 'string') {
            unusable.push(`${python}: ${answer}`);
        }
        else if (answer.status === 'too-old') {
            unusable.push(`${python}: Python ${answer.python} is older than 3.8`);
        }
        else if (answer.status === 'missing') {
            log.debug(`${python} cannot import readme_renderer: ${answer.error}`);
            installInto ??= { python, version: answer.python, what: 'readme_renderer is not installed' };
        }
        else if (!answer.markdown && answer.results.some(r => r.status === 'unchecked')) {
            partial ??= { python, reply: answer };
            installInto ??= {
                python,
                version: answer.python,
                what: 'readme_renderer has no Markdown support (cmarkgfm is missing)'
            };
        }
        else {
            return outcome(python, answer, false);
        }
    }
    let installFailure;
    if (installInto && options.allowInstall !== false) {
        const installed = await installAndRender(installInto.python, input, log, options);
        if (typeof installed !== 'string')
            return outcome(installInto.python, installed, true);
        installFailure = installed;
        log.info(`${PACKAGE} ${installed}`);
    }
    if (partial)
        return outcome(partial.python, partial.reply, false);
    if (installInto) {
        const why = installFailure ?? 'installing it is not allowed here';
        return {
            rendered: false,
            reason: `${installInto.what} for ${installInto.python} (Python ${installInto.version}) and ${why}`
        };
    }
    return { rendered: false, reason: `no Python 3.8 or newer found (${unusable.join('; ')})` };
}
function outcome(python, reply, installed) {
    return {
        rendered: true,
        python,
        executable: reply.executable,
        pythonVersion: reply.python,
        versions: reply.versions,
        results: reply.results,
        installed
    };
}
/** Installs readme_renderer[md] into a temporary folder and renders again with it on the path. */
async function installAndRender(python, input, log, options) {
    log.info(`Installing ${PACKAGE} with ${python} -m pip into a temporary folder to check the descriptions as PyPI renders them`);
    const run = (0,run_process/* runWith */.qd)(options.start ?? run_process/* startProcess */.kp);
    const install = await (0,process_python/* installTemporarily */.O)(run, python, PACKAGE, {
        env: process.env,
        timeoutMs: options.installTimeoutMs ?? 300_000
    });
    if (!install.ok)
        return `could not be installed (${install.command}: ${install.failure})`;
    try {
        const answer = await answerOf(startScript(python, install.env, options), input);
        if (typeof answer === 'string')
            return `was installed, but then ${python} failed: ${answer}`;
        if (answer.status !== 'rendered') {
            const error = answer.status === 'missing' ? answer.error : `Python ${answer.python} is too old`;
            return `could not be imported after installing it (${error})`;
        }
        return answer;
    }
    finally {
        await install.dispose();
    }
}
/** Starts the render script, which gets ready and then waits for its input. */
function startScript(python, env, options) {
    const start = options.start ?? run_process/* startProcess */.kp;
    return start(python, ['-c', RENDER_SCRIPT], { env, timeoutMs: options.timeoutMs ?? 120_000 });
}
/** Hands the started script its input and reads its answer; a string says why there is none. */
async function answerOf(script, input) {
    script.endInput(input);
    return readReply(await script.result);
}
function readReply(result) {
    if (result.exitCode !== 0)
        return (0,run_process/* describeFailure */.Ic)(result);
    try {
        const reply = JSON.parse(result.stdout);
        if (typeof reply === 'object' && reply !== null && typeof reply.status === 'string')
            return reply;
    }
    catch {
        // Falls through: not the answer of our script (a stub, a wrapper that prints).
    }
    return `did not answer as expected (${(0,run_process/* lastOutputLine */.Cl)(result.stdout || result.stderr) || '(no output)'})`;
}


/***/ }),

/***/ 9407:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _check_description_readme_renderer_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1177);

// The description check's Python needs ~300 ms to import readme_renderer: start it before the
// rest of the action is even loaded, so that time overlaps start-up, discovery and hashing.
const renderer = (0,_check_description_readme_renderer_js__WEBPACK_IMPORTED_MODULE_0__/* .startRenderer */ .o)();
const { run } = await Promise.all(/* import() */[__nccwpck_require__.e(143), __nccwpck_require__.e(328)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6328));
await run({ renderer });

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 6595:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   O: () => (/* binding */ installTemporarily),
/* harmony export */   h: () => (/* binding */ defaultPythons)
/* harmony export */ });
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var _run_process_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(2748);
/**
 * What the build step and the description check share about the runner's Python: which command
 * to try, and how to add a package for one run without touching that Python.
 */




/**
 * Windows runners have `python` on PATH; `python3` there may be the Microsoft Store stub, which
 * only prints advice. Elsewhere `python` may be missing or, on old systems, Python 2.
 */
function defaultPythons() {
    return process.platform === 'win32' ? ['python', 'python3'] : ['python3', 'python'];
}
/**
 * `pip install --target <temp>` and an environment with that folder on PYTHONPATH. Never into the
 * runner's Python: the system Python of ubuntu-24.04 runners is externally managed (PEP 668) and
 * refuses a plain `pip install`, and a publishing step should leave no trace.
 */
async function installTemporarily(run, python, requirement, options) {
    const target = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.mkdtemp)(node_path__WEBPACK_IMPORTED_MODULE_2___default().join(node_os__WEBPACK_IMPORTED_MODULE_1___default().tmpdir(), 'pypi-publish-pip-'));
    const dispose = () => (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.rm)(target, { recursive: true, force: true });
    const command = `${python} -m pip install --target ${target} ${requirement}`;
    const pip = await run(python, [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--progress-bar',
        'off',
        '--no-warn-script-location',
        '--target',
        target,
        requirement
    ], {
        env: options.env,
        timeoutMs: options.timeoutMs,
        onLine: options.onLine ? line => options.onLine?.(line) : undefined
    });
    if (pip.exitCode !== 0) {
        await dispose();
        return { ok: false, command, failure: (0,_run_process_js__WEBPACK_IMPORTED_MODULE_3__/* .describeFailure */ .Ic)(pip) };
    }
    const pythonPath = [target, options.env.PYTHONPATH].filter(Boolean).join((node_path__WEBPACK_IMPORTED_MODULE_2___default().delimiter));
    return { ok: true, command, env: { ...options.env, PYTHONPATH: pythonPath }, dispose };
}


/***/ }),

/***/ 2748:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Ic: () => (/* binding */ describeFailure),
  Cl: () => (/* binding */ lastOutputLine),
  R3: () => (/* binding */ runProcess),
  qd: () => (/* binding */ runWith),
  kp: () => (/* binding */ startProcess)
});

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __nccwpck_require__(6193);
;// CONCATENATED MODULE: ./src/process/run-process.ts
/**
 * Runs a program with text on stdin and collects its output, with a time limit — at once
 * (`runProcess`), or started early with its input written later (`startProcess`). Uses
 * `node:child_process` directly rather than @actions/exec, so the checks that need a helper
 * program (Python) do not depend on running inside GitHub Actions.
 */


/**
 * Starts a program now and lets the caller write its input later, so the program's own start-up
 * (Python importing its libraries, say) overlaps the caller's work. Until `endInput`, neither the
 * program nor its pipes keep Node's event loop alive: a helper that was started early and then
 * forgotten must not keep the action running. (Its stdin closes when this process exits, which
 * ends a program that waits for its input.) The time limit counts from `endInput`, because a
 * program waiting for its input is not slow.
 */
const startProcess = (command, args, options) => {
    const stdout = [];
    const stderr = [];
    const onLine = options.onLine;
    const lines = onLine && {
        stdout: new LineSplitter(line => onLine(line, 'stdout')),
        stderr: new LineSplitter(line => onLine(line, 'stderr'))
    };
    let timedOut = false;
    let settled = false;
    let inputEnded = false;
    let timer;
    let resolveResult = () => undefined;
    const result = new Promise(resolve => (resolveResult = resolve));
    const finish = (exitCode, spawnError) => {
        if (settled)
            return;
        settled = true;
        clearTimeout(timer);
        lines?.stdout.end();
        lines?.stderr.end();
        resolveResult({
            exitCode,
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            spawnError,
            timedOut
        });
    };
    const child = (0,external_node_child_process_namespaceObject.spawn)(command, [...args], {
        env: options.env ?? process.env,
        cwd: options.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        windowsHide: true,
        windowsVerbatimArguments: options.windowsVerbatimArguments
    });
    child.stdout.on('data', (chunk) => {
        stdout.push(chunk);
        lines?.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
        stderr.push(chunk);
        lines?.stderr.write(chunk);
    });
    // A program that exits without reading its input (too old, crashed, killed) makes the write
    // fail with EPIPE; its exit status tells the story, so the stream error is not one.
    child.stdin.on('error', () => undefined);
    child.on('error', error => finish(null, error));
    child.on('close', code => finish(code));
    setHoldsEventLoop(child, false);
    return {
        pid: child.pid,
        endInput(input = '') {
            if (inputEnded)
                return;
            inputEnded = true;
            if (settled)
                return;
            // From here on the caller waits for the result, so the program must keep Node running.
            setHoldsEventLoop(child, true);
            if (options.timeoutMs !== undefined) {
                timer = setTimeout(() => {
                    timedOut = true;
                    child.kill('SIGKILL');
                }, options.timeoutMs);
            }
            child.stdin.end(input, 'utf8');
        },
        kill() {
            if (settled)
                return;
            // Whoever kills waits for the exit; an unreferenced child would let Node leave before it.
            setHoldsEventLoop(child, true);
            child.kill('SIGKILL');
        },
        result
    };
};
/** The child process and its pipes (net.Socket underneath) keep the event loop alive, or not. */
function setHoldsEventLoop(child, hold) {
    for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
        if (hold)
            handle.ref?.();
        else
            handle.unref?.();
    }
}
/** A `RunProcess` made of a `StartProcess`: starts the program and writes its input at once. */
function runWith(start) {
    return (command, args, options) => {
        const running = start(command, args, options);
        running.endInput(options.input);
        return running.result;
    };
}
/** Never rejects: every way a run can go wrong is described in the result. */
const runProcess = runWith(startProcess);
/**
 * Cuts a byte stream into lines. The decoder keeps a multi-byte character split across two chunks
 * whole; a line split across chunks waits for its end; the last line may have no line ending.
 */
class LineSplitter {
    emit;
    decoder = new external_node_string_decoder_.StringDecoder('utf8');
    pending = '';
    constructor(emit) {
        this.emit = emit;
    }
    write(chunk) {
        const parts = (this.pending + this.decoder.write(chunk)).split('\n');
        this.pending = parts.pop() ?? '';
        for (const line of parts)
            this.emit(line.replace(/\r$/, ''));
    }
    end() {
        this.pending += this.decoder.end();
        if (this.pending !== '')
            this.emit(this.pending.replace(/\r$/, ''));
        this.pending = '';
    }
}
/** How a run went wrong, in a few words for an error message. */
function describeFailure(result) {
    if (result.spawnError?.code === 'ENOENT')
        return 'not found';
    if (result.spawnError)
        return `could not be started (${result.spawnError.message})`;
    if (result.timedOut)
        return 'took too long and was stopped';
    const said = lastOutputLine(result.stderr || result.stdout);
    return `exited with code ${result.exitCode}${said ? `: ${said}` : ''}`;
}
/** The last non-empty line of a program's output, which is where Python and pip say what failed. */
function lastOutputLine(text) {
    const lines = text
        .trim()
        .split(/\r?\n/)
        .filter(l => l.trim() !== '');
    const last = lines[lines.length - 1] ?? '';
    return last.length > 300 ? `${last.slice(0, 300)}…` : last;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 1943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5675:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http2");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 6193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 6460:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers/promises");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 2018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9407);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
