import { jsonObject, TROUBLESHOOTING_URL, TRUSTED_PUBLISHING_DOCS } from './id-token.js'

/**
 * A GitHub ID token's claims and workflow refs, to explain a refused exchange. The signature is
 * NOT checked (the index does): we show what the token says, marked as unverified.
 */

export type Claims = Record<string, unknown>

/** The claims PyPI's GitHub publisher looks at, in the order we show them. */
const DEBUG_CLAIMS = [
  'sub',
  'repository',
  'repository_owner',
  'repository_owner_id',
  'workflow_ref',
  'job_workflow_ref',
  'ref',
  'environment'
] as const

/**
 * `owner/repo/.github/workflows/release.yml@refs/tags/v1` taken apart: `repository` owner/repo,
 * `path` .github/workflows/release.yml, `filename` release.yml (what a PyPI trusted publisher
 * names), `ref` what follows `@` ('' when absent).
 */
export function parseWorkflowRef(value: string | undefined) {
  if (!value) return undefined
  const at = value.indexOf('@')
  const [owner, repo, ...rest] = (at >= 0 ? value.slice(0, at) : value).split('/')
  if (!owner || !repo || rest.length === 0) return undefined
  const ref = at >= 0 ? value.slice(at + 1) : ''
  const path = rest.join('/')
  return { owner, repo, repository: `${owner}/${repo}`, path, filename: rest.at(-1)!, ref }
}

/** The JWT's payload, or undefined when it is not a well-formed JWT. */
export function decodeClaims(jwt: string): Claims | undefined {
  const parts = jwt.split('.')
  return parts.length === 3
    ? jsonObject(Buffer.from(parts[1], 'base64url').toString('utf8'))
    : undefined
}

/** The claims as a list for an error message, marked as unverified and for debugging only. */
export function renderClaims(claims: Claims | undefined): string {
  const shown = claims
    ? [
        'Claims of the ID token, decoded WITHOUT verification, for debugging only. Do not ' +
          'configure a trusted publisher from them unless they already match what you expect:',
        ...DEBUG_CLAIMS.map(name => {
          const value = claims[name]
          return `  ${name}: ${value === undefined || value === '' ? 'MISSING' : String(value)}`
        })
      ]
    : ['The ID token could not be decoded, so its claims cannot be shown.']
  return [...shown, `See ${TROUBLESHOOTING_URL}`].join('\n')
}

/**
 * For a job that runs a reusable workflow: Warehouse takes the filename from `job_workflow_ref`
 * and requires it to be `<repository>/.github/workflows/<file>@<ref or sha>` of this run.
 */
export function reusableWorkflowHint(claims: Claims | undefined): string | undefined {
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
  const elsewhere =
    job.ref && job.ref !== ref && job.ref !== sha
      ? ` It is also called at '${job.ref}', not at ${runsAt}, which PyPI refuses: call it as ` +
        `\`uses: ./.github/workflows/${job.filename}\` so that it runs at the same commit.`
      : ''
  return (
    `${called} ${rule} So the trusted publisher must name the workflow file '${job.filename}', ` +
    `not '${caller.filename}'.${elsewhere}`
  )
}

function stringClaim(claims: Claims | undefined, name: string): string | undefined {
  const value = claims?.[name]
  return typeof value === 'string' ? value : undefined
}

/** The 422 (or other refusal): every code and description, the claims, and where to read more. */
export function refusalMessage(
  url: string,
  status: number,
  payload: Record<string, unknown>,
  claims: Claims | undefined,
  body: string
): string {
  const errors = Array.isArray(payload.errors) ? payload.errors : []
  const reasons = errors.map(e => {
    const { code, description } = (e ?? {}) as { code?: unknown; description?: unknown }
    return `  - ${String(code ?? 'unknown')}: ${String(description ?? '')}`
  })
  const reusable = reusableWorkflowHint(claims)
  return [
    `Trusted publishing failed: ${new URL(url).host} refused the token request (HTTP ` +
      `${status}${typeof payload.message === 'string' ? `, "${payload.message}"` : ''}).`,
    ...(reasons.length > 0
      ? ['The index gave these reasons:', ...reasons]
      : [`The index gave no reasons: ${body}`]),
    '',
    'This usually means the trusted publisher registered on the index does not match this ' +
      'workflow run: check the repository owner and name, the workflow file name and the ' +
      `environment (if you set one). ${TRUSTED_PUBLISHING_DOCS}`,
    ...(reusable ? ['', reusable] : []),
    '',
    renderClaims(claims)
  ].join('\n')
}
