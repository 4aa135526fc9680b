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
  let body = ''
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === quote) body += `\\${ch}`
    else if (ch in PY_ESCAPES) body += PY_ESCAPES[ch]
    else if (code < 0x20 || code === 0x7f) body += `\\x${code.toString(16).padStart(2, '0')}`
    else body += ch
  }
  return quote + body + quote
}
