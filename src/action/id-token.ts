import { TrustedPublishingError } from '../auth/errors.js'
import { githubRunnerIdToken, IdTokenRequestError } from '../auth/ambient-id-token.js'
import { noIdTokenMessage, type IdTokenContext } from '../auth/explain.js'
import type { IdTokenFetcher } from '../auth/oidc.js'
import { oneLine } from '../shared/format.js'

/**
 * The action's ID-token fetcher: the runner's ACTIONS_ID_TOKEN_REQUEST_URL, asked with its bearer
 * token (as @actions/core's getIDToken asks it), through the run's own HTTP stack. A failure is
 * turned into an explanation of what to change in the workflow; one that may heal by waiting keeps
 * its transient mark, so the exchange retries it. The token is registered as a secret by the
 * pipeline (onSecret) as soon as it arrives.
 */
export function actionsIdTokenFetcher(
  run: IdTokenContext,
  env: Readonly<Record<string, string | undefined>>
): IdTokenFetcher {
  return async (audience: string) => {
    const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
      name => !env[name]
    )
    if (missing.length) {
      throw new TrustedPublishingError(
        noIdTokenMessage(run, `the runner did not set ${missing.join(' or ')} for this step`)
      )
    }
    try {
      return await githubRunnerIdToken(env, audience)
    } catch (error) {
      // What failed, without the command line's advice: the action gives its own two ways out.
      const cause = oneLine(
        error instanceof IdTokenRequestError
          ? error.failure.replace(/\.$/, '')
          : error instanceof Error
            ? error.message
            : String(error)
      )
      throw new TrustedPublishingError(noIdTokenMessage(run, cause), {
        cause: error,
        transient: error instanceof TrustedPublishingError ? error.transient : undefined
      })
    }
  }
}
