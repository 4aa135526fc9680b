/**
 * What crosses the action's trust boundary (issue 8, items 1 and 2), through the bundled action:
 * - child processes (the build command, the description check's Python) get none of
 *   the action's credentials: each dumps its environment to a file, which is searched;
 * - nothing from outside (a build's output, an index's answer shown with `verbose: true`) can
 *   issue a runner command: stdout is read the way GitHub's runner reads it.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startIndexServer, type IndexServer } from '../support/index-server.js'
import { makeWheel, metadataText } from '../support/make-dists.js'
import { runAction } from '../support/run-action.js'

const TOKEN = 'hunter2-boundary-secret'
const SECRETS = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0&sig=id-request-url',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'id-request-bearer-secret',
  ACTIONS_RUNTIME_TOKEN: 'runtime-token-secret',
  ACTIONS_RESULTS_URL: 'http://127.0.0.1:9/results?sig=results-secret',
  ACTIONS_CACHE_URL: 'http://127.0.0.1:9/cache?sig=cache-secret',
  TWINE_PASSWORD: TOKEN,
  // The token again under a name of the workflow's choosing (`env: PYPI: ${{ secrets.… }}`).
  MY_COPY_OF_THE_TOKEN: `prefix-${TOKEN}`
}
const SECRET_VALUES = [
  TOKEN,
  'id-request-url',
  'id-request-bearer-secret',
  'runtime-token-secret',
  'results-secret',
  'cache-secret'
]

let index: IndexServer
let work: string
let bin: string
let staged: string
let dumps: string

// A fresh index per test: the action does not send again what an index already holds.
beforeEach(async () => {
  index = await startIndexServer({ tokens: [TOKEN] })
})
afterEach(async () => {
  await index.close()
})

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'boundary-'))
  bin = path.join(work, 'bin')
  staged = path.join(work, 'staged')
  dumps = path.join(work, 'dumps')
  await mkdir(bin)
  await mkdir(dumps)
  makeWheel(staged, {
    filename: 'boundary-1.0-py3-none-any.whl',
    metadata: metadataText(
      {
        'Metadata-Version': '2.1',
        Name: 'boundary',
        Version: '1.0',
        'Description-Content-Type': 'text/x-rst'
      },
      'Boundary\n========\n\nA description the check renders with Python.\n'
    )
  })
  // Every Python the action starts (the description check) dumps its environment first.
  for (const name of ['python3', 'python']) {
    const wrapper = path.join(bin, name)
    await writeFile(
      wrapper,
      '#!/bin/sh\n' +
        `/usr/bin/python3 -c 'import json, os, sys; json.dump(dict(os.environ), open(sys.argv[1], "w"))' "$DUMP_DIR/python-$$.json"\n` +
        'exec /usr/bin/python3 "$@"\n'
    )
    await chmod(wrapper, 0o755)
  }
})

afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

/** A build command that dumps its environment, then "builds" by copying the staged wheel. */
function buildCommand(out: string, extra = ''): string {
  return (
    `/usr/bin/python3 -c 'import json, os, sys; json.dump(dict(os.environ), open(sys.argv[1], "w"))' "$DUMP_DIR/build.json"` +
    ` && mkdir -p ${out} && cp ${staged}/*.whl ${out}/${extra}`
  )
}

describe('child processes', () => {
  it('get no input, no runner token and no variable holding a secret', async () => {
    const out = path.join(work, 'dist-env')
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': out,
        build: 'true',
        'build-command': buildCommand(out),
        'verify-upload': 'false'
      },
      {
        env: {
          ...SECRETS,
          PATH: [bin, '/usr/bin', process.env.PATH ?? ''].join(path.delimiter),
          DUMP_DIR: dumps,
          GITHUB_ACTIONS: 'true',
          HARMLESS: 'kept'
        }
      }
    )
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)

    const files = await readdir(dumps)
    // The premise: the build command and at least one Python ran and dumped what they were given.
    expect(files).toContain('build.json')
    expect(files.filter(f => f.startsWith('python-')).length).toBeGreaterThan(0)
    for (const file of files) {
      const env = JSON.parse(await readFile(path.join(dumps, file), 'utf8')) as Record<
        string,
        string
      >
      expect({ file, harmless: env.HARMLESS }).toEqual({ file, harmless: 'kept' })
      const names = Object.keys(env)
      expect({ file, inputs: names.filter(n => n.startsWith('INPUT_')) }).toEqual({
        file,
        inputs: []
      })
      expect({ file, removed: names.filter(n => n in SECRETS) }).toEqual({ file, removed: [] })
      const holding = Object.entries(env)
        .filter(([, value]) => SECRET_VALUES.some(secret => value.includes(secret)))
        .map(([name]) => name)
      expect({ file, holding }).toEqual({ file, holding: [] })
    }
  }, 120_000)
})

/**
 * The workflow commands GitHub's runner would act on in `stdout`: `::name …::data` after
 * optional whitespace, and the legacy `##[name]` anywhere in a line; lines split on CR, LF and
 * CRLF; between `::stop-commands::TOKEN` and `::TOKEN::` nothing else counts.
 */
function runnerCommands(stdout: string): string[] {
  const commands: string[] = []
  let stopToken: string | undefined
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.trimStart()
    const v2 = /^::(.*?)::(.*)$/.exec(trimmed)
    if (!v2 && !line.includes('##[')) continue
    if (stopToken !== undefined) {
      if (v2 && v2[1] === stopToken) stopToken = undefined
      continue
    }
    if (v2 && v2[1].split(' ')[0] === 'stop-commands') stopToken = v2[2]
    commands.push(trimmed)
  }
  return commands
}

describe('runner commands', () => {
  it('come only from the action: never from build output or an index answer', async () => {
    const out = path.join(work, 'dist-commands')
    const forgedBuild = [
      "printf '::stop-commands::x\\n'",
      "printf '::error::forged by the build\\n'",
      "printf '  ::add-mask::forged-mask-build\\n'",
      "printf 'a line \\r::warning::forged after a CR\\n'",
      "printf 'legacy ##[error]forged legacy\\n'"
    ].join(' && ')
    index.injectFaults({
      status: 200,
      body: 'OK\n::error::forged by the index\n::add-mask::forged-mask-index\n##[warning]forged legacy index'
    })
    const result = await runAction(
      {
        password: TOKEN,
        'repository-url': index.url,
        'packages-dir': out,
        build: 'true',
        'build-command': `${buildCommand(out)} && ${forgedBuild}`,
        'verify-upload': 'false',
        verbose: 'true'
      },
      { env: { DUMP_DIR: dumps, GITHUB_ACTIONS: 'true' } }
    )
    expect(index.pendingFaults()).toBe(0)
    // The premise: the forged lines were printed, as text.
    expect(result.stdout).toContain('::error::forged by the build')
    expect(result.stdout).toContain('::error::forged by the index')

    const commands = runnerCommands(result.stdout)
    expect(commands.filter(c => /forged/.test(c))).toEqual([])
    // The action's own commands still work: the token is masked, and nothing is left fenced.
    expect(commands).toContain(`::add-mask::${TOKEN}`)
    expect(commands.some(c => c.startsWith('::group::'))).toBe(true)
  }, 120_000)
})
