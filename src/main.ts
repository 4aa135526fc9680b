import * as core from '@actions/core'
import { actionsLog } from './actions-log.js'
import { DistributionError } from './dists/distribution.js'
import { Inputs } from './inputs.js'
import { describeProblem, publish } from './pipeline.js'
import { Redactor } from './redact.js'
import { reportProblems, reportRun } from './report.js'
import { readSettings } from './settings.js'

/** The action: settings from the inputs, the pipeline, then outputs, summary and exit status. */
export async function run(): Promise<void> {
  // Secrets are registered before anything else can print them.
  const redactor = new Redactor()
  for (const secret of [
    core.getInput(Inputs.Password),
    core.getInput(Inputs.Token),
    process.env.TWINE_PASSWORD
  ]) {
    redactor.add(secret?.trim())
  }
  // `::add-mask::` is consumed by GitHub's runner; anywhere else it would print the secret.
  if (process.env.GITHUB_ACTIONS === 'true') {
    for (const form of redactor.forms()) core.setSecret(form)
  }
  const log = actionsLog(redactor)

  try {
    const { settings, warnings } = readSettings(name => core.getInput(name), process.env)
    for (const warning of warnings) log.warning(warning)
    if (!settings.password) {
      throw new Error(
        "No API token: set 'password' (or 'token') to a secret holding a PyPI API token, e.g. " +
          '`password: ${{ secrets.PYPI_API_TOKEN }}`. If you did set it, the secret may be empty ' +
          '(a typo in its name reads as an empty string).'
      )
    }
    const result = await publish(settings, log)
    await reportRun(result, redactor)
    if (result.failure) {
      const failed = result.files.find(f => f.status === 'failed')
      const done = result.files.filter(f => f.status === 'uploaded').map(f => f.dist.filename)
      core.setFailed(
        redactor.redact(
          `Publishing stopped at ${failed?.dist.filename ?? 'a file'}: ` +
            `${(failed?.message ?? result.failure.message).replace(/\.+$/, '')}. ` +
            (done.length
              ? `Uploaded before the failure: ${done.join(', ')}.`
              : 'No file was uploaded.')
        )
      )
    }
  } catch (error) {
    if (error instanceof DistributionError) {
      for (const problem of error.problems) log.error(describeProblem(problem), problem.file)
      await reportProblems(error.problems, redactor)
      core.setFailed(
        `${error.problems.length} problem(s) found; nothing was uploaded. See the errors above.`
      )
    } else {
      core.setFailed(redactor.redact(error instanceof Error ? error.message : String(error)))
    }
  }
}
