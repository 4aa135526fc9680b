/**
 * The job summary as text, rendered without the runner so it can be tested. It is GitHub-flavoured
 * Markdown made of HTML blocks and fenced code blocks only, so that no text from outside (file
 * names, versions, the index's messages, URLs) is read as Markdown or HTML: every such text is
 * escaped, no HTML block holds a blank line (one would end the block and turn the rest into
 * Markdown), and long texts go in fences, which copy back exactly as written.
 */
import type { Distribution, Problem } from '../dists/distribution.js'
import type { RunResult } from '../pipeline/publish.js'
import { onIndex } from '../pipeline/index-status.js'
import { releaseUrls } from '../pipeline/outcome.js'
import { formatSize, trimEndOf } from '../shared/format.js'
import { displayUrl } from '../settings/secrets.js'
import { escapeHtml } from '../shared/html.js'
import type { FileResult } from '../upload/upload-all.js'

type Redact = (text: string) => string

/** Text for inside HTML: escaped, on one line (a line break becomes <br>, never a blank line). */
function htmlText(text: string): string {
  return escapeHtml(text)
    .replace(/\|/g, '&#124;')
    .replace(/\r\n|\r|\n|\u2028|\u2029/g, '<br>')
}

/** The summary's blocks, blank-line separated. */
const blocksOf = (...blocks: string[]): string => blocks.join('\n\n') + '\n'

/** A fenced code block longer than any run of backticks inside, so the text cannot close it. */
export function fenced(text: string, info = 'text'): string {
  const body = trimEndOf(text.replace(/\r\n?/g, '\n'), '\n')
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map(m => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${body}\n${fence}`
}

/** A failed file that was never sent because the index holds another file under its name. */
function isConflict(file: FileResult): boolean {
  return file.status === 'failed' && file.sameHash === false
}

// True on a tag run too: a re-run needs no new commit, since files the index holds with the same
// sha256 are never sent again (skip-existing is only for another build under the same name).
const FINISH_HINT =
  'To finish the release, fix the cause and re-run this job as it is: the files the index ' +
  'already holds with the same sha256 are skipped, and the rest are uploaded.'
// A build in the job runs again on a re-run, and setuptools and flit write the time into the
// archives: the files already uploaded would differ, and stop a plain re-run before any upload.
const REBUILD_HINT =
  'To finish the release, fix the cause and re-run this job with `skip-existing: true`: the ' +
  're-run builds the files again, and a new build can differ from the files on the index (most ' +
  'build backends record the build time); with skip-existing, the files already there are kept ' +
  'and the rest are uploaded.'
const finishHint = (result: RunResult): string => (result.built ? REBUILD_HINT : FINISH_HINT)

/** The error for setFailed: what stopped the run, which files are on the index, how to finish. */
export function failureText(result: RunResult): string {
  const failure = result.failure?.message ?? ''
  if (result.files.some(isConflict)) return failure
  const failed = result.files.find(f => f.status === 'failed')
  const what = failed
    ? `Publishing stopped at ${failed.dist.filename}: ${trimEndOf(failed.message ?? failure, '.')}.`
    : failure.replace(/\.?$/, '.')
  const there = result.files.filter(onIndex).map(f => f.dist.filename)
  const missing = result.files.filter(f => !onIndex(f)).map(f => f.dist.filename)
  if (there.length === 0) {
    const sent = result.files.some(f => f.status === 'uploaded')
    return `${what} ${sent ? 'No file is on the index.' : 'No file was uploaded.'}`
  }
  if (missing.length === 0) return `${what} On the index: ${there.join(', ')}.`
  return (
    `${what} The release is partial. On the index: ${there.join(', ')}. ` +
    `Not on the index: ${missing.join(', ')}. ${finishHint(result)}`
  )
}

const LABELS: Record<string, string> = {
  uploaded: '✅ uploaded',
  'skipped true': '↷ already on the index',
  'skipped false': '⚠️ skipped: the index holds a different file',
  'skipped undefined': '↷ skipped (exists; sha256 not compared)',
  failed: '❌ failed',
  'failed false': '❌ a different file is on the index',
  'not-attempted': '⏸ not sent'
}
const VERIFIED = { true: ' · verified', false: ' · ❌ not on the index', undefined: '' }

function resultLabel(result: RunResult, file: FileResult): string {
  if (result.dryRun && file.status === 'not-attempted') return '🔍 would upload'
  const label = LABELS[`${file.status} ${file.sameHash}`] ?? LABELS[file.status]
  return label + VERIFIED[`${file.verified}`]
}

const releaseOf = (dist: Distribution): string => `${dist.name} ${dist.version}`
const releasesOf = (result: RunResult): string[] => [...new Set(result.dists.map(releaseOf))]

/** Filenames as code, comma-separated. */
const codes = (files: readonly FileResult[]): string =>
  files.map(f => `<code>${htmlText(f.dist.filename)}</code>`).join(', ')

function heading(result: RunResult, index: string): string {
  const n = result.files.length
  const count = (k: number): string => `${k} file${k === 1 ? '' : 's'}`
  const releases = releasesOf(result)
  const what = releases.length === 1 ? `${releases[0]} (${count(n)})` : count(n)
  const to = `<code>${htmlText(index)}</code>`
  if (result.dryRun) {
    const toSend = result.files.filter(f => f.status === 'not-attempted').length
    if (result.failure) return `❌ Dry run: publishing ${htmlText(what)} to ${to} would fail`
    if (toSend === n) return `🔍 Dry run: ${htmlText(what)} would be published to ${to}`
    return `🔍 Dry run: ${htmlText(what)}: ${toSend} would be uploaded to ${to}, ${n - toSend} already there or skipped`
  }
  const uploaded = result.files.filter(f => f.status === 'uploaded').length
  const there = result.files.filter(onIndex).length
  if (result.failure) {
    // A conflict stops the run before anything is sent: this run left nothing partial.
    if (there === 0 || result.files.some(isConflict)) return `❌ Nothing was published to ${to}`
    if (there === n) return `❌ ${htmlText(what)} on ${to}, with errors`
    return `❌ Release left partial on ${to}: ${there} of ${count(n)} on the index`
  }
  if (uploaded === 0 && there < n) {
    return `⚠️ Nothing new on ${to}: ${htmlText(what)}, ${n - there} not published (the index holds a different file)`
  }
  if (uploaded === 0) return `↷ Nothing new: ${htmlText(what)} already on ${to}`
  const rest = n - uploaded
  return `✅ Published ${htmlText(what)} to ${to}${rest ? ` (${rest} already there or skipped)` : ''}`
}

function table(result: RunResult, redact: Redact): string {
  const rows: string[] = ['<tr><th>File</th><th>Size</th><th>sha256</th><th>Result</th></tr>']
  const releases = releasesOf(result)
  for (const release of releases) {
    const files = result.files.filter(f => releaseOf(f.dist) === release)
    // The release is named once above its files (in the heading when there is only one).
    if (releases.length > 1)
      rows.push(`<tr><th colspan="4" align="left">${htmlText(release)}</th></tr>`)
    for (const file of files) {
      const note =
        file.message && (file.status === 'failed' || file.sameHash === false)
          ? `<br><sub>${htmlText(redact(file.message))}</sub>`
          : ''
      rows.push(
        `<tr><td><code>${htmlText(file.dist.filename)}</code></td>` +
          `<td>${formatSize(file.dist.size)}</td>` +
          `<td><code>${file.dist.digests.sha256.slice(0, 12)}</code></td>` +
          `<td>${htmlText(resultLabel(result, file))}${note}</td></tr>`
      )
    }
  }
  return `<table>\n${rows.join('\n')}\n</table>`
}

/** The summary of a run that got as far as the upload (or a dry run). */
export function renderRunSummary(result: RunResult, redact: Redact): string {
  const blocks: string[] = []
  blocks.push(`<h2>${heading(result, redact(displayUrl(result.repositoryUrl)))}</h2>`)
  const pages = releaseUrls(result).map(url => {
    const shown = htmlText(redact(url))
    return `<a href="${shown}">${shown}</a>`
  })
  if (pages.length > 0) blocks.push(`<p>Release page: ${pages.join(' · ')}</p>`)
  blocks.push(table(result, redact))
  if (result.verification) {
    const { verified, unverifiable, unreadable, simpleUrl } = result.verification
    blocks.push(
      `<p>Read back from <code>${htmlText(redact(displayUrl(simpleUrl)))}</code>: ` +
        `${verified.length} file(s) listed with the local sha256` +
        (unverifiable.length ? `, ${unverifiable.length} listed without a sha256 to compare` : '') +
        (unreadable.length
          ? `, ${unreadable.length} on a page it would not let this run read`
          : '') +
        '.</p>'
    )
  } else if (result.verificationSkipped) {
    blocks.push(`<p>Not read back: ${htmlText(redact(result.verificationSkipped))}.</p>`)
  }
  const differing = result.files.filter(f => f.status === 'skipped' && f.sameHash === false)
  if (differing.length > 0) {
    blocks.push(
      `<p>⚠️ <b>Not published:</b> the index holds a different file under the name of ` +
        `${codes(differing)}. ` +
        'PyPI never allows a file to be replaced; bump the version to publish this build.</p>'
    )
  }
  if (result.failure) {
    const there = result.files.filter(onIndex)
    const missing = result.files.filter(f => !onIndex(f))
    if (there.length > 0 && missing.length > 0 && !result.files.some(isConflict)) {
      blocks.push(
        `<p><b>On the index:</b> ${codes(there)}<br><b>Not on the index:</b> ${codes(missing)}</p>`,
        `<p>${htmlText(finishHint(result))}</p>`
      )
    }
    blocks.push('<p><b>Error</b></p>', fenced(redact(result.failure.message)))
  }
  const digests = result.files.map(f => `${f.dist.digests.sha256}  ${f.dist.filename}`)
  blocks.push(
    '<details><summary>Full sha256 digests</summary>',
    fenced(digests.join('\n')),
    '</details>'
  )
  return blocksOf(...blocks)
}

/** The summary when files were refused before any upload. */
export function renderProblemsSummary(problems: readonly Problem[], redact: Redact): string {
  const rows = problems.map(
    p =>
      `<tr><td><code>${htmlText(p.file.split(/[\\/]/).pop() ?? p.file)}</code></td>` +
      `<td>${htmlText(redact(p.message))}</td><td>${htmlText(redact(p.hint ?? ''))}</td></tr>`
  )
  return blocksOf(
    '<h2>❌ PyPI publish stopped: nothing was uploaded</h2>',
    `<p>${problems.length} problem(s) found before the first upload:</p>`,
    `<table>\n<tr><th>File</th><th>Problem</th><th>What to do</th></tr>\n${rows.join('\n')}\n</table>`
  )
}

/** The summary when the run stopped on something other than a file (credentials, a build). */
export function renderFailureSummary(message: string, redact: Redact): string {
  return blocksOf('<h2>❌ PyPI publish failed: nothing was uploaded</h2>', fenced(redact(message)))
}
