/**
 * How a problem counts. Spec rules are errors on any index; PyPI's own policies are errors for
 * PyPI and TestPyPI and warnings elsewhere (`pypiRulesFor` in rules.ts). The rule modules say
 * which kind a problem is; `Findings` decides where it goes.
 */
import type { Problem } from '../dists/distribution.js'

/** How PyPI's policies count: errors (`enforce`) or warnings (`warn`). */
export type PypiRules = 'enforce' | 'warn'

/** Said with a PyPI policy reported as a warning: why it does not stop the run. */
const NOT_PYPI_NOTE = 'PyPI and TestPyPI refuse this; other indexes decide for themselves. '

/** Sorts problems by rule kind and the `pypiRules` option. */
export class Findings {
  readonly errors: Problem[] = []
  readonly warnings: Problem[] = []
  constructor(private readonly pypiRules: PypiRules) {}

  /** The file breaks a packaging spec: an error on any index. */
  spec(problem: Problem): void {
    this.errors.push(problem)
  }

  /** PyPI refuses this upload; other indexes may not. */
  policy(problem: Problem): void {
    if (this.pypiRules === 'enforce') this.errors.push(problem)
    else this.warnings.push({ ...problem, hint: NOT_PYPI_NOTE + (problem.hint ?? '') })
  }

  /** Worth knowing, never a refusal. */
  warning(problem: Problem): void {
    this.warnings.push(problem)
  }
}
