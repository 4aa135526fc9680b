export const id = 328;
export const ids = [328];
export const modules = {

/***/ 6328:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 12 modules
var core = __webpack_require__(143);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./src/action/log.ts

/** The Log the action uses: @actions/core, with every message redacted first. */
function actionsLog(redactor) {
    const r = (text) => redactor.redact(text);
    return {
        debug: message => core/* debug */.Yz(r(message)),
        info: message => core/* info */.pq(r(message)),
        warning: (message, file) => core/* warning */.$e(r(message), file ? { file } : undefined),
        error: (message, file) => core/* error */.z3(r(message), file ? { file } : undefined),
        notice: message => core/* notice */.lm(r(message)),
        group: (title, fn) => core/* group */.Os(r(title), fn)
    };
}

;// CONCATENATED MODULE: ./src/auth/errors.ts
/**
 * A trusted-publishing or credential problem the user can act on. The message is complete (what
 * happened, why, what to change) and never holds a secret: no ID token, no minted token.
 */
class TrustedPublishingError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'TrustedPublishingError';
    }
}
/** Signing an attestation failed; the run must stop before any upload. */
class AttestationError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'AttestationError';
    }
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/auth/github-context.ts

function parseWorkflowRef(value) {
    if (!value)
        return undefined;
    const at = value.indexOf('@');
    const location = at >= 0 ? value.slice(0, at) : value;
    const ref = at >= 0 ? value.slice(at + 1) : '';
    const [owner, repo, ...rest] = location.split('/');
    if (!owner || !repo || rest.length === 0)
        return undefined;
    const path = rest.join('/');
    return {
        owner,
        repo,
        repository: `${owner}/${repo}`,
        path,
        filename: rest[rest.length - 1],
        ref
    };
}
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target']);
/**
 * True when the run was triggered by a pull request whose head lives in another repository (a
 * fork). GitHub gives such runs neither secrets nor ID tokens, so both ways to authenticate are
 * closed and the user needs a different explanation. Unreadable event data counts as "not a fork":
 * the general explanation still applies then.
 */
function isForkPullRequest(env) {
    if (!PULL_REQUEST_EVENTS.has(env.GITHUB_EVENT_NAME ?? ''))
        return false;
    const eventPath = env.GITHUB_EVENT_PATH;
    const repository = env.GITHUB_REPOSITORY;
    if (!eventPath || !repository)
        return false;
    let event;
    try {
        event = JSON.parse((0,external_node_fs_.readFileSync)(eventPath, 'utf8'));
    }
    catch {
        return false;
    }
    const head = event
        ?.pull_request?.head?.repo?.full_name;
    return typeof head === 'string' && head.toLowerCase() !== repository.toLowerCase();
}

;// CONCATENATED MODULE: ./src/auth/explain.ts

/**
 * The explanations for a job that cannot get a GitHub ID token. Shared by the up-front credential
 * check and by the ID-token fetcher, which can fail the same way later (e.g. the runner refused).
 */
const TRUSTED_PUBLISHING_DOCS = 'https://docs.pypi.org/trusted-publishers/';
const TROUBLESHOOTING_URL = 'https://docs.pypi.org/trusted-publishers/troubleshooting/';
const PERMISSIONS_SNIPPET = ['permissions:', '  id-token: write'].join('\n');
/** Why there is no ID token, and the two ways out (or, for a fork's pull request, what to do). */
function noIdTokenMessage(env, cause) {
    const what = cause
        ? `Trusted publishing needs a GitHub ID token, and getting one failed: ${cause}`
        : 'Trusted publishing needs a GitHub ID token, and this job has no access to one ' +
            '(ACTIONS_ID_TOKEN_REQUEST_URL is not set).';
    if (isForkPullRequest(env)) {
        return [
            what,
            '',
            'This run was triggered by a pull request from a fork. GitHub gives such runs neither ID ' +
                "tokens nor secrets, even with 'id-token: write', so they cannot publish.",
            'Publish from an event a fork cannot trigger instead: a pushed tag, a published release, or ' +
                'workflow_dispatch — and skip the publish step on pull requests.'
        ].join('\n');
    }
    return [
        what,
        'No token was given either (no `password`/`token` input, no TWINE_PASSWORD), so there is ' +
            'nothing to authenticate with. Two ways out:',
        '',
        '1. Trusted publishing (recommended): give the publishing job permission to request an ID ' +
            'token, and register this workflow as a trusted publisher on the index:',
        '',
        indent(PERMISSIONS_SNIPPET, 4),
        '',
        `   ${TRUSTED_PUBLISHING_DOCS}`,
        '',
        '2. An API token: store it as a repository secret and pass it, e.g.',
        '',
        indent('password: ${{ secrets.PYPI_API_TOKEN }}', 4),
        '',
        '   If you already pass a secret: an empty secret looks exactly like none. A typo in the ' +
            "secret's name, or a secret defined in another environment or repository, reads as an " +
            'empty string.'
    ].join('\n');
}
function indent(text, spaces) {
    const pad = ' '.repeat(spaces);
    return text
        .split('\n')
        .map(line => pad + line)
        .join('\n');
}

;// CONCATENATED MODULE: ./src/action/id-token.ts



/**
 * The edge's ID-token fetcher: @actions/core's getIDToken (which also masks the token), with its
 * terse errors ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable", "Failed to get ID
 * Token…") turned into an explanation of what to change in the workflow. The core never imports
 * @actions/core; it receives this function.
 */
function actionsIdTokenFetcher(env = process.env) {
    return async (audience) => {
        try {
            return await core/* getIDToken */.V9(audience);
        }
        catch (error) {
            const cause = (error instanceof Error ? error.message : String(error))
                .replace(/^Error message:\s*/, '')
                .replace(/\s*\n\s*/g, ' ')
                .trim();
            throw new TrustedPublishingError(noIdTokenMessage(env, cause), { cause: error });
        }
    };
}

;// CONCATENATED MODULE: ./src/dists/distribution.ts
/**
 * A distribution is one value, built once by `inspect` and passed along the pipeline:
 * nobody downstream re-reads or re-hashes the file.
 */
/** A problem that stops the run; thrown by discover/inspect, collected by check. */
class DistributionError extends Error {
    problems;
    constructor(problems, message = problems.map(p => `${p.file}: ${p.message}`).join('\n')) {
        super(message);
        this.problems = problems;
        this.name = 'DistributionError';
    }
}

;// CONCATENATED MODULE: ./src/settings/inputs.ts
/**
 * Every input name and its documented default, in one place. action.yml declares the same defaults;
 * a test keeps the two in step. The defaults are applied in code too because runners other than
 * GitHub's (local-action tools, other CI systems) leave unset inputs empty.
 */
const Inputs = {
    User: 'user',
    Password: 'password',
    Token: 'token',
    RepositoryUrl: 'repository-url',
    Repository: 'repository',
    PackagesDir: 'packages-dir',
    Distributions: 'distributions',
    VerifyMetadata: 'verify-metadata',
    SkipExisting: 'skip-existing',
    Verbose: 'verbose',
    PrintHash: 'print-hash',
    Attestations: 'attestations',
    Concurrency: 'concurrency',
    Retries: 'retries',
    RetryMaxTime: 'retry-max-time',
    ConnectTimeout: 'connect-timeout',
    Timeout: 'timeout',
    VerifyUpload: 'verify-upload',
    VerifyTimeout: 'verify-timeout',
    IndexUrl: 'index-url',
    VerifyTag: 'verify-tag',
    AllowMultipleVersions: 'allow-multiple-versions',
    DryRun: 'dry-run',
    Build: 'build',
    BuildCommand: 'build-command',
    WorkingDirectory: 'working-directory'
};
const PYPI_UPLOAD_URL = 'https://upload.pypi.org/legacy/';
const TESTPYPI_UPLOAD_URL = 'https://test.pypi.org/legacy/';
/** Defaults as documented in action.yml. An input without an entry has no default (empty). */
const INPUT_DEFAULTS = {
    [Inputs.User]: '__token__',
    [Inputs.RepositoryUrl]: PYPI_UPLOAD_URL,
    [Inputs.PackagesDir]: 'dist',
    [Inputs.Distributions]: 'sdist wheel',
    [Inputs.VerifyMetadata]: 'true',
    [Inputs.SkipExisting]: 'false',
    [Inputs.Verbose]: 'false',
    [Inputs.PrintHash]: 'false',
    [Inputs.Attestations]: 'true',
    [Inputs.Concurrency]: '8',
    [Inputs.Retries]: '5',
    [Inputs.RetryMaxTime]: '600',
    [Inputs.ConnectTimeout]: '30',
    [Inputs.Timeout]: '120',
    [Inputs.VerifyUpload]: 'true',
    [Inputs.VerifyTimeout]: '120',
    [Inputs.VerifyTag]: 'true',
    [Inputs.AllowMultipleVersions]: 'false',
    [Inputs.DryRun]: 'false',
    [Inputs.Build]: 'false',
    [Inputs.WorkingDirectory]: '.'
};
/**
 * The official action's snake_case spellings, still accepted so that switching is a one-line change.
 * They have no default in action.yml, so a non-empty value always means the user wrote it.
 */
const DEPRECATED_ALIASES = {
    [Inputs.RepositoryUrl]: 'repository_url',
    [Inputs.PackagesDir]: 'packages_dir',
    [Inputs.VerifyMetadata]: 'verify_metadata',
    [Inputs.SkipExisting]: 'skip_existing',
    [Inputs.PrintHash]: 'print_hash'
};
const Outputs = {
    Uploaded: 'uploaded',
    Skipped: 'skipped',
    ProjectName: 'project-name',
    ProjectVersion: 'project-version',
    Projects: 'projects',
    Verified: 'verified',
    AttestationPaths: 'attestation-paths'
};

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./src/attest/policy.ts
/** Upload hosts that take PEP 740 attestations (PyPI and TestPyPI). */
const ATTESTING_HOSTS = new Set(['upload.pypi.org', 'test.pypi.org']);
/**
 * Whether to sign attestations, and when they were asked for but cannot be made, a warning that
 * says why (PyPI accepts attestations only with trusted publishing, and other indexes not at all).
 */
function decideAttestations(input) {
    if (!input.requested)
        return { sign: false };
    const host = new URL(input.repositoryUrl).host;
    const accepts = input.indexAcceptsAttestations ?? ATTESTING_HOSTS.has(host);
    if (!accepts) {
        return {
            sign: false,
            warning: `No attestations: ${host} is not PyPI or TestPyPI, and other indexes do not accept PEP 740 ` +
                'attestations. Set `attestations: false` to silence this warning.'
        };
    }
    if (input.method === 'token') {
        return {
            sign: false,
            warning: 'No attestations: they need trusted publishing (a Sigstore certificate for this ' +
                'workflow), and this run uses an API token. Switch to trusted publishing to attest ' +
                'your files, or set `attestations: false` to silence this warning.'
        };
    }
    return { sign: true };
}

;// CONCATENATED MODULE: ./src/shared/format.ts
/** Human sizes for logs and the summary (binary units, as file managers show them). */
function formatSize(bytes) {
    if (bytes < 1024)
        return `${bytes} B`;
    if (bytes < 1024 * 1024)
        return `${(bytes / 1024).toFixed(1)} KiB`;
    if (bytes < 1024 * 1024 * 1024)
        return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
    return `${(bytes / (1024 * 1024 * 1024)).toFixed(2)} GiB`;
}

;// CONCATENATED MODULE: ./src/shared/http-body.ts

/** An answer larger than its cap: reading stopped there, and the connection was closed. */
class AnswerTooLargeError extends Error {
    cap;
    status;
    /** The URL without credentials, query or fragment. */
    url;
    constructor(url, cap, 
    /** The status the answer came with. */
    status) {
        const shown = urlForMessages(url);
        super(`${capitalize(cap.what)} from ${shown} (HTTP ${status}) is larger than ${formatSize(cap.bytes)}, ` +
            `the most this action reads for it; it stopped reading there. ${cap.advice}`);
        this.cap = cap;
        this.status = status;
        this.name = 'AnswerTooLargeError';
        this.url = shown;
    }
}
/**
 * The whole body of `message`, at most `cap.bytes` of it: an announced Content-Length over the cap
 * fails before reading, and a body that grows past it fails as soon as it does (the connection is
 * destroyed, so no more arrives). Failures of the stream reject; time limits are the caller's.
 */
function readCappedBody(message, url, cap) {
    return new Promise((resolve, reject) => {
        const tooLarge = () => {
            const error = new AnswerTooLargeError(url, cap, message.statusCode ?? 0);
            message.destroy(error);
            reject(error);
        };
        const announced = Number(message.headers['content-length']);
        if (Number.isFinite(announced) && announced > cap.bytes)
            return tooLarge();
        const chunks = [];
        let size = 0;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size > cap.bytes)
                return tooLarge();
            chunks.push(chunk);
        });
        message.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        message.once('error', reject);
        message.once('close', () => {
            if (!message.complete)
                reject(new Error('the connection closed before the answer was complete'));
        });
    });
}
/** A URL fit for a message: no user or password, and no query string (indexes put tokens there too). */
function urlForMessages(url) {
    try {
        const parsed = new URL(url);
        parsed.username = '';
        parsed.password = '';
        const hadQuery = parsed.search !== '';
        parsed.search = '';
        parsed.hash = '';
        return parsed.toString() + (hadQuery ? '?…' : '');
    }
    catch {
        return '(an invalid URL)';
    }
}
function capitalize(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}

;// CONCATENATED MODULE: ./src/auth/claims.ts


/** The claims PyPI's GitHub publisher looks at, in the order we show them. */
const DEBUG_CLAIMS = [
    'sub',
    'repository',
    'repository_owner',
    'repository_owner_id',
    'workflow_ref',
    'job_workflow_ref',
    'ref',
    'environment'
];
/** The JWT's payload, or undefined when it is not a well-formed JWT. */
function decodeClaims(jwt) {
    const parts = jwt.split('.');
    if (parts.length !== 3)
        return undefined;
    try {
        const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        return payload && typeof payload === 'object' && !Array.isArray(payload)
            ? payload
            : undefined;
    }
    catch {
        return undefined;
    }
}
/** The claims as a list for an error message, marked as unverified and for debugging only. */
function renderClaims(claims) {
    if (!claims) {
        return 'The ID token could not be decoded, so its claims cannot be shown.';
    }
    const lines = [
        'Claims of the ID token, decoded WITHOUT verification, for debugging only. Do not configure a ' +
            'trusted publisher from them unless they already match what you expect:'
    ];
    for (const name of DEBUG_CLAIMS) {
        const value = claims[name];
        lines.push(`  ${name}: ${value === undefined || value === '' ? 'MISSING' : String(value)}`);
    }
    lines.push(`See ${TROUBLESHOOTING_URL}`);
    return lines.join('\n');
}
/**
 * When the job runs a reusable workflow, `job_workflow_ref` names a different file than
 * `workflow_ref` (the caller). PyPI matches `job_workflow_ref`, so the publisher must name that
 * file, which surprises people who registered the calling workflow. undefined when not the case.
 */
function reusableWorkflowHint(claims) {
    if (!claims)
        return undefined;
    const caller = parseWorkflowRef(stringClaim(claims, 'workflow_ref'));
    const job = parseWorkflowRef(stringClaim(claims, 'job_workflow_ref'));
    if (!caller || !job)
        return undefined;
    if (caller.repository.toLowerCase() === job.repository.toLowerCase() &&
        caller.path === job.path) {
        return undefined;
    }
    return (`This job runs a reusable workflow: ${job.path} of ${job.repository} (called from ` +
        `${caller.path} of ${caller.repository}). PyPI matches the reusable workflow ` +
        `(job_workflow_ref), so the trusted publisher must name the workflow file '${job.filename}'` +
        ` of ${job.repository}, not '${caller.filename}'.`);
}
function stringClaim(claims, name) {
    const value = claims[name];
    return typeof value === 'string' ? value : undefined;
}

;// CONCATENATED MODULE: ./src/auth/oidc.ts




/** PyPI's minted tokens live 15 minutes; used when the index does not say. */
const DEFAULT_TOKEN_LIFETIME_MS = 15 * 60 * 1000;
const BODY_EXCERPT = 500;
/**
 * The audience and mint answers are small JSON documents (a token is a few hundred bytes; a
 * refusal lists a few reasons); 64 KiB leaves room for a proxy's error page.
 */
const OIDC_ANSWER_CAP = {
    bytes: 64 * 1024,
    what: 'the trusted-publishing answer',
    advice: "Check that 'repository-url' is the index's upload URL; if the index is right, it is " +
        'misbehaving: wait a few minutes and try again, or use an API token.'
};
function oidcUrls(repositoryUrl) {
    const origin = new URL(repositoryUrl).origin;
    return { audience: `${origin}/_/oidc/audience`, mint: `${origin}/_/oidc/mint-token` };
}
/**
 * A function that mints a fresh token each time it is called (fresh ID token, fresh mint). The
 * audience is asked once: it does not change during a run.
 */
function createTokenMinter(options) {
    let audience;
    return async () => {
        audience ??= fetchAudience(options.http, options.repositoryUrl);
        let aud;
        try {
            aud = await audience;
        }
        catch (error) {
            audience = undefined; // a later renewal may try again
            throw error;
        }
        const idToken = await options.getIdToken(aud);
        options.onSecret(idToken);
        return mintToken(options.http, options.repositoryUrl, idToken, options);
    };
}
/** One exchange: audience, ID token, mint. */
async function exchangeToken(options) {
    return createTokenMinter(options)();
}
async function fetchAudience(http, repositoryUrl) {
    const url = oidcUrls(repositoryUrl).audience;
    const host = new URL(repositoryUrl).host;
    let response;
    try {
        response = await http.get(url, OIDC_ANSWER_CAP, { Accept: 'application/json' });
    }
    catch (error) {
        throw new TrustedPublishingError(`Trusted publishing: ${failedRequest(url, error)}`, {
            cause: error
        });
    }
    if (response.status === 403 || response.status === 404) {
        throw new TrustedPublishingError(`This index does not support trusted publishing; use a token. (${host} answered HTTP ` +
            `${response.status} to GET ${url}${response.status === 403 ? ': trusted publishing is disabled there' : ''}.)\n` +
            "Pass an API token for this index as 'password' (or 'token'), e.g. " +
            '`password: ${{ secrets.INDEX_TOKEN }}`.');
    }
    if (response.status !== 200) {
        throw new TrustedPublishingError(`Trusted publishing: asking ${url} for the token audience failed: ${describeResponse(response)}\n` +
            'The index may be down or misconfigured; wait a few minutes and try again, or use an API token.');
    }
    const audience = parseJson(response.body)?.audience;
    if (typeof audience !== 'string' || audience === '') {
        throw new TrustedPublishingError(`Trusted publishing: ${url} answered 200 without an audience (expected {"audience": "…"}): ` +
            excerpt(response.body));
    }
    return audience;
}
/** Trades an ID token for an upload token; calls `onSecret` with it before returning. */
async function mintToken(http, repositoryUrl, idToken, options) {
    const url = oidcUrls(repositoryUrl).mint;
    const scrub = (text) => scrubJwts(text, idToken);
    let response;
    try {
        response = await http.request('POST', url, {
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: () => JSON.stringify({ token: idToken }),
            cap: OIDC_ANSWER_CAP
        });
    }
    catch (error) {
        throw new TrustedPublishingError(`Trusted publishing: ${scrub(failedRequest(url, error))}`, {
            cause: error
        });
    }
    // Scrubbed before anything is cut or quoted, so a truncated echo cannot slip through.
    response = { ...response, body: scrub(response.body) };
    const payload = parseJson(response.body);
    if (payload === undefined) {
        throw new TrustedPublishingError(`Token request to ${url} failed: the index answered ${describeResponse(response)}\n` +
            'That is not the JSON a trusted-publishing index sends: the index is probably down or ' +
            'misconfigured. Wait a few minutes and try again.');
    }
    if (response.status < 200 || response.status >= 300) {
        throw new TrustedPublishingError(scrub(refusalMessage(url, response, payload, idToken)));
    }
    const token = payload.token;
    if (typeof token !== 'string' || token === '') {
        throw new TrustedPublishingError(`Token request to ${url} answered HTTP ${response.status} without a token ` +
            `(expected {"success": true, "token": "…", "expires": …}). The index is probably ` +
            'misconfigured; wait a few minutes and try again.');
    }
    options.onSecret(token);
    const now = options.now ?? Date.now;
    return { token, expiresAt: expiryOf(payload.expires, response.headers.date, now()) };
}
/** The 422 (or other refusal): every code and description, the claims, and where to read more. */
function refusalMessage(url, response, payload, idToken) {
    const errors = Array.isArray(payload.errors) ? payload.errors : [];
    const reasons = errors.map(e => {
        const { code, description } = (e ?? {});
        return `  - ${String(code ?? 'unknown')}: ${String(description ?? '')}`;
    });
    const claims = decodeClaims(idToken);
    const lines = [
        `Trusted publishing failed: ${new URL(url).host} refused the token request (HTTP ` +
            `${response.status}${typeof payload.message === 'string' ? `, "${payload.message}"` : ''}).`
    ];
    if (reasons.length > 0) {
        lines.push('The index gave these reasons:', ...reasons);
    }
    else {
        lines.push(`The index gave no reasons: ${excerpt(response.body)}`);
    }
    lines.push('', 'This usually means the trusted publisher registered on the index does not match this ' +
        'workflow run: check the repository owner and name, the workflow file name and the ' +
        `environment (if you set one). ${TRUSTED_PUBLISHING_DOCS}`);
    const reusable = reusableWorkflowHint(claims);
    if (reusable)
        lines.push('', reusable);
    lines.push('', renderClaims(claims));
    if (!claims)
        lines.push(`See ${TROUBLESHOOTING_URL}`);
    return lines.join('\n');
}
/**
 * `expires` is the server's clock; ours may be off. With the response's Date header we turn it
 * into a lifetime and count from our own clock, so a skewed runner clock cannot make us use a
 * token the index already considers expired (or renew far too early).
 */
function expiryOf(expires, dateHeader, now) {
    if (typeof expires !== 'number' || !Number.isFinite(expires)) {
        return now + DEFAULT_TOKEN_LIFETIME_MS;
    }
    const serverNow = dateHeader ? Date.parse(dateHeader) : NaN;
    if (Number.isFinite(serverNow)) {
        const lifetime = expires * 1000 - serverNow;
        if (lifetime > 0 && lifetime <= 24 * 60 * 60 * 1000)
            return now + lifetime;
    }
    return expires * 1000;
}
function parseJson(body) {
    try {
        const value = JSON.parse(body);
        return value && typeof value === 'object' && !Array.isArray(value)
            ? value
            : undefined;
    }
    catch {
        return undefined;
    }
}
function describeResponse(response) {
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    const location = response.headers.location ? ` (redirect to ${response.headers.location})` : '';
    return `${status}${location}: ${excerpt(response.body)}`;
}
function excerpt(body) {
    const text = body.trim();
    if (text === '')
        return '(empty body)';
    return text.length > BODY_EXCERPT ? `${text.slice(0, BODY_EXCERPT)}… (truncated)` : text;
}
/** An index might echo the ID token back; it must not reach a log. */
function scrubJwts(text, idToken) {
    return text
        .split(idToken)
        .join('***')
        .replace(/eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*(\.[A-Za-z0-9_-]*)?/g, '***');
}
/** No usable answer: the client's error says why (and, for an oversized answer, what to do). */
function failedRequest(url, error) {
    if (error instanceof AnswerTooLargeError)
        return error.message;
    return `could not reach ${url}: ${errorText(error)}`;
}
function errorText(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/auth/token-source.ts
/** The index's words for an expired token (protocol §2): 403 "Invalid API Token: token is expired". */
function isExpiredTokenResponse(status, message) {
    return status === 403 && /token is expired/i.test(message);
}
class StaticTokenSource {
    user;
    password;
    kind = 'token';
    constructor(user, password) {
        this.user = user;
        this.password = password;
    }
    async current() {
        return this.password;
    }
    async renew() {
        return undefined;
    }
}
class MintedTokenSource {
    mint;
    options;
    kind = 'trusted-publishing';
    user = '__token__';
    token;
    inFlight;
    marginMs;
    now;
    /** `mint` gets a fresh ID token and mints with it (see createTokenMinter). */
    constructor(mint, options = {}) {
        this.mint = mint;
        this.options = options;
        this.marginMs = options.marginMs ?? 60_000;
        this.now = options.now ?? Date.now;
    }
    /** Mints the first token now, so that a refused exchange fails the run before any upload. */
    static async start(mint, options = {}) {
        const source = new MintedTokenSource(mint, options);
        await source.current();
        return source;
    }
    /** When the current token expires (epoch ms, our clock); undefined before the first mint. */
    get expiresAt() {
        return this.token?.expiresAt;
    }
    async current() {
        const token = this.token;
        if (token && token.expiresAt - this.now() > this.marginMs)
            return token.token;
        return (await this.refresh(token ? 'the token is about to expire' : undefined)).token;
    }
    async renew(rejected) {
        if (this.inFlight)
            return (await this.inFlight).token;
        if (this.token && this.token.token !== rejected)
            return this.token.token;
        return (await this.refresh('the index said the token has expired')).token;
    }
    refresh(reason) {
        // One renewal at a time: parallel uploads that all notice expiry wait for the same mint.
        if (this.inFlight)
            return this.inFlight;
        const attempt = Promise.resolve()
            .then(() => this.mint())
            .then(fresh => {
            this.token = fresh;
            if (reason)
                this.options.onRenew?.(`Minted a fresh upload token: ${reason}.`);
            return fresh;
        });
        this.inFlight = attempt;
        const settled = () => {
            if (this.inFlight === attempt)
                this.inFlight = undefined;
        };
        attempt.then(settled, settled);
        return attempt;
    }
}
/**
 * Runs one request with the source's current credentials; when it fails because the index found
 * the token expired, renews and runs it once more. The refused request stored nothing, so the
 * retry neither loses nor repeats an upload. `isExpired` tells an expiry refusal from others
 * (e.g. `e instanceof UploadError && isExpiredTokenResponse(e.status, e.indexMessage)`).
 */
async function withCurrentToken(source, attempt, isExpired) {
    const password = await source.current();
    try {
        return await attempt(source.user, password);
    }
    catch (error) {
        if (!isExpired(error))
            throw error;
        const fresh = await source.renew(password);
        if (fresh === undefined)
            throw error;
        return attempt(source.user, fresh);
    }
}

;// CONCATENATED MODULE: ./src/auth/credentials.ts




/** The user name API tokens and trusted publishing go with. */
const TOKEN_USER = '__token__';
/**
 * Which way to authenticate. A given password/token always wins. With none, and the user left as
 * `__token__`, trusted publishing — if the job can get an ID token at all; if it cannot, the
 * error explains both ways out, because the usual cause is a forgotten permission or an empty
 * secret (a typo in a secret's name reads as an empty string).
 */
function chooseCredential(settings, env) {
    if (settings.password) {
        return { method: 'token', user: settings.user, password: settings.password };
    }
    if (settings.user !== TOKEN_USER) {
        throw new TrustedPublishingError(`The user is '${settings.user}' but no password was given. Pass the password for ` +
            `'${settings.user}' as 'password' (from a secret), e.g. \`password: \${{ secrets.INDEX_PASSWORD }}\`. ` +
            'If you did, the secret is empty: a typo in its name reads as an empty string. ' +
            `(Trusted publishing applies only with the user left as '${TOKEN_USER}'.)`);
    }
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
        throw new TrustedPublishingError(noIdTokenMessage(env));
    }
    return { method: 'trusted-publishing' };
}
/**
 * The password source for the uploads. Under trusted publishing the first token is minted here,
 * so a refused exchange stops the run before anything is uploaded.
 */
async function resolveTokenSource(options) {
    const choice = chooseCredential(options.settings, options.env);
    if (choice.method === 'token')
        return new StaticTokenSource(choice.user, choice.password);
    const { log } = options;
    const host = new URL(options.settings.repositoryUrl).host;
    const minter = createTokenMinter({
        http: options.http,
        repositoryUrl: options.settings.repositoryUrl,
        getIdToken: options.getIdToken,
        onSecret: options.onSecret,
        now: options.now
    });
    const source = await MintedTokenSource.start(minter, {
        now: options.now,
        marginMs: options.renewMarginMs,
        onRenew: message => log.info(message)
    });
    const expires = source.expiresAt;
    log.info(`Trusted publishing: exchanged this workflow's GitHub ID token for a short-lived upload token ` +
        `at ${host}` +
        (expires ? `, valid until ${new Date(expires).toISOString()} (renewed as needed).` : '.'));
    return source;
}

;// CONCATENATED MODULE: ./src/dists/version.ts
/**
 * PEP 440 versions, parsed, normalized and ordered exactly as PyPI does it.
 *
 * PyPI (Warehouse) judges versions with `packaging.version.Version`; a version that packaging
 * refuses, or normalizes to something else, is what PyPI refuses or stores. This module follows
 * packaging ≥ 26.1 step by step (the regular expression, the spelling normalization, the comparison
 * key), including its ASCII-only letters and its Unicode-aware surrounding whitespace, so the
 * checks can quote the same canonical strings PyPI will quote. The tests compare it against the
 * Python reference on a table of tricky strings.
 */
/**
 * The characters Python's `\s` matches in a str pattern. packaging strips these around a version;
 * JavaScript's `\s` differs (it has U+FEFF, lacks U+001C–U+001F and U+0085), so they are listed.
 */
const PY_WHITESPACE = '[\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]';
/**
 * packaging's VERSION_PATTERN, anchored. The `i` flag without `u` folds ASCII letters only, which
 * is what packaging's `(?a:…)` groups do (so `ſ` is not an `s` and the Kelvin sign is not a `k`).
 * packaging uses possessive quantifiers for speed; for these groups they accept the same strings.
 */
const VERSION_RE = new RegExp(`^${PY_WHITESPACE}*v?` +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?:[._-]?(?<preL>alpha|a|beta|b|preview|pre|c|rc)[._-]?(?<preN>[0-9]+)?)?' +
    '(?:-(?<postN1>[0-9]+)|[._-]?(?<postL>post|rev|r)[._-]?(?<postN2>[0-9]+)?)?' +
    '(?:[._-]?(?<devL>dev)[._-]?(?<devN>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[._-][a-z0-9]+)*))?' +
    `${PY_WHITESPACE}*$`, 'i');
/**
 * Python's `int()` refuses strings of more than 4300 digits (CVE-2020-10735 mitigation), so
 * packaging raises on such a segment and PyPI can never accept it.
 */
const PYTHON_INT_MAX_DIGITS = 4300;
const PRE_SPELLINGS = {
    a: 'a',
    alpha: 'a',
    b: 'b',
    beta: 'b',
    c: 'rc',
    pre: 'rc',
    preview: 'rc',
    rc: 'rc'
};
class SegmentTooLong extends Error {
}
function toInt(digits) {
    if (digits.length > PYTHON_INT_MAX_DIGITS)
        throw new SegmentTooLong();
    return BigInt(digits);
}
/** Parses a version the way `packaging.version.Version(s)` does; undefined where it would raise. */
function parseVersion(text) {
    const m = VERSION_RE.exec(text);
    if (!m?.groups)
        return undefined;
    const g = m.groups;
    try {
        const parsed = {
            epoch: g.epoch === undefined ? 0n : toInt(g.epoch),
            release: g.release.split('.').map(toInt)
        };
        if (g.preL !== undefined) {
            parsed.pre = { label: PRE_SPELLINGS[g.preL.toLowerCase()], number: toInt(g.preN ?? '0') };
        }
        // `1.0-1` is the implicit post-release spelling; `post`, `rev` and `r` are all `.postN`.
        const postNumber = g.postN1 ?? g.postN2;
        if (g.postL !== undefined || postNumber !== undefined)
            parsed.post = toInt(postNumber ?? '0');
        if (g.devL !== undefined)
            parsed.dev = toInt(g.devN ?? '0');
        if (g.local !== undefined) {
            parsed.local = g.local
                .split(/[._-]/)
                .map(part => (/^[0-9]+$/.test(part) ? toInt(part) : part.toLowerCase()));
        }
        return parsed;
    }
    catch (e) {
        if (e instanceof SegmentTooLong)
            return undefined;
        throw e;
    }
}
/** The canonical string of a parsed version, as `str(Version(s))` writes it. */
function formatVersion(v) {
    let out = v.epoch !== 0n ? `${v.epoch}!` : '';
    out += v.release.join('.');
    if (v.pre)
        out += `${v.pre.label}${v.pre.number}`;
    if (v.post !== undefined)
        out += `.post${v.post}`;
    if (v.dev !== undefined)
        out += `.dev${v.dev}`;
    if (v.local)
        out += `+${v.local.join('.')}`;
    return out;
}
/** The canonical form of a version (`str(packaging.version.Version(s))`), or undefined if invalid. */
function normalizeVersion(text) {
    const parsed = parseVersion(text);
    return parsed && formatVersion(parsed);
}
/** The version without its local segment (`1.0+abc` → `1.0`), canonical; undefined if invalid. */
function publicVersion(text) {
    const parsed = parseVersion(text);
    return parsed && formatVersion({ ...parsed, local: undefined });
}
/** Whether the version has a local segment (`+…`), which PyPI refuses. False for invalid input. */
function isLocal(version) {
    const parsed = typeof version === 'string' ? parseVersion(version) : version;
    return parsed?.local !== undefined;
}
function toParsed(version) {
    if (typeof version !== 'string')
        return version;
    const parsed = parseVersion(version);
    if (!parsed)
        throw new TypeError(`Invalid version: '${version}'`);
    return parsed;
}
function cmp(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Compares two sequences element by element; a proper prefix sorts first (Python tuples). */
function cmpSeq(a, b, each) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
        const c = each(a[i], b[i]);
        if (c !== 0)
            return c;
    }
    return cmp(a.length, b.length);
}
function trimTrailingZeros(release) {
    let end = release.length;
    while (end > 0 && release[end - 1] === 0n)
        end--;
    return release.slice(0, end);
}
const PRE_RANK = { a: 0, b: 1, rc: 2 };
/**
 * The pre/post/dev part of packaging's comparison key, as one flat tuple:
 * dev-only releases (`1.0.dev1`) sort before any a/b/rc, final releases after rc;
 * no post sorts before a post; a dev sorts before no dev.
 */
function suffixKey(v) {
    let preRank;
    let preNumber = 0n;
    if (!v.pre && v.post === undefined && v.dev !== undefined)
        preRank = -1n;
    else if (!v.pre)
        preRank = 3n;
    else {
        preRank = BigInt(PRE_RANK[v.pre.label]);
        preNumber = v.pre.number;
    }
    return [
        preRank,
        preNumber,
        v.post === undefined ? 0n : 1n,
        v.post ?? 0n,
        v.dev === undefined ? 1n : 0n,
        v.dev ?? 0n
    ];
}
/** PEP 440: in a local segment, text parts sort before numbers; text compares as strings. */
function cmpLocalPart(a, b) {
    if (typeof a === 'bigint' && typeof b === 'bigint')
        return cmp(a, b);
    if (typeof a === 'string' && typeof b === 'string')
        return cmp(a, b);
    return typeof a === 'string' ? -1 : 1;
}
/**
 * PEP 440 ordering, as packaging sorts: negative if a < b, 0 if equal (`1.0` == `1.0.0`), positive
 * if a > b. Throws a TypeError for a string that is not a valid version.
 */
function compareVersions(a, b) {
    const x = toParsed(a);
    const y = toParsed(b);
    return (cmp(x.epoch, y.epoch) ||
        cmpSeq(trimTrailingZeros(x.release), trimTrailingZeros(y.release), cmp) ||
        cmpSeq(suffixKey(x), suffixKey(y), cmp) ||
        // A version without a local segment sorts before one with it.
        (x.local === undefined || y.local === undefined
            ? cmp(x.local === undefined ? 0 : 1, y.local === undefined ? 0 : 1)
            : cmpSeq(x.local, y.local, cmpLocalPart)));
}
/** Whether two versions are equal under PEP 440 (`1.0` and `1.0.0` are); false if either is invalid. */
function versionsEqual(a, b) {
    const x = parseVersion(a);
    const y = parseVersion(b);
    return x !== undefined && y !== undefined && compareVersions(x, y) === 0;
}

;// CONCATENATED MODULE: ./src/dists/filename.ts
/**
 * Project names and distribution filenames: normalization (PEP 503), wheel filename escaping
 * (PEP 427/491), sdist filenames (PEP 625), and which files are distributions at all.
 *
 * The parsers here are structural: they split a filename into its parts as written and leave the
 * judging (is the version valid, is the name normalized, is the platform allowed) to `check.ts`,
 * so one badly named file yields a precise problem instead of an unreadable "not a wheel".
 */

/** PEP 503 normalized name: lowercase, every run of `-`, `_`, `.` becomes one `-`. */
function normalizeName(name) {
    return name.replace(/[-_.]+/g, '-').toLowerCase();
}
/**
 * The name as a wheel or sdist filename must spell it: normalized, with `_` for `-` (the escaping
 * of the binary distribution format spec, which PyPI enforces for wheels and PEP 625 for sdists).
 */
function wheelNamePart(name) {
    return normalizeName(name).replace(/-/g, '_');
}
/** PEP 508 / core metadata `Name`: ASCII letters and digits at both ends, `.`, `_`, `-` inside. */
const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
function isValidProjectName(name) {
    return PROJECT_NAME_RE.test(name);
}
/**
 * Splits `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl` into its parts.
 * Undefined when the shape is wrong: not `.whl`, not five or six parts, an empty part or tag,
 * or a build tag that does not start with a digit. The version and name are returned as written.
 */
function parseWheelFilename(filename) {
    if (!filename.endsWith('.whl'))
        return undefined;
    const parts = filename.slice(0, -'.whl'.length).split('-');
    if (parts.length !== 5 && parts.length !== 6)
        return undefined;
    if (parts.some(p => p === ''))
        return undefined;
    const [distribution, version] = parts;
    const build = parts.length === 6 ? parts[2] : undefined;
    if (build !== undefined && !/^[0-9]/.test(build))
        return undefined;
    const [pythonTag, abiTag, platformTag] = parts.slice(-3);
    const pythonTags = pythonTag.split('.');
    const abiTags = abiTag.split('.');
    const platformTags = platformTag.split('.');
    if ([...pythonTags, ...abiTags, ...platformTags].some(t => t === ''))
        return undefined;
    return {
        distribution,
        version,
        ...(build !== undefined ? { build } : {}),
        pythonTags,
        abiTags,
        platformTags,
        pythonTag
    };
}
/**
 * Splits `{name}-{version}.tar.gz` (or `.zip`) on the last `-`, as packaging does: a PEP 440
 * version has no `-` in its canonical form. Undefined without a `-` or with an empty part.
 */
function parseSdistFilename(filename) {
    const extension = filename.endsWith('.tar.gz')
        ? '.tar.gz'
        : filename.endsWith('.zip')
            ? '.zip'
            : undefined;
    if (!extension)
        return undefined;
    const stem = filename.slice(0, -extension.length);
    const dash = stem.lastIndexOf('-');
    if (dash <= 0 || dash === stem.length - 1)
        return undefined;
    return { name: stem.slice(0, dash), version: stem.slice(dash + 1), extension };
}
/**
 * The one sdist filename PyPI accepts for a release (PEP 625):
 * `{normalized name with _}-{canonical version}.tar.gz`.
 */
function expectedSdistFilename(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}.tar.gz`;
}
/** How a wheel filename for this release should begin: `{name with _}-{canonical version}-`. */
function expectedWheelPrefix(name, version) {
    return `${wheelNamePart(name)}-${normalizeVersion(version) ?? version}-`;
}
/**
 * What kind of distribution a filename names, by its extension: a wheel, an sdist, or a `.zip`
 * sdist (a form PyPI refuses since PEP 625, reported rather than ignored). Undefined for anything
 * else (attestations, checksums, `.egg`…).
 */
function distKindOf(filename) {
    if (filename.endsWith('.whl') && filename.length > '.whl'.length)
        return 'wheel';
    if (filename.endsWith('.tar.gz') && filename.length > '.tar.gz'.length)
        return 'sdist';
    if (filename.endsWith('.zip') && filename.length > '.zip'.length)
        return 'zip-sdist';
    return undefined;
}

;// CONCATENATED MODULE: ./src/auth/nudge.ts


/** The upload hosts we know the web side of: where a project's publishing settings live. */
const WEB_ORIGIN_BY_UPLOAD_HOST = {
    'upload.pypi.org': 'https://pypi.org',
    'pypi.org': 'https://pypi.org',
    'test.pypi.org': 'https://test.pypi.org'
};
/**
 * A notice for runs that publish to PyPI or TestPyPI with a long-lived token: trusted publishing
 * needs no secret and enables attestations, and the link opens the project's publishing settings
 * with owner, repository and workflow file filled in, so switching takes one click and one
 * permission line. undefined when it does not apply.
 */
function trustedPublishingNudge(options) {
    if (!options.usedToken || options.projects.length === 0)
        return undefined;
    let host;
    try {
        host = new URL(options.repositoryUrl).host;
    }
    catch {
        return undefined;
    }
    const web = WEB_ORIGIN_BY_UPLOAD_HOST[host];
    if (!web)
        return undefined;
    const [owner, repo] = (options.env.GITHUB_REPOSITORY ?? '').split('/');
    const workflow = parseWorkflowRef(options.env.GITHUB_WORKFLOW_REF);
    const params = new URLSearchParams({ provider: 'github' });
    if (owner && repo) {
        params.set('owner', owner);
        params.set('repository', repo);
    }
    if (workflow)
        params.set('workflow_filename', workflow.filename);
    const names = [...new Set(options.projects.map(normalizeName))];
    const links = names.map(name => `  ${web}/manage/project/${encodeURIComponent(name)}/settings/publishing/?${params.toString()}`);
    return [
        `This run published to ${new URL(web).host} with a long-lived API token. Consider trusted ` +
            'publishing instead: no secret to leak or rotate, and each file gets a signed attestation ' +
            'of where it was built.',
        `Add this workflow as a trusted publisher (the form opens pre-filled):`,
        ...links,
        'then give the publishing job `permissions: id-token: write` and remove the token input.',
        'https://docs.pypi.org/trusted-publishers/'
    ].join('\n');
}

// EXTERNAL MODULE: ./node_modules/@sigstore/bundle/dist/index.js
var dist = __webpack_require__(1040);
;// CONCATENATED MODULE: ./src/attest/sign.ts


/**
 * PEP 740 publish attestations (protocol §6): an in-toto statement naming one distribution, signed
 * as a DSSE envelope with a short-lived Sigstore certificate bound to this workflow's identity,
 * logged in Rekor, then reshaped from a Sigstore bundle into the object PyPI takes in the
 * `attestations` form field.
 */
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const PUBLISH_PREDICATE_TYPE = 'https://docs.pypi.org/attestations/publish/v1';
/** The DSSE payload type of an in-toto statement. */
const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';
const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';
/** The statement's bytes. Exactly one subject: PyPI refuses more. */
function publishStatement(subject) {
    const statement = {
        _type: STATEMENT_TYPE,
        subject: [{ name: subject.filename, digest: { sha256: subject.sha256.toLowerCase() } }],
        predicateType: PUBLISH_PREDICATE_TYPE,
        predicate: {}
    };
    return Buffer.from(JSON.stringify(statement), 'utf8');
}
/**
 * Signs a publish attestation for one distribution. Throws AttestationError when any step fails
 * (ID token, Fulcio, Rekor): the caller must stop before uploading, since a release published
 * without its attestation cannot get one later.
 */
async function createAttestation(subject, config) {
    const timeout = config.timeoutMs ?? 30_000;
    // Loaded on first use: @sigstore/sign brings an HTTP stack of its own (make-fetch-happen,
    // cacache…) that every run would otherwise parse at start-up, attesting or not (~110 ms).
    const { DSSEBundleBuilder, FulcioSigner, RekorWitness } = await __webpack_require__.e(/* import() */ 179).then(__webpack_require__.bind(__webpack_require__, 5179));
    const builder = new DSSEBundleBuilder({
        signer: new FulcioSigner({
            identityProvider: { getToken: () => config.getIdToken('sigstore') },
            fulcioBaseURL: config.fulcioUrl ?? PUBLIC_FULCIO_URL,
            timeout,
            retry: 2
        }),
        witnesses: [
            new RekorWitness({
                rekorBaseURL: config.rekorUrl ?? PUBLIC_REKOR_URL,
                // PyPI verifies `dsse` entries (the kind sigstore-python writes for DSSE envelopes).
                entryType: 'dsse',
                majorApiVersion: 1,
                timeout,
                retry: 2
            })
        ]
    });
    let bundle;
    try {
        bundle = await builder.create({ data: publishStatement(subject), type: INTOTO_PAYLOAD_TYPE });
    }
    catch (error) {
        throw new AttestationError(`Signing the attestation for ${subject.filename} failed: ${describeSigningError(error)}\n` +
            'Nothing was uploaded. Retry the job; if it keeps failing, check https://status.sigstore.dev ' +
            'or publish without attestations (`attestations: false`).', { cause: error });
    }
    return bundleToAttestation(bundle);
}
/**
 * A Sigstore bundle (DSSE, one signature, one tlog entry) in PyPI's shape: the leaf certificate,
 * the Rekor entry, and the envelope's payload and signature. The statement keeps the exact bytes
 * that were signed.
 */
function bundleToAttestation(bundle) {
    const json = (0,dist.bundleToJSON)(bundle);
    const material = json.verificationMaterial;
    const certificate = material?.certificate?.rawBytes ?? material?.x509CertificateChain?.certificates[0]?.rawBytes;
    const envelope = json.dsseEnvelope;
    if (!certificate)
        throw new AttestationError('the Sigstore bundle has no signing certificate');
    if (!envelope)
        throw new AttestationError('the Sigstore bundle holds no DSSE envelope');
    if (envelope.signatures.length !== 1) {
        throw new AttestationError(`the DSSE envelope has ${envelope.signatures.length} signatures; exactly one is expected`);
    }
    const entry = material?.tlogEntries[0];
    if (!entry)
        throw new AttestationError('the Sigstore bundle has no transparency log entry');
    return {
        version: 1,
        verification_material: {
            certificate,
            transparency_entries: [withoutUndefined(entry)]
        },
        envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig }
    };
}
/** JSON-ready copy (absent optional protobuf fields are `undefined` in the serialized bundle). */
function withoutUndefined(value) {
    return JSON.parse(JSON.stringify(value));
}
/** @sigstore/sign wraps HTTP failures in InternalError; the useful words are in the causes. */
function describeSigningError(error) {
    const parts = [];
    let current = error;
    for (let depth = 0; current && depth < 4; depth++) {
        const text = current instanceof Error ? current.message : String(current);
        if (text && !parts.includes(text))
            parts.push(text);
        current = current instanceof Error ? current.cause : undefined;
    }
    return parts.join(': ') || 'unknown error';
}

;// CONCATENATED MODULE: ./src/attest/files.ts




/** The suffix other tools (pypi-attestations, the official action) give a publish attestation. */
const ATTESTATION_SUFFIX = '.publish.attestation';
/**
 * Reads `<dist>.publish.attestation` beside a distribution, made by another tool, so it can be
 * sent with the file. undefined when there is none. A file that is there but malformed, or that
 * attests another file (e.g. left over from an earlier build), throws: sending it would make the
 * index refuse the upload, and silently dropping it would publish without the attestation the
 * user prepared.
 */
async function findExistingAttestation(distPath, sha256) {
    const file = `${distPath}${ATTESTATION_SUFFIX}`;
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw new AttestationError(`Cannot read ${file}: ${error.message}`, { cause: error });
    }
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        throw new AttestationError(`${file} is not JSON, so it is not an attestation. Remove it or remake it.`);
    }
    const problems = attestationProblems(value, { filename: external_node_path_default().basename(distPath), sha256 });
    if (problems.length > 0) {
        throw new AttestationError(`${file} is not a usable publish attestation for ${external_node_path_default().basename(distPath)}:\n` +
            problems.map(p => `  - ${p}`).join('\n') +
            '\nRemove it, or remake it for this file.');
    }
    return value;
}
/**
 * Writes an attestation as `<filename>.publish.attestation` into `dir`, which must NOT be the
 * packages directory: a second publish in the same job (TestPyPI, then PyPI) would find the file
 * and send it again beside a fresh one (the official action's #283/#319). Returns the path.
 */
async function writeAttestation(dir, filename, attestation) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const file = external_node_path_default().join(dir, `${filename}${ATTESTATION_SUFFIX}`);
    await (0,promises_.writeFile)(file, `${JSON.stringify(attestation)}\n`, 'utf8');
    return file;
}
/**
 * What is wrong with `value` as a publish attestation for `subject` ([] when nothing): the shape
 * PyPI checks, and a statement naming exactly this file and digest with the publish predicate.
 * The signature is not verified here; the index does that.
 */
function attestationProblems(value, subject) {
    const problems = [];
    if (!isObject(value))
        return ['it is not a JSON object'];
    if (value.version !== 1)
        problems.push(`"version" is ${JSON.stringify(value.version)}, not 1`);
    const material = value.verification_material;
    if (!isObject(material)) {
        problems.push('"verification_material" is missing');
    }
    else {
        if (!isBase64(material.certificate)) {
            problems.push('"verification_material.certificate" is not base64 (DER certificate)');
        }
        const entries = material.transparency_entries;
        if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isObject)) {
            problems.push('"verification_material.transparency_entries" is not a non-empty list of objects');
        }
    }
    const envelope = value.envelope;
    if (!isObject(envelope)) {
        problems.push('"envelope" is missing');
        return problems;
    }
    if (!isBase64(envelope.signature))
        problems.push('"envelope.signature" is not base64');
    if (!isBase64(envelope.statement)) {
        problems.push('"envelope.statement" is not base64');
        return problems;
    }
    let statement;
    try {
        statement = JSON.parse(Buffer.from(envelope.statement, 'base64').toString('utf8'));
    }
    catch {
        problems.push('the statement is not JSON');
        return problems;
    }
    if (!isObject(statement))
        return [...problems, 'the statement is not a JSON object'];
    if (statement._type !== STATEMENT_TYPE) {
        problems.push(`the statement's _type is ${JSON.stringify(statement._type)}, not ${STATEMENT_TYPE}`);
    }
    if (statement.predicateType !== PUBLISH_PREDICATE_TYPE) {
        problems.push(`the predicate type is ${JSON.stringify(statement.predicateType)}, not ${PUBLISH_PREDICATE_TYPE}`);
    }
    const subjects = statement.subject;
    if (!Array.isArray(subjects) || subjects.length !== 1) {
        problems.push('the statement must have exactly one subject');
        return problems;
    }
    const only = subjects[0];
    const name = isObject(only) ? only.name : undefined;
    const digest = isObject(only) && isObject(only.digest) ? only.digest.sha256 : undefined;
    if (name !== subject.filename) {
        problems.push(`it attests ${JSON.stringify(name)}, not ${subject.filename}`);
    }
    if (typeof digest !== 'string' || digest.toLowerCase() !== subject.sha256.toLowerCase()) {
        problems.push(`it attests sha256 ${String(digest)}, but the file's is ${subject.sha256} ` +
            '(the file was rebuilt after the attestation was made?)');
    }
    return problems;
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isBase64(value) {
    return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

;// CONCATENATED MODULE: ./src/attest/prepare.ts



/**
 * Every attestation of the run, made before the first upload so that a signing failure stops
 * the run with nothing published. A `<dist>.publish.attestation` made by another tool is sent
 * instead of signing a new one (two of the same predicate type would be refused). Returns them
 * by filename; a distribution without an entry is uploaded without the field.
 */
async function prepareAttestations(dists, options) {
    const { log } = options;
    const prepared = new Map();
    if (!options.decision.sign) {
        if ('warning' in options.decision && options.decision.warning) {
            log.warning(options.decision.warning);
        }
        return prepared;
    }
    for (const dist of dists) {
        const found = await findExistingAttestation(dist.path, dist.digests.sha256);
        if (found) {
            const file = `${dist.path}${ATTESTATION_SUFFIX}`;
            log.info(`${dist.filename}: sending the attestation found beside it (${external_node_path_default().basename(file)})`);
            prepared.set(dist.filename, {
                filename: dist.filename,
                attestations: [found],
                path: file,
                origin: 'found'
            });
            continue;
        }
        const attestation = await createAttestation({ filename: dist.filename, sha256: dist.digests.sha256 }, options.signer);
        const file = await writeAttestation(options.outputDir, dist.filename, attestation);
        log.info(`${dist.filename}: signed a publish attestation (${file})`);
        prepared.set(dist.filename, {
            filename: dist.filename,
            attestations: [attestation],
            path: file,
            origin: 'signed'
        });
    }
    return prepared;
}
/** The upload form field for a distribution's attestations. */
function attestationsField(prepared) {
    return ['attestations', JSON.stringify(prepared.attestations)];
}

// EXTERNAL MODULE: ./src/process/run-process.ts + 1 modules
var run_process = __webpack_require__(2748);
;// CONCATENATED MODULE: ./src/builder/outputs.ts
/**
 * Which distributions a build made: the output folder is listed before and after, and the `.whl`
 * and `.tar.gz` files that are new or were rewritten are the build's. A custom build command says
 * nothing about what it wrote, so this is how its files are found; files already in the folder
 * and left alone (a stale release, say) are not counted.
 */


const BUILT_FILE = /\.(whl|tar\.gz)$/i;
/** The distribution files under `dir` (nested too), by absolute path; empty if `dir` is missing. */
async function snapshotOutputs(dir) {
    const files = new Map();
    await walk(external_node_path_default().resolve(dir), files);
    return files;
}
/** The files of `after` that `before` did not have, or had in another state; sorted. */
function changedOutputs(before, after) {
    return [...after]
        .filter(([file, state]) => before.get(file) !== state)
        .map(([file]) => file)
        .sort();
}
async function walk(dir, files) {
    let entries;
    try {
        entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return;
        throw error;
    }
    for (const entry of entries) {
        const full = external_node_path_default().join(dir, entry.name);
        if (entry.isDirectory())
            await walk(full, files);
        else if (entry.isFile() && BUILT_FILE.test(entry.name)) {
            const info = await (0,promises_.stat)(full, { bigint: true });
            // Nanosecond times: a rebuild that writes the same bytes within a millisecond still shows.
            files.set(full, `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`);
        }
    }
}

// EXTERNAL MODULE: ./src/process/python.ts
var process_python = __webpack_require__(6595);
;// CONCATENATED MODULE: ./src/builder/python.ts



const VERSION_TIMEOUT_MS = 60_000;
const HOW_TO_FIX = 'Add a step before this one that provides it, e.g. actions/setup-python followed by ' +
    "'python -m pip install build', or set build-command to the command that builds your project.";
/** Throws an Error saying what was tried and how to fix it when no Python can build. */
async function findBuildPython(options) {
    const { run, env, log } = options;
    const unusable = [];
    /** The first Python that runs but has no `build`: the one to install it for. */
    let lacking;
    for (const python of options.python ? [options.python] : (0,process_python/* defaultPythons */.h)()) {
        const result = await run(python, ['-m', 'build', '--version'], {
            env,
            timeoutMs: VERSION_TIMEOUT_MS
        });
        if (result.exitCode === 0) {
            return { python, env, version: firstLine(result.stdout), dispose: async () => undefined };
        }
        if (result.spawnError || result.timedOut) {
            unusable.push(`${python}: ${(0,run_process/* describeFailure */.Ic)(result)}`);
            continue;
        }
        log.debug(`${python} -m build --version: ${(0,run_process/* describeFailure */.Ic)(result)}`);
        lacking ??= { python, why: (0,run_process/* lastOutputLine */.Cl)(result.stderr || result.stdout) };
    }
    if (!lacking) {
        throw new Error(`No Python found to build with (${unusable.join('; ')}). ${HOW_TO_FIX}`);
    }
    return installBuild(lacking.python, lacking.why, options);
}
/** Installs `build` into a temporary folder and checks that `python -m build` then runs. */
async function installBuild(python, why, options) {
    const { run, log } = options;
    log.info(`${python} cannot run 'python -m build' (${why}); installing it: ${python} -m pip install --target <a temporary folder> build`);
    const install = await (0,process_python/* installTemporarily */.O)(run, python, 'build', {
        env: options.env,
        timeoutMs: options.installTimeoutMs ?? 300_000,
        onLine: line => log.info(line)
    });
    if (!install.ok) {
        throw new Error(`${python} has no 'build' module (${why}), and installing it failed: ${install.command} ${install.failure}. ${HOW_TO_FIX}`);
    }
    const check = await run(python, ['-m', 'build', '--version'], {
        env: install.env,
        timeoutMs: VERSION_TIMEOUT_MS
    });
    if (check.exitCode !== 0) {
        await install.dispose();
        throw new Error(`'build' was installed for ${python} (${install.command}), but '${python} -m build --version' then ${(0,run_process/* describeFailure */.Ic)(check)}. ${HOW_TO_FIX}`);
    }
    return { python, env: install.env, version: firstLine(check.stdout), dispose: install.dispose };
}
function firstLine(text) {
    return text.trim().split(/\r?\n/)[0] ?? '';
}

;// CONCATENATED MODULE: ./src/builder/shell.ts
/**
 * How a custom build command (`uv build`, `hatch build && …`) is run: through the platform's shell,
 * the way a workflow's `run:` line is, so pipes, `&&` and quoting work as the user wrote them.
 */
function shellInvocation(commandLine, platform = process.platform, env = process.env) {
    if (platform === 'win32') {
        // What Node's `shell: true` does: /d skips AutoRun, /s keeps the quoted line as written.
        return {
            command: env.ComSpec ?? 'cmd.exe',
            args: ['/d', '/s', '/c', `"${commandLine}"`],
            windowsVerbatimArguments: true
        };
    }
    return { command: '/bin/sh', args: ['-c', commandLine], windowsVerbatimArguments: false };
}

;// CONCATENATED MODULE: ./src/builder/build.ts
/**
 * The optional build step: makes the distributions before they are published, as Travis's dpl
 * did, so a workflow needs no separate build step. By default `python -m build` (PyPA's front end,
 * which runs any PEP 517 backend); a custom command (`uv build`, `hatch build`) runs instead when
 * given. The build's output is streamed line by line into a log group; a failed build stops the
 * run with the command and the tail of its output, which is where every build tool says why.
 */






/** A build that failed: the command, how it ended, and the last lines of its output. */
class BuildError extends Error {
    command;
    outputTail;
    constructor(message, command, outputTail) {
        super(outputTail.length > 0 ? `${message}\n${outputTail.join('\n')}` : message);
        this.command = command;
        this.outputTail = outputTail;
        this.name = 'BuildError';
    }
}
/** How many of the last lines of output a failure shows. */
const OUTPUT_TAIL_LINES = 30;
async function buildDistributions(options) {
    const { log } = options;
    const run = options.run ?? run_process/* runProcess */.R3;
    const workingDirectory = external_node_path_default().resolve(options.workingDirectory);
    const outDir = external_node_path_default().resolve(options.outDir);
    await requireDirectory(workingDirectory);
    // Unbuffered Python output keeps stdout and stderr lines in the order they were written.
    const env = { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' };
    const before = await snapshotOutputs(outDir);
    const command = await log.group(`Building distributions in ${workingDirectory}`, async () => {
        if (options.buildCommand !== undefined && options.buildCommand.trim() !== '') {
            const shell = shellInvocation(options.buildCommand, process.platform, env);
            await runBuild(run, options.buildCommand, shell.command, shell.args, {
                cwd: workingDirectory,
                env,
                log,
                timeoutMs: options.timeoutMs,
                windowsVerbatimArguments: shell.windowsVerbatimArguments
            });
            return options.buildCommand;
        }
        const python = await findBuildPython({ python: options.python, env, log, run });
        try {
            log.info(`Using ${python.version} with ${python.python}`);
            const args = [
                '-m',
                'build',
                ...kindFlags(options.distributions),
                '--outdir',
                outDir,
                ...(options.extraArgs ?? [])
            ];
            const shown = displayCommand(python.python, args);
            await runBuild(run, shown, python.python, args, {
                cwd: workingDirectory,
                env: python.env,
                log,
                timeoutMs: options.timeoutMs
            });
            return shown;
        }
        finally {
            await python.dispose();
        }
    });
    const files = changedOutputs(before, await snapshotOutputs(outDir));
    if (files.length === 0) {
        throw new BuildError(`The build (${command}) succeeded but wrote no .whl or .tar.gz file into ${outDir}, the folder that is published. ` +
            'Make the build write there (e.g. uv build --out-dir, hatch build <dir>) or point packages-dir at where it writes.', command, []);
    }
    for (const file of files)
        log.info(`Built ${external_node_path_default().relative(outDir, file)}`);
    return { files, command };
}
/** `python -m build` makes both by default, the wheel from the sdist, which tests the sdist too. */
function kindFlags(kinds) {
    if (kinds.has('sdist') && kinds.has('wheel'))
        return [];
    if (kinds.has('sdist'))
        return ['--sdist'];
    if (kinds.has('wheel'))
        return ['--wheel'];
    throw new Error("Nothing to build: 'distributions' names neither sdist nor wheel.");
}
/** Runs the build, every line of output into the log; throws a BuildError if it fails. */
async function runBuild(run, shown, command, args, options) {
    const { log } = options;
    log.info(`$ ${shown}`);
    const tail = [];
    const result = await run(command, args, {
        cwd: options.cwd,
        env: options.env,
        timeoutMs: options.timeoutMs,
        windowsVerbatimArguments: options.windowsVerbatimArguments,
        onLine: line => {
            log.info(line);
            tail.push(line);
            if (tail.length > OUTPUT_TAIL_LINES)
                tail.shift();
        }
    });
    if (result.exitCode === 0)
        return;
    const intro = tail.length > 0 ? ` Its last ${tail.length} line(s) of output:` : ' It wrote nothing.';
    throw new BuildError(`The build failed: ${shown} ${ending(result)} (in ${options.cwd}).${intro}`, shown, tail);
}
function ending(result) {
    if (result.spawnError?.code === 'ENOENT')
        return 'could not be started: the program was not found';
    if (result.spawnError)
        return `could not be started (${result.spawnError.message})`;
    if (result.timedOut)
        return 'took too long and was stopped';
    if (result.exitCode === null)
        return 'was stopped by a signal';
    return `exited with code ${result.exitCode}`;
}
async function requireDirectory(dir) {
    const info = await (0,promises_.stat)(dir).catch(() => undefined);
    if (!info?.isDirectory()) {
        throw new Error(`The working directory to build in, ${dir}, is not a folder. Check working-directory.`);
    }
}
/** A command line for the log, arguments with spaces quoted. */
function displayCommand(command, args) {
    return [command, ...args].map(a => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ');
}

;// CONCATENATED MODULE: ./src/upload/form.ts
/**
 * The upload form for one distribution, field by field what twine sends (protocol doc §1):
 * the action fields, the core metadata, the file's type and python tag, and its digests.
 * md5 is sent too: twine ≥ 6.2 dropped it, but some self-hosted indexes still use it, and PyPI
 * only checks that it matches.
 */
function uploadFields(dist, extra = []) {
    return [
        [':action', 'file_upload'],
        ['protocol_version', '1'],
        ...dist.metadataFields,
        ['filetype', dist.filetype],
        ['pyversion', dist.pyversion],
        ['md5_digest', dist.digests.md5],
        ['sha256_digest', dist.digests.sha256],
        ['blake2_256_digest', dist.digests.blake2_256],
        ...extra
    ];
}

;// CONCATENATED MODULE: ./src/pipeline/dry-run.ts




/**
 * A dry run goes as far as it can without sending a file or spending a token: the credential
 * choice, the index's trusted-publishing audience, and each file's upload form.
 */
async function dryRunChecks(settings, deps, http, dists) {
    const { log } = deps;
    const choice = chooseCredential(settings, deps.env);
    if (choice.method === 'trusted-publishing') {
        const audience = await fetchAudience(http, settings.repositoryUrl);
        log.info(`Dry run: trusted publishing is available at the index (audience '${audience}'); no token minted.`);
    }
    else {
        log.info(`Dry run: would authenticate as '${choice.user}' with the given token.`);
    }
    for (const dist of dists) {
        const fields = uploadFields(dist);
        log.info(`Dry run: would upload ${dist.filename} (${formatSize(dist.size)}, ${fields.length} form fields)`);
    }
}

// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __webpack_require__(1692);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: ./node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __webpack_require__(4942);
;// CONCATENATED MODULE: ./src/shared/version.ts
/** The action's own version, sent in the User-Agent. A test keeps it equal to package.json's. */
const ACTION_VERSION = '0.1.0';
const ACTION_NAME = 'pypi-publish';
const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} (node ${process.versions.node}; ${process.platform})`;

;// CONCATENATED MODULE: ./src/shared/http.ts






/**
 * The slowest upload rate that still counts as progress, in bytes per second: a request body may
 * take its size at this rate on top of the answer's deadline. 16 KiB/s is a 128 kbit/s link, so
 * any real link finishes long before; a server that reads a few bytes a second (which keeps the
 * inactivity timeout from ever firing) cannot hold a 100 MiB upload for more than ~2 hours.
 */
const SLOWEST_SEND_RATE = 16 * 1024;
/**
 * The one HTTP client of a run: uploads, simple-index reads and token exchanges share its
 * keep-alive connections, its User-Agent and its policy. Redirects are never followed here:
 * the caller decides, so credentials are never replayed to another host.
 *
 * Every request is bounded in size and time. Its answer is read up to the caller's cap. The
 * inactivity timeout (`timeout`) only measures gaps, so an index that trickles a byte a second
 * would keep a request alive for ever; each request therefore also has a deadline:
 *
 * - the answer (headers and body) must arrive in full within twice `timeout` of the request body
 *   having been handed over (at once for a GET). Twice, so a silent index is still reported by the
 *   inactivity timeout, which says more, and a slow index gets a whole `timeout` for its answer on
 *   top of the time it may think in silence; answers are small (capped), so this is generous;
 * - the whole request must end within `connect-timeout` + twice `timeout` + the body's size at
 *   SLOWEST_SEND_RATE: an upload is never cut for being large on a slow link, only a server that
 *   reads it at a trickle is.
 */
class Http {
    client;
    connectTimeoutMs;
    timeoutMs;
    armed = new WeakSet();
    /** Handed to the next request the client prepares (see `request`). */
    nextSignal;
    constructor(options = {}) {
        this.connectTimeoutMs = options.connectTimeoutMs ?? 30_000;
        this.timeoutMs = options.timeoutMs ?? 120_000;
        // @actions/http-client offers no way to abort a request; its handlers may change the options
        // of each request it prepares, and Node's `signal` option then destroys that request (and
        // its socket, new or reused) when a deadline passes.
        const signalHandler = {
            prepareRequest: (options) => {
                if (this.nextSignal)
                    options.signal = this.nextSignal;
                this.nextSignal = undefined;
            },
            canHandleAuthentication: () => false,
            handleAuthentication: () => Promise.reject(new Error('unused'))
        };
        this.client = new lib/* HttpClient */.Qq(USER_AGENT, [signalHandler], {
            allowRedirects: false,
            allowRetries: false,
            keepAlive: true,
            socketTimeout: this.timeoutMs
        });
    }
    /**
     * @actions/http-client has one inactivity timeout and no connect timeout; a host that drops SYNs
     * would only fail after the (long) inactivity timeout. So each new socket of the client's agent
     * gets its own connect deadline. Its inactivity timeout only half-closes the socket
     * (`socket.end()`), which leaves a stalled connection (and the file it streams from) open until
     * the server lets go, so a socket that times out is destroyed here instead.
     */
    armSockets(url) {
        const agent = this.client.getAgent(url);
        if (this.armed.has(agent) || typeof agent.createConnection !== 'function')
            return;
        this.armed.add(agent);
        const create = agent.createConnection.bind(agent);
        const limit = this.connectTimeoutMs;
        const inactivity = this.timeoutMs;
        agent.createConnection = (options, callback) => {
            const socket = create(options, callback);
            const timer = setTimeout(() => {
                const error = Object.assign(new Error(`could not connect within ${seconds(limit)} s`), {
                    code: 'ECONNECTTIMEOUT'
                });
                socket.destroy(error);
            }, limit);
            timer.unref();
            const clear = () => clearTimeout(timer);
            socket.once(socket instanceof external_node_tls_.TLSSocket ? 'secureConnect' : 'connect', clear);
            socket.once('close', clear);
            // Emitted only while a request has set the socket's timeout (idle pooled sockets have none).
            socket.on('timeout', () => socket.destroy(inactivityError(inactivity)));
            return socket;
        };
    }
    async request(method, url, options) {
        const headers = { ...(options.headers ?? {}) };
        const body = options.body?.() ?? null;
        this.armSockets(url);
        const controller = new AbortController();
        const timers = [];
        let expired;
        let onExpired = () => undefined;
        const expire = (error) => {
            if (expired)
                return;
            expired = error;
            controller.abort(error);
            onExpired(error);
        };
        const after = (ms, error) => {
            timers.push(setTimeout(() => expire(error()), Math.max(0, ms)));
        };
        const answerMs = 2 * this.timeoutMs;
        const sendMs = (bodyBytes(body, headers) / SLOWEST_SEND_RATE) * 1000;
        const wholeMs = Math.round(this.connectTimeoutMs + answerMs + sendMs);
        after(wholeMs, () => deadlineError(wholeMs, 'the request', `connect-timeout and twice 'timeout'${sendMs >= 1 ? `, plus the body's size at ${formatSize(SLOWEST_SEND_RATE)}/s` : ''}`));
        if (body instanceof external_node_stream_.Readable) {
            body.once('end', () => after(answerMs, () => deadlineError(answerMs, 'the answer to the sent request', "twice 'timeout'")));
        }
        if (options.timeLimit) {
            const { ms, reason } = options.timeLimit;
            after(ms, () => Object.assign(new Error(`${reason} before the answer came`), { code: 'EDEADLINE' }));
        }
        const exchange = async () => {
            this.nextSignal = controller.signal;
            // The client prepares the request synchronously in this call, taking the signal.
            const pending = this.client.request(method, url, body, headers);
            this.nextSignal = undefined;
            const response = await pending;
            return {
                status: response.message.statusCode ?? 0,
                statusText: response.message.statusMessage ?? '',
                headers: response.message.headers,
                body: await this.readAnswer(response.message, url, options.cap)
            };
        };
        const deadline = new Promise((_, reject) => (onExpired = reject));
        const work = exchange();
        work.catch(() => undefined); // lost the race to a deadline: already reported
        try {
            return await Promise.race([work, deadline]);
        }
        catch (error) {
            // A body left half-sent would keep its file open: nothing else ever reads it to the end.
            if (body instanceof external_node_stream_.Readable)
                body.destroy();
            if (expired)
                throw new NetworkError(url, expired);
            if (error instanceof AnswerTooLargeError)
                throw error;
            throw new NetworkError(url, this.explain(error));
        }
        finally {
            for (const timer of timers)
                clearTimeout(timer);
        }
    }
    /** @actions/http-client reports its inactivity timeout as "Request timeout: <path>". */
    explain(error) {
        if (error instanceof Error && /^Request timeout/.test(error.message)) {
            return inactivityError(this.timeoutMs);
        }
        return error;
    }
    /**
     * The capped body. @actions/http-client's readBody() waits for 'end' only, so a server that
     * sends its headers and then stalls (or a connection cut mid-body) would hang the run for ever:
     * here every failure rejects, and silence longer than the inactivity timeout is a failure.
     */
    async readAnswer(message, url, cap) {
        const socket = message.socket;
        let timer;
        const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(() => message.destroy(inactivityError(this.timeoutMs)), this.timeoutMs);
        };
        arm();
        message.on('data', arm);
        try {
            return await readCappedBody(message, url, cap);
        }
        catch (error) {
            if (error instanceof AnswerTooLargeError)
                throw error;
            // A socket destroyed by its inactivity timeout surfaces here as a bare "aborted".
            throw socket?.errored ?? error;
        }
        finally {
            clearTimeout(timer);
        }
    }
    async get(url, cap, headers = {}, timeLimit) {
        return this.request('GET', url, { headers, cap, timeLimit });
    }
    /** Closes keep-alive sockets so nothing holds the process open. */
    dispose() {
        this.client.dispose();
    }
}
/** The size of a request body, from its Content-Length (0 when there is none). */
function bodyBytes(body, headers) {
    if (typeof body === 'string')
        return Buffer.byteLength(body);
    for (const [name, value] of Object.entries(headers)) {
        if (name.toLowerCase() === 'content-length' && Number(value) > 0)
            return Number(value);
    }
    return 0;
}
function deadlineError(ms, what, basis) {
    return Object.assign(new Error(`${what} did not complete within ${seconds(ms)} s (${basis}), although data kept moving: ` +
        "the index sends or reads too slowly. Raise 'timeout' if it is only slow."), { code: 'EDEADLINE' });
}
function inactivityError(timeoutMs) {
    return Object.assign(new Error(`no data sent or received for ${seconds(timeoutMs)} s`), {
        code: 'ETIMEDOUT'
    });
}
function seconds(ms) {
    return String(Math.round(ms / 100) / 10);
}
/** No (complete) HTTP answer: refused, reset, DNS, TLS, the inactivity timeout or a deadline. */
class NetworkError extends Error {
    url;
    code;
    constructor(url, cause) {
        const code = cause?.code;
        const detail = cause instanceof Error ? cause.message : String(cause);
        super(`No answer from ${new URL(url).origin}: ${describeNetworkFailure(code, detail)}`);
        this.url = url;
        this.name = 'NetworkError';
        this.code = code ?? (/timeout/i.test(detail) ? 'ETIMEDOUT' : undefined);
    }
}
function describeNetworkFailure(code, detail) {
    switch (code) {
        case 'ECONNREFUSED':
            return 'connection refused (is the URL right, and is the index running?)';
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return 'the host name does not resolve (check the URL for typos)';
        case 'ECONNECTTIMEOUT':
            return `${detail} (is the host reachable from this runner?)`;
        case 'ECONNRESET':
        case 'EPIPE':
            return 'the connection was reset';
        case 'EDEADLINE':
            return detail;
        case 'ETIMEDOUT':
            // Ours name the inactivity timeout and its length; the system's are about connecting.
            return detail.startsWith('no data')
                ? `${detail} (inactivity timeout)`
                : 'the connection timed out';
        default:
            return /timeout/i.test(detail) ? 'no data within the timeout' : detail;
    }
}
function basicAuth(user, password) {
    return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

;// CONCATENATED MODULE: ./src/index-api/simple.ts

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json';
/**
 * One project's page lists every file it ever had. On PyPI the largest (nightly builds with
 * thousands of releases, a dozen wheels each) are some MiB of PEP 691 JSON; 64 MiB covers them
 * with room to spare while keeping a broken or hostile index from filling memory.
 */
const SIMPLE_PAGE_CAP = {
    bytes: 64 * 1024 * 1024,
    what: "a project's simple page",
    advice: "Check that 'index-url' is the index's simple API (e.g. https://pypi.org/simple/). If it is " +
        "and the project's page is really that large, turn the read-back off with 'verify-upload: false'."
};
/**
 * Reads `<simpleUrl><project>/` (PEP 691 JSON when the index offers it, else the PEP 503 HTML page
 * with `#sha256=` fragments). Follows same-host redirects (PyPI redirects non-normalized names).
 */
async function readSimplePage(http, simpleUrl, project, options = {}) {
    const { authorization, timeLimit } = options;
    const now = options.now ?? Date.now;
    const started = now();
    let url = new URL(`${encodeURIComponent(normalizeName(project))}/`, ensureSlash(simpleUrl)).toString();
    const origin = new URL(url).origin;
    for (let hop = 0; hop < 5; hop++) {
        const headers = {
            Accept: `${SIMPLE_JSON}, text/html;q=0.1`,
            'Cache-Control': 'no-cache'
        };
        if (authorization)
            headers.Authorization = authorization;
        const limit = timeLimit && { ...timeLimit, ms: timeLimit.ms - (now() - started) };
        const response = await http.get(url, SIMPLE_PAGE_CAP, headers, limit);
        if ([301, 302, 303, 307, 308].includes(response.status) && response.headers.location) {
            const next = new URL(response.headers.location, url);
            if (next.origin !== origin)
                return { found: false, status: response.status, url };
            url = next.toString();
            continue;
        }
        if (response.status !== 200)
            return { found: false, status: response.status, url };
        const type = String(response.headers['content-type'] ?? '');
        const files = type.includes('json') ? simple_parseJson(response.body) : parseHtml(response.body);
        return { found: true, files, url };
    }
    return { found: false, status: 310, url };
}
function simple_parseJson(body) {
    const files = new Map();
    const parsed = JSON.parse(body);
    for (const file of parsed.files ?? []) {
        if (file.filename)
            files.set(file.filename, (file.hashes?.sha256 ?? '').toLowerCase());
    }
    return files;
}
function parseHtml(body) {
    const files = new Map();
    for (const match of body.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/gi)) {
        const href = match[1].replace(/&amp;/g, '&');
        const text = match[2].trim();
        const filename = text || decodeURIComponent(href.split('#')[0].split('/').pop() ?? '');
        const sha256 = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1] ?? '';
        if (filename)
            files.set(filename, sha256.toLowerCase());
    }
    return files;
}
function ensureSlash(url) {
    return url.endsWith('/') ? url : `${url}/`;
}
/**
 * The simple index that belongs to an upload URL, for the indexes whose layout is known, or
 * undefined when it cannot be told (the caller then says so instead of skipping silently).
 */
function simpleUrlFor(uploadUrl) {
    const url = new URL(uploadUrl);
    const host = url.hostname.toLowerCase();
    if (host === 'upload.pypi.org' || host === 'pypi.org')
        return 'https://pypi.org/simple/';
    if (host === 'test.pypi.org')
        return 'https://test.pypi.org/simple/';
    const path = url.pathname.replace(/\/+$/, '');
    const base = `${url.origin}`;
    // Warehouse-like and many others: …/legacy → …/simple/
    if (/\/legacy$/.test(path))
        return `${base}${path.replace(/\/legacy$/, '')}/simple/`;
    // GitLab: /api/v4/projects/<id>/packages/pypi (and groups)
    if (/\/packages\/pypi$/.test(path))
        return `${base}${path}/simple/`;
    // Artifactory: /artifactory/api/pypi/<repo>
    if (/\/api\/pypi\/[^/]+$/.test(path))
        return `${base}${path}/simple/`;
    // Nexus: /repository/<name>
    if (/\/repository\/[^/]+$/.test(path))
        return `${base}${path}/simple/`;
    // pypiserver: uploads go to the root
    if (path === '')
        return `${base}/simple/`;
    // devpi: /<user>/<index>
    if (/^\/[^/+]+\/[^/+]+$/.test(path))
        return `${base}${path}/+simple/`;
    return undefined;
}

;// CONCATENATED MODULE: ./src/inspect/metadata.ts
/**
 * Core metadata (a wheel's METADATA, an sdist's PKG-INFO): parse the email-header text, and map it
 * to the upload form fields.
 *
 * The text is read exactly as Python's email parser reads it (`readEmailMessage`). The reference
 * for the form is twine's: pkginfo's header handling (twine ≤ 5) for folding and "UNKNOWN", and
 * `packaging.metadata` + `twine/package.py` (twine ≥ 6) for multi-line License, the form names,
 * Keywords/Project-URL normalisation and dropping License-File under Metadata-Version < 2.4. Where
 * the two twines differ, or where PyPI (Warehouse) has the last word, the choice is noted in place.
 */
/**
 * Python's feedparser `headerRE`: a header line starts with `name:` (printable ASCII except ':'
 * and space; the name may be empty), with a space or tab (a continuation), or with "From ".
 */
const HEADER_START = /^(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])/;
/**
 * Lines end at CR, LF and CRLF only, as in Python's email parser (its StringIO with `newline=''`).
 * U+2028, U+2029, U+0085, VT, FF and the other `str.splitlines` boundaries are ordinary characters
 * there, and so they are here: a value holding one goes on, and so do the headers after it.
 */
const LINE_BREAK = /\r\n|\r|\n/;
/**
 * METADATA / PKG-INFO read exactly as `email.parser.Parser(policy=compat32)` reads it: what
 * pkginfo, packaging (`parse_email`, so twine ≥ 6 and Warehouse) and pip all see. `body` is
 * `Message.get_payload()`: everything after the headers, '' when there is none.
 */
function readEmailMessage(text) {
    // The header block: lines (with their line ends) that look like headers, up to a blank line
    // (dropped) or the first line that does not (it starts the body: Python records a
    // MissingHeaderBodySeparatorDefect). The body is then sliced off the text, never split.
    const block = [];
    let bodyStart = text.length;
    const lineEnd = /\r\n|\r|\n/g;
    for (let pos = 0; pos < text.length;) {
        lineEnd.lastIndex = pos;
        const br = lineEnd.exec(text);
        const next = br ? br.index + br[0].length : text.length;
        const line = text.slice(pos, next);
        if (!HEADER_START.test(line)) {
            bodyStart = line[0] === '\r' || line[0] === '\n' ? next : pos;
            break;
        }
        block.push(line);
        pos = next;
    }
    const headers = [];
    let current;
    const flush = () => {
        if (!current)
            return;
        const first = current[0];
        const colon = first.indexOf(':');
        const value = first.slice(colon + 1).replace(/^[ \t]+/, '') + current.slice(1).join('');
        headers.push({ name: first.slice(0, colon), raw: value.replace(/[\r\n]+$/, '') });
        current = undefined;
    };
    let pushedBack = '';
    for (let i = 0; i < block.length; i++) {
        const line = block[i];
        if (line[0] === ' ' || line[0] === '\t') {
            // A continuation with no header before it (first line, or after a skipped line) is a
            // defect Python drops.
            current?.push(line);
            continue;
        }
        flush();
        if (line.startsWith('From ')) {
            // An mbox envelope line: the unix-from when first, skipped when in the middle, and the
            // first line of the body when last (Python pushes it back).
            if (i > 0 && i === block.length - 1)
                pushedBack = line;
            continue;
        }
        // ":value" has no name: Python notes a defect, skips the line and goes on.
        if (line.startsWith(':'))
            continue;
        current = [line];
    }
    flush();
    return { headers, body: pushedBack + text.slice(bodyStart) };
}
/**
 * Parses METADATA / PKG-INFO: headers as Python's email parser reads them (`readEmailMessage`),
 * names kept as written (lookups are case-insensitive: `getHeader`, `getAll`), repeated headers
 * all kept in file order, and values prepared for the form:
 * - `Description`: pkginfo's unfolding (line breaks kept, the continuation indent removed: 8
 *   spaces, distutils' convention, or 7 spaces and `|`, the core metadata spec's);
 * - `License`: exactly as read, lines and indentation kept, as twine ≥ 6 sends it (packaging's
 *   `parse_email`). pkginfo (twine ≤ 5) joined the lines into one, losing a licence text's layout;
 * - every other header: its lines (CR/LF only) trimmed of spaces and tabs and joined with a space,
 *   as pkginfo did. Single-line fields are not supposed to be folded; PyPI takes the joined line.
 * The body, when not empty, is the description (and wins over a `Description` header, as in pkginfo).
 */
function parseCoreMetadata(text) {
    const message = readEmailMessage(text);
    const headers = message.headers.map(({ name, raw }) => ({
        name,
        value: unfold(name, raw)
    }));
    const meta = { headers };
    // packaging would call having both an error; check.ts can flag it, we keep the body.
    if (message.body !== '')
        meta.description = message.body;
    else {
        const header = getHeader(meta, 'Description');
        if (header !== undefined)
            meta.description = header;
    }
    return meta;
}
/**
 * Spaces, tabs and CR/LF at either end: the folding whitespace. Other Unicode spaces and line
 * breaks stay, as in the value Python reads (and a summary holding one is refused by check.ts).
 */
function trimFolding(text) {
    return text.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
}
function unfold(name, raw) {
    const key = name.toLowerCase();
    if (key === 'license')
        return raw;
    const lines = trimFolding(raw).split(LINE_BREAK);
    if (key === 'description') {
        // pkginfo strips the whole value, then each continuation line's 8-column indent. We also strip
        // the spec's "7 spaces + |" marker, which pkginfo leaves in; "8 spaces + |" keeps its pipe
        // (it may be an indented RST line block).
        return lines
            .map(l => (/^ {7}\|/.test(l) || l.startsWith(' '.repeat(8)) ? l.slice(8) : l))
            .join('\n');
    }
    return lines.map(trimFolding).join(' ');
}
/** The first value of a header, by case-insensitive name. */
function getHeader(meta, name) {
    const wanted = name.toLowerCase();
    return meta.headers.find(h => h.name.toLowerCase() === wanted)?.value;
}
/** Every value of a header, by case-insensitive name, in file order. */
function getAll(meta, name) {
    const wanted = name.toLowerCase();
    return meta.headers.filter(h => h.name.toLowerCase() === wanted).map(h => h.value);
}
/**
 * Every header the core metadata spec knows, keyed by lowercase name. Only `Classifier` and
 * `Project-URL` have form names the generic rule (lowercase, `-` → `_`) would not give; the rest
 * are listed for their introduction version and use count. `Import-Name`/`Import-Namespace` use
 * PyPI's singular spelling (Warehouse's form mapping), which twine does not send at all.
 */
const FIELDS = {
    'metadata-version': { form: 'metadata_version', since: '1.0', multiple: false },
    name: { form: 'name', since: '1.0', multiple: false },
    version: { form: 'version', since: '1.0', multiple: false },
    platform: { form: 'platform', since: '1.0', multiple: true },
    summary: { form: 'summary', since: '1.0', multiple: false },
    description: { form: 'description', since: '1.0', multiple: false },
    keywords: { form: 'keywords', since: '1.0', multiple: false },
    'home-page': { form: 'home_page', since: '1.0', multiple: false },
    author: { form: 'author', since: '1.0', multiple: false },
    'author-email': { form: 'author_email', since: '1.0', multiple: false },
    license: { form: 'license', since: '1.0', multiple: false },
    'supported-platform': { form: 'supported_platform', since: '1.1', multiple: true },
    classifier: { form: 'classifiers', since: '1.1', multiple: true },
    'download-url': { form: 'download_url', since: '1.1', multiple: false },
    requires: { form: 'requires', since: '1.1', multiple: true },
    provides: { form: 'provides', since: '1.1', multiple: true },
    obsoletes: { form: 'obsoletes', since: '1.1', multiple: true },
    maintainer: { form: 'maintainer', since: '1.2', multiple: false },
    'maintainer-email': { form: 'maintainer_email', since: '1.2', multiple: false },
    'requires-python': { form: 'requires_python', since: '1.2', multiple: false },
    'requires-external': { form: 'requires_external', since: '1.2', multiple: true },
    'requires-dist': { form: 'requires_dist', since: '1.2', multiple: true },
    'provides-dist': { form: 'provides_dist', since: '1.2', multiple: true },
    'obsoletes-dist': { form: 'obsoletes_dist', since: '1.2', multiple: true },
    'project-url': { form: 'project_urls', since: '1.2', multiple: true },
    'description-content-type': { form: 'description_content_type', since: '2.1', multiple: false },
    'provides-extra': { form: 'provides_extra', since: '2.1', multiple: true },
    dynamic: { form: 'dynamic', since: '2.2', multiple: true },
    'license-expression': { form: 'license_expression', since: '2.4', multiple: false },
    'license-file': { form: 'license_file', since: '2.4', multiple: true },
    'import-name': { form: 'import_name', since: '2.5', multiple: true },
    'import-namespace': { form: 'import_namespace', since: '2.5', multiple: true }
};
/** The upload form name of a header: the specials of the protocol doc, else lowercase and `_`. */
function formFieldName(header) {
    const key = header.toLowerCase();
    return FIELDS[key]?.form ?? key.replace(/-/g, '_');
}
/** True for headers the core metadata spec knows (any case). */
function isKnownHeader(header) {
    return header.toLowerCase() in FIELDS;
}
/** True for headers the spec allows more than once; undefined for unknown headers. */
function isMultipleUse(header) {
    return FIELDS[header.toLowerCase()]?.multiple;
}
/** The Metadata-Version that introduced a header (`'2.4'` for License-File), if the spec knows it. */
function fieldIntroducedIn(header) {
    return FIELDS[header.toLowerCase()]?.since;
}
/** `'2.1'` → [2, 1]; undefined for anything that is not `<major>.<minor>`. */
function parseMetadataVersion(value) {
    const match = value === undefined ? null : /^(\d+)\.(\d+)$/.exec(value.trim());
    return match ? [Number(match[1]), Number(match[2])] : undefined;
}
function olderThan(a, b) {
    return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}
/**
 * Headers newer than the declared Metadata-Version, in file order (e.g. License-Expression under
 * 2.3). Empty when the version is not `<major>.<minor>`: then nothing can be compared, and the
 * version itself is what check.ts reports.
 */
function fieldsNewerThanDeclared(meta) {
    const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'));
    if (!declared)
        return [];
    const found = [];
    for (const { name } of meta.headers) {
        const since = fieldIntroducedIn(name);
        const introduced = parseMetadataVersion(since);
        if (since && introduced && olderThan(declared, introduced))
            found.push({ name, since });
    }
    return found;
}
/**
 * PyPI (Warehouse's `sanitize`) deletes any form value that is "UNKNOWN" once trimmed — distutils
 * wrote it for missing required values — and treats an empty string as absent. We leave both out
 * rather than send noise: it changes nothing on PyPI and keeps other indexes from storing
 * "UNKNOWN". (twine ≤ 5 dropped single-use "UNKNOWN" only; twine ≥ 6 sends everything.)
 */
function isAbsent(value) {
    const trimmed = value.trim();
    return trimmed === '' || trimmed === 'UNKNOWN';
}
/** twine's `_safe_name` (from pkg_resources): runs of other than letters, digits, '.' → '-'. */
function safeName(name) {
    return name.replace(/[^A-Za-z0-9.]+/g, '-');
}
/** packaging splits Keywords on ',' and strips each; twine joins them back with ', '. */
function normalizeKeywords(value) {
    return value
        .split(',')
        .map(k => k.trim())
        .join(', ');
}
/** packaging splits a Project-URL at its first ',' and strips both; twine sends `label, url`. */
function normalizeProjectUrl(value) {
    const comma = value.indexOf(',');
    const label = (comma < 0 ? value : value.slice(0, comma)).trim();
    const url = comma < 0 ? '' : value.slice(comma + 1).trim();
    return `${label}, ${url}`;
}
/**
 * The metadata part of the upload form, in header order, then `description`.
 *
 * - Names: `formFieldName`; multiple-use headers become repeated fields, one per value.
 * - `name` is sent as twine's safe name (`my_pkg` → `my-pkg`), as twine has always done; PyPI
 *   normalises the name anyway, and the file's own METADATA is what it stores.
 * - `keywords` is one field, normalised to `a, b`; `project_urls` values to `label, url` (twine ≥ 6).
 * - A header newer than the declared Metadata-Version is left out (pkginfo semantics: it only
 *   reads the headers of the declared version). twine ≥ 6 does this silently for License-File
 *   under < 2.4 — setuptools writes it with 2.1 — and refuses other too-new headers, as PyPI does;
 *   refusing is check.ts's job (`fieldsNewerThanDeclared`), so here they are just not sent.
 *   Metadata-Version 2.0 (PEP 426, withdrawn) therefore gets the 1.2 field set, like pkginfo.
 * - Headers the spec does not know are sent under the generic name: PyPI ignores unknown fields,
 *   and a header from a future metadata version reaches an index that knows it. (twine ≥ 6 refuses
 *   such files; twine ≤ 5 dropped the headers.)
 * - Empty and "UNKNOWN" values are left out (see `isAbsent`).
 * - `description` comes from the body, or else the Description header (`parseCoreMetadata`).
 */
function metadataToFormFields(meta) {
    const declared = parseMetadataVersion(getHeader(meta, 'Metadata-Version'));
    const fields = [];
    for (const { name, value } of meta.headers) {
        const key = name.toLowerCase();
        if (key === 'description')
            continue;
        const introduced = parseMetadataVersion(fieldIntroducedIn(name));
        if (declared && introduced && olderThan(declared, introduced))
            continue;
        if (isAbsent(value))
            continue;
        let sent = value;
        if (key === 'name')
            sent = safeName(value);
        else if (key === 'keywords')
            sent = normalizeKeywords(value);
        else if (key === 'project-url')
            sent = normalizeProjectUrl(value);
        fields.push([formFieldName(name), sent]);
    }
    if (meta.description !== undefined && !isAbsent(meta.description)) {
        fields.push(['description', meta.description]);
    }
    return fields;
}

;// CONCATENATED MODULE: ./src/check/description/content-type.ts
/**
 * Description-Content-Type as PyPI reads it. Two parts of PyPI look at it:
 * - its metadata validation (`packaging.metadata`) accepts only `text/plain`, `text/x-rst` and
 *   `text/markdown`, a `charset` of exactly `UTF-8`, and a Markdown `variant` of `GFM` or
 *   `CommonMark`;
 * - its renderer choice (Warehouse `utils/readme.py`) parses the type the way Python's `email`
 *   package does and picks reStructuredText when nothing is declared, plain text for a type it
 *   does not know. Parameters are not passed to the renderer: Markdown is rendered as GFM.
 */
const KNOWN_CONTENT_TYPES = ['text/plain', 'text/x-rst', 'text/markdown'];
const MARKDOWN_VARIANTS = ['GFM', 'CommonMark'];
function parseDescriptionContentType(header) {
    const declared = header?.trim() || undefined;
    if (declared === undefined)
        return { type: 'text/x-rst', params: {}, renderer: 'rst' };
    const [head, ...rest] = declared.split(';');
    let type = head.trim().toLowerCase();
    // Python's Message.get_content_type(): anything that is not `a/b` counts as text/plain (RFC 2045).
    if (type.split('/').length !== 2)
        type = 'text/plain';
    const params = parseParams(rest);
    const parsed = { declared, type, params, renderer: rendererFor(type) };
    // packaging also refuses a value that only became text/plain by the fallback above.
    if (!KNOWN_CONTENT_TYPES.includes(type) ||
        !declared.toLowerCase().includes(type)) {
        parsed.invalid = `must be one of ${KNOWN_CONTENT_TYPES.join(', ')}, not '${declared}'`;
    }
    else if ((params.charset ?? 'UTF-8') !== 'UTF-8') {
        // Compared exactly, as packaging does: 'utf-8' is refused too.
        parsed.invalid = `can only specify the UTF-8 charset, not '${params.charset}'`;
    }
    else if (type === 'text/markdown' && !MARKDOWN_VARIANTS.includes(params.variant ?? 'GFM')) {
        parsed.invalid = `valid Markdown variants are ${MARKDOWN_VARIANTS.join(', ')}, not '${params.variant}'`;
    }
    return parsed;
}
function rendererFor(type) {
    if (type === 'text/x-rst')
        return 'rst';
    if (type === 'text/markdown')
        return 'markdown';
    return 'txt';
}
/** `name=value` pairs; names are case-insensitive, values keep their case, quotes come off. */
function parseParams(pieces) {
    // No prototype: a parameter named `__proto__` or `constructor` is just a name.
    const params = Object.create(null);
    for (const piece of pieces) {
        const eq = piece.indexOf('=');
        if (eq < 0)
            continue;
        const name = piece.slice(0, eq).trim().toLowerCase();
        let value = piece.slice(eq + 1).trim();
        if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
            value = value.slice(1, -1).replace(/\\(.)/g, '$1');
        }
        if (name !== '' && !(name in params))
            params[name] = value;
    }
    return params;
}

// EXTERNAL MODULE: ./src/check/description/readme-renderer.ts + 1 modules
var readme_renderer = __webpack_require__(1177);
;// CONCATENATED MODULE: ./src/check/description/description.ts



const HELP_URL = 'https://pypi.org/help/#description-content-type';
/** The pyproject.toml / setup.py spellings, for hints. */
const DECLARE_MARKDOWN = 'pyproject.toml: `readme = "README.md"` (the .md suffix declares it) or ' +
    '`readme = {file = "README.md", content-type = "text/markdown"}`; ' +
    'setup.py: `long_description_content_type="text/markdown"`';
/** Checks every distribution's description in one Python run; see the module comment. */
async function checkDescriptions(dists, options) {
    const { log } = options;
    const errors = [];
    const warnings = [];
    const requests = [];
    const requestIndex = new Map();
    const pending = [];
    for (const dist of dists) {
        const contentType = parseDescriptionContentType(getHeader(dist.metadata, 'Description-Content-Type'));
        // PyPI refuses the upload outright (400) for a content type packaging.metadata rejects.
        if (contentType.invalid)
            errors.push(contentTypeProblem(dist, contentType));
        const text = dist.metadata.description;
        if (text === undefined || isBlankOrUnknown(text)) {
            warnings.push({
                file: dist.path,
                rule: 'description-missing',
                message: '`long_description` missing: PyPI will show an empty page for this release.',
                hint: 'Give the project a README: pyproject.toml `[project] readme = "README.md"`, or ' +
                    '`long_description=open("README.md").read()` in setup.py.'
            });
            continue;
        }
        // A wheel and an sdist of one release usually carry the same description: render it once.
        const key = `${contentType.renderer}\0${text}`;
        let index = requestIndex.get(key);
        if (index === undefined) {
            index = requests.push({ renderer: contentType.renderer, text }) - 1;
            requestIndex.set(key, index);
        }
        pending.push({ dist, contentType, request: index });
    }
    if (requests.length === 0)
        return { errors, warnings };
    const renderer = options.renderer ??
        (0,readme_renderer/* startRenderer */.o)({
            python: options.python,
            allowInstall: options.allowInstall,
            start: options.start,
            timeoutMs: options.timeoutMs
        });
    const outcome = await renderer.render(requests, log);
    if (!outcome.rendered) {
        const skipped = `Description not checked: ${outcome.reason}. ` +
            'PyPI may refuse a description that does not render.';
        log.warning(skipped);
        return { errors, warnings, skipped };
    }
    const versions = Object.entries(outcome.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ');
    log.info(`Descriptions rendered as PyPI renders them, with ${versions || 'readme_renderer'} on ` +
        `Python ${outcome.pythonVersion} (${outcome.executable})`);
    for (const { dist, contentType, request } of pending) {
        const result = outcome.results[request];
        const text = requests[request].text;
        if (result.status === 'failed') {
            errors.push(renderError(dist, contentType, text, result.messages ?? ''));
        }
        else if (result.status === 'unchecked' || result.status === 'crashed') {
            warnings.push({
                file: dist.path,
                rule: 'description-unchecked',
                message: result.status === 'unchecked'
                    ? `Description not checked: readme_renderer cannot render Markdown here (${result.error}).`
                    : `Description not checked: readme_renderer failed on it (${result.error}).`,
                hint: result.status === 'unchecked'
                    ? 'Install readme_renderer[md] (it adds cmarkgfm) for the Python that runs this check.'
                    : 'Run `twine check` on the file to see whether PyPI could render it.'
            });
        }
    }
    return { errors, warnings };
}
/** PyPI leaves out an empty or "UNKNOWN" description (distutils wrote UNKNOWN for none). */
function isBlankOrUnknown(text) {
    const trimmed = text.trim();
    return trimmed === '' || trimmed === 'UNKNOWN';
}
function contentTypeProblem(dist, contentType) {
    return {
        file: dist.path,
        rule: 'description-content-type',
        message: `Description-Content-Type ${contentType.invalid}. PyPI's metadata validation ` +
            `(packaging.metadata) does not accept it.`,
        hint: 'Declare text/markdown (optionally `; variant=GFM` or `; variant=CommonMark`), text/x-rst or ' +
            `text/plain, with no charset or \`charset=UTF-8\` exactly. ${DECLARE_MARKDOWN}.`
    };
}
function renderError(dist, contentType, text, messages) {
    // PyPI's words (Warehouse forklift/legacy.py).
    const refusal = contentType.declared
        ? `The description failed to render for '${contentType.declared}'.`
        : 'The description failed to render in the default format of reStructuredText.';
    const report = formatDocutilsReport(messages);
    return {
        file: dist.path,
        rule: 'description-render',
        message: `${refusal} See ${HELP_URL} for more information.${report.text ? `\n${report.text}` : ''}`,
        hint: renderHint(contentType, text, report.line)
    };
}
function renderHint(contentType, text, line) {
    const where = line === undefined ? '' : ` at line ${line}`;
    const counting = 'Lines count from the first line of the description, which is the README as the build ' +
        "stored it in the file's metadata.";
    if (contentType.renderer === 'rst' && looksLikeMarkdown(text)) {
        const declared = contentType.declared
            ? `is declared as '${contentType.declared}'`
            : 'declares no content type, so PyPI reads it as reStructuredText (its default)';
        return (`The description looks like Markdown but ${declared}. Declare it as Markdown — ` +
            `${DECLARE_MARKDOWN} — or fix the reStructuredText${where}. ${counting}`);
    }
    if (contentType.renderer === 'markdown') {
        return ('PyPI renders this Markdown to nothing (it may hold only link definitions); give the ' +
            'README some text.');
    }
    return (`Fix the reStructuredText${where} of the README, or declare it as Markdown if it is ` +
        `Markdown (${DECLARE_MARKDOWN}). ${counting} \`twine check\` on the file, or ` +
        '`python -m readme_renderer README.rst`, shows the same error locally.');
}
/**
 * docutils reports `<string>:LINE: (LEVEL/N) message`, then a blank line and the offending
 * source. With PyPI's settings the first warning stops rendering, so there is usually one.
 */
const DOCUTILS_REPORT = /^<string>:(\d*): \((DEBUG|INFO|WARNING|ERROR|SEVERE)\/\d\) /gm;
const MAX_SOURCE_LINES = 6;
function formatDocutilsReport(messages) {
    const starts = [...messages.matchAll(DOCUTILS_REPORT)];
    if (starts.length === 0)
        return { text: messages.trim() };
    let firstLine;
    const parts = [];
    const before = messages.slice(0, starts[0].index).trim();
    if (before)
        parts.push(before);
    starts.forEach((start, i) => {
        const end = i + 1 < starts.length ? starts[i + 1].index : messages.length;
        const body = messages.slice(start.index + start[0].length, end).replace(/\s+$/, '');
        const [message, ...source] = body.split(/\r?\n\r?\n/);
        const line = start[1] === '' ? undefined : Number(start[1]);
        firstLine ??= line;
        const sourceLines = source.join('\n\n').split(/\r?\n/);
        const shown = sourceLines.slice(0, MAX_SOURCE_LINES).map(l => `    | ${l}`);
        if (sourceLines.length > MAX_SOURCE_LINES)
            shown.push('    | …');
        parts.push(`${line === undefined ? '' : `line ${line}: `}${message.replace(/\s*\n\s*/g, ' ')} ` +
            `(docutils ${start[2]})` +
            (source.length > 0 ? `\n${shown.join('\n')}` : ''));
    });
    return { text: parts.join('\n'), line: firstLine };
}
/**
 * Signs of Markdown that reStructuredText never uses: `# ` headings, ``` or ~~~ fences,
 * `[text](url)` links, pipe tables. Only for choosing a hint, so a guess is fine.
 */
function looksLikeMarkdown(text) {
    return (/^#{1,6}[ \t]+\S/m.test(text) ||
        /^ {0,3}(```|~~~)/m.test(text) ||
        /!?\[[^\]\n]+\]\([^)\s]+\)/.test(text) ||
        /^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*\|/m.test(text));
}

;// CONCATENATED MODULE: ./src/check/rules.ts



const ONE_MIB = 1024 * 1024;
/** PyPI's default per-file limit (Warehouse `MAX_FILESIZE`), raised per project on request. */
const PYPI_DEFAULT_FILE_SIZE_LIMIT = 100 * ONE_MIB;
const SIZE_LIMIT_DOCS = 'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase';
/** Warehouse's SUPPORTED_METADATA_VERSIONS. */
const ACCEPTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'];
/** Warehouse `_LENGTH_LIMITS`. */
const SUMMARY_MAX_LENGTH = 512;
/** Checks every distribution and returns every problem found, split by severity. */
function checkDistributions(dists, options = {}) {
    const found = new Findings(options.pypiRules ?? 'enforce');
    const sizeLimit = options.fileSizeLimit ?? PYPI_DEFAULT_FILE_SIZE_LIMIT;
    for (const dist of dists) {
        checkMetadataVersion(dist, found);
        checkName(dist, found);
        checkVersion(dist, found);
        checkFieldsNewerThanDeclared(dist, found);
        checkLicense(dist, found);
        checkClassifiers(dist, found);
        checkSummary(dist, found);
        checkDynamic(dist, found);
        if (dist.kind === 'wheel')
            checkWheelFilename(dist, found);
        else
            checkSdistFilename(dist, found);
        checkSize(dist, sizeLimit, found);
    }
    checkOneSdistPerRelease(dists, found);
    return { errors: found.errors, warnings: found.warnings };
}
/** Sorts problems by rule kind and the `pypiRules` option. */
class Findings {
    pypiRules;
    errors = [];
    warnings = [];
    constructor(pypiRules) {
        this.pypiRules = pypiRules;
    }
    /** The file breaks a packaging spec: an error on any index. */
    spec(problem) {
        this.errors.push(problem);
    }
    /** PyPI refuses this upload; other indexes may not. */
    policy(problem) {
        if (this.pypiRules === 'enforce')
            this.errors.push(problem);
        else if (this.pypiRules === 'warn')
            this.warnings.push(problem);
    }
    /** Worth knowing, never a refusal. */
    warning(problem) {
        this.warnings.push(problem);
    }
    /** Worth knowing when publishing to PyPI. */
    policyWarning(problem) {
        if (this.pypiRules !== 'off')
            this.warnings.push(problem);
    }
}
/** Python's `repr()` of a string, so messages quote values exactly as PyPI's do. */
function pyRepr(text) {
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
    let body = '';
    for (const ch of text) {
        const code = ch.codePointAt(0) ?? 0;
        if (ch === '\\' || ch === quote)
            body += `\\${ch}`;
        else if (ch === '\n')
            body += '\\n';
        else if (ch === '\r')
            body += '\\r';
        else if (ch === '\t')
            body += '\\t';
        else if (code < 0x20 || code === 0x7f)
            body += `\\x${code.toString(16).padStart(2, '0')}`;
        else
            body += ch;
    }
    return quote + body + quote;
}
/** Every value of a header, by case-insensitive name (`Home-Page`, `Author-Email` occur). */
function headerValues(dist, header) {
    return getAll(dist.metadata, header);
}
/** PyPI deletes "UNKNOWN" values (Warehouse `sanitize`) and treats empty ones as absent. */
function presentValues(dist, header) {
    return headerValues(dist, header).filter(v => v.trim() !== '' && v.trim() !== 'UNKNOWN');
}
function hasValidMetadataVersion(dist) {
    return ACCEPTED_METADATA_VERSIONS.includes(dist.metadataVersion.trim());
}
function checkMetadataVersion(dist, found) {
    const declared = dist.metadataVersion.trim();
    if (declared === '') {
        found.spec({
            file: dist.path,
            rule: 'metadata-version',
            message: "'metadata-version' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Metadata-Version header. Rebuild with a standard build backend (python -m build).'
        });
        return;
    }
    if (hasValidMetadataVersion(dist))
        return;
    const accepted = 'PyPI accepts Metadata-Version 1.0, 1.1, 1.2 and 2.1 to 2.5.';
    let hint;
    if (declared === '2.0') {
        hint =
            `Metadata-Version 2.0 was a draft (PEP 426) that was never accepted; old wheel/bdist_wheel ` +
                `releases wrote it. Rebuild with a current backend (python -m build with an up-to-date ` +
                `setuptools and wheel, hatchling, flit-core, pdm-backend, poetry-core or maturin), which ` +
                `writes 2.1 or later. ${accepted}`;
    }
    else if (isNewerThanAccepted(declared)) {
        hint =
            `${accepted} This file declares a newer one: pin the build backend to a release that ` +
                `writes 2.5 or older until PyPI supports Metadata-Version ${declared}.`;
    }
    else {
        hint = `${accepted} Rebuild with a standard build backend (python -m build).`;
    }
    found.policy({
        file: dist.path,
        rule: 'metadata-version',
        message: `${pyRepr(declared)} is not a valid metadata version.`,
        hint
    });
}
function isNewerThanAccepted(declared) {
    const m = /^(\d+)\.(\d+)$/.exec(declared);
    if (!m)
        return false;
    const [major, minor] = [Number(m[1]), Number(m[2])];
    return major > 2 || (major === 2 && minor > 5);
}
function checkName(dist, found) {
    const name = dist.name.trim();
    if (name === '') {
        found.spec({
            file: dist.path,
            rule: 'name',
            message: "'name' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Name header. Set [project] name in pyproject.toml and rebuild.'
        });
    }
    else if (!isValidProjectName(name)) {
        found.spec({
            file: dist.path,
            rule: 'name',
            message: `${pyRepr(name)} is invalid for 'name'.`,
            hint: 'A project name must start and end with an ASCII letter or digit and contain only ' +
                "ASCII letters, digits, '.', '_' and '-' (PEP 508). Fix [project] name and rebuild."
        });
    }
}
function checkVersion(dist, found) {
    const version = dist.version.trim();
    if (version === '') {
        found.spec({
            file: dist.path,
            rule: 'version',
            message: "'version' is a required field.",
            hint: 'The METADATA/PKG-INFO has no Version header. Set [project] version (or a dynamic version source) and rebuild.'
        });
        return;
    }
    const parsed = parseVersion(version);
    if (!parsed) {
        found.spec({
            file: dist.path,
            rule: 'version',
            message: `${pyRepr(version)} is invalid for 'version'.`,
            hint: 'Use a PEP 440 version, e.g. 1.2.3, 1.2.3rc1, 1.2.3.post1, 1.2.3.dev4 or 2!1.0 ' +
                '(https://packaging.python.org/en/latest/specifications/version-specifiers/).'
        });
        return;
    }
    if (parsed.local) {
        const canonical = normalizeVersion(version) ?? version;
        const local = canonical.slice(canonical.indexOf('+'));
        found.policy({
            file: dist.path,
            rule: 'local-version',
            message: `The use of local versions in ${pyRepr(canonical)} is not allowed.`,
            hint: `Remove the local version segment '${local}' (PyPI refuses local versions); build with a ` +
                `release version such as '${publicVersion(version)}'. setuptools-scm and hatch-vcs add ` +
                `'+g<hash>' or '+d<date>' when the checkout is not exactly at a tag or has changes: build ` +
                `from a clean, tagged commit (actions/checkout with fetch-depth: 0), or set ` +
                `local_scheme = "no-local-version".`
        });
    }
}
/**
 * Fields newer than the declared Metadata-Version.
 *
 * PyPI refuses them ("license-expression introduced in metadata version 2.4, not 2.3"), and so does
 * twine ≥ 6 before uploading, except License-File: setuptools wrote License-File under
 * Metadata-Version 2.1/2.2 for years, so twine drops it silently rather than refuse those files.
 * Our form builder leaves every too-new field out, so PyPI would not see them — but silently
 * publishing a release without its License-Expression, Dynamic or Import-Name is worse than
 * stopping, so those stay errors (as in twine). License-File is a warning: it is what twine drops
 * too, and the file is otherwise fine. Only checked under an accepted Metadata-Version; any other
 * is reported by itself.
 */
function checkFieldsNewerThanDeclared(dist, found) {
    if (!hasValidMetadataVersion(dist))
        return;
    const declared = dist.metadataVersion.trim();
    const reported = new Set();
    for (const { name, since } of fieldsNewerThanDeclared(dist.metadata)) {
        const field = name.toLowerCase();
        if (reported.has(field))
            continue;
        reported.add(field);
        const message = `${field} introduced in metadata version ${since}, not ${declared}.`;
        if (field === 'license-file') {
            found.warning({
                file: dist.path,
                rule: 'field-too-new',
                message: `${message} License-File is not sent (as twine does), so PyPI will not list the license files.`,
                hint: 'Declare Metadata-Version 2.4 or drop License-File: upgrade the build backend ' +
                    '(setuptools ≥ 77 writes 2.4 with License-File), or remove license_files from its configuration.'
            });
        }
        else {
            found.spec({
                file: dist.path,
                rule: 'field-too-new',
                message,
                hint: `${fieldLabel(name)} needs Metadata-Version ${since} or later. Upgrade the build backend ` +
                    `so it declares the version its fields need, then rebuild.`
            });
        }
    }
}
/** A header name in its spec spelling for hints (`license-expression` → `License-Expression`). */
function fieldLabel(name) {
    return name
        .toLowerCase()
        .split('-')
        .map(w => (w === 'url' ? 'URL' : w.charAt(0).toUpperCase() + w.slice(1)))
        .join('-');
}
function checkLicense(dist, found) {
    if (presentValues(dist, 'License').length === 0)
        return;
    if (presentValues(dist, 'License-Expression').length === 0)
        return;
    found.policy({
        file: dist.path,
        rule: 'license',
        message: 'License is deprecated when License-Expression is present. Only License-Expression should be present.',
        hint: 'Keep the SPDX expression (pyproject.toml: license = "MIT", license-files = [...]) and remove ' +
            'the free-text license (license = { text = ... } or { file = ... }, setup.py license=...), then rebuild.'
    });
}
/** The top-level categories of the trove classifier list (pypi.org/classifiers). */
const CLASSIFIER_CATEGORIES = new Set([
    'Development Status',
    'Environment',
    'Framework',
    'Intended Audience',
    'License',
    'Natural Language',
    'Operating System',
    'Programming Language',
    'Topic',
    'Typing'
]);
/**
 * PyPI accepts only classifiers from its list. Without the list at hand (it changes monthly), this
 * checks the shape: `Category :: Value[ :: …]`, single spaces around `::`, a known category.
 * `Private :: …` is refused by PyPI on purpose, to keep private projects off it.
 */
function checkClassifiers(dist, found) {
    for (const classifier of new Set(presentValues(dist, 'Classifier'))) {
        const parts = classifier.split(' :: ');
        const message = `${pyRepr(classifier)} is not a valid classifier.`;
        if (parts[0] === 'Private') {
            found.policy({
                file: dist.path,
                rule: 'classifier',
                message,
                hint: "PyPI always refuses classifiers beginning with 'Private ::': they mark projects that must " +
                    'never be uploaded there. Remove it if this project is meant to be public, or publish to ' +
                    'your private index instead.'
            });
            continue;
        }
        const wellFormed = parts.length >= 2 && parts.every(p => p !== '' && p === p.trim() && !p.includes('::'));
        if (wellFormed && CLASSIFIER_CATEGORIES.has(parts[0]))
            continue;
        found.policy({
            file: dist.path,
            rule: 'classifier',
            message,
            hint: wellFormed
                ? `'${parts[0]}' is not a classifier category. Use classifiers exactly as listed at https://pypi.org/classifiers/.`
                : "A classifier is 'Category :: Value', parts separated by ' :: ' exactly as listed at https://pypi.org/classifiers/."
        });
    }
}
/**
 * What `str.splitlines` breaks at, by name. packaging refuses a summary holding any of them
 * (`'summary' must be a single line`; ≥ 26.3, before that "\n" only): twine ≥ 6 before sending,
 * PyPI on the form. Python's email parser ends lines at CR/LF only, so the others reach the value.
 */
const LINE_BOUNDARY_NAMES = {
    '\n': 'a line feed',
    '\r': 'a carriage return',
    '\v': 'a vertical tab (U+000B)',
    '\f': 'a form feed (U+000C)',
    '\x1c': 'a file separator (U+001C)',
    '\x1d': 'a group separator (U+001D)',
    '\x1e': 'a record separator (U+001E)',
    '\x85': 'a next-line character (U+0085)',
    '\u2028': 'a line separator (U+2028)',
    '\u2029': 'a paragraph separator (U+2029)'
};
/** Any of them (the control characters make a regex literal unreadable). */
const LINE_BOUNDARY = new RegExp(`[${Object.keys(LINE_BOUNDARY_NAMES).join('')}]`);
function checkSummary(dist, found) {
    const summary = presentValues(dist, 'Summary')[0];
    if (summary === undefined)
        return;
    const boundary = LINE_BOUNDARY.exec(summary);
    if (boundary) {
        // A spec rule (the summary is "a one-line summary"): twine refuses it for any index.
        found.spec({
            file: dist.path,
            rule: 'summary',
            message: "'summary' must be a single line.",
            hint: `The summary holds ${LINE_BOUNDARY_NAMES[boundary[0]]} after ${pyRepr(summary.slice(0, boundary.index))}, which Python reads as a line break. ` +
                'Make the summary (pyproject.toml [project] description) one line without it and rebuild.'
        });
    }
    if ([...summary].length <= SUMMARY_MAX_LENGTH)
        return;
    found.policy({
        file: dist.path,
        rule: 'summary',
        message: `'summary' field must be ${SUMMARY_MAX_LENGTH} characters or less.`,
        hint: `The summary (pyproject.toml [project] description) has ${[...summary].length} characters; shorten it to one line of at most ${SUMMARY_MAX_LENGTH} and put the rest in the README.`
    });
}
/** Fields PyPI accepts in `Dynamic` (Warehouse DYNAMIC_FIELDS), lowercase. */
const DYNAMIC_FIELDS = new Set([
    'Platform',
    'Supported-Platform',
    'Summary',
    'Description',
    'Description-Content-Type',
    'Keywords',
    'Home-Page',
    'Download-Url',
    'Author',
    'Author-Email',
    'Maintainer',
    'Maintainer-Email',
    'License',
    'License-Expression',
    'License-File',
    'Classifier',
    'Requires-Dist',
    'Requires-Python',
    'Requires-External',
    'Project-Url',
    'Provides-Extra',
    'Provides-Dist',
    'Obsoletes-Dist',
    'Requires',
    'Provides',
    'Obsoletes',
    'Import-Name',
    'Import-Namespace'
].map(f => f.toLowerCase()));
function checkDynamic(dist, found) {
    for (const value of presentValues(dist, 'Dynamic')) {
        const field = value.trim().toLowerCase();
        if (DYNAMIC_FIELDS.has(field))
            continue;
        const never = ['name', 'version', 'metadata-version'].includes(field);
        found.spec({
            file: dist.path,
            rule: 'dynamic',
            message: never
                ? `${pyRepr(field)} is not allowed as a dynamic field.`
                : `Dynamic field ${pyRepr(field)} is not a valid dynamic field.`,
            hint: never
                ? 'Name and Version are fixed in an sdist (PEP 643); rebuild with a backend that does not mark them Dynamic.'
                : 'Dynamic may only name core metadata fields (PEP 643); rebuild with a current build backend.'
        });
    }
}
function checkWheelFilename(dist, found) {
    const name = dist.name.trim();
    const version = dist.version.trim();
    const nameOk = isValidProjectName(name);
    const versionOk = parseVersion(version) !== undefined;
    const example = nameOk && versionOk ? `${expectedWheelPrefix(name, version)}py3-none-any.whl` : undefined;
    const shapeHint = 'A wheel is named {name}-{version}[-{build}]-{python tag}-{abi tag}-{platform tag}.whl' +
        (example ? `, e.g. '${example}'` : '') +
        ". A '-' inside the project name or version is written '_'. Do not rename wheels by hand " +
        '(PyPI looks for the .dist-info folder the filename names): rebuild them.';
    const wheel = parseWheelFilename(dist.filename);
    if (!wheel) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename: ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
        return;
    }
    // packaging's rule for the name part: word characters and '.', no '__'.
    if (wheel.distribution.includes('__') || !/^[\p{L}\p{N}\p{M}_.]+$/u.test(wheel.distribution)) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid project name: ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
    }
    const fileVersion = parseVersion(wheel.version);
    if (!fileVersion) {
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename (invalid version): ${pyRepr(dist.filename)}.`,
            hint: shapeHint
        });
    }
    for (const tag of wheel.pythonTags) {
        if (/^[\p{L}_][\p{L}\p{N}_]*$/u.test(tag))
            continue;
        found.spec({
            file: dist.path,
            rule: 'wheel-filename',
            message: `Invalid wheel filename (invalid tag component): ${pyRepr(dist.filename)}.`,
            hint: `The python tag ${pyRepr(tag)} is not an identifier (e.g. py3, cp312, py2.py3). ${shapeHint}`
        });
    }
    for (const platform of new Set(wheel.platformTags)) {
        const verdict = judgePlatformTag(platform);
        if (verdict.allowed && !verdict.hint)
            continue;
        if (verdict.allowed) {
            found.policyWarning({
                file: dist.path,
                rule: 'wheel-platform',
                message: `Binary wheel ${pyRepr(dist.filename)} has a platform tag PyPI may not support yet: ${pyRepr(platform)}.`,
                hint: verdict.hint
            });
        }
        else {
            found.policy({
                file: dist.path,
                rule: 'wheel-platform',
                message: `Binary wheel ${pyRepr(dist.filename)} has an unsupported platform tag ${pyRepr(platform)}.`,
                hint: verdict.hint
            });
        }
    }
    if (!nameOk)
        return;
    if (normalizeName(wheel.distribution) !== normalizeName(name)) {
        found.spec({
            file: dist.path,
            rule: 'wheel-name',
            message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
            hint: `The filename names project '${wheel.distribution}' but its METADATA says '${name}'. ` +
                `The wheel was renamed or built from another project: rebuild it. ${shapeHint}`
        });
    }
    else if (wheel.distribution !== wheelNamePart(name)) {
        found.policy({
            file: dist.path,
            rule: 'wheel-name',
            message: `Filename ${pyRepr(dist.filename)} should contain the normalized project name ` +
                `${pyRepr(wheelNamePart(name))}, not ${pyRepr(wheel.distribution)}.`,
            hint: `Rebuild with a current build backend, which writes the normalized name` +
                (example ? ` ('${example.slice(0, example.indexOf('-'))}-…')` : '') +
                '. Renaming the file is not enough: PyPI reads the .dist-info folder the filename names.'
        });
    }
    if (fileVersion && versionOk && compareVersions(fileVersion, version) !== 0) {
        found.spec({
            file: dist.path,
            rule: 'wheel-version',
            message: `Version in filename should be ${pyRepr(normalizeVersion(version) ?? version)} not ` +
                `${pyRepr(normalizeVersion(wheel.version) ?? wheel.version)}.`,
            hint: `The filename says ${wheel.version} but METADATA says ${version}: the wheel was renamed or built from another version. Rebuild it.`
        });
    }
}
/** Warehouse `_allowed_platforms`: tags accepted as they are. */
const STATIC_PLATFORMS = new Set([
    'any',
    'win32',
    'win_arm64',
    'win_amd64',
    'win_ia64',
    'manylinux1_x86_64',
    'manylinux1_i686',
    'manylinux2010_x86_64',
    'manylinux2010_i686',
    'manylinux2014_x86_64',
    'manylinux2014_i686',
    'manylinux2014_aarch64',
    'manylinux2014_armv7l',
    'manylinux2014_ppc64',
    'manylinux2014_ppc64le',
    'manylinux2014_s390x',
    // Accepted for Raspberry Pi wheels (piwheels); every other linux_* tag is refused.
    'linux_armv6l',
    'linux_armv7l'
]);
const MACOSX_ARCHES = new Set([
    'ppc',
    'ppc64',
    'i386',
    'x86_64',
    'arm64',
    'intel',
    'fat',
    'fat3',
    'fat64',
    'universal',
    'universal2'
]);
/** macOS 11 and later, as PyPI lists them (Apple went from 15 to 26). */
const MACOSX_MAJORS = new Set([11, 12, 13, 14, 15, 26]);
const MACOSX_LATEST_MAJOR = 26;
const JOINT_LINUX_ARCHES = ['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'];
const MANYLINUX_ARCHES = new Set([...JOINT_LINUX_ARCHES, 'ppc64']);
const MUSLLINUX_ARCHES = new Set(JOINT_LINUX_ARCHES);
const IOS_ARCHES = new Set(['arm64', 'x86_64']);
const ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64']);
const ACCEPTED_FAMILIES = 'PyPI accepts any, win32, win_amd64, win_arm64, win_ia64, manylinux1/2010/2014_<arch>, ' +
    'manylinux_X_Y_<arch>, musllinux_X_Y_<arch>, macosx_10_Y_<arch>, macosx_<11+>_0_<arch>, ' +
    'ios_X_Y_<arch>_iphoneos/iphonesimulator, android_<api>_<arch> and pyemscripten_X_Y_wasm32.';
/**
 * Warehouse's `_valid_platform_tag`, with the reason when a tag is refused. One deliberate
 * difference: a macOS major newer than PyPI's list is allowed with a warning, since PyPI adds
 * each macOS release to its list and refusing here would block uploads PyPI would take.
 */
function judgePlatformTag(tag) {
    if (STATIC_PLATFORMS.has(tag))
        return { allowed: true };
    const mac = /^macosx_(\d+)_(\d+)_(.*)$/.exec(tag);
    if (mac) {
        const [major, minor, arch] = [Number(mac[1]), mac[2], mac[3]];
        if (!MACOSX_ARCHES.has(arch)) {
            return {
                allowed: false,
                hint: `'${arch}' is not a macOS architecture PyPI knows (${[...MACOSX_ARCHES].join(', ')}).`
            };
        }
        if (major === 10)
            return { allowed: true };
        const fixed = `macosx_${major}_0_${arch}`;
        if (MACOSX_MAJORS.has(major)) {
            return minor === '0'
                ? { allowed: true }
                : {
                    allowed: false,
                    hint: `From macOS 11 on, the tag names the major version only: use '${fixed}' (set MACOSX_DEPLOYMENT_TARGET=${major}.0, or let delocate/cibuildwheel tag it).`
                };
        }
        if (major > MACOSX_LATEST_MAJOR && minor === '0') {
            return {
                allowed: true,
                hint: `PyPI listed macOS majors up to ${MACOSX_LATEST_MAJOR} when this action was written; if PyPI refuses '${tag}', it does not support macOS ${major} yet.`
            };
        }
        return {
            allowed: false,
            hint: `macOS ${major} is not a macOS release PyPI knows. ${ACCEPTED_FAMILIES}`
        };
    }
    const linux = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(tag);
    if (linux) {
        const arches = linux[1] === 'many' ? MANYLINUX_ARCHES : MUSLLINUX_ARCHES;
        if (arches.has(linux[4]))
            return { allowed: true };
        return {
            allowed: false,
            hint: `'${linux[4]}' is not an architecture PyPI accepts for ${linux[1]}linux (${[...arches].join(', ')}).`
        };
    }
    const ios = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(tag);
    if (ios && IOS_ARCHES.has(ios[3]))
        return { allowed: true };
    const android = /^android_(\d+)_(.*)$/.exec(tag);
    if (android && ANDROID_ARCHES.has(android[2]))
        return { allowed: true };
    if (/^pyemscripten_(\d+)_(\d+)_wasm32$/.test(tag))
        return { allowed: true };
    if (tag.startsWith('linux_')) {
        return {
            allowed: false,
            hint: `A '${tag}' wheel only promises to run on the machine that built it, so PyPI refuses it. ` +
                'Repair it with auditwheel (auditwheel repair dist/*.whl -w wheelhouse/), which bundles the ' +
                'shared libraries it needs and retags it manylinux_X_Y, or build with cibuildwheel, which ' +
                'does this for you. A wheel without compiled code should be tagged py3-none-any.'
        };
    }
    return { allowed: false, hint: ACCEPTED_FAMILIES };
}
/**
 * PEP 625, as PyPI enforces it: an sdist is `{normalized name with _}-{canonical version}.tar.gz`,
 * nothing else. A name or version that differs in value (not just in spelling) means the file is
 * not what its PKG-INFO says, which is a spec error anywhere; a spelling difference is PyPI policy.
 */
function checkSdistFilename(dist, found) {
    const name = dist.name.trim();
    const version = dist.version.trim();
    if (!isValidProjectName(name) || !parseVersion(version))
        return;
    const expected = expectedSdistFilename(name, version);
    if (dist.filename === expected)
        return;
    const invalid = `Filename ${pyRepr(dist.filename)} is invalid, should be ${pyRepr(expected)}.`;
    if (dist.filename.endsWith('.zip')) {
        found.policy({
            file: dist.path,
            rule: 'sdist-format',
            message: invalid,
            hint: 'PyPI accepts only .tar.gz sdists (PEP 625). Build the sdist with python -m build --sdist, ' +
                'which writes a .tar.gz, and leave the .zip out.'
        });
        return;
    }
    const split = splitSdistFilename(dist.filename, name);
    if (!split) {
        found.spec({
            file: dist.path,
            rule: 'sdist-name',
            message: `Start filename for ${pyRepr(name)} with ${pyRepr(wheelNamePart(name))}.`,
            hint: `The filename does not name project '${name}' from its PKG-INFO: the sdist was renamed or built from another project. Rebuild it as '${expected}'.`
        });
        return;
    }
    const fileVersion = parseVersion(split.version);
    if (fileVersion && compareVersions(fileVersion, version) !== 0) {
        found.spec({
            file: dist.path,
            rule: 'sdist-version',
            message: invalid,
            hint: `The filename says version ${split.version} but PKG-INFO says ${version}: the sdist was renamed or built from another version. Rebuild it.`
        });
        return;
    }
    found.policy({
        file: dist.path,
        rule: 'sdist-filename',
        message: invalid,
        hint: `PyPI requires the normalized name and version in sdist filenames (PEP 625). Rebuild with a ` +
            `current build backend (python -m build), which writes '${expected}'.`
    });
}
/**
 * Splits an sdist filename where the part before a `-` names the project. Versions can hold a `-`
 * (`1.0-1` is a post-release), so every `-` is tried, as PyPI does for post-releases.
 */
function splitSdistFilename(filename, name) {
    const stem = filename.endsWith('.tar.gz') ? filename.slice(0, -'.tar.gz'.length) : filename;
    const wanted = normalizeName(name);
    for (let dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
        if (normalizeName(stem.slice(0, dash)) === wanted)
            return { version: stem.slice(dash + 1) };
    }
    return undefined;
}
function checkSize(dist, limit, found) {
    if (dist.size <= limit)
        return;
    const mib = (n) => `${(n / ONE_MIB).toFixed(1)} MiB`;
    // PyPI counts in MiB and calls them MB ("Limit for project 'x' is 100 MB").
    const over = limit === PYPI_DEFAULT_FILE_SIZE_LIMIT
        ? "over PyPI's default limit of 100 MB per file"
        : `over the limit of ${Math.floor(limit / ONE_MIB)} MB set for this check`;
    found.policyWarning({
        file: dist.path,
        rule: 'file-size',
        message: `${dist.filename} is ${mib(dist.size)}, ${over}.`,
        hint: "PyPI refuses it with 'File too large' unless this project's limit has been raised. " +
            `If it has not, request an increase: ${SIZE_LIMIT_DOCS} (or make the file smaller: ` +
            'leave test data and debug symbols out).'
    });
}
/**
 * PyPI: "Only one sdist may be uploaded per release." A release is found by its canonical version,
 * trailing zeros stripped (packaging's `canonicalize_version`), so 1.0 and 1.0.0 are one release.
 */
function checkOneSdistPerRelease(dists, found) {
    const first = new Map();
    for (const dist of dists) {
        if (dist.kind !== 'sdist')
            continue;
        const parsed = parseVersion(dist.version.trim());
        if (!parsed || !isValidProjectName(dist.name.trim()))
            continue;
        const release = parsed.release.slice();
        while (release.length > 1 && release[release.length - 1] === 0n)
            release.pop();
        const version = formatVersion({ ...parsed, release });
        const key = `${normalizeName(dist.name.trim())} ${version}`;
        const earlier = first.get(key);
        if (!earlier) {
            first.set(key, dist);
            continue;
        }
        found.policy({
            file: dist.path,
            rule: 'one-sdist',
            message: 'Only one sdist may be uploaded per release.',
            hint: `${earlier.filename} is already an sdist of ${dist.name} ${version}; publish only one of them.`
        });
    }
}

;// CONCATENATED MODULE: ./src/check/dedupe.ts
/**
 * download-artifact layouts often hold the same file twice (an sdist in every matrix artifact).
 * The same filename with the same content counts once; with different content nobody can tell
 * which one is meant, so that is a problem.
 */
function dedupeByFilename(dists) {
    const byName = new Map();
    for (const dist of dists) {
        const group = byName.get(dist.filename);
        if (group)
            group.push(dist);
        else
            byName.set(dist.filename, [dist]);
    }
    const unique = [];
    const duplicates = [];
    const problems = [];
    for (const [filename, group] of byName) {
        unique.push(group[0]);
        duplicates.push(...group.slice(1));
        if (new Set(group.map(d => d.digests.sha256)).size > 1) {
            problems.push({
                file: group[0].path,
                rule: 'duplicate-filename',
                message: `'${filename}' occurs ${group.length} times with different content: ` +
                    group.map(d => `${d.path} (sha256 ${d.digests.sha256.slice(0, 12)}…)`).join(', '),
                hint: 'Keep one copy: builds of the same name and version must be identical, or the version must differ.'
            });
        }
    }
    return { unique, duplicates, problems };
}

;// CONCATENATED MODULE: ./src/discover/names.ts
/**
 * File and folder names are text from outside: a name can hold a newline that starts a workflow
 * command (`::stop-commands::…`) or a line the reader takes for ours. Names with control
 * characters are refused (PyPI refuses them too: a distribution's name is its project name,
 * version and tags, none of which may hold one), and are only ever shown escaped.
 */
/**
 * C0 controls, DEL, C1 controls (U+0085 NEL among them), and the Unicode line and paragraph
 * separators, which some viewers break lines on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
function hasControlCharacter(name) {
    return CONTROL.test(name);
}
/**
 * A name as a JSON string literal, with every control character as `\uXXXX` (JSON itself leaves
 * DEL, C1 and U+2028/U+2029 raw): safe to print on one line whatever the name holds.
 */
function escapedName(name) {
    return JSON.stringify(name).replace(/[\u007f-\u009f\u2028\u2029]/g, ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/** The name's UTF-8 bytes as text, or undefined when they are not UTF-8 (PyPI takes only UTF-8). */
function decodeName(bytes) {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./src/discover/discover.ts





const listFolder = (dir) => (0,promises_.readdir)(dir, { withFileTypes: true, encoding: 'buffer' });
/**
 * Folders never searched below packages-dir: with `packages-dir: .` they hold other projects'
 * wheels (`.venv/`, `.tox/`, `.nox/`, pip caches), git's objects, or npm's packages. A packages-dir
 * that is itself such a folder is searched: the user named it.
 */
function isSkippedFolder(name) {
    return name.startsWith('.') || name === 'node_modules';
}
/**
 * Finds distributions under `dir`, at any depth: actions/download-artifact puts each artifact in a
 * folder of its own, and the official action's flat listing misses them.
 */
async function discoverDistributions(dir, kinds, options = {}) {
    const root = external_node_path_default().resolve(dir);
    await assertDirectory(root, dir);
    const result = {
        files: [],
        passedOver: [],
        excluded: [],
        problems: [],
        skippedFolders: []
    };
    const walker = new Walker(root, options.readdir ?? listFolder, result);
    await walker.walk(root);
    for (const file of walker.files) {
        const filename = external_node_path_default().basename(file);
        const kind = distKindOf(filename);
        if (kind === 'zip-sdist') {
            result.problems.push({
                file,
                rule: 'sdist-format',
                message: `'${filename}' is a .zip sdist; PyPI accepts only .tar.gz sdists (PEP 625).`,
                hint: 'Build the sdist with `python -m build --sdist`, which writes a .tar.gz, or remove the .zip from the folder.'
            });
        }
        else if (kind === 'wheel' || kind === 'sdist') {
            if (kinds.has(kind))
                result.files.push({ path: file, filename, kind });
            else
                result.excluded.push(file);
        }
        else {
            result.passedOver.push(file);
        }
    }
    result.files.sort((a, b) => a.filename === b.filename ? a.path.localeCompare(b.path) : a.filename < b.filename ? -1 : 1);
    if (result.files.length === 0 && result.problems.length === 0) {
        throw new DistributionError([emptyFolderProblem(dir, root, result, kinds)]);
    }
    return result;
}
async function assertDirectory(root, asGiven) {
    if (hasControlCharacter(root)) {
        throw new DistributionError([
            {
                file: escapedName(root),
                rule: 'packages-dir',
                message: `The packages directory ${escapedName(asGiven)} has control characters in its path.`,
                hint: "Set 'packages-dir' to a folder whose path has none (e.g. `dist`)."
            }
        ]);
    }
    let isDir;
    try {
        isDir = (await (0,promises_.stat)(root)).isDirectory();
    }
    catch {
        throw new DistributionError([
            {
                file: root,
                rule: 'packages-dir',
                message: `The packages directory '${asGiven}' does not exist (looked in ${root}).`,
                hint: 'Build the distributions first (e.g. `python -m build`), or download the artifact that holds ' +
                    "them into this folder, or point 'packages-dir' at the folder that holds them."
            }
        ]);
    }
    if (!isDir) {
        throw new DistributionError([
            {
                file: root,
                rule: 'packages-dir',
                message: `'${asGiven}' is a file, not a directory.`,
                hint: "Set 'packages-dir' to the folder that holds the wheels and sdists."
            }
        ]);
    }
}
function emptyFolderProblem(asGiven, root, found, kinds) {
    const wanted = [...kinds].map(k => (k === 'wheel' ? '*.whl' : '*.tar.gz')).join(' and ');
    const seen = [...found.excluded, ...found.passedOver].map(f => external_node_path_default().relative(root, f));
    const skipped = found.skippedFolders.filter(f => f.holds !== undefined);
    const detail = (seen.length
        ? ` It holds ${seen.length} other file(s): ${seen.slice(0, 10).join(', ')}${seen.length > 10 ? ', …' : ''}.`
        : ' It is empty.') +
        (skipped.length
            ? ` Distributions were seen in ${skipped.map(f => external_node_path_default().relative(root, f.holds ?? f.path)).join(', ')}, ` +
                'inside a folder that is never searched (dot-folders and node_modules).'
            : '');
    return {
        file: root,
        rule: 'packages-dir',
        message: `No distributions (${wanted}) found in '${asGiven}' or below it.${detail}`,
        hint: skipped.length > 0
            ? "Point 'packages-dir' at the folder that holds the distributions to publish (a dot-folder is searched when packages-dir names it)."
            : found.excluded.length > 0
                ? "Only distributions of the kinds in 'distributions' are published: widen it, or build the missing kind."
                : 'Did the build step run, and did download-artifact put the files into this folder (check its `path:`)?'
    };
}
/** Walks packages-dir, collecting files and recording what it refuses or does not search. */
class Walker {
    root;
    list;
    result;
    files = [];
    constructor(root, list, result) {
        this.root = root;
        this.list = list;
        this.result = result;
    }
    /** Every regular file below `dir`. Symlinked folders are not followed (they can loop). */
    async walk(dir) {
        let entries;
        try {
            entries = await this.list(dir);
        }
        catch (error) {
            this.result.problems.push(unreadableFolder(this.root, dir, error));
            return;
        }
        for (const entry of entries) {
            const name = decodeName(entry.name);
            if (name === undefined || hasControlCharacter(name)) {
                // Refused, and never descended into: no path below it reaches a log or the index.
                this.result.problems.push(badName(this.root, dir, entry, name));
                continue;
            }
            const full = external_node_path_default().join(dir, name);
            if (entry.isDirectory()) {
                if (isSkippedFolder(name)) {
                    this.result.skippedFolders.push({ path: full, holds: await firstDistribution(full) });
                }
                else {
                    await this.walk(full);
                }
            }
            else if (entry.isFile()) {
                this.files.push(full);
            }
            else if (entry.isSymbolicLink()) {
                // A link to a file counts; a dangling link or a link to a folder does not.
                const target = await (0,promises_.stat)(full).catch(() => undefined);
                if (target?.isFile())
                    this.files.push(full);
            }
        }
    }
}
/** Where a folder is, for messages: relative to packages-dir ('.' for itself). */
function where(root, dir) {
    return escapedName(external_node_path_default().relative(root, dir) || '.');
}
function badName(root, dir, entry, name) {
    const what = entry.isDirectory() ? 'folder' : 'file';
    // Not UTF-8: shown with U+FFFD where the bytes do not decode, and escaped all the same.
    const shown = escapedName(name ?? entry.name.toString('utf8'));
    const why = name === undefined
        ? 'is not valid UTF-8'
        : 'has control characters (newlines, escapes or the like) in it';
    return {
        file: dir,
        rule: 'file-name',
        message: `A ${what} in ${where(root, dir)} (under packages-dir) has a name that ${why}: ${shown}. ` +
            'PyPI refuses such file names, and they are not safe to print in a log; nothing was uploaded.',
        hint: `Rename or delete that ${what} (\`ls -b\` shows such names), or point 'packages-dir' at a folder ` +
            'that holds only the distributions, then run again.'
    };
}
function unreadableFolder(root, dir, error) {
    const code = error.code;
    const why = code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'ENOENT'
            ? 'it disappeared while it was being searched'
            : code === 'ELOOP'
                ? 'too many levels of symbolic links'
                : code
                    ? `error ${code}`
                    : 'it could not be listed';
    return {
        file: dir,
        rule: 'unreadable-folder',
        message: `The folder ${where(root, dir)} under packages-dir cannot be read: ${why}. Nothing was uploaded.`,
        hint: code === 'EACCES' || code === 'EPERM'
            ? "Give the runner's user read and execute permission on it (e.g. `chmod -R u+rX` on it), " +
                "or point 'packages-dir' at the folder that holds only the distributions."
            : "Make sure nothing changes the folder while this step runs, or point 'packages-dir' at the " +
                'folder that holds only the distributions.'
    };
}
/** Bounds on looking inside a skipped folder: a node_modules or a .git can hold 100 000 entries. */
const PEEK_DEPTH = 4;
const PEEK_ENTRIES = 5000;
/**
 * The first distribution inside a skipped folder, if one is found within a few levels and a few
 * thousand entries (tox puts sdists in `.tox/.pkg/dist/`): enough to warn whoever expected it to
 * be published, without reading a whole virtualenv. Errors only end the look.
 */
async function firstDistribution(folder) {
    let budget = PEEK_ENTRIES;
    const look = async (dir, depth) => {
        const entries = await listFolder(dir).catch(() => []);
        const below = [];
        for (const entry of entries) {
            if (--budget < 0)
                return undefined;
            const name = decodeName(entry.name);
            if (name === undefined || hasControlCharacter(name))
                continue;
            const kind = distKindOf(name);
            if ((entry.isFile() || entry.isSymbolicLink()) && (kind === 'wheel' || kind === 'sdist')) {
                return external_node_path_default().join(dir, name);
            }
            if (entry.isDirectory() && depth < PEEK_DEPTH)
                below.push(external_node_path_default().join(dir, name));
        }
        for (const sub of below) {
            const found = await look(sub, depth + 1);
            if (found)
                return found;
        }
        return undefined;
    };
    return look(folder, 1);
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:worker_threads"
var external_node_worker_threads_ = __webpack_require__(5919);
// EXTERNAL MODULE: ./node_modules/hash-wasm/dist/index.umd.js
var index_umd = __webpack_require__(608);
;// CONCATENATED MODULE: ./src/dists/on-disk.ts
function identityOf(stats) {
    return { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, dev: stats.dev };
}
/** What differs between the file as checked and as found now, in words ([] when nothing). */
function identityChanges(checked, now) {
    const changes = [];
    if (checked.dev !== now.dev || checked.ino !== now.ino) {
        changes.push('it was replaced by another file');
    }
    if (checked.size !== now.size)
        changes.push(`size ${checked.size} → ${now.size} bytes`);
    if (checked.mtimeMs !== now.mtimeMs) {
        const [then, later] = [checked.mtimeMs, now.mtimeMs].map(ms => new Date(ms).toISOString());
        // Within one millisecond the two dates print alike; the file was still written again.
        changes.push(then === later ? `modified again at ${later}` : `modified ${then} → ${later}`);
    }
    return changes;
}
/**
 * The file is not the one that was checked: its digests, size and metadata in the form would
 * describe other bytes. Never retried (sending again would send the same stale form).
 */
class FileChangedError extends Error {
    path;
    filename;
    why;
    constructor(path, filename, why) {
        super(`${filename} changed on disk after it was checked (${why}); nothing was published for it; ` +
            'rebuild and run again (with no other step writing to that folder meanwhile).');
        this.path = path;
        this.filename = filename;
        this.why = why;
        this.name = 'FileChangedError';
    }
}

;// CONCATENATED MODULE: ./src/inspect/digests.ts
/**
 * The file's digests and size from one streaming pass: each 1 MiB chunk feeds sha256 and md5
 * (node:crypto) and blake2b-256 (hash-wasm; node's crypto only has 512-bit blake2b). The file is
 * never held in memory.
 *
 * On one thread the three run one after another (~170 MB/s here). For large files sha256 and md5
 * run in a worker thread while this thread does blake2b on the same chunks, which is what bounds
 * a large upload's preparation; small files stay on this thread, where a worker's start-up would
 * cost more than it saves.
 */





const CHUNK = 1024 * 1024;
/** Files from this size on hash sha256 and md5 in a worker. */
const PARALLEL_HASHING_FROM = 16 * 1024 * 1024;
let workerInUse = false;
/** Chunks handed to the worker and not yet hashed there: bounds memory if the worker lags. */
const MAX_CHUNKS_IN_FLIGHT = 4;
/** A file that changed while it was hashed: its digests describe no single version of it. */
class ChangedWhileReadError extends Error {
    path;
    why;
    constructor(path, why) {
        super(`the file changed while it was being read (${why})`);
        this.path = path;
        this.why = why;
        this.name = 'ChangedWhileReadError';
    }
}
async function computeDigests(path, options = {}) {
    // One handle for the stat and the read, so both are about the same file (a rename between a
    // stat by path and the open would pair one file's size with another's bytes).
    const handle = await (0,promises_.open)(path, 'r');
    try {
        const before = identityOf(await handle.stat());
        const result = await hashHandle(handle, before.size, options);
        const after = identityOf(await handle.stat());
        const changes = identityChanges(before, after);
        if (result.size !== before.size)
            changes.push(`read ${result.size} of ${before.size} bytes`);
        if (changes.length > 0)
            throw new ChangedWhileReadError(path, changes.join(', '));
        return { ...result, onDisk: before };
    }
    finally {
        await handle.close();
    }
}
async function hashHandle(handle, expected, options) {
    // One worker at a time (files are inspected several at once): memory stays bounded, and two
    // threads are what a runner's two cores can give anyway.
    const useWorker = expected >= (options.parallelFrom ?? PARALLEL_HASHING_FROM) && !workerInUse;
    if (useWorker)
        workerInUse = true;
    const native = useWorker ? inWorker() : inThisThread();
    const blake2b = await (0,index_umd.createBLAKE2b)(256);
    blake2b.init();
    let size = 0;
    try {
        const chunks = handle.createReadStream({ highWaterMark: CHUNK, start: 0, autoClose: false });
        for await (const chunk of chunks) {
            const bytes = chunk;
            size += bytes.length;
            // blake2b first: the chunk may then be moved (not copied) to the worker, which hashes it
            // while this thread reads and hashes the next one.
            blake2b.update(bytes);
            await native.update(bytes);
        }
    }
    catch (error) {
        // A read that failed still ends the worker.
        await native.finish().catch(() => undefined);
        if (useWorker)
            workerInUse = false;
        throw error;
    }
    const { sha256, md5 } = await native.finish().finally(() => {
        if (useWorker)
            workerInUse = false;
    });
    return { digests: { sha256, blake2_256: blake2b.digest('hex'), md5 }, size };
}
function inThisThread() {
    const sha256 = (0,external_node_crypto_.createHash)('sha256');
    const md5 = (0,external_node_crypto_.createHash)('md5');
    return {
        update(chunk) {
            sha256.update(chunk);
            md5.update(chunk);
        },
        async finish() {
            return { sha256: sha256.digest('hex'), md5: md5.digest('hex') };
        }
    };
}
/**
 * The worker's code, evaluated from a string so that the bundle needs no separate file. It acks
 * every chunk, so this side never has more than MAX_CHUNKS_IN_FLIGHT chunks queued.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { createHash } = require('node:crypto')
const sha256 = createHash('sha256')
const md5 = createHash('md5')
parentPort.on('message', chunk => {
  if (chunk === null) {
    parentPort.postMessage({ sha256: sha256.digest('hex'), md5: md5.digest('hex') })
    parentPort.close()
    return
  }
  sha256.update(chunk)
  md5.update(chunk)
  parentPort.postMessage('ack')
})
`;
function inWorker() {
    // The chunks are ArrayBuffers outside the heap; the worker's own heap stays tiny, so a small
    // young generation keeps a second isolate from adding tens of MB to peak memory.
    const worker = new external_node_worker_threads_.Worker(WORKER_SOURCE, {
        eval: true,
        resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16 }
    });
    let inFlight = 0;
    let wake;
    let failure;
    let settle;
    const result = new Promise((resolve, reject) => {
        settle = { resolve, reject };
    });
    worker.on('message', (message) => {
        if (message === 'ack') {
            inFlight--;
            wake?.();
            wake = undefined;
        }
        else {
            settle.resolve(message);
        }
    });
    worker.on('error', error => {
        failure = error;
        wake?.();
        settle.reject(error);
    });
    // Settled already when the worker answered; otherwise it ended without an answer.
    worker.on('exit', code => settle.reject(new Error(`the hashing worker exited (${code})`)));
    return {
        async update(chunk) {
            if (failure)
                throw failure;
            inFlight++;
            // Move the bytes when the chunk owns its whole buffer (fs reads of 1 MiB do); else copy.
            const owned = chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength;
            if (owned)
                worker.postMessage(chunk, [chunk.buffer]);
            else
                worker.postMessage(chunk);
            while (inFlight >= MAX_CHUNKS_IN_FLIGHT && !failure) {
                await new Promise(resolve => (wake = resolve));
            }
            if (failure)
                throw failure;
        },
        async finish() {
            worker.postMessage(null);
            try {
                return await result;
            }
            finally {
                await worker.terminate();
            }
        }
    };
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./src/inspect/zip.ts
/**
 * Reads a wheel's `*.dist-info/METADATA` through the zip's central directory, with positioned
 * reads on a file handle: only the directory and the one member are read, never the whole file.
 *
 * Like pip and PyPI, we trust the central directory (not the local headers) for names and sizes.
 * The member is capped (declared size, and again while inflating) so a hostile compression ratio
 * cannot exhaust memory, and its CRC-32 is checked.
 */




/** The most uncompressed METADATA / PKG-INFO we read. Real ones are a few KiB to ~1 MiB. */
const MAX_METADATA_BYTES = 4 * 1024 * 1024;
/** A bigger central directory than this is not a wheel anyone built (~400k members). */
const MAX_CENTRAL_DIRECTORY_BYTES = 64 * 1024 * 1024;
const EOCD_SIGNATURE = 0x06054b50;
const EOCD_SIZE = 22;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const ZIP64_EOCD_SIZE = 56;
const CENTRAL_SIGNATURE = 0x02014b50;
const CENTRAL_SIZE = 46;
const LOCAL_SIGNATURE = 0x04034b50;
const LOCAL_SIZE = 30;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const REBUILD_HINT = 'Rebuild the wheel (e.g. `python -m build --wheel`) and make sure the file is not altered ' +
    'or cut short between the build and this step (artifact upload/download, caches).';
// --- CRC-32 ---------------------------------------------------------------------------------
let crcTable;
/** CRC-32 (IEEE, as zip uses). zlib.crc32 exists from Node 20.15; older 20.x use the table. */
function crc32(data, value = 0) {
    const native = external_node_zlib_.crc32;
    return native ? native(data, value) : tableCrc32(data, value);
}
/** The table-driven CRC-32, for Node versions without zlib.crc32. */
function tableCrc32(data, value = 0) {
    if (!crcTable) {
        crcTable = new Uint32Array(256);
        for (let n = 0; n < 256; n++) {
            let c = n;
            for (let k = 0; k < 8; k++)
                c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
            crcTable[n] = c >>> 0;
        }
    }
    let crc = ~value >>> 0;
    for (let i = 0; i < data.length; i++)
        crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    return ~crc >>> 0;
}
// --- errors ---------------------------------------------------------------------------------
function invalidWheel(path, why) {
    return new DistributionError([
        {
            file: path,
            rule: 'invalid-wheel',
            message: `${(0,external_node_path_.basename)(path)} is not a valid wheel (zip archive): ${why}.`,
            hint: REBUILD_HINT
        }
    ]);
}
// --- reading --------------------------------------------------------------------------------
/** Reads exactly `length` bytes at `position`, or fails naming the file as cut short. */
async function readAt(handle, path, position, length) {
    const buffer = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
        const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
        if (bytesRead === 0)
            throw invalidWheel(path, 'the file ends early (truncated)');
        done += bytesRead;
    }
    return buffer;
}
function toSafeNumber(path, value, what) {
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
        throw invalidWheel(path, `${what} is out of range`);
    return Number(value);
}
/** Finds the central directory from the End Of Central Directory record (and its ZIP64 form). */
async function locateCentralDirectory(handle, path, fileSize) {
    if (fileSize < EOCD_SIZE) {
        throw invalidWheel(path, `it is only ${fileSize} bytes long, too short for a zip archive`);
    }
    // The EOCD is the last thing in the file, followed only by a comment of at most 65535 bytes.
    const tailLength = Math.min(fileSize, EOCD_SIZE + 0xffff);
    const tailStart = fileSize - tailLength;
    const tail = await readAt(handle, path, tailStart, tailLength);
    let at = -1;
    for (let i = tail.length - EOCD_SIZE; i >= 0; i--) {
        if (tail.readUInt32LE(i) === EOCD_SIGNATURE &&
            i + EOCD_SIZE + tail.readUInt16LE(i + 20) <= tail.length) {
            at = i;
            break;
        }
    }
    if (at < 0) {
        throw invalidWheel(path, 'no end of central directory record (the file is truncated or not a zip)');
    }
    const eocdPosition = tailStart + at;
    const disk = tail.readUInt16LE(at + 4);
    const directoryDisk = tail.readUInt16LE(at + 6);
    let entries = tail.readUInt16LE(at + 10);
    let size = tail.readUInt32LE(at + 12);
    let offset = tail.readUInt32LE(at + 16);
    if (disk !== 0 || directoryDisk !== 0) {
        throw invalidWheel(path, 'it is a multi-part (spanned) zip archive');
    }
    // The central directory ends where the next record begins: the ZIP64 EOCD if there is one
    // (announced by a locator right before the EOCD), else the EOCD itself.
    let directoryEnd = eocdPosition;
    if (eocdPosition >= ZIP64_LOCATOR_SIZE) {
        const locator = await readAt(handle, path, eocdPosition - ZIP64_LOCATOR_SIZE, ZIP64_LOCATOR_SIZE);
        if (locator.readUInt32LE(0) === ZIP64_LOCATOR_SIGNATURE) {
            const zip64Position = toSafeNumber(path, locator.readBigUInt64LE(8), 'the ZIP64 record offset');
            // Like the central directory, the record may sit after prepended data: find it by its
            // expected place (right before the locator) first, then by the recorded offset.
            const expected = eocdPosition - ZIP64_LOCATOR_SIZE - ZIP64_EOCD_SIZE;
            let record;
            let recordPosition = -1;
            for (const candidate of [expected, zip64Position]) {
                if (candidate < 0 || candidate + ZIP64_EOCD_SIZE > fileSize)
                    continue;
                const bytes = await readAt(handle, path, candidate, ZIP64_EOCD_SIZE);
                if (bytes.readUInt32LE(0) === ZIP64_EOCD_SIGNATURE) {
                    record = bytes;
                    recordPosition = candidate;
                    break;
                }
            }
            if (!record)
                throw invalidWheel(path, 'the ZIP64 end of central directory record is missing');
            if (record.readUInt32LE(16) !== 0 || record.readUInt32LE(20) !== 0) {
                throw invalidWheel(path, 'it is a multi-part (spanned) zip archive');
            }
            entries = toSafeNumber(path, record.readBigUInt64LE(32), 'the entry count');
            size = toSafeNumber(path, record.readBigUInt64LE(40), 'the central directory size');
            offset = toSafeNumber(path, record.readBigUInt64LE(48), 'the central directory offset');
            directoryEnd = recordPosition;
        }
    }
    const base = directoryEnd - size - offset;
    if (base < 0) {
        throw invalidWheel(path, 'the central directory lies outside the file (truncated?)');
    }
    if (size > MAX_CENTRAL_DIRECTORY_BYTES) {
        throw invalidWheel(path, `its central directory is ${size} bytes, more than any real wheel`);
    }
    return { start: base + offset, size, entries, base };
}
/** Decodes the central directory records into entries. */
function parseCentralDirectory(path, bytes, directory) {
    const entries = [];
    let at = 0;
    for (let index = 0; index < directory.entries; index++) {
        if (at + CENTRAL_SIZE > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_SIGNATURE) {
            throw invalidWheel(path, `central directory record ${index + 1} is damaged`);
        }
        const flags = bytes.readUInt16LE(at + 8);
        const method = bytes.readUInt16LE(at + 10);
        const crc = bytes.readUInt32LE(at + 16);
        let compressedSize = bytes.readUInt32LE(at + 20);
        let uncompressedSize = bytes.readUInt32LE(at + 24);
        const nameLength = bytes.readUInt16LE(at + 28);
        const extraLength = bytes.readUInt16LE(at + 30);
        const commentLength = bytes.readUInt16LE(at + 32);
        let localOffset = bytes.readUInt32LE(at + 42);
        const nameStart = at + CENTRAL_SIZE;
        const extraStart = nameStart + nameLength;
        const next = extraStart + extraLength + commentLength;
        if (next > bytes.length) {
            throw invalidWheel(path, `central directory record ${index + 1} is damaged`);
        }
        // Names are UTF-8 when flagged, else CP437; wheel paths are ASCII, where both agree, so a
        // byte-per-character decode is enough for the rest.
        const name = bytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', nameStart, extraStart);
        // ZIP64 extra field: the 64-bit values, in this order, for each 32-bit field that is 0xFFFFFFFF.
        let extra = extraStart;
        while (extra + 4 <= extraStart + extraLength) {
            const id = bytes.readUInt16LE(extra);
            const length = bytes.readUInt16LE(extra + 2);
            const end = extra + 4 + length;
            if (end > extraStart + extraLength)
                break;
            if (id === ZIP64_EXTRA_ID) {
                let field = extra + 4;
                const take = (what) => {
                    if (field + 8 > end)
                        throw invalidWheel(path, `the ZIP64 data of '${name}' is damaged`);
                    const value = toSafeNumber(path, bytes.readBigUInt64LE(field), what);
                    field += 8;
                    return value;
                };
                if (uncompressedSize === 0xffffffff)
                    uncompressedSize = take('a size');
                if (compressedSize === 0xffffffff)
                    compressedSize = take('a size');
                if (localOffset === 0xffffffff)
                    localOffset = take('an offset');
            }
            extra = end;
        }
        entries.push({
            name,
            method,
            flags,
            crc32: crc,
            compressedSize,
            uncompressedSize,
            localHeaderOffset: directory.base + localOffset
        });
        at = next;
    }
    return entries;
}
/** Lists the archive's members from its central directory. */
async function readZipEntries(path) {
    const handle = await open(path, 'r');
    try {
        return await entriesOf(handle, path);
    }
    finally {
        await handle.close();
    }
}
async function entriesOf(handle, path) {
    const { size: fileSize } = await handle.stat();
    const directory = await locateCentralDirectory(handle, path, fileSize);
    const bytes = await readAt(handle, path, directory.start, directory.size);
    return parseCentralDirectory(path, bytes, directory);
}
/** Reads one member's bytes: stored or deflated, capped at `maxBytes`, CRC-checked. */
async function extract(handle, path, entry, maxBytes) {
    const tooLarge = (size) => new DistributionError([
        {
            file: path,
            rule: 'metadata-too-large',
            message: `${(0,external_node_path_.basename)(path)}: ${entry.name} is ${size}, more than the ${maxBytes}-byte limit for core metadata.`,
            hint: 'A METADATA file this large is almost certainly a broken or hostile build; rebuild the wheel.'
        }
    ]);
    if (entry.flags & FLAG_ENCRYPTED)
        throw invalidWheel(path, `${entry.name} is encrypted`);
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
        throw invalidWheel(path, `${entry.name} uses compression method ${entry.method}; wheels may only use stored (0) or deflate (8)`);
    }
    if (entry.uncompressedSize > maxBytes)
        throw tooLarge(`${entry.uncompressedSize} bytes`);
    // Deflate never needs much more room than the data it encodes; anything bigger is not METADATA.
    const compressedLimit = entry.method === METHOD_STORED ? maxBytes : maxBytes + (maxBytes >> 4) + 1024;
    if (entry.compressedSize > compressedLimit) {
        throw tooLarge(`${entry.compressedSize} bytes compressed`);
    }
    const local = await readAt(handle, path, entry.localHeaderOffset, LOCAL_SIZE);
    if (local.readUInt32LE(0) !== LOCAL_SIGNATURE) {
        throw invalidWheel(path, `the local header of ${entry.name} is missing or damaged`);
    }
    const dataStart = entry.localHeaderOffset + LOCAL_SIZE + local.readUInt16LE(26) + local.readUInt16LE(28);
    const raw = await readAt(handle, path, dataStart, entry.compressedSize);
    let data;
    if (entry.method === METHOD_STORED) {
        data = raw;
    }
    else {
        try {
            // maxOutputLength makes zlib stop (RangeError) as soon as the output passes the cap, so a
            // tiny stream claiming a small size but inflating to gigabytes costs at most maxBytes.
            data = external_node_zlib_.inflateRawSync(raw, { maxOutputLength: maxBytes });
        }
        catch (error) {
            // Checked by code, not `instanceof RangeError`: errors from node internals may come from
            // another realm (jest's vm modules).
            if (error.code === 'ERR_BUFFER_TOO_LARGE') {
                throw tooLarge(`inflating to more than ${maxBytes} bytes`);
            }
            throw invalidWheel(path, `the compressed data of ${entry.name} is corrupt (${error.message})`);
        }
    }
    if (data.length !== entry.uncompressedSize) {
        throw invalidWheel(path, `${entry.name} holds ${data.length} bytes but the directory says ${entry.uncompressedSize}`);
    }
    if (crc32(data) !== entry.crc32)
        throw invalidWheel(path, `${entry.name} fails its CRC-32 check`);
    return data;
}
/** `<anything>.dist-info/METADATA` at the top of the archive (not nested in a package). */
const TOP_LEVEL_METADATA = /^[^/]+\.dist-info\/METADATA$/;
/**
 * Reads the wheel's core metadata: the single top-level `*.dist-info/METADATA`. None or several
 * is an error (a wheel has exactly one .dist-info directory); nested ones (vendored packages'
 * own metadata) are ignored.
 */
async function readWheelMetadata(path, options = {}) {
    const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
    const handle = await (0,promises_.open)(path, 'r');
    try {
        const entries = await entriesOf(handle, path);
        const candidates = entries.filter(e => TOP_LEVEL_METADATA.test(e.name));
        if (candidates.length !== 1) {
            const found = candidates.length === 0
                ? 'it has no <name>-<version>.dist-info/METADATA at the top level'
                : `it has ${candidates.length} top-level .dist-info/METADATA files (${candidates.map(c => c.name).join(', ')})`;
            throw new DistributionError([
                {
                    file: path,
                    rule: 'wheel-metadata',
                    message: `${(0,external_node_path_.basename)(path)}: ${found}; a wheel has exactly one.`,
                    hint: REBUILD_HINT
                }
            ]);
        }
        const [entry] = candidates;
        return { entryName: entry.name, data: await extract(handle, path, entry, maxBytes) };
    }
    finally {
        await handle.close();
    }
}

;// CONCATENATED MODULE: ./src/inspect/tar.ts
/**
 * Reads an sdist's `<top>/PKG-INFO` from its .tar.gz by streaming: the file goes through gunzip
 * into a small tar header parser, and reading stops as soon as PKG-INFO is found. Nothing but the
 * headers, a few pax records and PKG-INFO itself is kept in memory.
 *
 * Understood: ustar (with its `prefix` field), pax extended headers (`x`, and `g` globals, which —
 * as in Python's tarfile — only take effect for members that also have an `x` header), GNU
 * long names (`L`), base-256 sizes. Layout rule (the sdist spec, twine, PyPI): every member sits
 * under one top-level folder. Because we stop at PKG-INFO, that rule is checked on the members up
 * to and including it; a stray member after it is left to the index's own full check, a trade of
 * thoroughness for not decompressing a 100 MB sdist twice (the digest pass already reads it).
 */





const BLOCK = 512;
/** Pax records and GNU long names are a few hundred bytes; more is a broken or hostile archive. */
const MAX_EXTENSION_BYTES = 1024 * 1024;
const tar_REBUILD_HINT = 'Rebuild the sdist (e.g. `python -m build --sdist`) and make sure the file is not altered or ' +
    'cut short between the build and this step (artifact upload/download, caches).';
function sdistProblem(path, rule, message, hint = tar_REBUILD_HINT) {
    return new DistributionError([
        { file: path, rule, message: `${(0,external_node_path_.basename)(path)}: ${message}`, hint }
    ]);
}
function invalidSdist(path, why) {
    return sdistProblem(path, 'invalid-sdist', `not a valid sdist (.tar.gz): ${why}.`);
}
/**
 * Pulls exact byte counts out of a stream of chunks. Skipped bytes are dropped as they arrive, so
 * passing over a large member costs no memory.
 */
class ChunkReader {
    source;
    chunks = [];
    buffered = 0;
    ended = false;
    constructor(source) {
        this.source = source;
    }
    async pull() {
        if (this.ended)
            return false;
        const next = await this.source.next();
        if (next.done) {
            this.ended = true;
            return false;
        }
        this.chunks.push(next.value);
        this.buffered += next.value.length;
        return true;
    }
    /** Up to `length` bytes; fewer only at the end of the stream. */
    async read(length) {
        while (this.buffered < length && (await this.pull())) {
            /* keep pulling */
        }
        const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
        const taken = all.subarray(0, Math.min(length, all.length));
        const rest = all.subarray(taken.length);
        this.chunks = rest.length > 0 ? [rest] : [];
        this.buffered = rest.length;
        return taken;
    }
    /** Skips `length` bytes; false if the stream ended first. */
    async skip(length) {
        let left = length;
        while (left > 0) {
            if (this.chunks.length === 0 && !(await this.pull()))
                return false;
            const head = this.chunks[0];
            if (head.length <= left) {
                this.chunks.shift();
                this.buffered -= head.length;
                left -= head.length;
            }
            else {
                this.chunks[0] = head.subarray(left);
                this.buffered -= left;
                left = 0;
            }
        }
        return true;
    }
}
/** A NUL-terminated field. */
function tar_text(block, start, length) {
    const field = block.subarray(start, start + length);
    const nul = field.indexOf(0);
    return field.subarray(0, nul < 0 ? field.length : nul).toString('utf8');
}
/** An octal numeric field, or GNU base-256 when the high bit of the first byte is set. */
function numeric(block, start, length) {
    const field = block.subarray(start, start + length);
    if (field[0] & 0x80) {
        if (field[0] & 0x40)
            return undefined; // negative: never a valid size
        let value = field[0] & 0x3f;
        for (let i = 1; i < field.length; i++)
            value = value * 256 + field[i];
        return Number.isSafeInteger(value) ? value : undefined;
    }
    const digits = field.toString('latin1').replace(/\0.*$/s, '').trim();
    if (digits === '')
        return 0;
    return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : undefined;
}
/** The header checksum: the byte sum with the checksum field read as spaces (unsigned or signed). */
function checksumMatches(block) {
    const stored = numeric(block, 148, 8);
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const byte = i >= 148 && i < 156 ? 0x20 : block[i];
        unsigned += byte;
        signed += byte > 127 ? byte - 256 : byte;
    }
    return stored === unsigned || stored === signed;
}
/** `len key=value\n` records of a pax extended header. */
function parsePax(path, data) {
    const records = new Map();
    let at = 0;
    while (at < data.length && data[at] !== 0) {
        const space = data.indexOf(0x20, at);
        const length = space < 0 ? NaN : Number(data.toString('latin1', at, space));
        if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
            throw invalidSdist(path, 'a pax extended header is malformed');
        }
        const record = data.toString('utf8', space + 1, at + length - 1); // drop the trailing '\n'
        const equals = record.indexOf('=');
        if (equals > 0)
            records.set(record.slice(0, equals), record.slice(equals + 1));
        at += length;
    }
    return records;
}
/** Path components without empty and `.` parts, the way os.path.commonpath sees them. */
function components(name) {
    return name.split('/').filter(part => part !== '' && part !== '.');
}
const REGULAR_TYPES = new Set(['0', '\0', '7']);
/**
 * Reads the sdist's core metadata, `<top>/PKG-INFO`, where `<top>` is the single top-level
 * folder every member must be under.
 */
async function readSdistMetadata(path, options = {}) {
    const maxBytes = options.maxBytes ?? MAX_METADATA_BYTES;
    const file = (0,external_node_fs_.createReadStream)(path, { highWaterMark: 1024 * 1024 });
    const gunzip = (0,external_node_zlib_.createGunzip)();
    // pipe() does not forward errors; a read error must end the gunzip side we iterate.
    file.on('error', error => gunzip.destroy(error));
    file.pipe(gunzip);
    const reader = new ChunkReader(gunzip[Symbol.asyncIterator]());
    try {
        return await findPkgInfo(path, reader, maxBytes);
    }
    catch (error) {
        // zlib reports a truncated or damaged stream with Z_* codes; file errors pass through as-is.
        const code = error.code;
        if (typeof code === 'string' && code.startsWith('Z_')) {
            const why = code === 'Z_BUF_ERROR'
                ? 'the gzip stream ends early (truncated)'
                : `the gzip data is corrupt (${error.message})`;
            throw invalidSdist(path, why);
        }
        throw error;
    }
    finally {
        // Stop reading as soon as we have what we came for.
        file.destroy();
        gunzip.destroy();
    }
}
async function findPkgInfo(path, reader, maxBytes) {
    const globals = new Map();
    let pax;
    let longName;
    let top;
    let firstMember;
    const readData = async (size, what) => {
        const data = await reader.read(size);
        if (data.length < size)
            throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`);
        if (!(await reader.skip((BLOCK - (size % BLOCK)) % BLOCK))) {
            throw invalidSdist(path, `the tar stream ends inside ${what} (truncated)`);
        }
        return data;
    };
    for (;;) {
        const block = await reader.read(BLOCK);
        if (block.length === 0)
            break; // no end-of-archive blocks: tolerated, as Python does
        if (block.length < BLOCK)
            throw invalidSdist(path, 'the tar stream ends inside a header (truncated)');
        if (block.every(byte => byte === 0))
            break; // end of archive
        if (!checksumMatches(block))
            throw invalidSdist(path, 'a tar header fails its checksum');
        const type = String.fromCharCode(block[156]);
        const size = numeric(block, 124, 12);
        if (size === undefined)
            throw invalidSdist(path, 'a tar header has an unreadable size');
        // Extension headers describe the next member: pax (`x`, Solaris `X`), pax globals (`g`),
        // GNU long name (`L`) and long link target (`K`, not needed here).
        if (type === 'x' || type === 'X' || type === 'g' || type === 'L' || type === 'K') {
            if (size > MAX_EXTENSION_BYTES) {
                throw invalidSdist(path, `an extended header of ${size} bytes is larger than any real one`);
            }
            const data = await readData(size, 'an extended header');
            if (type === 'x' || type === 'X')
                pax = parsePax(path, data);
            else if (type === 'g')
                for (const [k, v] of parsePax(path, data))
                    globals.set(k, v);
            else if (type === 'L')
                longName = tar_text(data, 0, data.length);
            continue;
        }
        // A real member: its name from the pax record, else the GNU long name, else the header.
        const records = pax ? new Map([...globals, ...pax]) : undefined;
        let name = tar_text(block, 0, 100);
        if (block.toString('latin1', 257, 263) === 'ustar\0') {
            const prefix = tar_text(block, 345, 155);
            if (prefix !== '')
                name = `${prefix}/${name}`;
        }
        if (longName !== undefined)
            name = longName;
        if (records?.has('path'))
            name = records.get('path');
        let dataSize = size;
        const paxSize = records?.get('size');
        if (paxSize !== undefined) {
            if (!/^\d+$/.test(paxSize))
                throw invalidSdist(path, 'a pax size record is malformed');
            dataSize = Number(paxSize);
        }
        pax = undefined;
        longName = undefined;
        const parts = components(name);
        if (parts.length > 0) {
            top ??= parts[0];
            firstMember ??= name;
            if (parts[0] !== top) {
                throw sdistProblem(path, 'sdist-layout', `the archive has more than one top-level entry ('${firstMember}' and '${name}'); an sdist holds everything under one folder, <name>-<version>/.`);
            }
        }
        if (parts.length === 2 && parts[1] === 'PKG-INFO') {
            if (!REGULAR_TYPES.has(type)) {
                throw sdistProblem(path, 'sdist-metadata', `${name} is not a regular file (a link or a folder).`);
            }
            if (dataSize > maxBytes) {
                throw sdistProblem(path, 'metadata-too-large', `${name} is ${dataSize} bytes, more than the ${maxBytes}-byte limit for core metadata.`, 'A PKG-INFO this large is almost certainly a broken or hostile build; rebuild the sdist.');
            }
            const data = await reader.read(dataSize);
            if (data.length < dataSize)
                throw invalidSdist(path, `the tar stream ends inside ${name} (truncated)`);
            return { entryName: name, data };
        }
        // Links and folders have no data (whatever size they claim, in old archives); others do.
        const hasData = !['1', '2', '3', '4', '5', '6'].includes(type);
        if (hasData && !(await reader.skip(Math.ceil(dataSize / BLOCK) * BLOCK))) {
            throw invalidSdist(path, `the tar stream ends inside ${name} (truncated)`);
        }
    }
    throw sdistProblem(path, 'sdist-metadata', top === undefined
        ? 'the archive is empty.'
        : `there is no ${top}/PKG-INFO; an sdist carries its core metadata there.`);
}

;// CONCATENATED MODULE: ./src/inspect/inspect.ts
/**
 * Turns a file on disk into a `Distribution`: its kind from the name, its core metadata from the
 * archive, its digests and size from one streaming pass (run at the same time as the metadata
 * read). Every failure is a `DistributionError` whose Problem names the file and says what to do.
 */







/** How many files are inspected at once: enough to overlap I/O and hashing, few enough for CI. */
const INSPECT_CONCURRENCY = 4;
function problem(path, rule, message, hint) {
    return new DistributionError([{ file: path, rule, message, ...(hint ? { hint } : {}) }]);
}
/** Wheels are `.whl`; sdists are `.tar.gz` (PEP 625: PyPI takes no other sdist format). */
function kindOf(path) {
    const kind = distKindOf((0,external_node_path_.basename)(path));
    if (kind === 'wheel' || kind === 'sdist')
        return kind;
    const filename = (0,external_node_path_.basename)(path);
    throw problem(path, 'unsupported-file', `${filename} is neither a wheel (.whl) nor an sdist (.tar.gz).`, 'Publish only what `python -m build` writes: a .tar.gz sdist and .whl wheels.');
}
/** The `pyversion` form field: the wheel's python tag as written (e.g. `py2.py3`). */
function pythonTagOf(path) {
    const parsed = parseWheelFilename((0,external_node_path_.basename)(path));
    if (!parsed) {
        throw problem(path, 'wheel-filename', `${(0,external_node_path_.basename)(path)} is not a valid wheel filename ({name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl).`, 'Keep the filename the build backend gave the wheel; renaming it breaks installers and the index.');
    }
    return parsed.pythonTag;
}
/** File-system failures (missing file, no permission, a folder) as problems, not crashes. */
function asProblem(path, error) {
    if (error instanceof DistributionError)
        return error;
    if (error instanceof ChangedWhileReadError) {
        return problem(path, 'changed-while-read', `${(0,external_node_path_.basename)(path)} changed while it was being checked (${error.why}).`, 'Another step is still writing to this folder: let the build finish before this step starts, then run again.');
    }
    const code = error.code;
    const why = code === 'ENOENT'
        ? 'the file does not exist (any more)'
        : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EISDIR'
                ? 'it is a folder, not a file'
                : error.message;
    return problem(path, 'unreadable', `${(0,external_node_path_.basename)(path)} cannot be read: ${why}.`, 'Check that the build step wrote the file where this step looks for it, and that nothing removes it in between.');
}
/** Decodes METADATA / PKG-INFO bytes: the spec says UTF-8, and anything else is refused. */
function decodeMetadata(path, member) {
    let text;
    try {
        // ignoreBOM keeps a byte order mark in the text, where Python keeps it too.
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(member.data);
    }
    catch {
        throw problem(path, 'metadata-encoding', `${(0,external_node_path_.basename)(path)}: ${member.entryName} is not valid UTF-8.`, 'Core metadata must be UTF-8; rebuild with a current build backend.');
    }
    if (text.startsWith('\uFEFF')) {
        // Python's email parser (pip, twine, PyPI) then reads the first line as body, not as a header,
        // and so sees no headers at all: installers would find no name, version or requirements.
        throw problem(path, 'metadata-encoding', `${(0,external_node_path_.basename)(path)}: ${member.entryName} starts with a UTF-8 byte order mark, so Python's email parser (pip, twine) reads no headers in it.`, 'Write core metadata as UTF-8 without a byte order mark; rebuild with a current build backend.');
    }
    return text;
}
async function inspectDistribution(file) {
    const path = (0,external_node_path_.resolve)(file);
    const filename = (0,external_node_path_.basename)(path);
    const kind = kindOf(path);
    const pyversion = kind === 'wheel' ? pythonTagOf(path) : 'source';
    // Both read the file: start them together. allSettled, so a failing metadata read never leaves
    // the digest stream running unobserved (or an unhandled rejection behind).
    const [metadataRead, digestPass] = await Promise.allSettled([
        kind === 'wheel' ? readWheelMetadata(path) : readSdistMetadata(path),
        computeDigests(path)
    ]);
    if (metadataRead.status === 'rejected')
        throw asProblem(path, metadataRead.reason);
    if (digestPass.status === 'rejected')
        throw asProblem(path, digestPass.reason);
    const member = metadataRead.value;
    const metadata = parseCoreMetadata(decodeMetadata(path, member));
    const required = { 'Metadata-Version': '', Name: '', Version: '' };
    const missing = [];
    for (const header of Object.keys(required)) {
        const value = getHeader(metadata, header)?.trim();
        // setuptools writes "UNKNOWN" when it could not find the name or version: as good as missing.
        if (!value || value === 'UNKNOWN')
            missing.push(header);
        else
            required[header] = value;
    }
    if (missing.length > 0) {
        throw problem(path, 'metadata-missing-field', `${filename}: ${member.entryName} has no ${missing.join(', ')} (or only "UNKNOWN").`, 'Set the project name and version in pyproject.toml ([project] name, version) and rebuild; an "UNKNOWN" value means the backend could not find them.');
    }
    return {
        path,
        filename,
        kind,
        filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
        pyversion,
        size: digestPass.value.size,
        digests: digestPass.value.digests,
        onDisk: digestPass.value.onDisk,
        name: required.Name,
        version: required.Version,
        metadataVersion: required['Metadata-Version'],
        metadata,
        metadataFields: metadataToFormFields(metadata)
    };
}
/**
 * Inspects every file, at most `concurrency` at a time, and collects every problem instead of
 * stopping at the first. `dists` keeps the order of `paths` (minus the files with problems).
 */
async function inspectAll(paths, concurrency = INSPECT_CONCURRENCY) {
    const results = new Array(paths.length);
    let next = 0;
    const worker = async () => {
        while (next < paths.length) {
            const index = next++;
            try {
                results[index] = await inspectDistribution(paths[index]);
            }
            catch (error) {
                results[index] = asProblem((0,external_node_path_.resolve)(paths[index]), error).problems;
            }
        }
    };
    const workers = Math.max(1, Math.min(concurrency, paths.length));
    await Promise.all(Array.from({ length: workers }, worker));
    const dists = [];
    const problems = [];
    for (const result of results) {
        if (Array.isArray(result))
            problems.push(...result);
        else
            dists.push(result);
    }
    return { dists, problems };
}

;// CONCATENATED MODULE: ./src/check/guards/tag.ts


const FIX = 'Retag, or bump the version in pyproject.toml and rebuild; or set verify-tag: false to publish without this check.';
/** The characters that separate a project from its version in monorepo tags. */
const PREFIX_SEPARATORS = new Set(['-', '/', '@', '_']);
/** The tag a run is for, or undefined when the run is for a branch, a pull request, or nothing. */
function tagOfRun(env) {
    const ref = env.GITHUB_REF;
    if (ref !== undefined && ref !== '') {
        return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined;
    }
    // GITHUB_REF is always set on a runner; the short form is accepted for other CI shims.
    if (env.GITHUB_REF_TYPE === 'tag' && env.GITHUB_REF_NAME)
        return env.GITHUB_REF_NAME;
    return undefined;
}
/**
 * Every reading of a tag as `[project<sep>]version`. The whole tag as a version comes first (a
 * leading `v`/`V` is allowed, as PEP 440 allows it); then each split at a separator whose left
 * side is a valid project name and whose right side a version, shortest project first. Project
 * names and versions may both hold `-`, so `a-1-2` has two readings; the caller picks the one
 * that names a project being published.
 */
function readTag(tag) {
    const whole = parseVersion(tag);
    if (whole && tag.trim() === tag)
        return [{ tag, version: whole }];
    const readings = [];
    for (let i = 1; i < tag.length - 1; i++) {
        if (!PREFIX_SEPARATORS.has(tag[i]))
            continue;
        const project = tag.slice(0, i);
        const rest = tag.slice(i + 1);
        // parseVersion strips surrounding whitespace as packaging does; a tag with spaces is no version.
        if (!isValidProjectName(project) || rest.trim() !== rest)
            continue;
        const version = parseVersion(rest);
        if (version)
            readings.push({ tag, project, version });
    }
    return readings;
}
/**
 * Checks that every distribution's version is the tag's version. Not a tag run: nothing to check.
 * When the tag's prefix names a project being published, the files of that project must have the
 * tag's version and files of any other project are refused (the tag is not theirs).
 */
function checkTagMatchesVersions(dists, env) {
    const tag = tagOfRun(env);
    if (tag === undefined || dists.length === 0)
        return { errors: [], notices: [] };
    const readings = readTag(tag);
    if (readings.length === 0) {
        return {
            errors: [],
            notices: [
                `The tag '${tag}' is not a version (PEP 440, optionally after 'v' or '<project>-v'); the version check was skipped.`
            ]
        };
    }
    const projects = new Set(dists.map(d => normalizeName(d.name.trim())));
    const named = readings.find(r => r.project !== undefined && projects.has(normalizeName(r.project)));
    const errors = [];
    if (named?.project !== undefined) {
        const tagVersion = formatVersion(named.version);
        for (const dist of dists) {
            const problem = projectMismatch(dist, tag, named.project) ??
                versionMismatch(dist, tag, tagVersion, named.version);
            if (problem)
                errors.push(problem);
        }
        return { errors, notices: [] };
    }
    // A prefix that names no project being published is a word of the tag, not a project
    // (`release-1.2.3`): every file must then have the version. Of several readings, the one every
    // file agrees with wins, so a tag is refused only when no reading of it fits.
    const reading = readings.find(r => dists.every(d => sameVersion(d.version, r.version))) ?? readings[0];
    const tagVersion = formatVersion(reading.version);
    for (const dist of dists) {
        const problem = versionMismatch(dist, tag, tagVersion, reading.version);
        if (problem)
            errors.push(problem);
    }
    return { errors, notices: [] };
}
function versionMismatch(dist, tag, tagVersion, version) {
    if (sameVersion(dist.version, version))
        return undefined;
    return {
        file: dist.path,
        rule: 'tag-version',
        message: `The tag '${tag}' is version ${tagVersion}, but ${dist.filename} is version ${dist.version.trim()} of ${dist.name.trim()}.`,
        hint: FIX
    };
}
/** PEP 440 equality; a version that does not parse equals nothing (the metadata check names it). */
function sameVersion(written, version) {
    const own = parseVersion(written);
    return own !== undefined && compareVersions(own, version) === 0;
}
function projectMismatch(dist, tag, project) {
    if (normalizeName(dist.name.trim()) === normalizeName(project))
        return undefined;
    return {
        file: dist.path,
        rule: 'tag-project',
        message: `The tag '${tag}' names project '${project}', but ${dist.filename} belongs to project '${dist.name.trim()}'.`,
        hint: `Publish only ${project}'s files from this tag (point packages-dir at them, or build only that project), ` +
            "or tag this project's release separately; or set verify-tag: false to publish without this check."
    };
}

;// CONCATENATED MODULE: ./src/check/guards/versions.ts


/**
 * One problem per project whose files hold more than one version, listing every version and its
 * files, oldest first. Versions are compared under PEP 440 (`1.0` and `1.0.0` are one release).
 */
function checkOneRelease(dists, options) {
    if (options.allowMultipleVersions)
        return [];
    const problems = [];
    for (const [project, releases] of releasesByProject(dists)) {
        if (releases.length < 2)
            continue;
        releases.sort(byVersion);
        const listing = releases
            .map(r => `${r.version} (${r.files.map(f => f.filename).join(', ')})`)
            .join('; ');
        problems.push({
            // The oldest release's first file: the likeliest leftover.
            file: releases[0].files[0].path,
            rule: 'one-release',
            message: `The files of project '${project}' hold ${releases.length} versions: ${listing}.`,
            hint: 'A stale dist/? Remove the old files (or clean the folder before building), ' +
                'or set allow-multiple-versions: true to publish several versions on purpose.'
        });
    }
    return problems;
}
/** Groups files by normalized project name, then by PEP 440 version, in the order found. */
function releasesByProject(dists) {
    const projects = new Map();
    for (const dist of dists) {
        const name = dist.name.trim();
        const key = normalizeName(name);
        const releases = projects.get(key) ?? [];
        projects.set(key, releases);
        const version = dist.version.trim();
        const parsed = parseVersion(version);
        const release = releases.find(r => parsed && r.parsed ? compareVersions(parsed, r.parsed) === 0 : r.version === version);
        if (release)
            release.files.push(dist);
        else
            releases.push({ version, parsed, files: [dist] });
    }
    // Keyed by the normalized name, shown as the first file writes it.
    return new Map([...projects.values()].map(r => [r[0].files[0].name.trim(), r]));
}
/** Oldest first; versions that do not parse last, in the order found. */
function byVersion(a, b) {
    if (a.parsed && b.parsed)
        return compareVersions(a.parsed, b.parsed);
    return (a.parsed ? 0 : 1) - (b.parsed ? 0 : 1);
}

;// CONCATENATED MODULE: ./src/pipeline/prepare.ts











/** Finds, reads and checks every file; throws with every problem before the first upload. */
async function prepare(settings, log, env, options = {}) {
    // Python takes longer to import readme_renderer than this takes to find, read and hash a few
    // files, so the description check's Python starts first and gets the descriptions later.
    const given = options.renderer;
    const renderer = settings.verifyMetadata
        ? (given ?? (0,readme_renderer/* startRenderer */.o)(options.descriptions))
        : undefined;
    // verify-metadata is off: a Python started for it is not needed (stopped now, awaited below).
    const stopping = renderer ? undefined : given?.cancel();
    if (renderer) {
        log.debug(`Description check: ${renderer.python}` +
            `${renderer.pid === undefined ? '' : ` (pid ${renderer.pid})`} loads readme_renderer ` +
            'while the files are read');
    }
    try {
        return await findAndCheck(settings, log, env, renderer);
    }
    finally {
        // Whatever way this ends (no files, a file that cannot be read), no Python stays behind.
        await (renderer?.cancel() ?? stopping);
    }
}
async function findAndCheck(settings, log, env, renderer) {
    const found = await discoverDistributions(settings.packagesDir, settings.distributions);
    for (const file of found.passedOver)
        log.debug(`Passed over (not a distribution): ${file}`);
    for (const folder of found.skippedFolders) {
        log.debug(`Not searched (dot-folders and node_modules never are): ${folder.path}`);
        if (folder.holds) {
            log.notice(`${external_node_path_default().relative(settings.packagesDir, folder.path)}/ holds distributions (e.g. ` +
                `${external_node_path_default().relative(settings.packagesDir, folder.holds)}) that are not published: folders ` +
                "whose names start with '.', and node_modules, are never searched. To publish them, set " +
                "'packages-dir' to that folder.");
        }
    }
    for (const file of found.excluded) {
        log.info(`Not published (kind not in 'distributions'): ${external_node_path_default().basename(file)}`);
    }
    const inspected = await inspectAll(found.files.map(f => f.path));
    const { unique, duplicates, problems: duplicateProblems } = dedupeByFilename(inspected.dists);
    for (const dup of duplicates)
        log.debug(`Same file found twice, counted once: ${dup.path}`);
    const problems = [...found.problems, ...inspected.problems, ...duplicateProblems];
    if (settings.verifyMetadata) {
        // PyPI's rules apply to every index: most self-hosted indexes mirror or feed PyPI, and a
        // file PyPI refuses is a broken release there too. `verify-metadata: false` lets the index
        // decide (e.g. local versions on a private index).
        const checked = checkDistributions(unique, { pypiRules: 'enforce' });
        problems.push(...checked.errors);
        for (const warning of checked.warnings)
            log.warning(describeProblem(warning), warning.file);
        const described = await checkDescriptions(unique, { log, renderer });
        problems.push(...described.errors);
        for (const warning of described.warnings)
            log.warning(describeProblem(warning), warning.file);
    }
    if (settings.verifyTag) {
        const tag = checkTagMatchesVersions(unique, env);
        problems.push(...tag.errors);
        for (const notice of tag.notices)
            log.notice(notice);
    }
    problems.push(...checkOneRelease(unique, { allowMultipleVersions: settings.allowMultipleVersions }));
    if (problems.length > 0)
        throw new DistributionError(problems);
    for (const dist of unique) {
        log.info(`${dist.filename}: ${dist.name} ${dist.version}, ${dist.kind}, ${formatSize(dist.size)}` +
            (settings.printHash || settings.verbose ? '' : `, sha256 ${dist.digests.sha256}`));
        if (settings.printHash || settings.verbose) {
            log.info(`  sha256:      ${dist.digests.sha256}`);
            log.info(`  md5:         ${dist.digests.md5}`);
            log.info(`  blake2b-256: ${dist.digests.blake2_256}`);
        }
    }
    return unique;
}
function describeProblem(problem) {
    return `${problem.message}${problem.hint ? `\n  → ${problem.hint}` : ''}`;
}

;// CONCATENATED MODULE: ./src/upload/progress.ts

/**
 * Progress lines at a steady interval: `name: 45% (120.0 MiB of 260.0 MiB, 85.3 MiB/s)`. Lines,
 * not a redrawn bar: CI logs are append-only, and parallel uploads stay readable.
 */
function progressReporter(filename, log, options = {}) {
    const minSize = options.minSize ?? 10 * 1024 * 1024;
    const intervalMs = options.intervalMs ?? 5000;
    const now = options.now ?? Date.now;
    let total = 0;
    let sent = 0;
    let startedAt = 0;
    let lastLine = 0;
    return {
        start(size) {
            total = size;
            sent = 0;
            startedAt = lastLine = now();
        },
        sent(bytes) {
            sent += bytes;
            if (total < minSize)
                return;
            const t = now();
            if (t - lastLine < intervalMs)
                return;
            lastLine = t;
            const rate = sent / Math.max(1, t - startedAt) / 1.024 / 1024; // bytes/ms → MiB/s
            log.info(`${filename}: ${Math.floor((sent / total) * 100)}% (${formatSize(sent)} of ${formatSize(total)}, ${rate.toFixed(1)} MiB/s)`);
        },
        done() {
            /* the caller prints the result line */
        }
    };
}

;// CONCATENATED MODULE: ./src/upload/multipart.ts




const multipart_CHUNK = 1 << 20;
function buildMultipartBody(fields, file, progress) {
    const boundary = `----pypi-publish-${(0,external_node_crypto_.randomBytes)(16).toString('hex')}`;
    const head = Buffer.concat([
        ...fields.map(([name, value]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`, 'utf8')),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quote(file.field)}"; ` +
            `filename="${quote(file.filename)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`, 'utf8')
    ]);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
    let failure;
    return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        contentLength: head.length + file.size + tail.length,
        failure: () => failure,
        open: () => {
            failure = undefined;
            const length = head.length + file.size + tail.length;
            progress?.start(length);
            const stream = external_node_stream_.Readable.from(bodyChunks(head, file, tail, progress), { objectMode: false });
            return abortingTargetsOnError(stream, error => (failure = error));
        }
    };
}
/**
 * A stream piped into a request only stops feeding it when it fails: the request itself would be
 * ended (http-client ends it when the body closes) with the bytes sent so far, and wait for an
 * answer that never comes. So a failing body destroys whatever it is piped into, which closes the
 * connection mid-body: the index sees a cut upload, and the caller gets the error at once.
 */
function abortingTargetsOnError(stream, onError) {
    const targets = [];
    const pipe = stream.pipe.bind(stream);
    stream.pipe = (target, options) => {
        targets.push(target);
        return pipe(target, options);
    };
    stream.once('error', error => {
        onError(error);
        for (const target of targets)
            target.destroy(error);
    });
    return stream;
}
async function* bodyChunks(head, file, tail, progress) {
    const changed = (why) => new FileChangedError(file.path, file.filename, why);
    // Opened and compared before the first byte goes out: a file replaced or rewritten since the
    // checks is refused with nothing sent.
    const handle = await (0,promises_.open)(file.path, 'r');
    try {
        const opened = identityOf(await handle.stat());
        const expected = file.onDisk ?? { ...opened, size: file.size };
        const differences = identityChanges(expected, opened);
        if (differences.length > 0)
            throw changed(differences.join(', '));
        // Progress counts every byte of the body, as `start` was given the body's length: counting
        // the file alone would leave the last line short of 100%.
        progress?.sent(head.length);
        yield head;
        // The bytes sent are hashed as they go: ~0.85 ms per MiB with SHA-NI, far below what the
        // network takes, and the only way to notice a same-size rewrite that kept its mtime.
        const sha256 = file.sha256 ? (0,external_node_crypto_.createHash)('sha256') : undefined;
        let sent = 0;
        while (sent < file.size) {
            // A fresh buffer per chunk: the socket may still hold the previous one.
            const buffer = Buffer.allocUnsafe(Math.min(multipart_CHUNK, file.size - sent));
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, sent);
            if (bytesRead === 0) {
                throw changed(`it ended after ${sent} of the ${file.size} bytes checked`);
            }
            const chunk = bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead);
            sha256?.update(chunk);
            sent += bytesRead;
            progress?.sent(bytesRead);
            yield chunk;
        }
        // Everything below runs before the closing boundary: a failure here leaves the form incomplete.
        const probe = await handle.read(Buffer.alloc(1), 0, 1, file.size);
        if (probe.bytesRead > 0)
            throw changed(`it has grown past the ${file.size} bytes checked`);
        const after = identityChanges(expected, identityOf(await handle.stat()));
        if (after.length > 0)
            throw changed(after.join(', '));
        const digest = sha256?.digest('hex');
        if (digest !== undefined && digest !== file.sha256) {
            throw changed(`the bytes sent have sha256 ${digest}, not the ${file.sha256} checked`);
        }
    }
    finally {
        await handle.close();
    }
    progress?.sent(tail.length);
    yield tail;
    progress?.done();
}
/** Field names and filenames are ours or PEP-defined; escape quotes and newlines anyway. */
function quote(value) {
    return value
        .replace(/\\/g, '\\\\')
        .replace(/"/g, '%22')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}

;// CONCATENATED MODULE: ./src/upload/response.ts
/**
 * The index's own words for a response. PyPI puts its message in the reason phrase AND the body;
 * HTTP/2 has no reason phrase, so the body comes first: JSON `message` (we send
 * `Accept: application/json`), then an HTML `<title>`, then the reason phrase, then plain text.
 */
function indexMessage(response) {
    const body = response.body.trim();
    const fromJson = jsonMessage(body);
    if (fromJson)
        return fromJson;
    const title = /<title>([\s\S]*?)<\/title>/i.exec(body)?.[1];
    if (title)
        return stripStatusPrefix(decodeEntities(title.trim()), response.status);
    const reason = response.statusText.trim();
    const generic = GENERIC_REASONS.has(reason.toLowerCase());
    if (reason && !generic)
        return reason;
    if (body && !body.startsWith('<'))
        return truncate(body.replace(/\s+/g, ' '), 500);
    return reason || `HTTP ${response.status}`;
}
const GENERIC_REASONS = new Set([
    'ok',
    'bad request',
    'forbidden',
    'unauthorized',
    'not found',
    'conflict',
    'method not allowed',
    'internal server error',
    'bad gateway',
    'service unavailable',
    'gateway timeout'
]);
/**
 * Warehouse renders errors through Pyramid: `code` is the whole status line ("400 <message>") and
 * `message` is Pyramid's generic explanation followed by the detail. Prefer the status line's
 * text, then the last paragraph of `message`; other indexes use `message`, `detail` or `error`.
 */
function jsonMessage(body) {
    if (!body.startsWith('{'))
        return undefined;
    let parsed;
    try {
        parsed = JSON.parse(body);
    }
    catch {
        return undefined;
    }
    const code = typeof parsed.code === 'string' ? /^\d{3} (.+)$/s.exec(parsed.code.trim())?.[1] : undefined;
    if (code && code !== parsed.title && !GENERIC_REASONS.has(code.trim().toLowerCase())) {
        return code.trim();
    }
    for (const key of ['message', 'detail', 'error', 'errors']) {
        const value = parsed[key];
        if (typeof value === 'string' && value.trim())
            return lastParagraph(value);
        if (Array.isArray(value) && value.length) {
            return value.map(v => (typeof v === 'string' ? v : JSON.stringify(v))).join('; ');
        }
    }
    return undefined;
}
function lastParagraph(text) {
    const paragraphs = text
        .split(/\n\s*\n/)
        .map(p => p.trim())
        .filter(Boolean);
    return paragraphs[paragraphs.length - 1] ?? text.trim();
}
function stripStatusPrefix(title, status) {
    return title.startsWith(`${status} `) ? title.slice(String(status).length + 1) : title;
}
function decodeEntities(text) {
    return text
        .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
        .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
        .replace(/&quot;/g, '"')
        .replace(/&apos;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
}
function truncate(text, max) {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
/**
 * "This file is already there", as each index says it (protocol doc §2). PyPI answers 200 for an
 * identical re-upload, so these matter for a *different* file under a taken name, or for indexes
 * that refuse any re-upload.
 */
const ALREADY_EXISTS_PATTERNS = [
    /already exists?/i, // PyPI/TestPyPI "File already exists", pypiserver, Gitea, GCP "already exist"
    /updating asset/i, // Nexus "Repository does not allow updating assets"
    /overwrite artifact/i, // Artifactory "Not enough permissions to overwrite artifact"
    /already been taken/i // GitLab "File name has already been taken"
    // Not PyPI's "previously used by a file that has since been deleted": that file is NOT there,
    // so skipping it would publish nothing while reporting success.
];
function isAlreadyExists(response, message) {
    if (response.status === 409)
        return !/conflicts with an existing project/i.test(message);
    if (response.status !== 400 && response.status !== 403)
        return false;
    return ALREADY_EXISTS_PATTERNS.some(p => p.test(message));
}
/** A hint for the usual causes of a failed upload, or undefined. */
function hintFor(status, message, uploadUrl) {
    const url = new URL(uploadUrl);
    const isPyPI = /(^|\.)pypi\.org$/i.test(url.hostname);
    if (/file too large/i.test(message)) {
        return 'Ask for a larger file size limit: https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase';
    }
    if (/project too large/i.test(message)) {
        return 'The project is over its total size limit: delete old releases or ask for more: https://docs.pypi.org/project-management/storage-limits';
    }
    if (/previously used by a file that has since been deleted/i.test(message)) {
        return 'A deleted file name can never be reused on PyPI: bump the version (or add a post release) and rebuild.';
    }
    if (/already exists?/i.test(message)) {
        return "A different file with this name is already on the index. Bump the version and rebuild, or set 'skip-existing: true' if re-running a release.";
    }
    switch (status) {
        case 401:
        case 403:
            if (/username\/password authentication/i.test(message)) {
                return "PyPI accepts only API tokens: set 'user' to '__token__' (the default) and 'password' to a token starting with 'pypi-'.";
            }
            if (/isn't allowed to upload|not valid for project|scoped/i.test(message)) {
                return 'The token is not allowed to upload to this project: use a token scoped to this project (or an account-wide one for a new project), or check the project name.';
            }
            if (/expired/i.test(message)) {
                return 'The token has expired: create a new one and update the secret.';
            }
            return ("The index refused the credentials. Check that the secret holds a valid token (starting with 'pypi-' for PyPI), " +
                `that it was made for ${isPyPI ? url.hostname.replace(/^upload\./, '') : 'this index'} (TestPyPI and PyPI tokens differ), and that 'user' is '__token__'.`);
        case 404:
            return `Nothing answers uploads at ${uploadUrl}. Use the index's upload URL (PyPI: https://upload.pypi.org/legacy/, TestPyPI: https://test.pypi.org/legacy/).`;
        case 405:
            return `${uploadUrl} does not take uploads (it looks like a browsing or /simple/ URL). Use the upload URL: ${suggestUploadUrl(url)}`;
        case 410:
            return `This URL is retired. Use ${suggestUploadUrl(url)}`;
        case 409:
            return /conflicts with an existing project/i.test(message)
                ? 'The project name is too close to an existing project: pick another name.'
                : undefined;
        case 429:
            return 'The index is rate-limiting: wait and re-run the job.';
        default:
            return status >= 500 ? 'The index had a server error: re-run the job later.' : undefined;
    }
}
function suggestUploadUrl(url) {
    if (/(^|\.)test\.pypi\.org$/i.test(url.hostname))
        return 'https://test.pypi.org/legacy/';
    if (/(^|\.)pypi\.(org|python\.org)$/i.test(url.hostname))
        return 'https://upload.pypi.org/legacy/';
    const simple = /^(.*\/)\+?simple\/?(?:[^/]+\/?)?$/.exec(url.pathname);
    if (simple) {
        // Self-hosted indexes put uploads beside /simple/: Warehouse-style at …/legacy/, pypiserver,
        // Nexus, Artifactory and GitLab at the base itself.
        const base = `${url.origin}${simple[1]}`;
        return `${base}legacy/ (Warehouse-style indexes) or ${base} (pypiserver, Nexus, Artifactory, GitLab, devpi)`;
    }
    return "the index's upload endpoint, as its documentation names it";
}

;// CONCATENATED MODULE: ./src/upload/upload.ts




/** An upload the index refused, with its own words, a hint, and what was asked. */
class UploadError extends Error {
    dist;
    status;
    indexMessage;
    url;
    hint;
    alreadyExists;
    retryAfterMs;
    constructor(dist, status, indexMessage, url, hint, 
    /** The index says a file of this name (or content) is already there. */
    alreadyExists = false, 
    /** From a Retry-After header, in ms. */
    retryAfterMs) {
        super(`Uploading ${dist.filename} failed: ${status ? `HTTP ${status}: ` : ''}${indexMessage} (${url})` +
            (hint ? `\n${hint}` : ''));
        this.dist = dist;
        this.status = status;
        this.indexMessage = indexMessage;
        this.url = url;
        this.hint = hint;
        this.alreadyExists = alreadyExists;
        this.retryAfterMs = retryAfterMs;
        this.name = 'UploadError';
    }
}
const MAX_SAME_HOST_REDIRECTS = 3;
/**
 * Indexes answer an upload with a line of text, a small JSON document or an error page of a few
 * KiB (PyPI's HTML error pages are the largest); 1 MiB leaves a wide margin. More is not an
 * upload result, and an endless body must not fill the runner's memory.
 */
const UPLOAD_ANSWER_CAP = {
    bytes: 1024 * 1024,
    what: 'the answer to an upload',
    advice: "An index answers an upload with a short message: check that 'repository-url' is the index's " +
        'upload endpoint. The file may have been stored all the same: look at the index before ' +
        "re-running, or re-run with 'skip-existing: true'."
};
/**
 * One attempt at sending one distribution. Resolves when the index stored it (2xx); throws
 * UploadError when the index refused it, NetworkError when no answer came. Retrying, skipping and
 * credentials renewal are the caller's (send.ts).
 */
async function uploadDistribution(http, request, dist, log) {
    const fields = uploadFields(dist, request.extraFields);
    const body = buildMultipartBody(fields, {
        field: 'content',
        filename: dist.filename,
        path: dist.path,
        size: dist.size,
        contentType: 'application/octet-stream',
        onDisk: dist.onDisk,
        sha256: dist.digests.sha256
    }, request.progress);
    const headers = {
        Authorization: basicAuth(request.user, request.password),
        Accept: 'application/json',
        'Content-Type': body.contentType,
        'Content-Length': body.contentLength
    };
    let url = request.url;
    let response;
    for (let hop = 0;; hop++) {
        if (request.verbose) {
            log.info(`POST ${url} (${dist.filename}, ${body.contentLength} bytes, fields: ${fields
                .map(([name]) => name)
                .join(' ')})`);
        }
        try {
            response = await http.request('POST', url, {
                headers,
                body: () => body.open(),
                cap: UPLOAD_ANSWER_CAP
            });
        }
        catch (error) {
            // The body cut the request itself (the file changed, or could not be read): that, not the
            // "no answer" it caused, is what went wrong, and sending again would not help.
            throw body.failure() ?? error;
        }
        const failure = body.failure();
        if (failure)
            throw failure;
        if (request.verbose) {
            log.info(`← HTTP ${response.status} ${response.statusText}`.trimEnd());
            if (response.body.trim())
                log.info(`← ${response.body.trim().slice(0, 2000)}`);
        }
        const next = redirectTarget(response, url);
        if (!next)
            break;
        if (new URL(next).origin !== new URL(url).origin || hop >= MAX_SAME_HOST_REDIRECTS) {
            // Never replay credentials to another host; tell the user the right URL instead.
            throw new UploadError(dist, response.status, `the index redirected the upload to ${next}`, url, `Set 'repository-url' to the upload URL itself (${next}). Credentials are not sent to another host.`);
        }
        if (request.onRedirect)
            request.onRedirect(url, next);
        else
            log.warning(`${url} redirected to ${next}; following it on the same host.`);
        url = next;
    }
    const message = indexMessage(response);
    if (response.status >= 200 && response.status < 300) {
        if (isHtmlPage(response)) {
            // PyPI answers a form it does not take as an upload with its HTML page and a 200.
            throw new UploadError(dist, response.status, 'the index answered with an HTML page, not an upload result: the URL is probably not an upload endpoint', url, hintFor(405, message, url));
        }
        return;
    }
    throw new UploadError(dist, response.status, message, url, hintFor(response.status, message, url), isAlreadyExists(response, message), retryAfterMs(response));
}
function redirectTarget(response, url) {
    if (![301, 302, 303, 307, 308].includes(response.status))
        return undefined;
    const location = response.headers.location;
    return location ? new URL(location, url).toString() : undefined;
}
/**
 * Indexes answer a stored upload with an empty body, "OK" or JSON (GitLab: 201). A whole HTML
 * document is what PyPI sends for a form it did not take as an upload (no `:action`): nothing stored.
 */
function isHtmlPage(response) {
    return /<html[\s>]/i.test(response.body) && /<\/html>/i.test(response.body);
}
/** Retry-After: delta-seconds or an HTTP date. */
function retryAfterMs(response, now = Date.now()) {
    const value = response.headers['retry-after'];
    if (typeof value !== 'string' || !value.trim())
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

;// CONCATENATED MODULE: ./src/upload/retry.ts



const DEFAULT_RETRY_POLICY = {
    retries: 5,
    maxTotalMs: 10 * 60_000,
    baseDelayMs: 1000,
    maxDelayMs: 60_000
};
/** Network failures that happen before a connection exists, so before any byte was sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ECONNECTTIMEOUT', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * What a failure means for retrying. Network failures and 5xx answers are ambiguous: the index
 * (or the proxy in front of it) may have stored the file before the answer was lost, so the
 * caller asks the index before sending again. A connection that was never opened is not: reading
 * the index then would only wait on the same unreachable host. 429 is the index asking us to
 * slow down.
 */
function classifyFailure(error) {
    // An answer larger than any upload result: the same index would answer the same way again.
    if (error instanceof AnswerTooLargeError)
        return 'final';
    // A deadline passed (an index trickling its answer) is like the inactivity timeout: ambiguous.
    if (error instanceof NetworkError) {
        return error.code && NOT_CONNECTED.has(error.code) ? 'unsent' : 'ambiguous';
    }
    if (error instanceof UploadError) {
        if (error.status === 429)
            return 'rate-limited';
        if (error.status >= 500 && error.status <= 599)
            return 'ambiguous';
    }
    return 'final';
}
/**
 * The wait before retry number `retry` (1-based): exponential backoff with full jitter, so that
 * parallel uploads that failed together do not come back together; a Retry-After wins when
 * given (bounded by maxDelayMs). `random` is injectable for tests.
 */
function backoffDelay(retry, policy, retryAfterMs, random = Math.random) {
    if (retryAfterMs !== undefined)
        return Math.min(retryAfterMs, policy.maxDelayMs);
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    // Half fixed, half random: never a zero wait (twine's failing pattern), still spread out.
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
function retry_sleep(ms) {
    return new Promise(resolve => setTimeout(resolve, ms));
}

;// CONCATENATED MODULE: ./src/upload/send.ts







/**
 * Gets one distribution onto the index: sends it, renews an expired trusted-publishing token,
 * retries transient failures with backoff, and after an ambiguous failure asks the index whether
 * the file is already there before sending again, so a file is never uploaded twice and never
 * reported uploaded without a 2xx or the index listing it with our sha256.
 */
async function sendDistribution(ctx, dist) {
    const { log } = ctx;
    const now = ctx.now ?? Date.now;
    const sleep = ctx.sleep ?? retry_sleep;
    const startedAt = now();
    const extraFields = ctx.extraFields?.(dist) ?? [];
    const progress = progressReporter(dist.filename, log, ctx.progress);
    for (let attempt = 1;; attempt++) {
        try {
            await withCurrentToken(ctx.tokens, (user, password) => uploadDistribution(ctx.http, {
                url: ctx.url,
                user,
                password,
                verbose: ctx.verbose,
                extraFields,
                progress,
                onRedirect: (from, to) => followRedirect(ctx, from, to)
            }, dist, log), error => error instanceof UploadError && isExpiredTokenResponse(error.status, error.indexMessage));
            return { status: 'uploaded', attempts: attempt };
        }
        catch (error) {
            if (error instanceof UploadError && error.alreadyExists) {
                const listed = await hashOnIndex(ctx, dist);
                if (listed === dist.digests.sha256) {
                    if (attempt > 1) {
                        // Our own earlier attempt stored it; its answer was lost.
                        return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                    }
                    // The identical file is there already: the state the user asked for (PyPI itself
                    // answers 200 to an identical re-upload; other indexes refuse it).
                    return {
                        status: 'skipped',
                        attempts: attempt,
                        reason: error.indexMessage,
                        sameHash: true
                    };
                }
                if (ctx.skipExisting) {
                    return {
                        status: 'skipped',
                        attempts: attempt,
                        reason: error.indexMessage,
                        sameHash: listed === undefined ? undefined : false
                    };
                }
                throw error;
            }
            if (error instanceof AnswerTooLargeError) {
                // The index took the whole upload and then answered with more than an upload result can
                // be: it may have stored the file. Asked once; re-sending to an index that answers like
                // this would not help, so this is never retried.
                if ((await hashOnIndex(ctx, dist)) === dist.digests.sha256) {
                    log.warning(`${dist.filename}: ${error.message} The index lists it with our sha256.`);
                    return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                }
                throw error;
            }
            const kind = classifyFailure(error);
            if (kind === 'final')
                throw error;
            if (attempt > ctx.retry.retries)
                throw gaveUp(error, attempt, now() - startedAt);
            if (kind === 'ambiguous') {
                const listed = await hashOnIndex(ctx, dist);
                if (listed === dist.digests.sha256) {
                    log.info(`${dist.filename}: the index has it (sha256 matches) although the answer was lost`);
                    return { status: 'uploaded', attempts: attempt, confirmedOnIndex: true };
                }
                if (listed) {
                    throw new UploadError(dist, 0, `after a lost answer the index lists ${dist.filename} with sha256 ${listed}, not ${dist.digests.sha256}`, ctx.url, 'Another upload of this name reached the index. Check what was published before re-running.');
                }
            }
            const delay = backoffDelay(attempt, ctx.retry, error instanceof UploadError ? error.retryAfterMs : undefined);
            // The bound is on when a retry starts: a retry that would start past it is not waited for
            // (checking before the wait alone let the last backoff run the total past the bound).
            const elapsed = now() - startedAt;
            if (elapsed + delay > ctx.retry.maxTotalMs)
                throw gaveUp(error, attempt, elapsed);
            log.warning(`${dist.filename}: ${shortReason(error)}; retry ${attempt} of ${ctx.retry.retries} in ${(delay / 1000).toFixed(1)} s`);
            await sleep(delay);
        }
    }
}
/**
 * The index moved the upload URL on the same host (PyPI: `/legacy` → `/legacy/`): later uploads go
 * straight there, and the user hears about it once.
 */
function followRedirect(ctx, from, to) {
    if (ctx.url !== from)
        return;
    ctx.url = to;
    ctx.log.warning(`${from} redirected to ${to}; following it on the same host. Set 'repository-url: ${to}' to skip the detour.`);
}
/** The sha256 the index lists for this file: undefined when not listed or unreadable. */
async function hashOnIndex(ctx, dist) {
    if (!ctx.simpleUrl)
        return undefined;
    try {
        const page = await readSimplePage(ctx.http, ctx.simpleUrl, dist.name, {
            authorization: ctx.simpleAuth
        });
        if (!page.found)
            return undefined;
        return page.files.get(dist.filename) || undefined;
    }
    catch (error) {
        // An oversized page is the index's configuration, worth a word; other failures are transient.
        if (error instanceof AnswerTooLargeError)
            ctx.log.warning(error.message);
        else
            ctx.log.debug(`Could not read ${ctx.simpleUrl} for ${dist.name}: ${String(error)}`);
        return undefined;
    }
}
function shortReason(error) {
    if (error instanceof UploadError)
        return `HTTP ${error.status}: ${error.indexMessage}`;
    if (error instanceof NetworkError)
        return error.message;
    return String(error);
}
function gaveUp(error, attempts, elapsedMs) {
    const note = ` (gave up after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'} in ${Math.round(elapsedMs / 1000)} s)`;
    if (error instanceof UploadError) {
        return new UploadError(error.dist, error.status, error.indexMessage + note, error.url, error.hint, error.alreadyExists, error.retryAfterMs);
    }
    if (error instanceof Error) {
        error.message += note;
        return error;
    }
    return new Error(String(error) + note);
}

;// CONCATENATED MODULE: ./src/upload/upload-all.ts




/**
 * Uploads the distributions, `concurrency` at a time. The first file of each project goes alone,
 * because it may create the project or the release and PyPI takes the release's metadata from
 * it; the project's other files follow in parallel. On the first hard failure no new upload
 * starts (those in flight finish), so every file ends with a result that says what happened.
 */
async function publishAll(ctx, dists, concurrency) {
    const { log } = ctx;
    const files = dists.map(dist => ({ dist, status: 'not-attempted' }));
    let failure;
    // Each project's first upload, as a promise its other files wait for.
    const firstOfProject = new Map();
    const queue = [...files];
    const uploadOne = async (result) => {
        const { dist } = result;
        try {
            const outcome = await sendDistribution(ctx, dist);
            result.attempts = outcome.attempts;
            if (outcome.status === 'uploaded') {
                result.status = 'uploaded';
                const note = outcome.confirmedOnIndex
                    ? ', confirmed on the index'
                    : outcome.attempts > 1
                        ? ` after ${outcome.attempts} attempts`
                        : '';
                log.info(`✔ ${dist.filename} uploaded (${formatSize(dist.size)}${note})`);
            }
            else {
                result.status = 'skipped';
                result.message = outcome.reason;
                result.sameHash = outcome.sameHash;
                if (outcome.sameHash === false) {
                    log.warning(`${dist.filename} is already on the index with DIFFERENT content (its sha256 is not ${dist.digests.sha256}). ` +
                        'It was skipped and the index keeps its own file. Bump the version if this build should be published.', dist.path);
                }
                else {
                    log.info(`↷ ${dist.filename} already on the index; skipped` +
                        (outcome.sameHash ? ' (identical sha256)' : ' (its hash could not be compared)'));
                }
            }
            return true;
        }
        catch (error) {
            result.status = 'failed';
            const err = error instanceof Error ? error : new Error(String(error));
            result.message = 'indexMessage' in err ? String(err.indexMessage) : err.message;
            log.error(err.message, dist.path);
            failure ??= err;
            return false;
        }
    };
    const worker = async () => {
        for (let next = queue.shift(); next && !failure; next = queue.shift()) {
            const project = normalizeName(next.dist.name);
            const first = firstOfProject.get(project);
            if (first === undefined) {
                const result = next;
                firstOfProject.set(project, uploadOne(result));
                await firstOfProject.get(project);
            }
            else if (await first) {
                if (!failure)
                    await uploadOne(next);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
    return { files, failure };
}

;// CONCATENATED MODULE: ./src/index-api/verify.ts



/**
 * Reads the index back until every file is listed with the local sha256, or the time is up. A 200
 * is not proof that a file was stored (PyPI answers 200 with an HTML page to a form without
 * `:action`), and users of other tools needed a script of their own to check a release landed.
 */
async function verifyOnIndex(dists, options, 
/** Files the index is known to hold in another version (skipped with a different hash): they must be listed, any hash. */
presenceOnly = new Set()) {
    const now = options.now ?? Date.now;
    const sleep = options.sleep ?? retry_sleep;
    const deadline = now() + options.timeoutMs;
    const bound = `verify-timeout (${verify_seconds(options.timeoutMs)} s)`;
    // Each read is cut at the deadline, so the read-back ends by it even when the index stalls or
    // trickles a page (a request's own deadline is minutes). verify-timeout 0 asks for one read
    // and no waiting: that read has only the request's own deadline.
    const timeLimit = () => options.timeoutMs > 0 ? { ms: deadline - now(), reason: `${bound} ran out` } : undefined;
    // The last read starts this long before the deadline: one starting at it would be cut at once.
    const finalRead = Math.min(FINAL_READ_MS, options.timeoutMs / 10);
    const pending = new Map(dists.map(d => [d.filename, d]));
    const seen = new Map(); // filename → last sha256 listed
    const lastError = new Map(); // project → why its last read failed
    const unverifiable = [];
    let wait = 1000;
    for (let round = 1;; round++) {
        // One read per project: an sdist and a wheel may spell the name differently.
        const projects = new Set([...pending.values()].map(d => normalizeName(d.name)));
        for (const project of projects) {
            const limit = timeLimit();
            if (limit && limit.ms <= 0)
                break;
            const page = await readSimplePage(options.http, options.simpleUrl, project, {
                authorization: options.authorization,
                timeLimit: limit,
                now
            }).catch((error) => {
                lastError.set(project, error instanceof Error ? error.message : String(error));
                options.log.debug(`Reading ${options.simpleUrl} for ${project} failed: ${String(error)}`);
                return undefined;
            });
            if (page)
                lastError.delete(project);
            if (!page?.found)
                continue;
            for (const dist of [...pending.values()].filter(d => normalizeName(d.name) === project)) {
                const listed = page.files.get(dist.filename);
                if (listed === undefined)
                    continue;
                seen.set(dist.filename, listed);
                if (listed === '' && !presenceOnly.has(dist))
                    unverifiable.push(dist);
                // Listed with another hash: no amount of waiting changes that, so stop reading for it.
                pending.delete(dist.filename);
            }
        }
        const left = deadline - now();
        if (pending.size === 0 || left <= finalRead)
            break;
        // The last wait is cut so the final read starts just before the deadline: the whole allowed
        // time is used, and that read can still finish by it.
        const next = Math.min(wait, left - finalRead);
        options.log.info(`Waiting for the index to list ${pending.size} file(s) (read ${round}); reading again in ${next / 1000} s`);
        await sleep(next);
        wait = Math.min(wait * 2, 15_000);
    }
    const failed = [];
    const verified = [];
    for (const dist of dists) {
        const listed = seen.get(dist.filename);
        if (listed === undefined) {
            const error = lastError.get(normalizeName(dist.name));
            failed.push({
                dist,
                reason: `not listed on ${options.simpleUrl} after ${Math.round(options.timeoutMs / 1000)} s` +
                    (error ? ` (the last read failed: ${error})` : '')
            });
        }
        else if (listed === dist.digests.sha256 || presenceOnly.has(dist)) {
            verified.push(dist);
        }
        else if (listed !== '') {
            failed.push({
                dist,
                reason: `listed on ${options.simpleUrl} with sha256 ${listed}, not ${dist.digests.sha256}`
            });
        }
    }
    return { verified, unverifiable, failed };
}
/** Time kept for the final read, at most a tenth of the bound. */
const FINAL_READ_MS = 5000;
function verify_seconds(ms) {
    return String(Math.round(ms / 100) / 10);
}

;// CONCATENATED MODULE: ./src/pipeline/publish.ts














/**
 * The whole publish, as plain functions over plain data: discover → inspect → check →
 * authenticate → upload → verify. Knows nothing of GitHub Actions; reports through `log`.
 * Throws DistributionError when a file is not fit to publish, before anything is sent.
 */
async function publish(settings, deps) {
    const { log } = deps;
    if (settings.build) {
        // buildDistributions streams the build's output in a log group of its own.
        const built = await buildDistributions({
            workingDirectory: settings.workingDirectory,
            outDir: settings.packagesDir,
            distributions: settings.distributions,
            buildCommand: settings.buildCommand || undefined,
            env: deps.env,
            log
        });
        log.info(`Built with \`${built.command}\`: ${built.files.map(f => external_node_path_default().basename(f)).join(', ')}`);
    }
    const dists = await prepare(settings, log, deps.env, { renderer: deps.renderer });
    const http = new Http({
        timeoutMs: settings.timeoutMs,
        connectTimeoutMs: settings.connectTimeoutMs
    });
    const result = {
        repositoryUrl: settings.repositoryUrl,
        dryRun: settings.dryRun,
        dists,
        files: dists.map(dist => ({ dist, status: 'not-attempted' })),
        attestationPaths: []
    };
    try {
        if (settings.dryRun) {
            await dryRunChecks(settings, deps, http, dists);
            return result;
        }
        const tokens = await resolveTokenSource({
            settings,
            env: deps.env,
            http,
            getIdToken: deps.getIdToken,
            onSecret: deps.onSecret,
            log
        });
        const attestations = await prepareAttestations(dists, {
            decision: decideAttestations({
                requested: settings.attestations,
                method: tokens.kind,
                repositoryUrl: settings.repositoryUrl,
                indexAcceptsAttestations: deps.attestation?.indexAcceptsAttestations
            }),
            signer: {
                getIdToken: deps.getIdToken,
                fulcioUrl: deps.attestation?.fulcioUrl,
                rekorUrl: deps.attestation?.rekorUrl
            },
            outputDir: await (0,promises_.mkdtemp)(external_node_path_default().join(deps.tempDir, 'pypi-publish-attestations-')),
            log
        });
        result.attestationPaths = [...attestations.values()].map(a => a.path);
        const simpleUrl = settings.indexUrl || simpleUrlFor(settings.repositoryUrl);
        const simpleAuth = await readAuthorization(tokens, simpleUrl, settings.repositoryUrl);
        const { files, failure } = await log.group(`Uploading ${dists.length} file(s) to ${settings.repositoryUrl}`, () => publishAll({
            http,
            url: settings.repositoryUrl,
            tokens,
            skipExisting: settings.skipExisting,
            verbose: settings.verbose,
            simpleUrl,
            simpleAuth,
            retry: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
            extraFields: dist => {
                const prepared = attestations.get(dist.filename);
                return prepared ? [attestationsField(prepared)] : [];
            },
            log
        }, dists, settings.concurrency));
        result.files = files;
        result.failure = failure;
        if (failure)
            return result;
        if (!settings.verifyUpload) {
            result.verificationSkipped = "'verify-upload' is false";
        }
        else if (!simpleUrl) {
            result.verificationSkipped = `the simple index of ${settings.repositoryUrl} is not known; set 'index-url' to read the upload back`;
            log.notice(`Upload not read back: ${result.verificationSkipped}.`);
        }
        else {
            await verifyUploads(result, settings, http, simpleUrl, simpleAuth, log);
        }
        const nudge = trustedPublishingNudge({
            repositoryUrl: settings.repositoryUrl,
            usedToken: tokens.kind === 'token',
            projects: [...new Set(dists.map(d => d.name))],
            env: deps.env
        });
        if (nudge)
            log.notice(nudge);
        return result;
    }
    finally {
        http.dispose();
    }
}
async function verifyUploads(result, settings, http, simpleUrl, authorization, log) {
    const onIndex = result.files.filter(f => f.status === 'uploaded' || f.status === 'skipped');
    const verification = await log.group(`Reading ${onIndex.length} file(s) back from ${simpleUrl}`, () => verifyOnIndex(onIndex.map(f => f.dist), { http, simpleUrl, authorization, timeoutMs: settings.verifyTimeoutMs, log }, 
    // A file skipped because the index holds another build of it was warned about already;
    // here it only has to be there.
    new Set(onIndex.filter(f => f.sameHash === false).map(f => f.dist))));
    result.verification = { ...verification, simpleUrl };
    for (const file of result.files) {
        if (verification.verified.includes(file.dist))
            file.verified = true;
        if (verification.failed.some(f => f.dist === file.dist))
            file.verified = false;
    }
    for (const dist of verification.unverifiable) {
        log.notice(`${dist.filename} is listed on ${simpleUrl}, which gives no sha256 to compare.`);
    }
    if (verification.failed.length > 0) {
        for (const { dist, reason } of verification.failed)
            log.error(`${dist.filename}: ${reason}`, dist.path);
        result.failure = new Error(`The index does not have what was uploaded: ${verification.failed
            .map(f => `${f.dist.filename} (${f.reason})`)
            .join('; ')}`);
    }
    else {
        log.info(`✔ All ${verification.verified.length} file(s) are on the index with the expected sha256.`);
    }
}
/**
 * Simple pages on the upload host of a self-hosted index often need the same credentials
 * (Nexus, Artifactory, GitLab); another host (pypi.org for upload.pypi.org) never gets them.
 */
async function readAuthorization(tokens, simpleUrl, uploadUrl) {
    if (!simpleUrl || tokens.kind !== 'token')
        return undefined;
    if (new URL(simpleUrl).origin !== new URL(uploadUrl).origin)
        return undefined;
    return basicAuth(tokens.user, await tokens.current());
}

;// CONCATENATED MODULE: ./src/shared/redact.ts
/**
 * Removes secrets from text before it is printed anywhere. The runner masks registered secrets in
 * its log, but not in step summaries written by file, nor outside GitHub's runner, and a server can
 * echo a token in a form we did not register (Basic auth's base64), so we redact ourselves too.
 */
class Redactor {
    patterns = new Set();
    /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
    add(secret, user) {
        if (!secret || secret.length < 4)
            return;
        this.patterns.add(secret);
        // The forms a secret takes on the wire: Basic credentials, URL-encoded.
        this.patterns.add(encodeURIComponent(secret));
        for (const name of new Set(['__token__', '', user ?? ''])) {
            this.patterns.add(Buffer.from(`${name}:${secret}`, 'utf8').toString('base64'));
        }
    }
    /** Every form of a secret this redactor knows, for core.setSecret. */
    forms() {
        return [...this.patterns];
    }
    redact(text) {
        let out = text;
        // Longest first, so that a secret inside a longer encoded form is not half-replaced.
        for (const pattern of [...this.patterns].sort((a, b) => b.length - a.length)) {
            out = out.split(pattern).join('***');
        }
        // Basic credentials we could not precompute: the base64 covers `user:password`, and the
        // user (any name on self-hosted indexes) shifts the password's bytes, so no registered form
        // matches a header echoed back by a server.
        out = out.replace(BASIC_CREDENTIALS, (match, scheme, value) => isBasicCredentials(value) ? `${scheme} ***` : match);
        // Tokens we were never told about (e.g. echoed from another source) still look like tokens:
        // PyPI tokens are macaroons, whose base64 always starts with "AgE". A looser pattern would
        // eat ordinary words such as a "pypi-publish-…" temp folder.
        return out.replace(/pypi-AgE[A-Za-z0-9_-]{16,}/g, 'pypi-***');
    }
}
const BASIC_CREDENTIALS = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/gi;
/**
 * Whether `value` is the base64 of `user:password` text: it round-trips through base64 and
 * decodes to printable text with a colon. Ordinary words after "Basic" ("Basic authentication",
 * "Basic realm") do not, so messages about authentication stay readable.
 */
function isBasicCredentials(value) {
    const decoded = Buffer.from(value, 'base64');
    if (decoded.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, ''))
        return false;
    const text = decoded.toString('utf8');
    const printable = [...text].every(c => c >= ' ' && c !== '\u007f' && c !== '\ufffd');
    return printable && text.includes(':');
}

;// CONCATENATED MODULE: ./src/action/report.ts




const fileOutput = (d) => ({
    filename: d.filename,
    sha256: d.digests.sha256,
    size: d.size
});
/** Outputs of a run, as plain data (tested without the runner). */
function runOutputs(result) {
    const withStatus = (status) => result.files.filter(f => f.status === status).map(f => fileOutput(f.dist));
    const projects = uniqueProjects(result.dists);
    return {
        [Outputs.Uploaded]: JSON.stringify(withStatus('uploaded')),
        [Outputs.Skipped]: JSON.stringify(withStatus('skipped')),
        [Outputs.ProjectName]: [...new Set(projects.map(p => p.name))].join(','),
        [Outputs.ProjectVersion]: [...new Set(projects.map(p => p.version))].join(','),
        [Outputs.Projects]: JSON.stringify(projects),
        [Outputs.Verified]: JSON.stringify(result.files.filter(f => f.verified === true).map(f => fileOutput(f.dist))),
        [Outputs.AttestationPaths]: result.attestationPaths.join('\n')
    };
}
function uniqueProjects(dists) {
    const seen = new Map();
    for (const d of dists)
        seen.set(`${d.name}\0${d.version}`, { name: d.name, version: d.version });
    return [...seen.values()];
}
function statusLabel(result, file) {
    if (result.dryRun)
        return '🔍 would upload';
    let label = STATUS_LABEL[file.status];
    if (file.status === 'skipped' && file.sameHash === false)
        label += ' ⚠️ different hash';
    if (file.verified === true)
        label += ' · verified';
    if (file.verified === false)
        label += ' · ❌ not on the index';
    return label;
}
const STATUS_LABEL = {
    uploaded: '✅ uploaded',
    skipped: '↷ skipped (exists)',
    failed: '❌ failed',
    'not-attempted': '⏸ not attempted'
};
/** Sets the outputs and writes the job summary. */
async function reportRun(result, redactor) {
    for (const [name, value] of Object.entries(runOutputs(result)))
        core/* setOutput */.uH(name, value);
    const uploaded = result.files.filter(f => f.status === 'uploaded').length;
    const skipped = result.files.filter(f => f.status === 'skipped').length;
    const heading = result.dryRun
        ? `Dry run: ${result.files.length} file(s) would be published`
        : result.failure
            ? `PyPI publish failed after ${uploaded} of ${result.files.length} file(s)`
            : `Published ${uploaded} file(s)${skipped ? `, ${skipped} skipped` : ''}`;
    if (!canWriteSummary())
        return;
    const indexHost = new URL(result.repositoryUrl).host;
    const summary = core/* summary */.z
        .addHeading(heading, 2)
        .addRaw(`Index: <code>${escapeHtml(result.repositoryUrl)}</code>`, true)
        .addTable([
        [
            { data: 'File', header: true },
            { data: 'Kind', header: true },
            { data: 'Version', header: true },
            { data: 'Size', header: true },
            { data: 'sha256', header: true },
            { data: 'Status', header: true },
            { data: 'Index', header: true }
        ],
        ...result.files.map(f => [
            `<code>${escapeHtml(f.dist.filename)}</code>`,
            f.dist.kind,
            escapeHtml(f.dist.version),
            formatSize(f.dist.size),
            `<code>${f.dist.digests.sha256}</code>`,
            statusLabel(result, f),
            escapeHtml(indexHost)
        ])
    ]);
    if (result.verification) {
        summary.addRaw(`<p>Read back from <code>${escapeHtml(result.verification.simpleUrl)}</code>: ` +
            `${result.verification.verified.length} file(s) listed with the expected sha256.</p>`, true);
    }
    else if (result.verificationSkipped) {
        summary.addRaw(`<p>Not read back: ${escapeHtml(result.verificationSkipped)}.</p>`, true);
    }
    if (result.failure) {
        summary.addRaw(`<p><b>Error:</b> ${escapeHtml(redactor.redact(result.failure.message))}</p>`, true);
    }
    await summary.write();
}
/** The job summary when files were refused before any upload. */
async function reportProblems(problems, redactor) {
    if (!canWriteSummary())
        return;
    await core/* summary */.z
        .addHeading('PyPI publish stopped: nothing was uploaded', 2)
        .addRaw(`<p>${problems.length} problem(s) found before the first upload:</p>`, true)
        .addTable([
        [
            { data: 'File', header: true },
            { data: 'Problem', header: true },
            { data: 'What to do', header: true }
        ],
        ...problems.map(p => [
            `<code>${escapeHtml(external_node_path_default().basename(p.file))}</code>`,
            escapeHtml(redactor.redact(p.message)),
            escapeHtml(p.hint ?? '')
        ])
    ])
        .write();
}
/** The job summary when the run stopped on something other than a file (credentials, a build). */
async function reportFailure(message, redactor) {
    if (!canWriteSummary())
        return;
    await core/* summary */.z
        .addHeading('PyPI publish failed: nothing was uploaded', 2)
        .addCodeBlock(redactor.redact(message))
        .write();
}
/** Outside GitHub's runner (local-action tools, other CI) there is no job summary: skip it. */
function canWriteSummary() {
    if (process.env.GITHUB_STEP_SUMMARY)
        return true;
    core/* debug */.Yz('GITHUB_STEP_SUMMARY is not set: no job summary written.');
    return false;
}
function escapeHtml(text) {
    return text
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;');
}

;// CONCATENATED MODULE: ./src/settings/settings.ts

class SettingsError extends Error {
    constructor(message) {
        super(message);
        this.name = 'SettingsError';
    }
}
const REPOSITORY_SHORTHANDS = {
    pypi: PYPI_UPLOAD_URL,
    testpypi: TESTPYPI_UPLOAD_URL
};
const TRUE_VALUES = new Set(['true', 'True', 'TRUE', 'yes', 'on', '1']);
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', 'no', 'off', '0']);
/**
 * Builds the settings. Precedence for each input: a value the user wrote (kebab-case, or the
 * deprecated snake_case spelling) > the matching TWINE_* variable > the documented default.
 * Inside the runner a kebab input always holds at least its action.yml default, so a value equal
 * to the default counts as "not written" and lets a TWINE_* variable through.
 */
function readSettings(read, env) {
    const warnings = [];
    const raw = (name) => {
        const alias = DEPRECATED_ALIASES[name];
        const aliasValue = alias ? read(alias).trim() : '';
        const value = read(name).trim();
        if (aliasValue) {
            warnings.push(`The input '${alias}' is deprecated; use '${name}' instead (same meaning).` +
                (value && value !== INPUT_DEFAULTS[name] && value !== aliasValue
                    ? ` Both are set; '${alias}' wins because '${name}' may only hold its default.`
                    : ''));
            return aliasValue;
        }
        if (value && value !== INPUT_DEFAULTS[name])
            return value;
        return undefined;
    };
    const withDefault = (name) => raw(name) ?? INPUT_DEFAULTS[name] ?? '';
    const bool = (name) => {
        const value = withDefault(name);
        if (TRUE_VALUES.has(value))
            return true;
        if (FALSE_VALUES.has(value))
            return false;
        throw new SettingsError(`The input '${name}' must be true or false, not '${value}'. Write \`${name}: true\` or \`${name}: false\`.`);
    };
    const seconds = (name, min, max) => integer(name, withDefault(name), min, max) * 1000;
    const password = readPassword(read);
    const user = raw(Inputs.User) ?? env.TWINE_USERNAME?.trim() ?? INPUT_DEFAULTS[Inputs.User] ?? '';
    return {
        settings: {
            user: user || '__token__',
            password: password || env.TWINE_PASSWORD?.trim() || '',
            repositoryUrl: resolveRepositoryUrl(raw(Inputs.RepositoryUrl), read(Inputs.Repository), env),
            packagesDir: withDefault(Inputs.PackagesDir),
            distributions: parseDistributions(withDefault(Inputs.Distributions)),
            verifyMetadata: bool(Inputs.VerifyMetadata),
            skipExisting: bool(Inputs.SkipExisting),
            verbose: bool(Inputs.Verbose),
            printHash: bool(Inputs.PrintHash),
            attestations: bool(Inputs.Attestations),
            concurrency: integer(Inputs.Concurrency, withDefault(Inputs.Concurrency), 1, 32),
            retry: {
                retries: integer(Inputs.Retries, withDefault(Inputs.Retries), 0, 20),
                maxTotalMs: seconds(Inputs.RetryMaxTime, 0, 6 * 3600)
            },
            connectTimeoutMs: seconds(Inputs.ConnectTimeout, 1, 600),
            timeoutMs: seconds(Inputs.Timeout, 1, 3600),
            verifyUpload: bool(Inputs.VerifyUpload),
            verifyTimeoutMs: seconds(Inputs.VerifyTimeout, 0, 3600),
            indexUrl: optionalUrl(Inputs.IndexUrl, read(Inputs.IndexUrl)),
            verifyTag: bool(Inputs.VerifyTag),
            allowMultipleVersions: bool(Inputs.AllowMultipleVersions),
            dryRun: bool(Inputs.DryRun),
            build: bool(Inputs.Build),
            buildCommand: read(Inputs.BuildCommand).trim(),
            workingDirectory: withDefault(Inputs.WorkingDirectory)
        },
        warnings
    };
}
/** `token` is the name we document; `password` is the official action's. They mean the same. */
function readPassword(read) {
    const token = read(Inputs.Token).trim();
    const password = read(Inputs.Password).trim();
    if (token && password && token !== password) {
        throw new SettingsError("Both 'token' and 'password' are set to different values. They mean the same thing: keep one.");
    }
    return token || password;
}
function resolveRepositoryUrl(written, shorthand, env) {
    const name = shorthand.trim().toLowerCase();
    let url;
    if (name) {
        const fromShorthand = REPOSITORY_SHORTHANDS[name];
        if (!fromShorthand) {
            throw new SettingsError(`The input 'repository' must be 'pypi' or 'testpypi', not '${shorthand.trim()}'. ` +
                "For any other index, set 'repository-url' to its upload URL instead.");
        }
        if (written && normalizeUrl(written) !== fromShorthand) {
            throw new SettingsError(`'repository: ${name}' and 'repository-url: ${written}' disagree. Set only one of them.`);
        }
        url = fromShorthand;
    }
    else {
        url = written ?? env.TWINE_REPOSITORY_URL?.trim() ?? INPUT_DEFAULTS[Inputs.RepositoryUrl] ?? '';
    }
    return validateUrl(normalizeUrl(url));
}
function normalizeUrl(url) {
    return url.trim();
}
function validateUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new SettingsError(`The repository URL '${url}' is not a URL. Use the index's upload URL, e.g. ${PYPI_UPLOAD_URL}`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
        throw new SettingsError(`The repository URL '${url}' must start with https:// (or http:// for a local index).`);
    }
    if (parsed.username || parsed.password) {
        // Credentials in a URL end up in logs; the token belongs in the `password`/`token` input.
        throw new SettingsError("The repository URL must not contain credentials: pass them through 'password' (or 'token') and 'user'.");
    }
    return parsed.toString();
}
function integer(name, value, min, max) {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
        throw new SettingsError(`The input '${name}' must be a whole number from ${min} to ${max}, not '${value}'.`);
    }
    return n;
}
function optionalUrl(name, value) {
    const url = value.trim();
    if (!url)
        return '';
    try {
        const parsed = new URL(url);
        if (parsed.protocol === 'https:' || parsed.protocol === 'http:')
            return parsed.toString();
    }
    catch {
        // fall through to the error below
    }
    throw new SettingsError(`The input '${name}' must be an http(s) URL, not '${url}'.`);
}
/** `distributions: sdist wheel` (dpl's `bdist_wheel` spelling accepted; commas or spaces). */
function parseDistributions(value) {
    const kinds = new Set();
    for (const word of value.split(/[\s,]+/).filter(Boolean)) {
        const w = word.toLowerCase();
        if (w === 'sdist')
            kinds.add('sdist');
        else if (w === 'wheel' || w === 'bdist_wheel')
            kinds.add('wheel');
        else
            throw new SettingsError(`The input 'distributions' takes 'sdist' and/or 'wheel' (or 'bdist_wheel'), not '${word}'.`);
    }
    if (kinds.size === 0) {
        throw new SettingsError("The input 'distributions' names no kind: write 'sdist', 'wheel' or both.");
    }
    return kinds;
}

;// CONCATENATED MODULE: ./src/action/main.ts











/** The action: settings from the inputs, the pipeline, then outputs, summary and exit status. */
async function run(early = {}) {
    try {
        await runAction(early.renderer);
    }
    finally {
        // A run that ends before the description check (bad inputs, a failed build) stops its Python.
        await early.renderer?.cancel();
    }
}
async function runAction(renderer) {
    // Secrets are registered before anything else can print them.
    const redactor = new Redactor();
    const user = core/* getInput */.V4(Inputs.User).trim() || process.env.TWINE_USERNAME?.trim();
    for (const secret of [
        core/* getInput */.V4(Inputs.Password),
        core/* getInput */.V4(Inputs.Token),
        process.env.TWINE_PASSWORD
    ]) {
        redactor.add(secret?.trim(), user);
    }
    // `::add-mask::` is consumed by GitHub's runner; anywhere else it would print the secret.
    const inRunner = process.env.GITHUB_ACTIONS === 'true';
    if (inRunner) {
        for (const form of redactor.forms())
            core/* setSecret */.Pq(form);
    }
    const log = actionsLog(redactor);
    try {
        const { settings, warnings } = readSettings(name => core/* getInput */.V4(name), process.env);
        for (const warning of warnings)
            log.warning(warning);
        const result = await publish(settings, {
            log,
            env: process.env,
            getIdToken: actionsIdTokenFetcher(process.env),
            onSecret: secret => {
                const known = new Set(redactor.forms());
                redactor.add(secret);
                if (inRunner)
                    for (const form of redactor.forms())
                        if (!known.has(form))
                            core/* setSecret */.Pq(form);
            },
            tempDir: process.env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(),
            renderer,
            attestation: attestationOverrides(process.env)
        });
        await reportRun(result, redactor);
        if (result.failure) {
            const failed = result.files.find(f => f.status === 'failed');
            const done = result.files.filter(f => f.status === 'uploaded').map(f => f.dist.filename);
            const what = failed
                ? `Publishing stopped at ${failed.dist.filename}: ${(failed.message ?? '').replace(/\.+$/, '')}.`
                : result.failure.message.replace(/\.?$/, '.');
            core/* setFailed */.C1(redactor.redact(`${what} ` + (done.length ? `Uploaded: ${done.join(', ')}.` : 'No file was uploaded.')));
        }
    }
    catch (error) {
        if (error instanceof DistributionError) {
            for (const problem of error.problems)
                log.error(describeProblem(problem), problem.file);
            await reportProblems(error.problems, redactor);
            core/* setFailed */.C1(`${error.problems.length} problem(s) found; nothing was uploaded. See the errors above.`);
        }
        else {
            const message = error instanceof Error ? error.message : String(error);
            await reportFailure(message, redactor);
            core/* setFailed */.C1(redactor.redact(message));
        }
    }
}
/**
 * Sigstore endpoints for a private deployment (and for tests on loopback), and whether the index
 * takes attestations when it is neither PyPI nor TestPyPI.
 */
function attestationOverrides(env) {
    return {
        fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
        rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
        indexAcceptsAttestations: env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' ? true : undefined
    };
}


/***/ })

};
