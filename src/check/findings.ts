/**
 * How a problem counts: spec rules are errors on any index; PyPI's own policies are errors for
 * PyPI and TestPyPI and warnings elsewhere (`pypiRulesFor`). The rules say which kind a problem
 * is; `Findings` decides where it goes.
 */
import type { Problem } from '../dists/distribution.js'

/** How PyPI's policies count: errors (`enforce`) or warnings (`warn`). */
export type PypiRules = 'enforce' | 'warn'

type Found = Omit<Problem, 'file'>

/** Said with a PyPI policy reported as a warning: why it does not stop the run. */
const NOT_PYPI_NOTE = 'PyPI and TestPyPI refuse this; other indexes decide for themselves. '

export class Findings {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []
  constructor(private readonly pypiRules: PypiRules) {}

  /** The file breaks a packaging spec: an error on any index. */
  spec(file: string, found: Found): void {
    this.errors.push({ file, ...found })
  }

  /** PyPI refuses this upload; other indexes may not. */
  policy(file: string, found: Found): void {
    if (this.pypiRules === 'enforce') this.errors.push({ file, ...found })
    else this.warnings.push({ file, ...found, hint: NOT_PYPI_NOTE + (found.hint ?? '') })
  }

  /** Worth knowing, never a refusal. */
  warning(file: string, found: Found): void {
    this.warnings.push({ file, ...found })
  }
}

const PY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/** Python's `repr()` of a string, so messages quote values exactly as PyPI's do. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  const body = text.replace(
    // eslint-disable-next-line no-control-regex -- escaping control characters is the point
    /[\\\x00-\x1f\x7f]/g,
    ch => PY_ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
  )
  return quote + body.replaceAll(quote, `\\${quote}`) + quote
}

/** Items by key, in first-seen order; an undefined key leaves the item out. */
export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string | undefined) {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    if (key !== undefined) groups.set(key, [...(groups.get(key) ?? []), item])
  }
  return groups
}
