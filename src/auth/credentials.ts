import type { AmbientIdentity } from './ambient-id-token.js'
import { DEFAULT_RETRY_POLICY } from '../shared/backoff.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import { TrustedPublishingError } from './errors.js'
import { noIdTokenMessage, type IdTokenContext } from './explain.js'
import { createTokenMinter, type IdTokenFetcher } from './oidc.js'
import { MintedTokenSource, StaticTokenSource, type TokenSource } from './token-source.js'

/** The user name API tokens and trusted publishing go with. */
export const TOKEN_USER = '__token__'

export type CredentialChoice =
  { method: 'token'; user: string; password: string } | { method: 'trusted-publishing' }

/**
 * Which way to authenticate. A given password/token always wins. With none, and the user left as
 * `__token__`, trusted publishing — if the job can get an ID token at all; if it cannot, the
 * error explains both ways out, because the usual cause is a forgotten permission or an empty
 * secret (a typo in a secret's name reads as an empty string).
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
  if (ambient) {
    if (!ambient.provider) throw new TrustedPublishingError(ambient.missing)
    return { method: 'trusted-publishing' }
  }
  if (!run.idToken.available) throw new TrustedPublishingError(noIdTokenMessage(run))
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
  /** Where the ID token comes from outside the action; absent: the runner's variables. */
  ambient?: AmbientIdentity
  http: Http
  getIdToken: IdTokenFetcher
  /** Each secret the moment it exists: add it to the Redactor and core.setSecret it. */
  onSecret: (secret: string) => void
  log: Log
  now?: () => number
  /** Renew a minted token when fewer than this many ms remain (default 60 s). */
  renewMarginMs?: number
}

/**
 * The password source for the uploads. Under trusted publishing the first token is minted here,
 * so a refused exchange stops the run before anything is uploaded.
 */
export async function resolveTokenSource(options: CredentialOptions): Promise<TokenSource> {
  const choice = chooseCredential(options.settings, options.run, options.ambient)
  if (choice.method === 'token') return new StaticTokenSource(choice.user, choice.password)

  const { log } = options
  const host = new URL(options.settings.repositoryUrl).host
  const minter = createTokenMinter({
    http: options.http,
    repositoryUrl: options.settings.repositoryUrl,
    getIdToken: options.getIdToken,
    onSecret: options.onSecret,
    now: options.now,
    retry: { policy: { ...DEFAULT_RETRY_POLICY, ...options.settings.retry }, log }
  })
  const source = await MintedTokenSource.start(minter, {
    now: options.now,
    marginMs: options.renewMarginMs,
    onRenew: message => log.info(message)
  })
  const expires = source.expiresAt
  log.info(
    `Trusted publishing: exchanged ${options.ambient ? `this ${options.ambient.provider} job's` : "this workflow's GitHub"} ID token for a short-lived upload token ` +
      `at ${host}` +
      (expires ? `, valid until ${new Date(expires).toISOString()} (renewed as needed).` : '.')
  )
  return source
}
