import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT } from './fixtures.js'

export interface ActionRun {
  exitCode: number
  stdout: string
  stderr: string
  /** Parsed from the GITHUB_OUTPUT file. */
  outputs: Record<string, string>
  /** The GITHUB_STEP_SUMMARY file's content. */
  summary: string
  /** Every other file the run left under RUNNER_TEMP (attestations…), by path inside it. */
  tempFiles: Record<string, string>
}

export interface RunActionOptions {
  /** Extra environment (TWINE_*, GITHUB_REF…). */
  env?: Record<string, string>
  cwd?: string
  /** Fill unset inputs with action.yml's defaults, as GitHub's runner does (default true). */
  runnerDefaults?: boolean
  /** Run as other CI systems do: no GITHUB_STEP_SUMMARY file. */
  noSummaryFile?: boolean
  /** The bundled entrypoint (default: the repo's dist/index.js). */
  entry?: string
}

/**
 * Runs the bundled action the way the runner does: `node dist/index.js` with one INPUT_<NAME>
 * variable per input (name upper-cased, hyphens kept), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files,
 * and no other GitHub variables unless given.
 */
export async function runAction(
  inputs: Record<string, string>,
  options: RunActionOptions = {}
): Promise<ActionRun> {
  const root = REPO_ROOT
  const work = await mkdtemp(path.join(tmpdir(), 'action-run-'))
  const outputFile = path.join(work, 'output')
  const summaryFile = path.join(work, 'summary')
  await writeFile(outputFile, '')
  await writeFile(summaryFile, '')
  try {
    const all = {
      ...(options.runnerDefaults === false ? {} : await actionDefaults(root)),
      ...inputs
    }
    const env: Record<string, string> = {
      // Debian's python3 first: it has readme_renderer, as a runner's Python gets it from pip.
      PATH: ['/usr/bin', process.env.PATH ?? ''].join(path.delimiter),
      HOME: process.env.HOME ?? work,
      RUNNER_TEMP: work,
      GITHUB_OUTPUT: outputFile,
      ...(options.noSummaryFile ? {} : { GITHUB_STEP_SUMMARY: summaryFile }),
      ...options.env
    }
    for (const [name, value] of Object.entries(all)) {
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
    }
    const entry = options.entry ?? path.join(root, 'dist', 'index.js')
    const { exitCode, stdout, stderr } = await spawnNode(entry, env, options.cwd ?? root)
    return {
      exitCode,
      stdout,
      stderr,
      outputs: parseOutputFile(await readFile(outputFile, 'utf8')),
      summary: await readFile(summaryFile, 'utf8'),
      tempFiles: await filesUnder(work, [outputFile, summaryFile])
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

async function filesUnder(dir: string, except: string[]): Promise<Record<string, string>> {
  const files: Record<string, string> = {}
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name)
    if (entry.isFile() && !except.includes(file)) {
      files[path.relative(dir, file)] = await readFile(file, 'utf8')
    }
  }
  return files
}

async function actionDefaults(root: string): Promise<Record<string, string>> {
  const yml = parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  const defaults: Record<string, string> = {}
  for (const [name, input] of Object.entries(yml.inputs)) {
    if (input.default !== undefined) defaults[name] = String(input.default)
  }
  return defaults
}

function spawnNode(
  entry: string,
  env: Record<string, string>,
  cwd: string
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('error', reject)
    child.on('close', code => resolve({ exitCode: code ?? -1, stdout, stderr }))
  })
}

/** GITHUB_OUTPUT holds `name<<DELIMITER\nvalue\nDELIMITER` blocks (and `name=value` lines). */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^=<]+)<<(.+)$/.exec(lines[i])
    if (heredoc) {
      const [, name, delimiter] = heredoc
      const value: string[] = []
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i])
      outputs[name] = value.join('\n')
    } else if (lines[i].includes('=')) {
      const at = lines[i].indexOf('=')
      outputs[lines[i].slice(0, at)] = lines[i].slice(at + 1)
    }
  }
  return outputs
}
