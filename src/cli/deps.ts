import { tmpdir } from 'node:os'
import { ambientIdToken } from '../auth/ambient-id-token.js'
import type { PipelineDeps } from '../pipeline/publish.js'
import { ChildEnv } from '../process/child-env.js'
import type { Log } from '../shared/log.js'
import type { Redactor } from '../shared/redact.js'

/**
 * Everything the core gets from the command line's surroundings, made in this one place: the
 * environment it was started with, ID tokens from whichever CI system runs it, and the redactor
 * every secret goes into the moment it exists.
 */
export function cliDeps(env: NodeJS.ProcessEnv, log: Log, redactor: Redactor): PipelineDeps {
  const ambient = ambientIdToken(env)
  return {
    log,
    env,
    childEnv: ChildEnv.from(env, redactor.forms()),
    getIdToken: ambient.getIdToken,
    ambient: ambient.identity,
    onSecret: secret => redactor.add(secret),
    tempDir: tmpdir(),
    attestation: {
      fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
      rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
      indexAcceptsAttestations:
        env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' ? true : undefined
    }
  }
}

/**
 * The secrets the environment holds for the command line beyond the action's (TWINE_PASSWORD and
 * URLs with passwords are found by environmentSecrets): GitLab's ID tokens and its job token.
 */
export function ciSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && (name.endsWith('_ID_TOKEN') || name === 'CI_JOB_TOKEN'))
    .map(([, value]) => value!.trim())
}
