import { chooseCredential } from '../auth/credentials.js'
import { fetchAudience } from '../auth/oidc.js'
import type { Distribution } from '../dists/distribution.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import type { Settings } from '../settings/settings.js'
import { uploadFields } from '../upload/form.js'
import { formatSize } from '../shared/format.js'

/**
 * A dry run goes as far as it can without sending a file or spending a token: the credential
 * choice, the index's trusted-publishing audience, and each file's upload form.
 */
export async function dryRunChecks(
  settings: Settings,
  deps: { log: Log; env: NodeJS.ProcessEnv },
  http: Http,
  dists: readonly Distribution[]
): Promise<void> {
  const { log } = deps
  const choice = chooseCredential(settings, deps.env)
  if (choice.method === 'trusted-publishing') {
    const audience = await fetchAudience(http, settings.repositoryUrl)
    log.info(
      `Dry run: trusted publishing is available at the index (audience '${audience}'); no token minted.`
    )
  } else {
    log.info(`Dry run: would authenticate as '${choice.user}' with the given token.`)
  }
  for (const dist of dists) {
    const fields = uploadFields(dist)
    log.info(
      `Dry run: would upload ${dist.filename} (${formatSize(dist.size)}, ${fields.length} form fields)`
    )
  }
}
