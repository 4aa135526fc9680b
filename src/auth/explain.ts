import type { RunContext } from '../shared/run-context.js'

/**
 * The explanations for a job that cannot get a GitHub ID token. Shared by the up-front credential
 * check and by the ID-token fetcher, which can fail the same way later (e.g. the runner refused).
 */

export const TRUSTED_PUBLISHING_DOCS = 'https://docs.pypi.org/trusted-publishers/'
export const TROUBLESHOOTING_URL = 'https://docs.pypi.org/trusted-publishers/troubleshooting/'

const PERMISSIONS_SNIPPET = ['permissions:', '  id-token: write'].join('\n')

/** The facts about the run these explanations depend on. */
export type IdTokenContext = Pick<RunContext, 'forkPullRequest' | 'idToken'>

/** Why there is no ID token, and the two ways out (or, for a fork's pull request, what to do). */
export function noIdTokenMessage(run: IdTokenContext, cause?: string): string {
  const what = cause
    ? `Trusted publishing needs a GitHub ID token, and getting one failed: ${cause}`
    : 'Trusted publishing needs a GitHub ID token, and this job has no access to one' +
      (run.idToken.why ? ` (${run.idToken.why}).` : '.')
  if (run.forkPullRequest) {
    return [
      what,
      '',
      'This run was triggered by a pull request from a fork. GitHub gives such runs neither ID ' +
        "tokens nor secrets, even with 'id-token: write', so they cannot publish.",
      'Publish from an event a fork cannot trigger instead: a pushed tag, a published release, or ' +
        'workflow_dispatch — and skip the publish step on pull requests.'
    ].join('\n')
  }
  return [
    what,
    'No token was given either (no `password`/`token` input), so there is ' +
      'nothing to authenticate with. Two ways out:',
    '',
    '1. Trusted publishing (recommended): give the publishing job permission to request an ID ' +
      'token, and register this workflow as a trusted publisher on the index:',
    '',
    indent(PERMISSIONS_SNIPPET, 4),
    '',
    `   ${TRUSTED_PUBLISHING_DOCS}`,
    '',
    '2. An API token: store it as a repository secret and pass it, e.g.',
    '',
    indent('password: ${{ secrets.PYPI_API_TOKEN }}', 4),
    '',
    '   If you already pass a secret: an empty secret looks exactly like none. A typo in the ' +
      "secret's name, or a secret defined in another environment or repository, reads as an " +
      'empty string.'
  ].join('\n')
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces)
  return text
    .split('\n')
    .map(line => pad + line)
    .join('\n')
}
