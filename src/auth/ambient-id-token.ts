import { readFileSync } from 'node:fs'
import { Http, NetworkError, type HttpResponse } from '../shared/http.js'
import type { BodyCap } from '../shared/http-body.js'
import { TrustedPublishingError } from './errors.js'
import { TRUSTED_PUBLISHING_DOCS } from './explain.js'
import type { IdTokenFetcher } from './oidc.js'

/**
 * The ID token of whatever CI system runs us, found the way PyPA's `id` library finds it, for the
 * command line (the action asks GitHub's runner only, through githubRunnerIdToken). Here in the core, not in src/cli/,
 * because it reads nothing global: the entry hands it the environment, and a test can hand it a map.
 *
 * - GitHub Actions: the runner's ACTIONS_ID_TOKEN_REQUEST_URL, asked with its bearer token;
 * - GitLab CI: the job declares `id_tokens:` and GitLab puts each token in a variable named after
 *   its audience (`PYPI_ID_TOKEN` for `aud: pypi`);
 * - Google Cloud: the metadata server's identity endpoint, asked only on a machine that says it is
 *   on Google Cloud (GCE_METADATA_HOST, or the DMI product name `id` reads too), never probed blind.
 */

export type AmbientProvider = 'GitHub Actions' | 'GitLab CI' | 'Google Cloud'

export interface AmbientIdentity {
  /** Where ID tokens come from here; undefined when this machine offers none. */
  provider?: AmbientProvider
  /** Why trusted publishing cannot work here and the ways out (when `provider` is undefined). */
  missing: string
}

export interface AmbientOptions {
  /** Where the DMI product name is read (tests point it elsewhere). */
  productNameFile?: string
  /** Timeouts of the token requests. */
  timeoutMs?: number
}

/** The answers are one JWT (a few KiB) in a small JSON document. */
const ID_TOKEN_CAP: BodyCap = {
  bytes: 64 * 1024,
  what: 'the ID token answer',
  advice: 'The CI system is misbehaving; try again, or use an API token.'
}

const DMI_PRODUCT_NAME = '/sys/class/dmi/id/product_name'

/** The environment variable GitLab CI puts the token for `audience` in (as `id` names it). */
export function gitlabTokenVariable(audience: string): string {
  return `${audience.toUpperCase().replace(/[^A-Z0-9_]|^[^A-Z_]/g, '_')}_ID_TOKEN`
}

/** Which CI system can give an ID token here, and a fetcher that asks it. */
export function ambientIdToken(
  env: Readonly<Record<string, string | undefined>>,
  options: AmbientOptions = {}
): { identity: AmbientIdentity; getIdToken: IdTokenFetcher } {
  const github = env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  const gitlab =
    env.GITLAB_CI === 'true' || Object.keys(env).some(k => k.endsWith('_ID_TOKEN') && env[k])
  const gcpHost = gcpMetadataHost(env, options.productNameFile ?? DMI_PRODUCT_NAME)
  const provider: AmbientProvider | undefined = github
    ? 'GitHub Actions'
    : gitlab
      ? 'GitLab CI'
      : gcpHost
        ? 'Google Cloud'
        : undefined
  const identity = { provider, missing: noAmbientTokenMessage() }

  const getIdToken: IdTokenFetcher = async audience => {
    if (provider === 'GitHub Actions') return githubRunnerIdToken(env, audience, options)
    if (provider === 'GitLab CI') {
      const name = gitlabTokenVariable(audience)
      const token = env[name]?.trim()
      if (token) return token
      throw new TrustedPublishingError(gitlabMissingMessage(name, audience, env))
    }
    if (provider === 'Google Cloud' && gcpHost) {
      const url =
        `http://${gcpHost}/computeMetadata/v1/instance/service-accounts/default/identity` +
        `?audience=${encodeURIComponent(audience)}&format=full`
      const response = await ask(url, provider, options, { 'Metadata-Flavor': 'Google' })
      const token = response.body.trim()
      if (token.split('.').length !== 3) throw unexpected(provider, response)
      return token
    }
    throw new TrustedPublishingError(identity.missing)
  }
  return { identity, getIdToken }
}

/**
 * An ID token for `audience` from GitHub's runner: ACTIONS_ID_TOKEN_REQUEST_URL with the audience,
 * asked with the runner's bearer token (what @actions/core's getIDToken does). A 5xx, a 429 or no
 * answer is marked transient, so the token exchange retries it with a fresh request.
 */
export async function githubRunnerIdToken(
  env: Readonly<Record<string, string | undefined>>,
  audience: string,
  options: AmbientOptions = {}
): Promise<string> {
  const provider = 'GitHub Actions'
  const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '')
  url.searchParams.set('audience', audience)
  const response = await ask(url.toString(), provider, options, {
    Authorization: `bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? ''}`,
    Accept: 'application/json'
  })
  const value = parseValue(response.body)
  if (!value) throw unexpected(provider, response)
  return value
}

function gcpMetadataHost(
  env: Readonly<Record<string, string | undefined>>,
  productNameFile: string
): string | undefined {
  if (env.GCE_METADATA_HOST?.trim()) return env.GCE_METADATA_HOST.trim()
  try {
    const product = readFileSync(productNameFile, 'utf8').trim()
    if (product === 'Google' || product === 'Google Compute Engine') {
      return 'metadata.google.internal'
    }
  } catch {
    // Not Linux, or no DMI: not detectably Google Cloud.
  }
  return undefined
}

async function ask(
  url: string,
  provider: AmbientProvider,
  options: AmbientOptions,
  headers: Record<string, string>
): Promise<HttpResponse> {
  const http = new Http({ timeoutMs: options.timeoutMs ?? 30_000, connectTimeoutMs: 10_000 })
  let response: HttpResponse
  try {
    response = await http.get(url, ID_TOKEN_CAP, headers)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new IdTokenRequestError(`asking ${provider} for an ID token failed: ${reason}`, '', {
      cause: error,
      transient: error instanceof NetworkError && !error.final ? { reason } : undefined
    })
  } finally {
    http.dispose()
  }
  if (response.status !== 200) throw unexpected(provider, response)
  return response
}

function parseValue(body: string): string | undefined {
  try {
    const value = (JSON.parse(body) as { value?: unknown }).value
    return typeof value === 'string' && value ? value : undefined
  } catch {
    return undefined
  }
}

/** The answer is not shown: it may be a token in a shape we did not expect. */
function unexpected(provider: AmbientProvider, response: HttpResponse): IdTokenRequestError {
  const transient =
    response.status === 429 || (response.status >= 500 && response.status <= 599)
      ? { reason: `HTTP ${response.status}` }
      : undefined
  return new IdTokenRequestError(
    `${provider} answered HTTP ${response.status} without an ID token.`,
    provider === 'GitHub Actions'
      ? "Give the job `permissions: id-token: write`, or pass an API token with '--password'."
      : provider === 'Google Cloud'
        ? "Check that the machine's service account may create identity tokens, or pass an API token with '--password'."
        : "Pass an API token with '--password'.",
    { transient }
  )
}

/**
 * An ID-token request that failed. `failure` says what went wrong and nothing more; the message
 * adds the command line's advice, which the action replaces with its own (action/id-token.ts).
 */
export class IdTokenRequestError extends TrustedPublishingError {
  constructor(
    readonly failure: string,
    advice: string,
    options: ConstructorParameters<typeof TrustedPublishingError>[1]
  ) {
    super(`Trusted publishing: ${failure}${advice ? ` ${advice}` : ''}`, options)
    this.name = 'IdTokenRequestError'
  }
}

function gitlabMissingMessage(
  name: string,
  audience: string,
  env: Readonly<Record<string, string | undefined>>
): string {
  const others = Object.keys(env)
    .filter(k => k.endsWith('_ID_TOKEN') && env[k])
    .sort()
  return [
    `Trusted publishing on GitLab CI needs an ID token for the audience '${audience}' in the ` +
      `variable ${name}, and this job has none` +
      (others.length ? ` (it has ${others.join(', ')}, for other audiences).` : '.'),
    'Declare it in the job of .gitlab-ci.yml:',
    '',
    '    id_tokens:',
    `      ${name}:`,
    `        aud: ${audience}`,
    '',
    `and register this project and CI file as a trusted publisher on the index: ${TRUSTED_PUBLISHING_DOCS}`,
    "Or pass an API token with '--password' (or TWINE_PASSWORD)."
  ].join('\n')
}

function noAmbientTokenMessage(): string {
  return [
    'No password or API token was given, and trusted publishing needs an ID token from the CI ' +
      'system, which this machine does not offer. Two ways out:',
    '',
    "1. An API token: pass it with '--password' or the TWINE_PASSWORD variable (from the CI " +
      "system's secret store, never written in the CI file).",
    '',
    '2. Trusted publishing, from a CI system PyPI trusts, with the publisher registered on the index:',
    '   - GitLab CI: `id_tokens: { PYPI_ID_TOKEN: { aud: pypi } }` in the job (TESTPYPI_ID_TOKEN, aud testpypi, for TestPyPI);',
    '   - GitHub Actions: `permissions: id-token: write` in the job;',
    '   - Google Cloud: a machine whose service account may create identity tokens.',
    `   ${TRUSTED_PUBLISHING_DOCS}`
  ].join('\n')
}
