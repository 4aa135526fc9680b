import { TROUBLESHOOTING_URL } from './explain.js'
import { parseWorkflowRef } from './github-context.js'

/**
 * Reading a GitHub ID token's claims to explain a refused exchange. The signature is NOT checked:
 * the index checks it; we only show what the token says, and say so, so that nobody configures a
 * publisher from claims they have not confirmed.
 */

export type Claims = Record<string, unknown>

/** The claims PyPI's GitHub publisher looks at, in the order we show them. */
export const DEBUG_CLAIMS = [
  'sub',
  'repository',
  'repository_owner',
  'repository_owner_id',
  'workflow_ref',
  'job_workflow_ref',
  'ref',
  'environment'
] as const

/** The JWT's payload, or undefined when it is not a well-formed JWT. */
export function decodeClaims(jwt: string): Claims | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3) return undefined
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'))
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Claims)
      : undefined
  } catch {
    return undefined
  }
}

/** The claims as a list for an error message, marked as unverified and for debugging only. */
export function renderClaims(claims: Claims | undefined): string {
  if (!claims) {
    return 'The ID token could not be decoded, so its claims cannot be shown.'
  }
  const lines = [
    'Claims of the ID token, decoded WITHOUT verification, for debugging only. Do not configure a ' +
      'trusted publisher from them unless they already match what you expect:'
  ]
  for (const name of DEBUG_CLAIMS) {
    const value = claims[name]
    lines.push(`  ${name}: ${value === undefined || value === '' ? 'MISSING' : String(value)}`)
  }
  lines.push(`See ${TROUBLESHOOTING_URL}`)
  return lines.join('\n')
}

/**
 * When the job runs a reusable workflow, `job_workflow_ref` names a different file than
 * `workflow_ref` (the caller). PyPI (Warehouse's GitHub publisher) looks the publisher up by the
 * `repository` claim and the workflow filename taken from `job_workflow_ref`, then requires
 * `job_workflow_ref` to be exactly `<repository>/.github/workflows/<filename>@<ref or sha>` of
 * the run. So the publisher must name the reusable workflow's file; that file must live in the
 * repository that runs the job; and it must run at the run's own ref or commit. undefined when
 * the job runs its own workflow.
 */
export function reusableWorkflowHint(claims: Claims | undefined): string | undefined {
  if (!claims) return undefined
  const caller = parseWorkflowRef(stringClaim(claims, 'workflow_ref'))
  const job = parseWorkflowRef(stringClaim(claims, 'job_workflow_ref'))
  if (!caller || !job) return undefined
  if (
    caller.repository.toLowerCase() === job.repository.toLowerCase() &&
    caller.path === job.path
  ) {
    return undefined
  }
  const repository = stringClaim(claims, 'repository') || caller.repository
  const ref = stringClaim(claims, 'ref')
  const sha = stringClaim(claims, 'sha')
  const runsAt = [ref, sha].filter(Boolean).join(' or ') || 'the ref being run'
  const rule =
    'PyPI takes the workflow filename from job_workflow_ref (the workflow that runs this job, ' +
    `here the reusable one) and requires job_workflow_ref to be ` +
    `'${repository}/.github/workflows/<that file>@<${ref ? 'ref' : 'sha'}>' of this run: a ` +
    `workflow of the repository the run belongs to (${repository}), at ${runsAt}.`
  const called =
    `This job runs a reusable workflow: ${job.path} of ${job.repository} (called from ` +
    `${caller.path} of ${caller.repository}).`

  if (job.repository.toLowerCase() !== repository.toLowerCase()) {
    return (
      `${called} ${rule} A reusable workflow from another repository therefore cannot publish ` +
      `to PyPI with trusted publishing, whatever the publisher names. Publish from ${repository} ` +
      `itself: run this action in a job of ${caller.filename} (the shared workflow can still ` +
      `build and upload the files as an artifact), or keep the reusable workflow in ` +
      `${repository}/.github/workflows/ and call it as \`uses: ./.github/workflows/${job.filename}\`.`
    )
  }
  const lines = [
    `${called} ${rule} So the trusted publisher must name the workflow file '${job.filename}', ` +
      `not '${caller.filename}'.`
  ]
  if (job.ref && job.ref !== ref && job.ref !== sha) {
    lines.push(
      `It is also called at '${job.ref}', not at ${runsAt}, which PyPI refuses: call it as ` +
        `\`uses: ./.github/workflows/${job.filename}\` so that it runs at the same commit.`
    )
  }
  return lines.join(' ')
}

function stringClaim(claims: Claims, name: string): string | undefined {
  const value = claims[name]
  return typeof value === 'string' ? value : undefined
}
