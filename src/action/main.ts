import { actionsLog } from './log.js'
import { Writer } from './writer.js'
import { runContextFromEnv } from './context.js'
import { actionsIdTokenFetcher } from './id-token.js'
import { DistributionError } from '../dists/distribution.js'
import { publish, type PipelineDeps } from '../pipeline/publish.js'
import { describeProblem } from '../pipeline/prepare.js'
import { Redactor } from '../shared/redact.js'
import { reportFailure, reportProblems, reportRun } from './report.js'
import { failureText } from './summary.js'
import { readSettings } from '../settings/settings.js'
import { givenSecrets, twineVariables } from '../settings/secrets.js'
import { actionInput, readOnce, runnerTokens } from './inputs.js'
import { setOutput } from './outputs.js'

/** The action: settings from the inputs, the pipeline, then outputs, summary and exit status. */
export async function run(): Promise<void> {
  // Each input is read once (untrimmed: settings trims each value itself, and tells a
  // whitespace-only secret from none). The secrets among the inputs, TWINE_* and the runner's
  // tokens are registered before anything else can print them; the settings and the children's
  // environment then work from the same values.
  const read = readOnce(name => actionInput(process.env, name))
  const twine = twineVariables(process.env)
  const redactor = new Redactor()
  for (const { secret, user } of givenSecrets(read, twine, runnerTokens(process.env))) {
    redactor.add(secret, user)
  }
  const writer = new Writer({
    redact: text => redactor.redact(text),
    workspace: process.env.GITHUB_WORKSPACE
  })
  // `::add-mask::` is consumed by GitHub's runner; anywhere else it would print the secret.
  const inRunner = process.env.GITHUB_ACTIONS === 'true'
  if (inRunner) {
    for (const form of redactor.forms()) writer.mask(form)
  }
  const log = actionsLog(writer)
  // After the secrets are known: the children's environment leaves out every variable holding one.
  const run = runContextFromEnv(process.env, redactor.forms())
  const fail = (message: string): void => {
    process.exitCode = 1
    writer.annotate('error', message)
  }

  try {
    const { settings, warnings, notices } = readSettings(read, { twine, insideActions: inRunner })
    for (const warning of warnings) log.warning(warning)
    for (const notice of notices) log.notice(notice)
    const result = await publish(settings, {
      log,
      run,
      getIdToken: actionsIdTokenFetcher(run, process.env),
      onSecret: secret => {
        const known = new Set(redactor.forms())
        redactor.add(secret)
        if (inRunner) for (const form of redactor.forms()) if (!known.has(form)) writer.mask(form)
      },
      attestation: attestationOverrides(process.env)
    })
    await reportRun(result, {
      redactor,
      log,
      setOutput: (name, value) => setOutput(name, value, process.env, writer)
    })
    if (result.failure) fail(failureText(result))
  } catch (error) {
    if (error instanceof DistributionError) {
      for (const problem of error.problems) log.error(describeProblem(problem), problem.file)
      await reportProblems(error.problems, { redactor, log })
      fail(`${error.problems.length} problem(s) found; nothing was uploaded. See the errors above.`)
    } else {
      const message = error instanceof Error ? error.message : String(error)
      await reportFailure(message, { redactor, log })
      fail(message)
    }
  } finally {
    writer.endOutput()
  }
}

/**
 * Sigstore endpoints for a private deployment (and for tests on loopback), and whether the index
 * takes attestations when it is neither PyPI nor TestPyPI.
 */
function attestationOverrides(env: NodeJS.ProcessEnv): PipelineDeps['attestation'] {
  return {
    fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
    rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
    indexAcceptsAttestations:
      env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' ? true : undefined
  }
}
