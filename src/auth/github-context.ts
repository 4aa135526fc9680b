/**
 * The workflow a run belongs to, as trusted publishing names it: taken apart from
 * RunContext.workflowRef or from the ID token's `job_workflow_ref` claim.
 */

/** `owner/repo/.github/workflows/release.yml@refs/tags/v1` taken apart. */
export interface WorkflowRef {
  owner: string
  repo: string
  /** `owner/repo` */
  repository: string
  /** Path inside the repository, e.g. `.github/workflows/release.yml`. */
  path: string
  /** Basename, e.g. `release.yml`: what a PyPI trusted publisher names. */
  filename: string
  /** What follows `@`, e.g. `refs/tags/v1`; '' when absent. */
  ref: string
}

export function parseWorkflowRef(value: string | undefined): WorkflowRef | undefined {
  if (!value) return undefined
  const at = value.indexOf('@')
  const location = at >= 0 ? value.slice(0, at) : value
  const ref = at >= 0 ? value.slice(at + 1) : ''
  const [owner, repo, ...rest] = location.split('/')
  if (!owner || !repo || rest.length === 0) return undefined
  const path = rest.join('/')
  return {
    owner,
    repo,
    repository: `${owner}/${repo}`,
    path,
    filename: rest[rest.length - 1],
    ref
  }
}
