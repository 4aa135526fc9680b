import { tmpdir } from 'node:os'
import type { AmbientIdentity } from '../auth/credentials.js'
import type { PipelineDeps } from '../pipeline/publish.js'
import { ChildEnv } from '../shared/child-env.js'
import type { Log } from '../shared/log.js'
import type { Redactor } from '../shared/redact.js'
import { proxyVariables, type RunContext } from '../shared/run-context.js'
import { ambientIdToken } from './ambient-id-token.js'

/** What the core gets from the command line's surroundings: environment, ID tokens, redactor. */
export function cliDeps(env: NodeJS.ProcessEnv, log: Log, redactor: Redactor): PipelineDeps {
  const ambient = ambientIdToken(env)
  return {
    log,
    run: cliRunContext(env, redactor.forms(), ambient.identity),
    getIdToken: ambient.getIdToken,
    ambient: ambient.identity,
    onSecret: secret => redactor.add(secret),
    attestation: {
      fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
      rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
      indexAcceptsAttestations:
        env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' ? true : undefined
    }
  }
}

/** The run, from whichever CI system runs us (no fork detection: only GitHub's runner tells it). */
export function cliRunContext(
  env: NodeJS.ProcessEnv,
  secrets: Iterable<string>,
  identity: AmbientIdentity
): RunContext {
  const githubTag = env.GITHUB_REF?.startsWith('refs/tags/')
    ? env.GITHUB_REF.slice('refs/tags/'.length)
    : undefined
  return {
    ref: env.GITHUB_REF || undefined,
    tag: env.CI_COMMIT_TAG || env.TRAVIS_TAG || env.BUILDKITE_TAG || githubTag || undefined,
    repository: env.GITHUB_REPOSITORY || env.CI_PROJECT_PATH || undefined,
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
    forkPullRequest: false,
    idToken: identity.provider ? { available: true } : { available: false, why: identity.missing },
    proxy: proxyVariables(env),
    childEnv: ChildEnv.from(env, secrets),
    tempDir: tmpdir()
  }
}

/** The environment's secrets beyond the settings' own: ID tokens and GitLab's job token. */
export function ciSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && (name.endsWith('_ID_TOKEN') || name === 'CI_JOB_TOKEN'))
    .map(([, value]) => value!.trim())
}
