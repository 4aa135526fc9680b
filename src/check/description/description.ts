/**
 * The long description must render the way PyPI renders it, or PyPI refuses the upload with
 * "The description failed to render…". PyPI renders with readme_renderer (reStructuredText through
 * docutils with warnings fatal, Markdown through cmarkgfm, plain text), so this check runs
 * readme_renderer itself, in the runner's Python (`readme-renderer.ts`). Where that cannot be
 * done, the check says so (`skipped`) rather than passing.
 */
import type { Distribution, Problem } from '../../dists/distribution.js'
import { getHeader } from '../../inspect/metadata.js'
import type { Log } from '../../shared/log.js'
import { parseDescriptionContentType, type DescriptionContentType } from './content-type.js'
import { startRenderer, type RenderRequest, type StartedRenderer } from './readme-renderer.js'
import type { StartProcess } from '../../process/run-process.js'

export interface DescriptionCheckOptions {
  /**
   * A renderer started earlier (`startRenderer`), so its Python is ready by now. It renders at
   * most once here and is not cancelled here: whoever started it does that. Without it, a
   * renderer is started when there is something to render, with the options below (which are
   * not used when this is given).
   */
  renderer?: StartedRenderer
  /** The Python to render with. Default: `python3`, then `python`. */
  python?: string
  /** Install readme_renderer[md] with pip (into a temporary folder) when missing. Default true. */
  allowInstall?: boolean
  log: Log
  /** Starts a program; tests wrap the real one. Default: `startProcess` (node:child_process). */
  start?: StartProcess
  /** Limit for the rendering run, in milliseconds. */
  timeoutMs?: number
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
    // A wheel and an sdist of one release usually carry the same description: render it once.
    const key = `${contentType.renderer}\0${text}`
    let index = requestIndex.get(key)
    if (index === undefined) {
      index = requests.push({ renderer: contentType.renderer, text }) - 1
      requestIndex.set(key, index)
    }
    pending.push({ dist, contentType, request: index })
  }

  if (requests.length === 0) return { errors, warnings }

  const renderer =
    options.renderer ??
    startRenderer({
      python: options.python,
      allowInstall: options.allowInstall,
      start: options.start,
      timeoutMs: options.timeoutMs
    })
  const outcome = await renderer.render(requests, log)
  if (!outcome.rendered) {
    const skipped =
      `Description not checked: ${outcome.reason}. ` +
      'PyPI may refuse a description that does not render.'
    log.warning(skipped)
    return { errors, warnings, skipped }
  }

  const versions = Object.entries(outcome.versions)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ')
  log.info(
    `Descriptions rendered as PyPI renders them, with ${versions || 'readme_renderer'} on ` +
      `Python ${outcome.pythonVersion} (${outcome.executable})`
  )

  for (const { dist, contentType, request } of pending) {
    const result = outcome.results[request]
    const text = requests[request].text
    if (result.status === 'failed') {
      errors.push(renderError(dist, contentType, text, result.messages ?? ''))
    } else if (result.status === 'unchecked' || result.status === 'crashed') {
      warnings.push({
        file: dist.path,
        rule: 'description-unchecked',
        message:
          result.status === 'unchecked'
            ? `Description not checked: readme_renderer cannot render Markdown here (${result.error}).`
            : `Description not checked: readme_renderer failed on it (${result.error}).`,
        hint:
          result.status === 'unchecked'
            ? 'Install readme_renderer[md] (it adds cmarkgfm) for the Python that runs this check.'
            : 'Run `twine check` on the file to see whether PyPI could render it.'
      })
    }
  }
  return { errors, warnings }
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
    const body = messages.slice(start.index + start[0].length, end).replace(/\s+$/, '')
    const [message, ...source] = body.split(/\r?\n\r?\n/)
    const line = start[1] === '' ? undefined : Number(start[1])
    firstLine ??= line
    const sourceLines = source.join('\n\n').split(/\r?\n/)
    const shown = sourceLines.slice(0, MAX_SOURCE_LINES).map(l => `    | ${l}`)
    if (sourceLines.length > MAX_SOURCE_LINES) shown.push('    | …')
    parts.push(
      `${line === undefined ? '' : `line ${line}: `}${message.replace(/\s*\n\s*/g, ' ')} ` +
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
