/**
 * Description-Content-Type as PyPI reads it. Two parts of PyPI look at it:
 * - its metadata validation (`packaging.metadata`) accepts only `text/plain`, `text/x-rst` and
 *   `text/markdown`, a `charset` of exactly `UTF-8`, and a Markdown `variant` of `GFM` or
 *   `CommonMark`;
 * - its renderer choice (Warehouse `utils/readme.py`) parses the type the way Python's `email`
 *   package does and picks reStructuredText when nothing is declared, plain text for a type it
 *   does not know. Parameters are not passed to the renderer: Markdown is rendered as GFM.
 */

export type Renderer = 'rst' | 'markdown' | 'txt'

export interface DescriptionContentType {
  /** The header as written (trimmed); undefined when absent or empty. */
  declared?: string
  /** The media type, lowercased; `text/x-rst` when nothing is declared (PyPI's default). */
  type: string
  params: Record<string, string>
  /** The readme_renderer module PyPI renders the description with. */
  renderer: Renderer
  /** Why PyPI's metadata validation would not accept the declared value, if it would not. */
  invalid?: string
}

const KNOWN_CONTENT_TYPES = ['text/plain', 'text/x-rst', 'text/markdown'] as const
const MARKDOWN_VARIANTS = ['GFM', 'CommonMark']

export function parseDescriptionContentType(header: string | undefined): DescriptionContentType {
  const declared = header?.trim() || undefined
  if (declared === undefined) return { type: 'text/x-rst', params: {}, renderer: 'rst' }

  const [head, ...rest] = declared.split(';')
  let type = head.trim().toLowerCase()
  // Python's Message.get_content_type(): anything that is not `a/b` counts as text/plain (RFC 2045).
  if (type.split('/').length !== 2) type = 'text/plain'
  const params = parseParams(rest)
  const parsed: DescriptionContentType = { declared, type, params, renderer: rendererFor(type) }

  // packaging also refuses a value that only became text/plain by the fallback above.
  if (
    !(KNOWN_CONTENT_TYPES as readonly string[]).includes(type) ||
    !declared.toLowerCase().includes(type)
  ) {
    parsed.invalid = `must be one of ${KNOWN_CONTENT_TYPES.join(', ')}, not '${declared}'`
  } else if ((params.charset ?? 'UTF-8') !== 'UTF-8') {
    // Compared exactly, as packaging does: 'utf-8' is refused too.
    parsed.invalid = `can only specify the UTF-8 charset, not '${params.charset}'`
  } else if (type === 'text/markdown' && !MARKDOWN_VARIANTS.includes(params.variant ?? 'GFM')) {
    parsed.invalid = `valid Markdown variants are ${MARKDOWN_VARIANTS.join(', ')}, not '${params.variant}'`
  }
  return parsed
}

function rendererFor(type: string): Renderer {
  if (type === 'text/x-rst') return 'rst'
  if (type === 'text/markdown') return 'markdown'
  return 'txt'
}

/** `name=value` pairs; names are case-insensitive, values keep their case, quotes come off. */
function parseParams(pieces: string[]): Record<string, string> {
  // No prototype: a parameter named `__proto__` or `constructor` is just a name.
  const params: Record<string, string> = Object.create(null) as Record<string, string>
  for (const piece of pieces) {
    const eq = piece.indexOf('=')
    if (eq < 0) continue
    const name = piece.slice(0, eq).trim().toLowerCase()
    let value = piece.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    }
    if (name !== '' && !(name in params)) params[name] = value
  }
  return params
}
