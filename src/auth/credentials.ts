import { normalizeName } from '../dists/filename.js'
import { DEFAULT_RETRY_POLICY } from '../shared/backoff.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { pypiTarget, TOKEN_LOCATIONS, type PypiTarget } from '../shared/pypi-hosts.js'
import type { RunContext } from '../shared/run-context.js'
import { parseWorkflowRef } from './claims.js'
import { TrustedPublishingError } from './errors.js'
import {
  noIdTokenMessage,
  TRUSTED_PUBLISHING_DOCS,
  type IdTokenContext,
  type IdTokenFetcher
} from './id-token.js'
import { createTokenMinter } from './oidc.js'
import { MintedTokenSource, StaticTokenSource, type TokenSource } from './token-source.js'

export type AmbientProvider = 'GitHub Actions' | 'GitLab CI' | 'Google Cloud'

/** Where the command line's ID tokens come from (cli/ambient-id-token.ts). */
export interface AmbientIdentity {
  /** undefined when this machine offers none. */
  provider?: AmbientProvider
  /** Why trusted publishing cannot work here and the ways out (when `provider` is undefined). */
  missing: string
}

/** The user name API tokens and trusted publishing go with. */
const TOKEN_USER = '__token__'

type CredentialChoice =
  { method: 'token'; user: string; password: string } | { method: 'trusted-publishing' }

/**
 * A given password always wins; with none and the user `__token__`, trusted publishing if an ID
 * token can be had. Otherwise the error explains both ways out (a typo in a secret's name reads
 * as an empty secret).
 */
export function chooseCredential(
  settings: { user: string; password: string },
  run: IdTokenContext,
  ambient?: AmbientIdentity
): CredentialChoice {
  if (settings.password) {
    return { method: 'token', user: settings.user, password: settings.password }
  }
  if (settings.user !== TOKEN_USER) {
    throw new TrustedPublishingError(
      `The user is '${settings.user}' but no password was given. Pass the password for ` +
        `'${settings.user}' as 'password' (from a secret), e.g. \`password: \${{ secrets.INDEX_PASSWORD }}\`. ` +
        'If you did, the secret is empty: a typo in its name reads as an empty string. ' +
        `(Trusted publishing applies only with the user left as '${TOKEN_USER}'.)`
    )
  }
  // Outside the action (the command line), whichever CI system runs us may give the ID token.
  if (ambient ? !ambient.provider : !run.idToken.available) {
    throw new TrustedPublishingError(ambient?.missing ?? noIdTokenMessage(run))
  }
  return { method: 'trusted-publishing' }
}

export interface CredentialOptions {
  settings: {
    user: string
    password: string
    repositoryUrl: string
    /** The uploads' retry settings: the exchange retries the same way. */
    retry?: { retries: number; maxTotalMs: number }
  }
  run: IdTokenContext
  /** The command line's ID-token source; absent: the runner's. */
  ambient?: AmbientIdentity
  http: Http
  getIdToken: IdTokenFetcher
  /** Each secret the moment it exists (into the Redactor). */
  onSecret: (secret: string) => void
  log: Log
}

/**
 * The uploads' password source; the first token is minted here, so a refusal stops the run
 * before any upload.
 */
export async function resolveTokenSource(options: CredentialOptions): Promise<TokenSource> {
  const choice = chooseCredential(options.settings, options.run, options.ambient)
  if (choice.method === 'token') return new StaticTokenSource(choice.user, choice.password)

  const { log, settings } = options
  const minter = createTokenMinter({
    ...options,
    repositoryUrl: settings.repositoryUrl,
    retry: { policy: { ...DEFAULT_RETRY_POLICY, ...settings.retry }, log }
  })
  const source = await MintedTokenSource.start(minter, { onRenew: message => log.info(message) })
  const expires = source.expiresAt
  log.info(
    `Trusted publishing: exchanged ${options.ambient ? `this ${options.ambient.provider} job's` : "this workflow's GitHub"} ID token for a short-lived upload token ` +
      `at ${new URL(settings.repositoryUrl).host}` +
      (expires ? `, valid until ${new Date(expires).toISOString()} (renewed as needed).` : '.')
  )
  return source
}

/** Other services' token prefixes people paste by mistake. */
const FOREIGN_PREFIXES: Array<[string, string]> = [
  ['github_pat_', 'a GitHub fine-grained personal access token'],
  ['ghp_', 'a GitHub personal access token'],
  ['gho_', 'a GitHub OAuth token'],
  ['ghu_', 'a GitHub App user token'],
  ['ghs_', 'a GitHub App or GITHUB_TOKEN installation token'],
  ['ghr_', 'a GitHub refresh token'],
  ['glpat-', 'a GitLab personal access token'],
  ['eyJ', 'a JWT (such as a GitHub ID token)']
]

/**
 * What makes `token` (trimmed) unusable as a PyPI API token for `target`, checked before anything
 * is sent: PyPI would answer a bare 403. Never shows the token: at most its first four characters,
 * and only when it is long and not a PyPI token at all. `source` names where it came from.
 */
export function pypiTokenProblem(
  token: string,
  target: PypiTarget,
  source: string
): string | undefined {
  const index = target === 'pypi' ? 'PyPI' : 'TestPyPI'
  const what = source.charAt(0).toUpperCase() + source.slice(1)
  const fix =
    `Create an API token at https://${TOKEN_LOCATIONS[target]}/manage/account/token/ and store ` +
    'it whole (it starts with pypi-) as the secret, or leave the password out and use trusted ' +
    'publishing.'
  const lineBreak = /[\r\n]/.test(token)
  if (lineBreak || /\s/.test(token)) {
    return (
      `${what} contains ${lineBreak ? 'a line break' : 'whitespace'}, so it cannot be ` +
      `a ${index} API token (one line, no spaces). The secret probably holds more than the token ` +
      `(a label, a second line, or a token split when copied): store only the token. ${fix}`
    )
  }
  if (!token.startsWith('pypi-')) {
    return `${what} ${describeForeign(token)}, so it is not a ${index} API token (those start with 'pypi-'). ${index} accepts only API tokens. ${fix}`
  }
  if (token === 'pypi-') return `${what} is only 'pypi-', without the token itself. ${fix}`
  const location = macaroonLocation(token.slice('pypi-'.length))
  const others = Object.values(TOKEN_LOCATIONS).filter(host => host !== TOKEN_LOCATIONS[target])
  if (!location || !others.includes(location)) return undefined
  return (
    `${what} is a token for ${location}, but the upload goes to ` +
    `${TOKEN_LOCATIONS[target]}. PyPI and TestPyPI are separate sites with separate accounts and ` +
    `tokens. ${fix}`
  )
}

function describeForeign(token: string): string {
  const foreign = FOREIGN_PREFIXES.find(([prefix]) => token.startsWith(prefix))
  // Four characters of a short value would give too much of it away.
  if (token.length < 16) {
    return foreign
      ? `looks like ${foreign[1]}`
      : `is ${token.length} characters long and does not start with 'pypi-'`
  }
  const shown = `starts with '${token.slice(0, 4)}'`
  if (foreign) return `${shown}, which is ${foreign[1]}`
  if (/^pypi[-_.:]/i.test(token)) {
    return `${shown}, not 'pypi-' (the prefix is lowercase, followed by a hyphen)`
  }
  if (/^["']/.test(token)) return `${shown}: it is wrapped in quotes; store the token without them`
  return shown
}

/**
 * The location in a PyPI token's macaroon (v2 binary: 0x02, field 0x01, length, bytes), only to
 * catch a PyPI token sent to TestPyPI or the other way round.
 */
function macaroonLocation(body: string): string | undefined {
  const bytes = Buffer.from(body.slice(0, 64), 'base64url')
  if (bytes.length < 3 || bytes[0] !== 0x02 || bytes[1] !== 0x01) return undefined
  const length = bytes[2]
  if (length === 0 || length > 64 || bytes.length < 3 + length) return undefined
  const location = bytes.subarray(3, 3 + length).toString('latin1')
  return /^[a-z0-9.-]+$/.test(location) ? location : undefined
}

export interface NudgeOptions {
  repositoryUrl: string
  /** Whether the run authenticated with a token or password (no nudge under trusted publishing). */
  usedToken: boolean
  /** Names of the projects published (any spelling). */
  projects: readonly string[]
  run: Pick<RunContext, 'repository' | 'workflowRef'>
}

/**
 * For a run that published to PyPI or TestPyPI with a long-lived token: a notice with links that
 * open each project's trusted-publisher form pre-filled, so switching takes one click.
 */
export function trustedPublishingNudge(options: NudgeOptions): string | undefined {
  const target = pypiTarget(options.repositoryUrl)
  if (!options.usedToken || options.projects.length === 0 || !target) return undefined
  const web = `https://${TOKEN_LOCATIONS[target]}`

  const [owner, repo] = (options.run.repository ?? '').split('/')
  const workflow = parseWorkflowRef(options.run.workflowRef)
  const params = new URLSearchParams({
    provider: 'github',
    ...(owner && repo ? { owner, repository: repo } : {}),
    ...(workflow ? { workflow_filename: workflow.filename } : {})
  })
  const links = [...new Set(options.projects.map(normalizeName))].map(
    name =>
      `  ${web}/manage/project/${encodeURIComponent(name)}/settings/publishing/?${params.toString()}`
  )
  return [
    `This run published to ${TOKEN_LOCATIONS[target]} with a long-lived API token. Consider trusted ` +
      'publishing instead: no secret to leak or rotate, and each file gets a signed attestation ' +
      'of where it was built.',
    `Add this workflow as a trusted publisher (the form opens pre-filled):`,
    ...links,
    'then give the publishing job `permissions: id-token: write` and remove the token input.',
    TRUSTED_PUBLISHING_DOCS
  ].join('\n')
}
