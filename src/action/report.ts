import { appendFile } from 'node:fs/promises'
import type { Problem } from '../dists/distribution.js'
import { Outputs } from '../settings/inputs.js'
import type { RunResult } from '../pipeline/publish.js'
import { runOutcome } from '../pipeline/outcome.js'
import type { Log } from '../shared/log.js'
import type { Redactor } from '../shared/redact.js'
import { renderFailureSummary, renderProblemsSummary, renderRunSummary } from './summary.js'

/** Outputs of a run, as plain data (tested without the runner). */
export function runOutputs(result: RunResult): Record<string, string> {
  const outcome = runOutcome(result)
  const { projects } = outcome
  return {
    [Outputs.Uploaded]: JSON.stringify(outcome.uploaded),
    [Outputs.Skipped]: JSON.stringify(outcome.skipped),
    [Outputs.ProjectName]: [...new Set(projects.map(p => p.name))].join(','),
    [Outputs.ProjectVersion]: [...new Set(projects.map(p => p.version))].join(','),
    [Outputs.Projects]: JSON.stringify(projects),
    [Outputs.Verified]: JSON.stringify(outcome.verified),
    [Outputs.AttestationPaths]: outcome.attestationPaths.join('\n')
  }
}

/** What reporting writes with: secrets leave every value, and its own notes go through the writer. */
export interface Reporting {
  redactor: Redactor
  log: Log
}

/** A run's report also sets the step's outputs. */
export interface RunReporting extends Reporting {
  setOutput: (name: string, value: string) => void
}

/** Sets the outputs first, then writes the job summary: a summary that cannot be written never fails the run. */
export async function reportRun(
  result: RunResult,
  { redactor, log, setOutput }: RunReporting
): Promise<void> {
  for (const [name, value] of Object.entries(runOutputs(result))) {
    setOutput(name, redactor.redact(value))
  }
  await writeSummary(
    renderRunSummary(result, text => redactor.redact(text)),
    log
  )
}

/** The job summary when files were refused before any upload. */
export async function reportProblems(
  problems: readonly Problem[],
  { redactor, log }: Reporting
): Promise<void> {
  await writeSummary(
    renderProblemsSummary(problems, text => redactor.redact(text)),
    log
  )
}

/** The job summary when the run stopped on something other than a file (credentials, a build). */
export async function reportFailure(message: string, { redactor, log }: Reporting): Promise<void> {
  await writeSummary(
    renderFailureSummary(message, text => redactor.redact(text)),
    log
  )
}

/**
 * Appends to the job summary. Outside GitHub's runner (local-action tools, other CI) there is
 * none; a file that cannot be written (a directory, a full disk, no permission) is a warning: the
 * publish itself is what the job is for, and its outputs are already set.
 */
async function writeSummary(text: string, log: Log): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    log.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.')
    return
  }
  try {
    await appendFile(process.env.GITHUB_STEP_SUMMARY, text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    log.warning(`The job summary could not be written (${reason}); the outputs are set.`)
  }
}
