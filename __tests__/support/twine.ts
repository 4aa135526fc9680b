/**
 * Runs Debian's twine (the reference client the interop test compares the action with) without
 * blocking the event loop: the local index answering twine lives in the same Node process, so a
 * synchronous spawn would wait forever for its own server.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Debian's twine; `INTEROP_TWINE` points elsewhere (e.g. a missing path, to try the skip). */
export const TWINE_PATH = process.env.INTEROP_TWINE ?? '/usr/bin/twine'

export const TWINE_REQUIRED_MESSAGE =
  'twine is required (REQUIRE_TWINE=1): install it with scripts/setup-python-tools.sh'

export function twineInstalled(): boolean {
  return existsSync(TWINE_PATH)
}

/** CI sets REQUIRE_TWINE=1 so that a missing twine fails the run instead of skipping. */
export function twineRequired(): boolean {
  return process.env.REQUIRE_TWINE === '1'
}

export interface TwineRun {
  exitCode: number
  stdout: string
  stderr: string
}

/**
 * `twine upload` of `files` to `url` with an API token, non-interactive. The environment is
 * minimal: a fresh HOME so a developer's ~/.pypirc or keyring cannot change what is sent, no
 * proxy variables (requests would route 127.0.0.1 through them), the null keyring, no colours
 * and wide lines so messages can be matched as plain text.
 */
export async function twineUpload(url: string, token: string, files: string[]): Promise<TwineRun> {
  const home = await mkdtemp(join(tmpdir(), 'twine-home-'))
  try {
    return await runTwine(
      [
        'upload',
        '--repository-url',
        url,
        '-u',
        '__token__',
        '-p',
        token,
        '--non-interactive',
        '--disable-progress-bar',
        ...files
      ],
      home
    )
  } finally {
    await rm(home, { recursive: true, force: true })
  }
}

function runTwine(args: string[], home: string): Promise<TwineRun> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    PYTHON_KEYRING_BACKEND: 'keyring.backends.null.Keyring',
    TWINE_NON_INTERACTIVE: '1',
    NO_COLOR: '1',
    COLUMNS: '500'
  }
  return new Promise((resolve, reject) => {
    execFile(TWINE_PATH, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error)
      resolve({ exitCode: error ? Number(error.code) : 0, stdout, stderr })
    })
  })
}
