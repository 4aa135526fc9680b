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
 * `workflow_ref` (the caller). PyPI matches `job_workflow_ref`, so the publisher must name that
 * file, which surprises people who registered the calling workflow. undefined when not the case.
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
  return (
    `This job runs a reusable workflow: ${job.path} of ${job.repository} (called from ` +
    `${caller.path} of ${caller.repository}). PyPI matches the reusable workflow ` +
    `(job_workflow_ref), so the trusted publisher must name the workflow file '${job.filename}'` +
    ` of ${job.repository}, not '${caller.filename}'.`
  )
}

function stringClaim(claims: Claims, name: string): string | undefined {
  const value = claims[name]
  return typeof value === 'string' ? value : undefined
}
