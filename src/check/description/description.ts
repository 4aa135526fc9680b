/**
 * The long description must render the way PyPI renders it, or PyPI refuses the upload with
 * "The description failed to render…". PyPI renders with readme_renderer: plain text and
 * Markdown render unless the Markdown renders to nothing, which is decided here without Python
 * (`markdown.ts`); reStructuredText goes through docutils with warnings fatal, which only
 * readme_renderer itself reproduces, so Python is started for it — and only for it
 * (`readme-renderer.ts`). Where that cannot be done, the check says so (`skipped`) rather than
 * passing.
 *
 * With PyPI's versions of readme_renderer and docutils, what fails to render is what PyPI
 * refuses. With other versions (PyPI's could not be installed), only docutils errors, which no
 * version accepts, are errors; a render stopped by a docutils warning is reported as a warning
 * naming both versions, because another docutils may not warn about the same text.
 */
import type { Distribution, Problem } from '../../dists/distribution.js'
import { getHeader } from '../../inspect/metadata.js'
import type { Log } from '../../shared/log.js'
import { parseDescriptionContentType, type DescriptionContentType } from './content-type.js'
import { markdownRendersNothing } from './markdown.js'
import {
  describeVersions,
  PYPI_RENDERER_VERSIONS,
  startRenderer,
  type RendererOptions,
  type RenderOutcome,
  type RenderRequest,
  type StartedRenderer
} from './readme-renderer.js'
import type { RenderItemResult } from './render-script.js'
import { oneLine } from '../../shared/format.js'

export interface DescriptionCheckOptions extends RendererOptions {
  /**
   * A renderer started earlier (`startRenderer`), so its Python is ready by now. It renders at
   * most once here and is not cancelled here: whoever started it does that. Without it, a
   * renderer is started when there is reStructuredText to render, with the options inherited
   * from `RendererOptions` (which are not used when this is given).
   */
  renderer?: StartedRenderer
  log: Log
}

export interface DescriptionCheckResult {
  /** Descriptions PyPI would refuse. */
  errors: Problem[]
  warnings: Problem[]
  /**
   * Set when the descriptions could not be rendered at all (no Python, no readme_renderer): why,
   * in a sentence for the log. Already logged as a warning.
   */
  skipped?: string
}

const HELP_URL = 'https://pypi.org/help/#description-content-type'

/** The pyproject.toml / setup.py spellings, for hints. */
const DECLARE_MARKDOWN =
  'pyproject.toml: `readme = "README.md"` (the .md suffix declares it) or ' +
  '`readme = {file = "README.md", content-type = "text/markdown"}`; ' +
  'setup.py: `long_description_content_type="text/markdown"`'

interface Pending {
  dist: Distribution
  contentType: DescriptionContentType
  /** Index into the render requests (identical descriptions are rendered once). */
  request: number
}

/** Checks every distribution's description in one Python run; see the module comment. */
export async function checkDescriptions(
  dists: readonly Distribution[],
  options: DescriptionCheckOptions
): Promise<DescriptionCheckResult> {
  const { log } = options
  const errors: Problem[] = []
  const warnings: Problem[] = []
  const requests: RenderRequest[] = []
  const requestIndex = new Map<string, number>()
  const pending: Pending[] = []

  for (const dist of dists) {
    const contentType = parseDescriptionContentType(
      getHeader(dist.metadata, 'Description-Content-Type')
    )
    // PyPI refuses the upload outright (400) for a content type packaging.metadata rejects.
    if (contentType.invalid) errors.push(contentTypeProblem(dist, contentType))

    const text = dist.metadata.description
    if (text === undefined || isBlankOrUnknown(text)) {
      warnings.push({
        file: dist.path,
        rule: 'description-missing',
        message: '`long_description` missing: PyPI will show an empty page for this release.',
        hint:
          'Give the project a README: pyproject.toml `[project] readme = "README.md"`, or ' +
          '`long_description=open("README.md").read()` in setup.py.'
      })
      continue
    }
    if (contentType.renderer !== 'rst') {
      // Plain text always renders; Markdown unless it renders to nothing. No Python for these.
      if (contentType.renderer === 'markdown' && markdownRendersNothing(text)) {
        errors.push(renderError(dist, contentType, text, ''))
      }
      continue
    }
    // A wheel and an sdist of one release usually carry the same description: render it once.
    let index = requestIndex.get(text)
    if (index === undefined) {
      index = requests.push({ renderer: 'rst', text }) - 1
      requestIndex.set(text, index)
    }
    pending.push({ dist, contentType, request: index })
  }

  if (requests.length === 0) return { errors, warnings }

  const renderer = options.renderer ?? startRenderer(options)
  const outcome = await renderer.render(requests, log)
  if (!outcome.rendered) {
    const skipped =
      `Description not checked: ${outcome.reason}. ` +
      'PyPI may refuse a description that does not render.'
    log.warning(skipped)
    return { errors, warnings, skipped }
  }

  logVersions(outcome, log, options.pypiVersions ?? PYPI_RENDERER_VERSIONS)

  for (const { dist, contentType, request } of pending) {
    const result = outcome.results[request]
    const text = requests[request].text
    if (result.status === 'crashed') {
      warnings.push({
        file: dist.path,
        rule: 'description-unchecked',
        message: `Description not checked: readme_renderer failed on it (${result.error}).`,
        hint: 'Run `twine check` on the file to see whether PyPI could render it.'
      })
    } else if (result.status === 'failed') {
      const problem = judgeFailure(dist, contentType, text, result, outcome, options)
      if (problem.error) errors.push(problem.problem)
      else warnings.push(problem.problem)
    }
  }
  return { errors, warnings }
}

function logVersions(
  outcome: Extract<RenderOutcome, { rendered: true }>,
  log: Log,
  pypi: Readonly<Record<string, string>>
): void {
  const where = `on Python ${outcome.pythonVersion} (${outcome.executable})`
  if (outcome.asPyPI) {
    log.info(
      `Descriptions rendered as PyPI renders them, with ${describeVersions(outcome.versions)} ${where}`
    )
    return
  }
  log.notice(
    `Descriptions rendered with ${describeVersions(outcome.versions)} ${where}, not with ` +
      `PyPI's ${describeVersions(pypi)}${outcome.note ? `: ${outcome.note}` : ''}. Only ` +
      'docutils errors, which fail under every version, stop the upload; text that these ' +
      'versions warn about is reported as a warning.'
  )
}

/**
 * A reStructuredText description that did not render: an error when PyPI's versions rendered
 * it or docutils reports an ERROR (no version accepts it), otherwise a warning naming both
 * docutils versions.
 */
function judgeFailure(
  dist: Distribution,
  contentType: DescriptionContentType,
  text: string,
  result: RenderItemResult,
  outcome: Extract<RenderOutcome, { rendered: true }>,
  options: DescriptionCheckOptions
): { error: boolean; problem: Problem } {
  if (outcome.asPyPI) {
    return { error: true, problem: renderError(dist, contentType, text, result.messages ?? '') }
  }
  const atError = result.atErrorLevel
  if (atError === undefined || atError.status === 'failed') {
    // Shown: what fails under every version (the first WARNING may only be this docutils').
    const messages = atError?.messages || result.messages || ''
    return { error: true, problem: renderError(dist, contentType, text, messages) }
  }
  const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS
  const ours = outcome.versions.docutils ?? 'unknown'
  const theirs = pypi.docutils ?? 'unknown'
  const report = formatDocutilsReport(result.messages ?? '')
  return {
    error: false,
    problem: {
      file: dist.path,
      rule: 'description-render-version',
      message:
        `Description rendered with docutils ${ours}; PyPI uses ${theirs}; docutils ${ours} stops ` +
        'on a warning, so PyPI may refuse this upload ("The description failed to render…") or ' +
        `accept it.${report.text ? `\n${report.text}` : ''}`,
      hint:
        `Check it with PyPI's versions (\`pip install ${Object.entries(pypi)
          .map(([name, version]) => `${name}==${version}`)
          .join(' ')}\`, then \`twine check\` on the file). ` +
        renderHint(contentType, text, report.line)
    }
  }
}

/** PyPI leaves out an empty or "UNKNOWN" description (distutils wrote UNKNOWN for none). */
function isBlankOrUnknown(text: string): boolean {
  const trimmed = text.trim()
  return trimmed === '' || trimmed === 'UNKNOWN'
}

function contentTypeProblem(dist: Distribution, contentType: DescriptionContentType): Problem {
  return {
    file: dist.path,
    rule: 'description-content-type',
    message:
      `Description-Content-Type ${contentType.invalid}. PyPI's metadata validation ` +
      `(packaging.metadata) does not accept it.`,
    hint:
      'Declare text/markdown (optionally `; variant=GFM` or `; variant=CommonMark`), text/x-rst or ' +
      `text/plain, with no charset or \`charset=UTF-8\` exactly. ${DECLARE_MARKDOWN}.`
  }
}

function renderError(
  dist: Distribution,
  contentType: DescriptionContentType,
  text: string,
  messages: string
): Problem {
  // PyPI's words (Warehouse forklift/legacy.py).
  const refusal = contentType.declared
    ? `The description failed to render for '${contentType.declared}'.`
    : 'The description failed to render in the default format of reStructuredText.'
  const report = formatDocutilsReport(messages)
  return {
    file: dist.path,
    rule: 'description-render',
    message: `${refusal} See ${HELP_URL} for more information.${report.text ? `\n${report.text}` : ''}`,
    hint: renderHint(contentType, text, report.line)
  }
}

function renderHint(contentType: DescriptionContentType, text: string, line?: number): string {
  const where = line === undefined ? '' : ` at line ${line}`
  const counting =
    'Lines count from the first line of the description, which is the README as the build ' +
    "stored it in the file's metadata."
  if (contentType.renderer === 'rst' && looksLikeMarkdown(text)) {
    const declared = contentType.declared
      ? `is declared as '${contentType.declared}'`
      : 'declares no content type, so PyPI reads it as reStructuredText (its default)'
    return (
      `The description looks like Markdown but ${declared}. Declare it as Markdown — ` +
      `${DECLARE_MARKDOWN} — or fix the reStructuredText${where}. ${counting}`
    )
  }
  if (contentType.renderer === 'markdown') {
    return (
      'PyPI renders this Markdown to nothing (it may hold only link definitions); give the ' +
      'README some text.'
    )
  }
  return (
    `Fix the reStructuredText${where} of the README, or declare it as Markdown if it is ` +
    `Markdown (${DECLARE_MARKDOWN}). ${counting} \`twine check\` on the file, or ` +
    '`python -m readme_renderer README.rst`, shows the same error locally.'
  )
}

/**
 * docutils reports `<string>:LINE: (LEVEL/N) message`, then a blank line and the offending
 * source. With PyPI's settings the first warning stops rendering, so there is usually one.
 */
const DOCUTILS_REPORT = /^<string>:(\d*): \((DEBUG|INFO|WARNING|ERROR|SEVERE)\/\d\) /gm
const MAX_SOURCE_LINES = 6

export function formatDocutilsReport(messages: string): { text: string; line?: number } {
  const starts = [...messages.matchAll(DOCUTILS_REPORT)]
  if (starts.length === 0) return { text: messages.trim() }

  let firstLine: number | undefined
  const parts: string[] = []
  const before = messages.slice(0, starts[0].index).trim()
  if (before) parts.push(before)
  starts.forEach((start, i) => {
    const end = i + 1 < starts.length ? starts[i + 1].index : messages.length
    const body = messages.slice(start.index + start[0].length, end).trimEnd()
    const [message, ...source] = body.split(/\r?\n\r?\n/)
    const line = start[1] === '' ? undefined : Number(start[1])
    firstLine ??= line
    const sourceLines = source.join('\n\n').split(/\r?\n/)
    const shown = sourceLines.slice(0, MAX_SOURCE_LINES).map(l => `    | ${l}`)
    if (sourceLines.length > MAX_SOURCE_LINES) shown.push('    | …')
    parts.push(
      `${line === undefined ? '' : `line ${line}: `}${oneLine(message)} ` +
        `(docutils ${start[2]})` +
        (source.length > 0 ? `\n${shown.join('\n')}` : '')
    )
  })
  return { text: parts.join('\n'), line: firstLine }
}

/**
 * Signs of Markdown that reStructuredText never uses: `# ` headings, ``` or ~~~ fences,
 * `[text](url)` links, pipe tables. Only for choosing a hint, so a guess is fine.
 */
export function looksLikeMarkdown(text: string): boolean {
  return (
    /^#{1,6}[ \t]+\S/m.test(text) ||
    /^ {0,3}(```|~~~)/m.test(text) ||
    /!?\[[^\]\n]+\]\([^)\s]+\)/.test(text) ||
    /^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*\|/m.test(text)
  )
}
