/**
 * The long description must render the way PyPI renders it (readme_renderer), or PyPI refuses the
 * upload with "The description failed to render…". Plain text always renders; Markdown unless it
 * renders to nothing, decided here; reStructuredText goes through docutils with warnings fatal,
 * which only readme_renderer itself reproduces, so Python is started for it alone
 * (`readme-renderer.ts`). Where that cannot be done, the check says so (`skipped`).
 *
 * With PyPI's versions of readme_renderer and docutils, what fails to render is what PyPI refuses.
 * With other versions, only docutils errors (no version accepts them) are errors; a render stopped
 * by a docutils warning is a warning naming both versions.
 */
import type { Distribution, Problem } from '../dists/distribution.js'
import { getHeader } from '../inspect/metadata.js'
import { oneLine } from '../shared/format.js'
import type { Log } from '../shared/log.js'
import {
  describeVersions,
  PYPI_RENDERER_VERSIONS,
  renderDescriptions,
  type RendererOptions
} from './readme-renderer.js'

export type DescriptionCheckOptions = RendererOptions & { log: Log }
/** A description to render, and where it came from. */
type Pending = { dist: Distribution; contentType: ContentType; text: string }

/** The pyproject.toml / setup.py spellings, for hints. */
const DECLARE_MARKDOWN =
  'pyproject.toml: `readme = "README.md"` (the .md suffix declares it) or ' +
  '`readme = {file = "README.md", content-type = "text/markdown"}`; ' +
  'setup.py: `long_description_content_type="text/markdown"`'

/**
 * Checks every distribution's description, reStructuredText in one Python run. `skipped` says why
 * nothing could be rendered (no Python, no readme_renderer); it is logged as a warning already.
 */
export async function checkDescriptions(
  dists: readonly Distribution[],
  options: DescriptionCheckOptions
): Promise<{ errors: Problem[]; warnings: Problem[]; skipped?: string }> {
  const { log } = options
  const errors: Problem[] = []
  const warnings: Problem[] = []
  const pending: Pending[] = []

  for (const dist of dists) {
    const contentType = parseDescriptionContentType(
      getHeader(dist.metadata, 'Description-Content-Type')
    )
    // PyPI refuses the upload outright (400) for a content type packaging.metadata rejects.
    if (contentType.invalid) {
      errors.push({
        file: dist.path,
        rule: 'description-content-type',
        message:
          `Description-Content-Type ${contentType.invalid}. PyPI's metadata validation ` +
          `(packaging.metadata) does not accept it.`,
        hint:
          'Declare text/markdown (optionally `; variant=GFM` or `; variant=CommonMark`), text/x-rst or ' +
          `text/plain, with no charset or \`charset=UTF-8\` exactly. ${DECLARE_MARKDOWN}.`
      })
    }
    const text = dist.metadata.description
    // PyPI leaves out an empty or "UNKNOWN" description (distutils wrote UNKNOWN for none).
    if (text === undefined || ['', 'UNKNOWN'].includes(text.trim())) {
      warnings.push({
        file: dist.path,
        rule: 'description-missing',
        message: '`long_description` missing: PyPI will show an empty page for this release.',
        hint:
          'Give the project a README: pyproject.toml `[project] readme = "README.md"`, or ' +
          '`long_description=open("README.md").read()` in setup.py.'
      })
    } else if (contentType.renderer === 'rst') {
      pending.push({ dist, contentType, text })
    } else if (contentType.renderer === 'markdown' && markdownRendersNothing(text)) {
      errors.push(renderProblem({ dist, contentType, text }, ''))
    }
  }
  /** A wheel and an sdist of one release usually carry the same description: rendered once. */
  const texts = [...new Set(pending.map(p => p.text))]
  if (texts.length === 0) return { errors, warnings }

  const outcome = await renderDescriptions(texts, options)
  if (!outcome.rendered) {
    const skipped =
      `Description not checked: ${outcome.reason}. ` +
      'PyPI may refuse a description that does not render.'
    log.warning(skipped)
    return { errors, warnings, skipped }
  }
  const { reply, asPyPI } = outcome
  const pypi = options.pypiVersions ?? PYPI_RENDERER_VERSIONS
  const versions = `${describeVersions(reply.versions)} on Python ${reply.python} (${reply.executable})`
  if (asPyPI) log.info(`Descriptions rendered as PyPI renders them, with ${versions}`)
  else {
    const note = outcome.note ? `: ${outcome.note}` : ''
    log.notice(
      `Descriptions rendered with ${versions}, not with PyPI's ${describeVersions(pypi)}${note}. ` +
        'Only docutils errors, which fail under every version, stop the upload; text that these ' +
        'versions warn about is reported as a warning.'
    )
  }

  for (const item of pending) {
    const result = reply.results[texts.indexOf(item.text)]
    const atError = result.atErrorLevel
    if (result.status === 'ok') continue
    if (result.status === 'crashed') {
      warnings.push({
        file: item.dist.path,
        rule: 'description-unchecked',
        message: `Description not checked: readme_renderer failed on it (${result.error}).`,
        hint: 'Run `twine check` on the file to see whether PyPI could render it.'
      })
    } else if (asPyPI || atError === undefined || atError.status === 'failed') {
      // With other versions than PyPI's, shown: what fails under every version (the first
      // WARNING may only be this docutils').
      errors.push(renderProblem(item, (!asPyPI && atError?.messages) || result.messages || ''))
    } else {
      const docutils = reply.versions.docutils ?? 'unknown'
      warnings.push(renderProblem(item, result.messages ?? '', { docutils, pypi }))
    }
  }
  return { errors, warnings }
}

/**
 * A text that did not render: PyPI's refusal (Warehouse forklift/legacy.py's words); or, when
 * only `otherVersion`'s docutils stopped on a warning, a warning that PyPI may refuse it.
 */
function renderProblem(
  { dist, contentType: type, text }: Pending,
  messages: string,
  otherVersion?: { docutils: string; pypi: Readonly<Record<string, string>> }
): Problem {
  const report = formatDocutilsReport(messages)
  const where = report.line === undefined ? '' : ` at line ${report.line}`
  const counting =
    'Lines count from the first line of the description, which is the README as the build ' +
    "stored it in the file's metadata."
  let hint =
    `Fix the reStructuredText${where} of the README, or declare it as Markdown if it is ` +
    `Markdown (${DECLARE_MARKDOWN}). ${counting} \`twine check\` on the file, or ` +
    '`python -m readme_renderer README.rst`, shows the same error locally.'
  if (type.renderer === 'rst' && looksLikeMarkdown(text)) {
    const declared = type.declared
      ? `is declared as '${type.declared}'`
      : 'declares no content type, so PyPI reads it as reStructuredText (its default)'
    hint =
      `The description looks like Markdown but ${declared}. Declare it as Markdown — ` +
      `${DECLARE_MARKDOWN} — or fix the reStructuredText${where}. ${counting}`
  } else if (type.renderer === 'markdown') {
    hint =
      'PyPI renders this Markdown to nothing (it may hold only link definitions); give the ' +
      'README some text.'
  }
  let message = type.declared
    ? `The description failed to render for '${type.declared}'.`
    : 'The description failed to render in the default format of reStructuredText.'
  message += ' See https://pypi.org/help/#description-content-type for more information.'
  if (otherVersion) {
    const { docutils: ours, pypi } = otherVersion
    const pins = Object.entries(pypi).map(([name, version]) => `${name}==${version}`)
    message =
      `Description rendered with docutils ${ours}; PyPI uses ${pypi.docutils ?? 'unknown'}; ` +
      `docutils ${ours} stops on a warning, so PyPI may refuse this upload ("The description ` +
      'failed to render…") or accept it.'
    hint = `Check it with PyPI's versions (\`pip install ${pins.join(' ')}\`, then \`twine check\` on the file). ${hint}`
  }
  return {
    file: dist.path,
    rule: otherVersion ? 'description-render-version' : 'description-render',
    message: report.text ? `${message}\n${report.text}` : message,
    hint
  }
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

/**
 * readme_renderer's Markdown renderer returns None (PyPI refuses) only when the HTML is empty: for
 * a text not blank, when every line is blank or a link reference definition (CommonMark §4.7) on
 * one line. `[^x]:` is a GFM footnote, so left out: a doubt never refuses what PyPI accepts.
 */
const LINK_DEFINITION =
  /^ {0,3}\[(?!\^)(?=[^\]]*\S)(?:[^\\[\]]|\\.){1,999}\]:[ \t]*(?:<[^<>\n]*>|[^\s<>()]+)(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$/

export function markdownRendersNothing(text: string): boolean {
  return text.split(/\r\n|\r|\n/).every(line => line.trim() === '' || LINK_DEFINITION.test(line))
}

/**
 * Description-Content-Type as PyPI reads it: validated by `packaging.metadata`; the renderer
 * chosen as Warehouse does (parsed as Python's `email` does, rst by default, else plain text).
 */
export interface ContentType {
  /** As written (trimmed); undefined when absent or empty. */
  declared?: string
  /** Lowercased; `text/x-rst` when nothing is declared. */
  type: string
  params: Record<string, string>
  renderer: 'rst' | 'markdown' | 'txt'
  /** Why PyPI's metadata validation would not accept the declared value. */
  invalid?: string
}

const KNOWN_CONTENT_TYPES = ['text/plain', 'text/x-rst', 'text/markdown']
const MARKDOWN_VARIANTS = ['GFM', 'CommonMark']
const RENDERERS: Record<string, 'rst' | 'markdown'> = {
  'text/x-rst': 'rst',
  'text/markdown': 'markdown'
}

export function parseDescriptionContentType(header: string | undefined): ContentType {
  const declared = header?.trim() || undefined
  if (declared === undefined) return { type: 'text/x-rst', params: {}, renderer: 'rst' }
  const [head, ...rest] = declared.split(';')
  let type = head.trim().toLowerCase()
  // Python's Message.get_content_type(): anything that is not `a/b` counts as text/plain (RFC 2045).
  if (type.split('/').length !== 2) type = 'text/plain'
  // No prototype: a parameter named `__proto__` or `constructor` is just a name.
  const params = Object.create(null) as Record<string, string>
  for (const piece of rest) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const name = piece.slice(0, eq).trim().toLowerCase()
    let value = piece.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    }
    if (name !== '' && !(name in params)) params[name] = value
  }
  const parsed: ContentType = { declared, type, params, renderer: RENDERERS[type] ?? 'txt' }
  // packaging also refuses a value that only became text/plain by the fallback above.
  if (!KNOWN_CONTENT_TYPES.includes(type) || !declared.toLowerCase().includes(type)) {
    parsed.invalid = `must be one of ${KNOWN_CONTENT_TYPES.join(', ')}, not '${declared}'`
  } else if ((params.charset ?? 'UTF-8') !== 'UTF-8') {
    // Compared exactly, as packaging does: 'utf-8' is refused too.
    parsed.invalid = `can only specify the UTF-8 charset, not '${params.charset}'`
  } else if (type === 'text/markdown' && !MARKDOWN_VARIANTS.includes(params.variant ?? 'GFM')) {
    parsed.invalid = `valid Markdown variants are ${MARKDOWN_VARIANTS.join(', ')}, not '${params.variant}'`
  }
  return parsed
}
