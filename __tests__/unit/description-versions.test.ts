/**
 * The description check matches PyPI: Markdown and plain text need no Python (compared with the
 * real readme_renderer), the runner's versions are used when they differ from PyPI's (nothing is
 * installed), and with other versions only docutils errors refuse. Real Python (Debian's
 * /usr/bin/python3 with its readme_renderer and docutils 0.19).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { checkDescriptions, markdownRendersNothing } from '../../src/check/description.js'
import { PYPI_RENDERER_VERSIONS } from '../../src/check/readme-renderer.js'
import { startProcess, type StartProcess } from '../../src/process/run-process.js'
import { RecordingLog } from '../support/recording-log.js'
import { describedDist } from '../support/described-dist.js'
import { describeWhen } from '../support/required.js'

const PYTHON = process.env.README_RENDERER_PYTHON ?? '/usr/bin/python3'

const RUNNER = JSON.parse(
  execFileSync(PYTHON, [
    '-c',
    'import json; from importlib import metadata as m; ' +
      'print(json.dumps({n: m.version(n) for n in ("readme_renderer", "docutils", "Pygments")}))'
  ]).toString()
) as Record<string, string>

const SHORT_UNDERLINE = 'Hello\n=====\n\nSome text.\n\nSection title\n-----\n\nmore\n'
const UNKNOWN_DIRECTIVE = 'Title\n=====\n\nText.\n\n.. frobnicate:: x\n\nEnd.\n'

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'description-versions-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

/** Runs `fn` with these environment variables set (undefined: removed), then restores them. */
async function withEnv<T>(
  vars: Record<string, string | undefined>,
  fn: () => Promise<T>
): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map(name => [name, process.env[name]]))
  const apply = (values: Record<string, string | undefined>): void => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  apply(vars)
  try {
    return await fn()
  } finally {
    apply(saved)
  }
}

function recordingStart(): { start: StartProcess; commands: string[][] } {
  const commands: string[][] = []
  return {
    commands,
    start: (command, args, options) => {
      commands.push([command, ...args])
      return startProcess(command, args, options)
    }
  }
}

describe('Markdown and plain text', () => {
  it('are checked without starting any Python', async () => {
    // `python3` and `python` on PATH note every call, then run the real one.
    const bin = path.join(tmp, 'shim-bin')
    const calls = path.join(tmp, 'python-calls')
    await mkdir(bin)
    for (const name of ['python3', 'python']) {
      await writeFile(
        path.join(bin, name),
        `#!/bin/sh\necho "${name} $1" >> ${calls}\nexec ${PYTHON} "$@"\n`
      )
      await chmod(path.join(bin, name), 0o755)
    }
    const linksOnly = describedDist(
      '[docs]: https://example.org\n\n[home]: <https://x>\n',
      'text/markdown'
    )
    const dists = [
      describedDist('# pkg\n\nA *tool*.\n\n| a | b |\n|---|---|\n', 'text/markdown'),
      describedDist(SHORT_UNDERLINE, 'text/markdown; variant=CommonMark'),
      describedDist(UNKNOWN_DIRECTIVE, 'text/plain'),
      linksOnly
    ]
    const result = await withEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH}` }, () =>
      checkDescriptions(dists, { env: childEnv(), log: new RecordingLog() })
    )
    expect(existsSync(calls) ? await readFile(calls, 'utf8') : '').toBe('')
    expect(result.warnings).toEqual([])
    // Only link definitions: PyPI renders nothing and refuses it.
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file: linksOnly.path, rule: 'description-render' })
    expect(result.errors[0].message).toContain(
      "The description failed to render for 'text/markdown'."
    )
  })

  it('are refused exactly when readme_renderer renders them to nothing', () => {
    const samples = [
      '[a]: https://example.org\n',
      '  [a]: https://example.org "Title"\n\n   [b]: <> \'t\'\n',
      '[a]: /url (paren title)\r\n',
      '[a]: https://example.org trailing words\n',
      '[]: https://example.org\n',
      '[a]:\n',
      '    [a]: https://example.org\n',
      '[a]: https://example.org\ntext\n',
      '<!-- only a comment -->\n',
      '# Title\n',
      '---\n',
      '\\\n',
      '[^1]: a footnote\n',
      'x'
    ]
    const script =
      'import json, sys, warnings\nwarnings.simplefilter("ignore")\n' +
      'import readme_renderer.markdown as m\n' +
      'print(json.dumps([m.render(t) is None for t in json.load(sys.stdin)]))'
    const pypi = JSON.parse(
      execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(samples) }).toString()
    ) as boolean[]
    expect(samples.map(markdownRendersNothing)).toEqual(pypi)
    expect(pypi.slice(0, 3)).toEqual([true, true, true])
  })
})

describe('reStructuredText under versions other than PyPI', () => {
  it("names PyPI's pinned versions from Warehouse", () => {
    expect(PYPI_RENDERER_VERSIONS).toMatchObject({ readme_renderer: '45.0', docutils: '0.23' })
  })

  it('reports a docutils WARNING as a warning naming both versions, and refuses an ERROR', async () => {
    const warned = describedDist(SHORT_UNDERLINE)
    const refused = describedDist(UNKNOWN_DIRECTIVE, 'text/x-rst')
    const log = new RecordingLog()
    const result = await checkDescriptions([warned, refused], {
      env: childEnv(),
      python: PYTHON,
      log
    })
    expect(result.skipped).toBeUndefined()
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatchObject({
      file: warned.path,
      rule: 'description-render-version'
    })
    expect(result.warnings[0].message).toContain(
      `rendered with docutils ${RUNNER.docutils}; PyPI uses 0.23;`
    )
    expect(result.warnings[0].message).toContain('line 7: Title underline too short.')
    expect(result.warnings[0].hint).toContain('readme_renderer==45.0 docutils==0.23')
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file: refused.path, rule: 'description-render' })
    expect(result.errors[0].message).toContain('line 6: Unknown directive type "frobnicate".')
    expect(log.text('notice')).toContain(
      `Descriptions rendered with readme_renderer ${RUNNER.readme_renderer}, docutils ${RUNNER.docutils}`
    )
    expect(log.text('notice')).toContain("not with PyPI's readme_renderer 45.0, docutils 0.23")
  })

  it("installs nothing, and the notice says how to check with PyPI's versions", async () => {
    const { start, commands } = recordingStart()
    const log = new RecordingLog()
    const result = await checkDescriptions(
      [describedDist(SHORT_UNDERLINE), describedDist(UNKNOWN_DIRECTIVE)],
      { env: childEnv(), python: PYTHON, log, start }
    )
    // One Python run renders both; no pip.
    expect(commands.map(c => c.slice(0, 2))).toEqual([[PYTHON, '-c']])
    expect(log.text('notice')).toContain(
      "not with PyPI's readme_renderer 45.0, docutils 0.23, Pygments 2.20.0: no other versions " +
        "are installed, since an unpinned install next to the job's credentials is not safe; to " +
        "check as PyPI does, install PyPI's versions in an earlier step (`pip install " +
        'readme-renderer[md]==45.0 docutils==0.23 pygments==2.20.0`), or run `pypi-publish check` in CI.'
    )
    expect(log.text('notice')).toContain('Only docutils errors')
    expect(log.text('info')).not.toContain('Installing')
    expect(result.skipped).toBeUndefined()
    expect(result.warnings.map(w => w.rule)).toEqual(['description-render-version'])
    expect(result.errors.map(e => e.rule)).toEqual(['description-render'])
  })
})

// The real case from the issue: peewee 4.5.1's description draws a docutils 0.19 warning and
// renders under 0.23. Needs the wheels in /opt/pypi (not committed; this machine's local index).
const PEEWEE = '/opt/pypi/files/peewee-4.5.1-py3-none-any.whl'
const DOCUTILS_WHEELS = '/opt/pypi/files'
const haveWheels =
  existsSync(PEEWEE) && existsSync(`${DOCUTILS_WHEELS}/docutils-0.23-py3-none-any.whl`)

describeWhen(haveWheels, `the wheels in ${DOCUTILS_WHEELS}`)(
  "PyPI's docutils installed in an earlier step (local wheels)",
  () => {
    it("renders peewee 4.5.1 with docutils 0.23 where the runner's docutils warns", async () => {
      const description = execFileSync(PYTHON, [
        '-c',
        'import sys, zipfile, email\n' +
          'z = zipfile.ZipFile(sys.argv[1])\n' +
          'name = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]\n' +
          'sys.stdout.write(email.message_from_bytes(z.read(name)).get_payload())',
        PEEWEE
      ]).toString()
      const dist = describedDist(description, 'text/x-rst')

      const own = await checkDescriptions([dist], {
        env: childEnv(),
        python: PYTHON,
        pypiVersions: RUNNER,
        log: new RecordingLog()
      })
      expect(own.errors.map(e => e.rule)).toEqual(['description-render'])

      // PyPI's docutils stands for the whole pin set: readme_renderer 45.0 is not among the wheels.
      // The workflow's earlier step, here a folder on PYTHONPATH; the action installs nothing.
      const target = path.join(tmp, 'earlier-step')
      execFileSync(PYTHON, [
        ...['-m', 'pip', 'install', '--quiet', '--no-index', '--find-links', DOCUTILS_WHEELS],
        ...['--root-user-action=ignore', '--target', target, 'docutils==0.23']
      ])
      const log = new RecordingLog()
      const pypi = await checkDescriptions([dist], {
        env: childEnv().with({ PYTHONPATH: target }),
        python: PYTHON,
        pypiVersions: { docutils: '0.23' },
        log
      })
      expect(pypi.errors).toEqual([])
      expect(pypi.warnings).toEqual([])
      expect(log.text('info')).toContain('as PyPI renders them')
      expect(log.text('info')).toContain('docutils 0.23')
    })
  }
)
