import { TrustedPublishingError } from '../auth/errors.js'
import {
  githubRunnerIdToken,
  IdTokenRequestError,
  noIdTokenMessage,
  type IdTokenContext,
  type IdTokenFetcher
} from '../auth/id-token.js'
import { oneLine } from '../shared/format.js'

type Env = Readonly<Record<string, string | undefined>>

/**
 * The action's ID-token fetcher. Ours, not core.getIDToken (see requestIdToken): a failure becomes
 * an explanation of what to change in the workflow, keeping its transient mark for the exchange.
 */
export function actionsIdTokenFetcher(run: IdTokenContext, env: Env): IdTokenFetcher {
  return async (audience: string) => {
    const missing = ['ACTIONS_ID_TOKEN_REQUEST_URL', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'].filter(
      name => !env[name]
    )
    if (missing.length) {
      throw new TrustedPublishingError(
        noIdTokenMessage(run, `the runner did not set ${missing.join(' or ')} for this step`)
      )
    }
    return githubRunnerIdToken(env, audience).catch((error: unknown) => {
      // Without the command line's advice: the action gives its own two ways out.
      const cause =
        error instanceof IdTokenRequestError ? error.failure.replace(/\.$/, '') : String(error)
      throw new TrustedPublishingError(noIdTokenMessage(run, oneLine(cause)), {
        cause: error,
        transient: error instanceof TrustedPublishingError ? error.transient : undefined
      })
    })
  }
}
