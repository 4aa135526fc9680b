import { decodeClaims, parseWorkflowRef, type Claims } from '../auth/claims.js'
import { chooseCredential, type AmbientIdentity } from '../auth/credentials.js'
import { fetchAudience, type IdTokenFetcher } from '../auth/oidc.js'
import type { Distribution } from '../dists/distribution.js'
import { DEFAULT_RETRY_POLICY } from '../shared/backoff.js'
import type { Http } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import type { Settings } from '../settings/settings.js'
import type { RunContext } from '../shared/run-context.js'
import { uploadFields } from '../upload/upload.js'
import { formatSize } from '../shared/format.js'

/**
 * Goes as far as it can without sending a file or spending a token (credential choice, the
 * index's trusted-publishing audience, each upload form), saying where and as whom, no secret.
 * `dists` are the files the real run would send: those the index does not hold already.
 */
export async function dryRunChecks(
  settings: Settings,
  deps: {
    log: Log
    run: Pick<RunContext, 'forkPullRequest' | 'idToken' | 'repository' | 'workflowRef'>
    ambient?: AmbientIdentity
    getIdToken?: IdTokenFetcher
    onSecret?: (secret: string) => void
  },
  http: Http,
  dists: readonly Distribution[]
): Promise<void> {
  const { log } = deps
  if (dists.length === 0) {
    log.info('Dry run: nothing would be uploaded: every file is on the index already or skipped.')
    return
  }
  const choice = chooseCredential(settings, deps.run, deps.ambient)
  const where = `Dry run: would upload ${dists.length} file(s) to ${settings.repositoryUrl}`
  if (choice.method === 'trusted-publishing') {
    const audience = await fetchAudience(http, settings.repositoryUrl, {
      policy: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
      log
    })
    // The job's ID token, masked first, for the identity PyPI would match (never exchanged).
    const idToken = await deps.getIdToken?.(audience)
    if (idToken !== undefined) deps.onSecret?.(idToken)
    const claims = idToken === undefined ? undefined : decodeClaims(idToken)
    log.info(
      `${where} with trusted publishing as ${describeIdentity(claims, deps.run)}. ` +
        `The index offers trusted publishing (audience '${audience}'); no token was minted.`
    )
  } else {
    log.info(
      choice.user === '__token__'
        ? `${where} with the given API token (user '__token__'; the token is not shown).`
        : `${where} as user '${choice.user}' with the given password (not shown).`
    )
  }
  for (const dist of dists) {
    const fields = uploadFields(dist)
    log.info(
      `Dry run: would upload ${dist.filename} (${formatSize(dist.size)}, ${fields.length} form fields)`
    )
  }
}

/** What a trusted publisher is matched on, from the ID token if any, else from the run. */
function describeIdentity(
  claims: Claims | undefined,
  run: Pick<RunContext, 'repository' | 'workflowRef'>
): string {
  const text = (name: string): string | undefined =>
    typeof claims?.[name] === 'string' && claims[name] !== '' ? (claims[name] as string) : undefined
  const environment = text('environment')
  const fromToken = `${environment ? `environment ${environment}` : 'no environment'} (from the job's ID token)`
  // GitLab's publisher matches the project and the CI file of ci_config_ref_uri.
  const project = text('project_path')
  const ciFile = ciFileOf(text('ci_config_ref_uri') ?? '')
  if (project) return `GitLab project ${project}, CI file ${ciFile ?? '(unknown)'}, ${fromToken}`
  const workflow = parseWorkflowRef(text('job_workflow_ref') ?? run.workflowRef)
  const shown =
    `repository ${text('repository') ?? run.repository ?? '(unknown)'}, ` +
    `workflow ${workflow ? workflow.filename : '(unknown)'}`
  return claims ? `${shown}, ${fromToken}` : shown
}

/** The CI file of GitLab's `host/project//file@ref` (string search: the claim is outside text). */
function ciFileOf(uri: string): string | undefined {
  const start = uri.indexOf('//')
  const end = uri.indexOf('@', start + 2)
  return start < 0 || end <= start + 2 ? undefined : uri.slice(start + 2, end)
}
