import type { MintedToken } from './oidc.js'

/**
 * Where uploads get their password, asked right before each send. A minted token lives 15
 * minutes and a long run can outlive it (the official action's issue #307): it is renewed.
 */
export interface TokenSource {
  readonly kind: 'token' | 'trusted-publishing'
  readonly user: string
  /** The password to send now; renews first when the current token is about to expire. */
  current(): Promise<string>
  /**
   * A fresh token after the index refused `rejected` as expired; callers refused the same token
   * share one renewal. undefined from a static source: the refusal stands.
   */
  renew(rejected: string): Promise<string | undefined>
}

/** The index's words for an expired token (protocol §2): 403 "Invalid API Token: token is expired". */
export function isExpiredTokenResponse(status: number, message: string): boolean {
  return status === 403 && /token is expired/i.test(message)
}

export class StaticTokenSource implements TokenSource {
  readonly kind = 'token'
  constructor(
    readonly user: string,
    private readonly password: string
  ) {}
  current = async (): Promise<string> => this.password
  renew = async (): Promise<undefined> => undefined
}

export interface MintedTokenSourceOptions {
  /** Renew when fewer than this many ms remain (default 60 s: room for a request to start). */
  marginMs?: number
  now?: () => number
  /** Told about each renewal, never with the token. */
  onRenew?: (reason: string) => void
}

export class MintedTokenSource implements TokenSource {
  readonly kind = 'trusted-publishing'
  readonly user = '__token__'
  private token: MintedToken | undefined
  private inFlight: Promise<MintedToken> | undefined

  private constructor(
    private readonly mint: () => Promise<MintedToken>,
    private readonly options: MintedTokenSourceOptions
  ) {}

  /** Mints the first token now, so that a refused exchange fails the run before any upload. */
  static async start(
    mint: () => Promise<MintedToken>,
    options: MintedTokenSourceOptions = {}
  ): Promise<MintedTokenSource> {
    const source = new MintedTokenSource(mint, options)
    await source.current()
    return source
  }

  /** Epoch ms, our clock; undefined before the first mint. */
  get expiresAt(): number | undefined {
    return this.token?.expiresAt
  }

  async current(): Promise<string> {
    const token = this.token
    const { now = Date.now, marginMs = 60_000 } = this.options
    if (token && token.expiresAt - now() > marginMs) return token.token
    return (await this.refresh(token ? 'the token is about to expire' : undefined)).token
  }

  async renew(rejected: string): Promise<string> {
    if (this.inFlight) return (await this.inFlight).token
    if (this.token && this.token.token !== rejected) return this.token.token
    return (await this.refresh('the index said the token has expired')).token
  }

  private refresh(reason: string | undefined): Promise<MintedToken> {
    // One renewal at a time: parallel uploads that all notice expiry wait for the same mint.
    this.inFlight ??= Promise.resolve()
      .then(() => this.mint())
      .then(fresh => {
        this.token = fresh
        if (reason) this.options.onRenew?.(`Minted a fresh upload token: ${reason}.`)
        return fresh
      })
      .finally(() => {
        this.inFlight = undefined
      })
    return this.inFlight
  }
}

/**
 * Runs one request; when the index refused the token as expired, renews and runs it once more
 * (the refused request stored nothing, so nothing is lost or repeated).
 */
export async function withCurrentToken<T>(
  source: TokenSource,
  attempt: (user: string, password: string) => Promise<T>,
  isExpired: (error: unknown) => boolean
): Promise<T> {
  const password = await source.current()
  try {
    return await attempt(source.user, password)
  } catch (error) {
    if (!isExpired(error)) throw error
    const fresh = await source.renew(password)
    if (fresh === undefined) throw error
    return attempt(source.user, fresh)
  }
}
