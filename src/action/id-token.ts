import * as core from '@actions/core'
import { TrustedPublishingError } from '../auth/errors.js'
import { noIdTokenMessage, type IdTokenContext } from '../auth/explain.js'
import type { IdTokenFetcher } from '../auth/oidc.js'

/**
 * The edge's ID-token fetcher: @actions/core's getIDToken (which also masks the token), with its
 * terse errors ("Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable", "Failed to get ID
 * Token…") turned into an explanation of what to change in the workflow. The core never imports
 * @actions/core; it receives this function.
 */
export function actionsIdTokenFetcher(run: IdTokenContext): IdTokenFetcher {
  return async (audience: string) => {
    try {
      return await core.getIDToken(audience)
    } catch (error) {
      const cause = (error instanceof Error ? error.message : String(error))
        .replace(/^Error message:\s*/, '')
        .replace(/\s*\n\s*/g, ' ')
        .trim()
      throw new TrustedPublishingError(noIdTokenMessage(run, cause), { cause: error })
    }
  }
}
