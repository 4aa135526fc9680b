import { readFileSync } from 'node:fs'
import type { AmbientIdentity, AmbientProvider } from '../auth/credentials.js'
import { TrustedPublishingError } from '../auth/errors.js'
import {
  githubRunnerIdToken,
  IdTokenRequestError,
  requestIdToken,
  TRUSTED_PUBLISHING_DOCS,
  type IdTokenFetcher
} from '../auth/id-token.js'

/**
 * The ID token of whatever CI system runs the command line, found as PyPA's `id` finds it. GitLab
 * puts each token in a variable named after its audience; Google Cloud's metadata server is asked
 * only on a machine that says it is on Google Cloud, never probed blind.
 */

type Env = Readonly<Record<string, string | undefined>>

/** The environment variable GitLab CI puts the token for `audience` in (as `id` names it). */
export function gitlabTokenVariable(audience: string): string {
  return `${audience.toUpperCase().replace(/[^A-Z0-9_]|^[^A-Z_]/g, '_')}_ID_TOKEN`
}

const idTokenVariables = (env: Env): string[] =>
  Object.keys(env)
    .filter(k => k.endsWith('_ID_TOKEN') && env[k])
    .sort()

/** Which CI system can give an ID token here, and a fetcher that asks it. */
export function ambientIdToken(
  env: Env,
  options: { productNameFile?: string; timeoutMs?: number } = {}
): { identity: AmbientIdentity; getIdToken: IdTokenFetcher } {
  const gcpHost = gcpMetadataHost(env, options.productNameFile ?? '/sys/class/dmi/id/product_name')
  const provider: AmbientProvider | undefined =
    env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
      ? 'GitHub Actions'
      : env.GITLAB_CI === 'true' || idTokenVariables(env).length
        ? 'GitLab CI'
        : gcpHost
          ? 'Google Cloud'
          : undefined
  const identity = { provider, missing: NO_AMBIENT_TOKEN }

  const fetchers: Record<AmbientProvider, IdTokenFetcher> = {
    'GitHub Actions': audience => githubRunnerIdToken(env, audience, options),
    'GitLab CI': async audience => {
      const name = gitlabTokenVariable(audience)
      const token = env[name]?.trim()
      if (token) return token
      throw new TrustedPublishingError(gitlabMissingMessage(name, audience, idTokenVariables(env)))
    },
    'Google Cloud': async audience => {
      const url =
        `http://${gcpHost}/computeMetadata/v1/instance/service-accounts/default/identity` +
        `?audience=${encodeURIComponent(audience)}&format=full`
      const advice =
        "Check that the machine's service account may create identity tokens, or pass an API token with '--password'."
      const token = (
        await requestIdToken(
          'Google Cloud',
          url,
          { 'Metadata-Flavor': 'Google' },
          advice,
          options.timeoutMs
        )
      ).trim()
      if (token.split('.').length === 3) return token
      throw new IdTokenRequestError(
        'Google Cloud answered HTTP 200 without an ID token.',
        advice,
        {}
      )
    }
  }
  const getIdToken: IdTokenFetcher = async audience => {
    if (!provider) throw new TrustedPublishingError(NO_AMBIENT_TOKEN)
    return fetchers[provider](audience)
  }
  return { identity, getIdToken }
}

function gcpMetadataHost(env: Env, productNameFile: string): string | undefined {
  if (env.GCE_METADATA_HOST?.trim()) return env.GCE_METADATA_HOST.trim()
  try {
    const product = readFileSync(productNameFile, 'utf8').trim()
    if (product === 'Google' || product === 'Google Compute Engine')
      return 'metadata.google.internal'
  } catch {
    // Not Linux, or no DMI: not detectably Google Cloud.
  }
  return undefined
}

function gitlabMissingMessage(name: string, audience: string, others: string[]): string {
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

const NO_AMBIENT_TOKEN = [
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
