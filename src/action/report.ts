import * as core from '@actions/core'
import path from 'node:path'
import type { Distribution, Problem } from '../dists/distribution.js'
import { Outputs } from '../settings/inputs.js'
import type { RunResult } from '../pipeline/publish.js'
import type { Redactor } from '../shared/redact.js'
import { formatSize, type FileResult } from '../upload/upload-all.js'

interface FileOutput {
  filename: string
  sha256: string
  size: number
}

const fileOutput = (d: Distribution): FileOutput => ({
  filename: d.filename,
  sha256: d.digests.sha256,
  size: d.size
})

/** Outputs of a run, as plain data (tested without the runner). */
export function runOutputs(result: RunResult): Record<string, string> {
  const withStatus = (status: FileResult['status']): FileOutput[] =>
    result.files.filter(f => f.status === status).map(f => fileOutput(f.dist))
  const projects = uniqueProjects(result.dists)
  return {
    [Outputs.Uploaded]: JSON.stringify(withStatus('uploaded')),
    [Outputs.Skipped]: JSON.stringify(withStatus('skipped')),
    [Outputs.ProjectName]: [...new Set(projects.map(p => p.name))].join(','),
    [Outputs.ProjectVersion]: [...new Set(projects.map(p => p.version))].join(','),
    [Outputs.Projects]: JSON.stringify(projects),
    [Outputs.Verified]: JSON.stringify(
      result.files.filter(f => f.verified === true).map(f => fileOutput(f.dist))
    ),
    [Outputs.AttestationPaths]: result.attestationPaths.join('\n')
  }
}

function uniqueProjects(dists: readonly Distribution[]): Array<{ name: string; version: string }> {
  const seen = new Map<string, { name: string; version: string }>()
  for (const d of dists) seen.set(`${d.name}\0${d.version}`, { name: d.name, version: d.version })
  return [...seen.values()]
}

function statusLabel(result: RunResult, file: FileResult): string {
  if (result.dryRun) return '🔍 would upload'
  let label = STATUS_LABEL[file.status]
  if (file.status === 'skipped' && file.sameHash === false) label += ' ⚠️ different hash'
  if (file.verified === true) label += ' · verified'
  if (file.verified === false) label += ' · ❌ not on the index'
  return label
}

const STATUS_LABEL: Record<FileResult['status'], string> = {
  uploaded: '✅ uploaded',
  skipped: '↷ skipped (exists)',
  failed: '❌ failed',
  'not-attempted': '⏸ not attempted'
}

/** Sets the outputs and writes the job summary. */
export async function reportRun(result: RunResult, redactor: Redactor): Promise<void> {
  for (const [name, value] of Object.entries(runOutputs(result))) core.setOutput(name, value)

  const uploaded = result.files.filter(f => f.status === 'uploaded').length
  const skipped = result.files.filter(f => f.status === 'skipped').length
  const heading = result.dryRun
    ? `Dry run: ${result.files.length} file(s) would be published`
    : result.failure
      ? `PyPI publish failed after ${uploaded} of ${result.files.length} file(s)`
      : `Published ${uploaded} file(s)${skipped ? `, ${skipped} skipped` : ''}`
  if (!canWriteSummary()) return
  const indexHost = new URL(result.repositoryUrl).host
  const summary = core.summary
    .addHeading(heading, 2)
    .addRaw(`Index: <code>${escapeHtml(result.repositoryUrl)}</code>`, true)
    .addTable([
      [
        { data: 'File', header: true },
        { data: 'Kind', header: true },
        { data: 'Version', header: true },
        { data: 'Size', header: true },
        { data: 'sha256', header: true },
        { data: 'Status', header: true },
        { data: 'Index', header: true }
      ],
      ...result.files.map(f => [
        `<code>${escapeHtml(f.dist.filename)}</code>`,
        f.dist.kind,
        escapeHtml(f.dist.version),
        formatSize(f.dist.size),
        `<code>${f.dist.digests.sha256}</code>`,
        statusLabel(result, f),
        escapeHtml(indexHost)
      ])
    ])
  if (result.verification) {
    summary.addRaw(
      `<p>Read back from <code>${escapeHtml(result.verification.simpleUrl)}</code>: ` +
        `${result.verification.verified.length} file(s) listed with the expected sha256.</p>`,
      true
    )
  } else if (result.verificationSkipped) {
    summary.addRaw(`<p>Not read back: ${escapeHtml(result.verificationSkipped)}.</p>`, true)
  }
  if (result.failure) {
    summary.addRaw(
      `<p><b>Error:</b> ${escapeHtml(redactor.redact(result.failure.message))}</p>`,
      true
    )
  }
  await summary.write()
}

/** The job summary when files were refused before any upload. */
export async function reportProblems(
  problems: readonly Problem[],
  redactor: Redactor
): Promise<void> {
  if (!canWriteSummary()) return
  await core.summary
    .addHeading('PyPI publish stopped: nothing was uploaded', 2)
    .addRaw(`<p>${problems.length} problem(s) found before the first upload:</p>`, true)
    .addTable([
      [
        { data: 'File', header: true },
        { data: 'Problem', header: true },
        { data: 'What to do', header: true }
      ],
      ...problems.map(p => [
        `<code>${escapeHtml(path.basename(p.file))}</code>`,
        escapeHtml(redactor.redact(p.message)),
        escapeHtml(p.hint ?? '')
      ])
    ])
    .write()
}

/** The job summary when the run stopped on something other than a file (credentials, a build). */
export async function reportFailure(message: string, redactor: Redactor): Promise<void> {
  if (!canWriteSummary()) return
  await core.summary
    .addHeading('PyPI publish failed: nothing was uploaded', 2)
    .addCodeBlock(redactor.redact(message))
    .write()
}

/** Outside GitHub's runner (local-action tools, other CI) there is no job summary: skip it. */
function canWriteSummary(): boolean {
  if (process.env.GITHUB_STEP_SUMMARY) return true
  core.debug('GITHUB_STEP_SUMMARY is not set: no job summary written.')
  return false
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}
