import * as core from '@actions/core'
import { Writer } from './writer.js'
import { actionsIdTokenFetcher } from './context.js'
import { runContextFromEnv } from '../shared/run-context.js'
import { DistributionError } from '../dists/distribution.js'
import { publish, type PipelineDeps, type RunResult } from '../pipeline/publish.js'
import { runOutcome } from '../pipeline/outcome.js'
import { describeProblem } from '../pipeline/prepare.js'
import { Redactor } from '../shared/redact.js'
import { scrubStartupEnvironment } from '../shared/startup-environ.js'
import {
  failureText,
  renderFailureSummary,
  renderProblemsSummary,
  renderRunSummary
} from './summary.js'
import { Inputs, Outputs } from '../settings/inputs.js'
import { booleanValue, readSettings } from '../settings/settings.js'
import { givenSecrets, twineVariables } from '../settings/secrets.js'

/** The action: settings from the inputs, the pipeline, then outputs, summary and exit status. */
export async function run(): Promise<void> {
  // Untrimmed: the settings trim each value, and tell a whitespace-only secret from none.
  const read = (name: string): string => core.getInput(name, { trimWhitespace: false })
  // A copy: once the secrets are known, they are zeroed in the process's own environment.
  const env = { ...process.env }
  const twine = twineVariables(env)
  const redactor = new Redactor()
  // Registered before anything can print them; the runner's own tokens are secrets too.
  const runnerTokens = [env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, env.ACTIONS_RUNTIME_TOKEN]
  for (const { secret, user } of givenSecrets(read, twine, runnerTokens)) redactor.add(secret, user)
  const redact = (text: string): string => redactor.redact(text)
  const log = new Writer({ redact, workspace: env.GITHUB_WORKSPACE })
  // `::add-mask::` is consumed by GitHub's runner; anywhere else it would print the secret.
  const inRunner = env.GITHUB_ACTIONS === 'true'
  if (inRunner) for (const form of redactor.forms()) log.mask(form)
  // After the secrets are known: the children's environment leaves out every variable holding one.
  const run = runContextFromEnv(env, redactor.forms())
  // Read before the settings, so that `summary: false` holds when another input is refused too.
  const summaryWanted = booleanValue(read(Inputs.Summary) || 'true') !== false
  const writeSummary = (text: string): Promise<void> => writeJobSummary(text, log, summaryWanted)

  try {
    const { settings, warnings, notices } = readSettings(read, { twine, insideActions: inRunner })
    for (const warning of warnings) log.warning(warning)
    for (const notice of notices) log.notice(notice)
    // Before any child starts, after the last input is read: a build could otherwise read the
    // inputs and the runner's tokens from /proc/<our pid>/environ.
    const scrub = scrubStartupEnvironment(redactor.forms())
    log.debug(`Start-up environment: ${JSON.stringify(scrub)}`)
    const result = await publish(settings, {
      log,
      run,
      getIdToken: actionsIdTokenFetcher(run, env),
      onSecret: secret => {
        const known = new Set(redactor.forms())
        redactor.add(secret)
        if (inRunner) for (const form of redactor.forms()) if (!known.has(form)) log.mask(form)
      },
      attestation: {
        fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
        rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
        indexAcceptsAttestations:
          env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' || undefined
      } satisfies PipelineDeps['attestation']
    })
    // Outputs first: a summary that cannot be written never fails the run.
    const outputsProblem = setOutputs(result, redact)
    await writeSummary(renderRunSummary(result, redact))
    const failure = result.failure ? failureText(result) : outputsProblem
    if (failure) log.fail(failure)
  } catch (error) {
    // Nothing was sent: the outputs say so (`[]`), for later steps that read them as JSON.
    setOutputs(NOTHING_SENT, redact)
    if (error instanceof DistributionError) {
      for (const problem of error.problems) log.error(describeProblem(problem), problem.file)
      await writeSummary(renderProblemsSummary(error.problems, redact))
      log.fail(
        `${error.problems.length} problem(s) found; nothing was uploaded. See the errors above.`
      )
    } else {
      const message = messageOf(error)
      await writeSummary(renderFailureSummary(message, redact))
      log.fail(message)
    }
  } finally {
    log.endOutput()
  }
}

/** A run that stopped before its first upload (a refused file, a credential, a build). */
const NOTHING_SENT: RunResult = {
  repositoryUrl: '',
  dryRun: false,
  dists: [],
  files: [],
  attestationPaths: []
}

/**
 * Sets the step's outputs; when the runner's GITHUB_OUTPUT file cannot be written (a full disk, a
 * read-only or missing folder), says which file and that later steps get no outputs.
 */
function setOutputs(result: RunResult, redact: (text: string) => string): string {
  const outcome = runOutcome(result)
  const { projects } = outcome
  const outputs = {
    [Outputs.Uploaded]: JSON.stringify(outcome.uploaded),
    [Outputs.Skipped]: JSON.stringify(outcome.skipped),
    [Outputs.ProjectName]: [...new Set(projects.map(p => p.name))].join(','),
    [Outputs.ProjectVersion]: [...new Set(projects.map(p => p.version))].join(','),
    [Outputs.Projects]: JSON.stringify(projects),
    [Outputs.Verified]: JSON.stringify(outcome.verified),
    [Outputs.AttestationPaths]: outcome.attestationPaths.join('\n'),
    [Outputs.ReleaseUrl]: outcome.releaseUrls.join('\n')
  }
  try {
    for (const [name, value] of Object.entries(outputs)) core.setOutput(name, redact(value))
    return ''
  } catch (error) {
    return (
      `The step's outputs were not set: the runner's GITHUB_OUTPUT file ` +
      `(${process.env.GITHUB_OUTPUT}) could not be written (${messageOf(error)}). What was published is ` +
      'listed above and in the job summary; later steps that read these outputs get none.'
    )
  }
}

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/**
 * Outside GitHub's runner there is no job summary; one that cannot be written (a directory, a
 * full disk) is a warning: the outputs are set, and the publish is what the job is for.
 */
async function writeJobSummary(text: string, log: Writer, wanted: boolean): Promise<void> {
  if (!wanted) return log.debug('summary is false: no job summary written.')
  if (!process.env.GITHUB_STEP_SUMMARY) {
    return log.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.')
  }
  try {
    // addRaw does not escape: the rendered summary escapes every outside text itself.
    await core.summary.addRaw(text).write()
  } catch (error) {
    log.warning(`The job summary could not be written (${messageOf(error)}); the outputs are set.`)
  } finally {
    core.summary.emptyBuffer()
  }
}
