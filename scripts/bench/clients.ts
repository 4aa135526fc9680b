/**
 * The two clients under test, as command lines with their environment: the action's bundled
 * entrypoint run the way GitHub's runner runs it (one INPUT_<NAME> variable per input, action.yml's
 * defaults filled in), and Debian's twine.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { parse } from 'yaml'

export const TWINE = '/usr/bin/twine'

export interface ClientCommand {
  command: string
  args: string[]
  env: Record<string, string>
}

export interface ActionRunSetup {
  repoRoot: string
  /** Where the run's output, summary and attestation files go (a fresh folder per run). */
  workDir: string
  inputs: Record<string, string>
  /** The bundle to run; default `<repoRoot>/dist/index.js`. */
  entry?: string
}

/**
 * `node dist/index.js` with the runner's conventions (see __tests__/support/run-action.ts); creates
 * the empty GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files in `workDir`, as the runner does.
 */
export async function actionCommand(setup: ActionRunSetup): Promise<ClientCommand> {
  const all = { ...(await actionDefaults(setup.repoRoot)), ...setup.inputs }
  const env: Record<string, string> = {
    // Debian's python3 first: it has readme_renderer, as a runner's Python gets it from pip.
    PATH: ['/usr/bin', process.env.PATH ?? ''].join(path.delimiter),
    HOME: process.env.HOME ?? setup.workDir,
    RUNNER_TEMP: setup.workDir,
    GITHUB_OUTPUT: path.join(setup.workDir, 'output'),
    GITHUB_STEP_SUMMARY: path.join(setup.workDir, 'summary')
  }
  await writeFile(env.GITHUB_OUTPUT, '')
  await writeFile(env.GITHUB_STEP_SUMMARY, '')
  for (const [name, value] of Object.entries(all)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  return {
    command: process.execPath,
    args: [setup.entry ?? path.join(setup.repoRoot, 'dist', 'index.js')],
    env
  }
}

let defaults: Record<string, string> | undefined

async function actionDefaults(root: string): Promise<Record<string, string>> {
  if (defaults) return defaults
  const yml = parse(await readFile(path.join(root, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>
  }
  defaults = {}
  for (const [name, input] of Object.entries(yml.inputs)) {
    if (input.default !== undefined) defaults[name] = String(input.default)
  }
  return defaults
}

export function twineInstalled(): boolean {
  return existsSync(TWINE)
}

/** `twine --version` on one line, e.g. "twine version 4.0.2 (importlib-metadata: 4.12.0, …)". */
export function twineVersion(): string {
  return execFileSync(TWINE, ['--version'], { encoding: 'utf8' }).replace(/\s+/g, ' ').trim()
}

/** `twine upload` of `files` with a token, no prompts, no keyring, no progress bar. */
export function twineCommand(options: {
  url: string
  token: string
  files: readonly string[]
  home: string
  /** A CA certificate (PEM) to trust for an HTTPS index. */
  certFile?: string
}): ClientCommand {
  return {
    command: TWINE,
    args: [
      'upload',
      '--non-interactive',
      '--disable-progress-bar',
      '--repository-url',
      options.url,
      ...(options.certFile ? ['--cert', options.certFile] : []),
      ...options.files
    ],
    env: {
      PATH: ['/usr/bin', process.env.PATH ?? ''].join(path.delimiter),
      // An empty home: no ~/.pypirc, and keyring is never asked (it may be slow or prompt).
      HOME: options.home,
      PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
      PYTHONDONTWRITEBYTECODE: '1',
      TWINE_USERNAME: '__token__',
      TWINE_PASSWORD: options.token,
      ...(options.certFile ? { REQUESTS_CA_BUNDLE: options.certFile } : {})
    }
  }
}
