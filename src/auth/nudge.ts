import { normalizeName } from '../dists/filename.js'
import { parseWorkflowRef } from './github-context.js'
import type { RunContext } from '../shared/run-context.js'

/** The upload hosts we know the web side of: where a project's publishing settings live. */
const WEB_ORIGIN_BY_UPLOAD_HOST: Record<string, string> = {
  'upload.pypi.org': 'https://pypi.org',
  'pypi.org': 'https://pypi.org',
  'test.pypi.org': 'https://test.pypi.org'
}

export interface NudgeOptions {
  /** The upload URL. */
  repositoryUrl: string
  /** Whether the run authenticated with a token or password (no nudge under trusted publishing). */
  usedToken: boolean
  /** Names of the projects published (any spelling). */
  projects: readonly string[]
  /** Where the workflow runs: fills in the trusted-publisher form. */
  run: Pick<RunContext, 'repository' | 'workflowRef'>
}

/**
 * A notice for runs that publish to PyPI or TestPyPI with a long-lived token: trusted publishing
 * needs no secret and enables attestations, and the link opens the project's publishing settings
 * with owner, repository and workflow file filled in, so switching takes one click and one
 * permission line. undefined when it does not apply.
 */
export function trustedPublishingNudge(options: NudgeOptions): string | undefined {
  if (!options.usedToken || options.projects.length === 0) return undefined
  let host: string
  try {
    host = new URL(options.repositoryUrl).host
  } catch {
    return undefined
  }
  const web = WEB_ORIGIN_BY_UPLOAD_HOST[host]
  if (!web) return undefined

  const [owner, repo] = (options.run.repository ?? '').split('/')
  const workflow = parseWorkflowRef(options.run.workflowRef)
  const params = new URLSearchParams({ provider: 'github' })
  if (owner && repo) {
    params.set('owner', owner)
    params.set('repository', repo)
  }
  if (workflow) params.set('workflow_filename', workflow.filename)

  const names = [...new Set(options.projects.map(normalizeName))]
  const links = names.map(
    name =>
      `  ${web}/manage/project/${encodeURIComponent(name)}/settings/publishing/?${params.toString()}`
  )
  return [
    `This run published to ${new URL(web).host} with a long-lived API token. Consider trusted ` +
      'publishing instead: no secret to leak or rotate, and each file gets a signed attestation ' +
      'of where it was built.',
    `Add this workflow as a trusted publisher (the form opens pre-filled):`,
    ...links,
    'then give the publishing job `permissions: id-token: write` and remove the token input.',
    'https://docs.pypi.org/trusted-publishers/'
  ].join('\n')
}
