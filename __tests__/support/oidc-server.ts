/**
 * Stand-ins for the two services trusted publishing talks to, on 127.0.0.1:
 *
 * - the runner's ID-token service (what ACTIONS_ID_TOKEN_REQUEST_URL points at), handing out
 *   unsigned but well-formed JWTs with the claims a test chooses;
 * - the index's `/_/oidc/audience` and `/_/oidc/mint-token`, checking a JWT's claims against the
 *   configured trusted publishers the way PyPI does and minting `pypi-` tokens the index's upload
 *   endpoint then accepts, until they expire.
 */
import { randomBytes } from 'node:crypto'
import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { sendEndlessBody, sendTrickle } from './index-server/faults.js'

export type Claims = Record<string, unknown>

// ─── JWTs ────────────────────────────────────────────────────────────────────────────────────

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface GithubClaimsOptions {
  /** `owner/repo`; default `octo-org/octo-repo`. */
  repository?: string
  /** Workflow file of the run; default `release.yml`. */
  workflow?: string
  /** Reusable workflow the job runs, `owner/repo/.github/workflows/x.yml` (default: the run's). */
  jobWorkflow?: string
  ref?: string
  environment?: string
  eventName?: string
}

/** Claims shaped like GitHub's, for a run of `workflow` in `repository`. */
export function githubClaims(options: GithubClaimsOptions = {}): Claims {
  const repository = options.repository ?? 'octo-org/octo-repo'
  const ref = options.ref ?? 'refs/tags/v1.0.0'
  const workflowPath = `${repository}/.github/workflows/${options.workflow ?? 'release.yml'}`
  const owner = repository.split('/')[0]
  const claims: Claims = {
    iss: GITHUB_ISSUER,
    sub: `repo:${repository}:${options.environment ? `environment:${options.environment}` : `ref:${ref}`}`,
    repository,
    repository_id: '123456789',
    repository_owner: owner,
    repository_owner_id: '987654',
    repository_visibility: 'public',
    ref,
    ref_type: ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: 'a'.repeat(40),
    workflow: 'Release',
    workflow_ref: `${workflowPath}@${ref}`,
    workflow_sha: 'a'.repeat(40),
    job_workflow_ref: `${options.jobWorkflow ?? workflowPath}@${ref}`,
    job_workflow_sha: 'b'.repeat(40),
    event_name: options.eventName ?? 'push',
    run_id: '1111',
    run_number: '7',
    run_attempt: '1',
    runner_environment: 'github-hosted',
    actor: 'octocat',
    actor_id: '583231'
  }
  if (options.environment) claims.environment = options.environment
  return claims
}

export const GITLAB_ISSUER = 'https://gitlab.com'

export interface GitlabClaimsOptions {
  /** `namespace/project`; default `octo-group/octo-project`. */
  project?: string
  /** The CI file of the pipeline; default `.gitlab-ci.yml`. */
  ciFile?: string
  /** The tag or branch; default the tag `v1.0.0`. */
  ref?: string
  environment?: string
}

/** Claims shaped like GitLab CI's `id_tokens`, for a pipeline of `project`. */
export function gitlabClaims(options: GitlabClaimsOptions = {}): Claims {
  const project = options.project ?? 'octo-group/octo-project'
  const ref = options.ref ?? 'v1.0.0'
  const refPath = `refs/tags/${ref}`
  const claims: Claims = {
    iss: GITLAB_ISSUER,
    sub: `project_path:${project}:ref_type:tag:ref:${ref}`,
    namespace_path: project.split('/')[0],
    project_path: project,
    project_id: '4242',
    pipeline_source: 'push',
    ref,
    ref_type: 'tag',
    ref_path: refPath,
    ci_config_ref_uri: `gitlab.com/${project}//${options.ciFile ?? '.gitlab-ci.yml'}@${refPath}`,
    ci_config_sha: 'c'.repeat(40),
    runner_environment: 'gitlab-hosted'
  }
  if (options.environment) claims.environment = options.environment
  return claims
}

/** A JWT with these claims and a random (unverifiable) signature: well-formed, not signed. */
export function unsignedJwt(claims: Claims): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'stand-in' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`
}

export function jwtClaims(jwt: string): Claims | undefined {
  try {
    const value: unknown = JSON.parse(
      Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')
    )
    return value && typeof value === 'object' ? (value as Claims) : undefined
  } catch {
    return undefined
  }
}

// ─── The runner's ID-token service ───────────────────────────────────────────────────────────

export interface IdTokenRequest {
  audience: string | undefined
  authorization: string | undefined
}

export interface IdTokenServiceOptions {
  /** Claims of every token (plus `aud`, `iat`, `exp`, `jti`); default githubClaims(). */
  claims?: Claims
}

export interface IdTokenService {
  /** Full ACTIONS_ID_TOKEN_REQUEST_URL (with a query string, as the runner's has one). */
  url: string
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN */
  requestToken: string
  /** Both variables, to spread into an env. */
  env: { ACTIONS_ID_TOKEN_REQUEST_URL: string; ACTIONS_ID_TOKEN_REQUEST_TOKEN: string }
  requests: IdTokenRequest[]
  /** Every token handed out, in order. */
  issued: string[]
  /** Claims of the tokens from now on. */
  claims: Claims
  /** When set, every request is answered with this status (and body). */
  failure: { status: number; body?: string } | undefined
  close(): Promise<void>
}

/**
 * `GET <url>&audience=x` with `Authorization: bearer <request token>` → `{"value": <JWT>}`, like
 * the runner. A wrong bearer gets 401. Each token is new (fresh `jti`, `iat`).
 */
export async function startIdTokenService(
  options: IdTokenServiceOptions = {}
): Promise<IdTokenService> {
  const requestToken = `runner-request-${randomBytes(12).toString('hex')}`
  const service = {
    requests: [] as IdTokenRequest[],
    issued: [] as string[],
    claims: options.claims ?? githubClaims(),
    failure: undefined as { status: number; body?: string } | undefined
  }
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const audience = url.searchParams.get('audience') ?? undefined
    service.requests.push({ audience, authorization: req.headers.authorization })
    if (service.failure) {
      return send(
        res,
        service.failure.status,
        service.failure.body ?? '{"message":"stand-in failure"}'
      )
    }
    if (req.headers.authorization?.toLowerCase() !== `bearer ${requestToken}`) {
      return send(res, 401, '{"message":"Bad credentials"}')
    }
    const now = Math.floor(Date.now() / 1000)
    const jwt = unsignedJwt({
      ...service.claims,
      aud: audience ?? 'https://github.com/octo-org',
      iat: now,
      nbf: now - 5,
      exp: now + 300,
      jti: randomBytes(8).toString('hex')
    })
    service.issued.push(jwt)
    send(res, 200, JSON.stringify({ count: 1, value: jwt }))
  })
  const base = await listen(server)
  const url = `${base}/token?api-version=2.0`
  return Object.assign(service, {
    url,
    requestToken,
    env: { ACTIONS_ID_TOKEN_REQUEST_URL: url, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken },
    close: () => close(server)
  })
}

/** An ID-token fetcher for the code under test that asks the stand-in over real HTTP. */
export function idTokenFetcherFor(service: Pick<IdTokenService, 'url' | 'requestToken'>) {
  return async (audience: string): Promise<string> => {
    const response = await fetch(`${service.url}&audience=${encodeURIComponent(audience)}`, {
      headers: { Authorization: `bearer ${service.requestToken}`, Accept: 'application/json' }
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`ID token request failed: HTTP ${response.status}: ${text}`)
    return (JSON.parse(text) as { value: string }).value
  }
}

// ─── The index's trusted-publishing endpoints ────────────────────────────────────────────────

export type TrustedPublisherConfig = GithubPublisherConfig | GitlabPublisherConfig

/** PyPI's GitLab publisher: the project, its CI file, and optionally the environment. */
export interface GitlabPublisherConfig {
  kind: 'gitlab'
  /** `namespace/project` */
  project: string
  /** The CI file, e.g. `.gitlab-ci.yml`. */
  ciFile: string
  environment?: string
  projects?: string[]
}

export interface GithubPublisherConfig {
  kind?: 'github'
  /** `owner/repo` */
  repository: string
  /** Workflow filename, e.g. `release.yml`. */
  workflow: string
  /** When set, the token's `environment` claim must equal it. */
  environment?: string
  /** Projects the minted token may upload to (a pending publisher may create them). */
  projects?: string[]
}

export interface TrustedPublishingOptions {
  publishers?: TrustedPublisherConfig[]
  /** Default `pypi`. */
  audience?: string
  /** Lifetime of minted tokens, announced in `expires` and enforced by the index; default 15 min. */
  tokenLifetimeMs?: number
  /** Answer the audience request with this status (403: disabled, 404: unsupported). */
  audienceStatus?: number
  /** Answer mint requests with this instead (e.g. a 502 HTML page from a proxy). */
  mintOverride?: { status: number; body: string; contentType?: string }
  /** Refuse every mint with this code (e.g. `not-enabled`). */
  mintErrorCode?: string
  /** Answer the audience request with a body that never ends, or a byte at a time. */
  audienceFault?: StreamFault
  /** Answer mint requests with a body that never ends, or a byte at a time. */
  mintFault?: StreamFault
  /**
   * Transient failures answered before the real handling, consumed one per request in order: a
   * status (e.g. 503, 429) or `reset` (the connection is cut without an answer).
   */
  failFirst?: { audience?: TransientFailure[]; mint?: TransientFailure[] }
}

/** `endless-body`: as fast as the client reads; `trickle`: a byte every `intervalMs` (default 1000). */
export type StreamFault = { kind: 'endless-body' } | { kind: 'trickle'; intervalMs?: number }

function streamFault(res: ServerResponse, fault: StreamFault): void {
  const headers = { 'Content-Type': 'application/json' }
  if (fault.kind === 'endless-body') sendEndlessBody(res, { headers })
  else sendTrickle(res, { headers, intervalMs: fault.intervalMs })
}

export type TransientFailure =
  number | 'reset' | { status: number; headers: Record<string, string> }

/** What the index stores for a minted token (structurally the index's TokenGrant). */
export interface MintedGrant {
  token: string
  expiresAt?: number
  trustedPublisher?: boolean
  projects?: string[]
}

/** Hands a minted token to the index's upload auth (the index server's `addToken`). */
export type GrantSink = (grant: MintedGrant) => void

export interface MintRecord {
  token: string
  claims: Claims | undefined
  /** The grant the index holds; `expire()` changes its `expiresAt`. */
  grant: MintedGrant
}

/**
 * The endpoints' logic, independent of the server they are mounted on. Options may be changed
 * between requests (e.g. `publishers`) to script a test.
 */
export class TrustedPublishingEndpoints {
  readonly minted: MintRecord[] = []
  readonly mintRequests: Array<{ body: string }> = []
  /** The scripted failures answered so far. */
  readonly failures: Array<{ route: 'audience' | 'mint'; failure: TransientFailure }> = []

  constructor(
    readonly options: TrustedPublishingOptions,
    private readonly accept: GrantSink
  ) {}

  get audience(): string {
    return this.options.audience ?? 'pypi'
  }

  /** Answers the next scripted failure for `route`; true when it did. */
  private failed(route: 'audience' | 'mint', res: ServerResponse): boolean {
    const next = this.options.failFirst?.[route]?.shift()
    if (next === undefined) return false
    this.failures.push({ route, failure: next })
    if (next === 'reset') {
      res.socket?.destroy()
    } else if (typeof next === 'number') {
      send(res, next, `<html><body>${next} stand-in failure</body></html>`, 'text/html')
    } else {
      res.writeHead(next.status, next.headers)
      res.end('{"message":"slow down"}')
    }
    return true
  }

  handleAudience(res: ServerResponse): void {
    if (this.options.audienceFault) return streamFault(res, this.options.audienceFault)
    if (this.failed('audience', res)) return
    const status = this.options.audienceStatus
    if (status && status !== 200) {
      return send(
        res,
        status,
        JSON.stringify({ message: status === 403 ? 'Forbidden' : 'Not Found' })
      )
    }
    send(res, 200, JSON.stringify({ audience: this.audience }))
  }

  handleMint(body: string, res: ServerResponse): void {
    this.mintRequests.push({ body })
    if (this.options.mintFault) return streamFault(res, this.options.mintFault)
    if (this.failed('mint', res)) return
    const override = this.options.mintOverride
    if (override)
      return send(res, override.status, override.body, override.contentType ?? 'text/html')
    const refuse = (code: string, description: string): void =>
      send(
        res,
        422,
        JSON.stringify({ message: 'Token request failed', errors: [{ code, description }] })
      )

    if (this.options.mintErrorCode) {
      return refuse(this.options.mintErrorCode, `stand-in refusal: ${this.options.mintErrorCode}`)
    }
    let jwt: unknown
    try {
      jwt = (JSON.parse(body) as { token?: unknown }).token
    } catch {
      return refuse('invalid-payload', 'malformed JSON')
    }
    if (typeof jwt !== 'string' || !jwt) return refuse('invalid-payload', 'token is missing')
    const claims = jwtClaims(jwt)
    const now = Date.now()
    if (!claims || (claims.iss !== GITHUB_ISSUER && claims.iss !== GITLAB_ISSUER)) {
      return refuse('invalid-token', 'malformed or invalid token (unknown issuer)')
    }
    if (claims.aud !== this.audience) {
      return refuse(
        'invalid-token',
        `malformed or invalid token (audience is not '${this.audience}')`
      )
    }
    if (typeof claims.exp === 'number' && claims.exp * 1000 < now) {
      return refuse('invalid-token', 'malformed or invalid token (expired)')
    }
    const publisher = (this.options.publishers ?? []).find(p => matches(p, claims))
    if (!publisher) {
      return refuse(
        'invalid-publisher',
        `valid token, but no corresponding publisher (${whyNoPublisher(this.options.publishers ?? [], claims)})`
      )
    }
    const lifetime = this.options.tokenLifetimeMs ?? 15 * 60 * 1000
    const token = `pypi-${randomBytes(48).toString('base64url')}`
    const expiresAt = now + lifetime
    const grant: MintedGrant = { token, expiresAt, trustedPublisher: true }
    if (publisher.projects) grant.projects = publisher.projects
    this.accept(grant)
    this.minted.push({ token, claims, grant })
    send(res, 200, JSON.stringify({ success: true, token, expires: Math.floor(expiresAt / 1000) }))
  }

  /** Makes minted tokens expired now (all, or one), so the index refuses them as PyPI would. */
  expire(token?: string): void {
    for (const record of this.minted) {
      if (token === undefined || record.token === token) record.grant.expiresAt = Date.now() - 1
    }
  }
}

/** PyPI's GitHub publisher: repository, the workflow of `job_workflow_ref`, and the environment. */
function matches(publisher: TrustedPublisherConfig, claims: Claims): boolean {
  if (publisher.kind === 'gitlab') return matchesGitlab(publisher, claims)
  if (claims.iss !== GITHUB_ISSUER) return false
  if (String(claims.repository ?? '').toLowerCase() !== publisher.repository.toLowerCase())
    return false
  const expected = `${publisher.repository}/.github/workflows/${publisher.workflow}@`.toLowerCase()
  if (
    !String(claims.job_workflow_ref ?? '')
      .toLowerCase()
      .startsWith(expected)
  )
    return false
  if (publisher.environment !== undefined) {
    return String(claims.environment ?? '').toLowerCase() === publisher.environment.toLowerCase()
  }
  return true
}

/**
 * PyPI's GitLab publisher: `project_path`, the CI file named in `ci_config_ref_uri`
 * (`gitlab.com/<project>//<file>@<ref>`), and the environment when the publisher names one.
 */
function matchesGitlab(publisher: GitlabPublisherConfig, claims: Claims): boolean {
  if (claims.iss !== GITLAB_ISSUER) return false
  if (String(claims.project_path ?? '').toLowerCase() !== publisher.project.toLowerCase())
    return false
  const uri = String(claims.ci_config_ref_uri ?? '')
  const prefix = `gitlab.com/${publisher.project}//`.toLowerCase()
  if (!uri.toLowerCase().startsWith(prefix)) return false
  if (uri.slice(prefix.length).split('@')[0] !== publisher.ciFile) return false
  if (publisher.environment !== undefined) return claims.environment === publisher.environment
  return true
}

function whyNoPublisher(publishers: TrustedPublisherConfig[], claims: Claims): string {
  if (publishers.length === 0) return 'Publisher with matching claims was not found'
  if (claims.iss === GITLAB_ISSUER) {
    return `Publisher with matching claims was not found (project_path ${String(claims.project_path)}, ci_config_ref_uri ${String(claims.ci_config_ref_uri)})`
  }
  if (
    !publishers.some(
      p =>
        p.kind !== 'gitlab' &&
        p.repository.toLowerCase() === String(claims.repository ?? '').toLowerCase()
    )
  ) {
    return 'Publisher with matching claims was not found'
  }
  return `Check failed for workflow/environment: job_workflow_ref is ${String(claims.job_workflow_ref)}`
}

/** What the test index server offers extensions (see index-server.ts). */
export interface RouteHost {
  addRoute(
    method: string,
    path: string,
    handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>
  ): void
  addToken(grant: MintedGrant): void
}

/**
 * Adds `/_/oidc/audience` and `/_/oidc/mint-token` to a running test index; minted tokens are
 * added to the index's accepted tokens, so uploads with them work until they expire.
 */
export function addTrustedPublishing(
  index: RouteHost,
  options: TrustedPublishingOptions = {}
): TrustedPublishingEndpoints {
  const endpoints = new TrustedPublishingEndpoints(options, grant => index.addToken(grant))
  index.addRoute('GET', '/_/oidc/audience', (_req, res) => endpoints.handleAudience(res))
  index.addRoute('POST', '/_/oidc/mint-token', (_req, res, body) =>
    endpoints.handleMint(body.toString('utf8'), res)
  )
  return endpoints
}

/**
 * The endpoints on a server of their own, for tests of the exchange alone (no uploads).
 * `url` is an upload URL on that server (`…/legacy/`).
 */
export async function startTrustedPublishingServer(
  options: TrustedPublishingOptions = {}
): Promise<{
  url: string
  endpoints: TrustedPublishingEndpoints
  close(): Promise<void>
}> {
  const endpoints = new TrustedPublishingEndpoints(options, () => undefined)
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    readBody(req).then(
      body => {
        if (req.method === 'GET' && path === '/_/oidc/audience')
          return endpoints.handleAudience(res)
        if (req.method === 'POST' && path === '/_/oidc/mint-token')
          return endpoints.handleMint(body, res)
        send(res, 404, '{"message":"Not Found"}')
      },
      () => res.destroy()
    )
  })
  const base = await listen(server)
  return { url: `${base}/legacy/`, endpoints, close: () => close(server) }
}

// ─── plumbing ────────────────────────────────────────────────────────────────────────────────

function send(
  res: ServerResponse,
  status: number,
  body: string,
  contentType = 'application/json'
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>(resolve => server.close(() => resolve()))
}

// ─── A front door that lets a test act between uploads ───────────────────────────────────────

export interface UploadGate {
  /** The upload URL through the gate, `http://127.0.0.1:<port>/legacy/`. */
  url: string
  /** Upload POSTs seen so far. */
  uploads: number
  close(): Promise<void>
}

/**
 * Forwards every request to `targetOrigin` (the test index) unchanged, and calls
 * `beforeUpload(n)` before forwarding the n-th upload POST (`/legacy/`, counting from 1). A test
 * can then change the index's state at an exact point of a run — e.g. expire the minted token
 * between two uploads, as 15 minutes passing would — with no timing involved. The trusted-
 * publishing routes go through the gate too, since the action finds them at the upload URL's host.
 */
export async function startUploadGate(
  targetOrigin: string,
  beforeUpload: (n: number) => void
): Promise<UploadGate> {
  const target = new URL(targetOrigin)
  const gate = { uploads: 0 }
  const server = createServer((req, res) => {
    const isUpload =
      req.method === 'POST' && new URL(req.url ?? '/', 'http://127.0.0.1').pathname === '/legacy/'
    if (isUpload) beforeUpload(++gate.uploads)
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers
      },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    forwarded.on('error', () => res.destroy())
    req.pipe(forwarded)
  })
  const base = await listen(server)
  return Object.assign(gate, { url: `${base}/legacy/`, close: () => close(server) })
}
