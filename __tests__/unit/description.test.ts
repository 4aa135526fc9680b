/**
 * The description check against the real renderer: Debian's python3-readme-renderer at
 * /usr/bin/python3 (README_RENDERER_PYTHON overrides). Its versions are not PyPI's, so these
 * tests declare them PyPI's (`pypiVersions`) to check what a runner with PyPI's versions refuses;
 * description-versions.test.ts checks the other case. Pythons without readme_renderer are made
 * with `-S`, which keeps site-packages off the path.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { childEnv } from '../support/run-context.js'
import { execFileSync } from 'node:child_process'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {
  checkDescriptions,
  formatDocutilsReport,
  looksLikeMarkdown,
  parseDescriptionContentType,
  type DescriptionCheckOptions
} from '../../src/check/description.js'
import { startProcess, type StartProcess } from '../../src/process/run-process.js'
import type { Distribution } from '../../src/dists/distribution.js'
import { RecordingLog } from '../support/recording-log.js'
import { describedDist } from '../support/described-dist.js'

const PYTHON = process.env.README_RENDERER_PYTHON ?? '/usr/bin/python3'

/** The runner's versions of what PyPI pins, declared PyPI's for these tests. */
const RUNNER_VERSIONS = JSON.parse(
  execFileSync(PYTHON, [
    '-c',
    'import json; from importlib import metadata as m; ' +
      'print(json.dumps({n: m.version(n) for n in ("readme_renderer", "docutils", "Pygments")}))'
  ]).toString()
) as Record<string, string>

const fakeDist = (description: string | undefined, contentType?: string): Distribution =>
  describedDist(description, contentType, 'pkg')

/** Starts the real programs and records what was started. */
function countingStarter(): { start: StartProcess; commands: string[][] } {
  const commands: string[][] = []
  return {
    commands,
    start: (command, args, options) => {
      commands.push([command, ...args.slice(0, 3)])
      return startProcess(command, args, options)
    }
  }
}

async function check(
  dists: Distribution[],
  options: Partial<DescriptionCheckOptions> = {}
): Promise<Awaited<ReturnType<typeof checkDescriptions>> & { log: RecordingLog; spawns: number }> {
  const log = new RecordingLog()
  const { start, commands } = countingStarter()
  const result = await checkDescriptions(dists, {
    env: childEnv(),
    python: PYTHON,
    pypiVersions: RUNNER_VERSIONS,
    log,
    start,
    ...options
  })
  return { ...result, log, spawns: commands.length }
}

const VALID_RST = `Sample project
==============

A short introduction with *emphasis*, \`\`literal\`\` text and a link to
\`the docs <https://example.org/docs>\`_.

Installation
------------

.. code-block:: console

   $ pip install sample

* one
* two

  nested paragraph
`

// Line 7 is the underline "-----" of "Section title" (the docutils report names the underline).
const SHORT_UNDERLINE = 'Hello\n=====\n\nSome text.\n\nSection title\n-----\n\nmore\n'

const UNKNOWN_DIRECTIVE = 'Title\n=====\n\nText.\n\n.. frobnicate:: x\n\nEnd.\n'

const BAD_LIST_INDENT =
  'Title\n=====\n\n* item one\n* item two\n  continues\n wrongly indented\n* three\n'

/** A typical Markdown README whose pipe table is a broken line block in reStructuredText. */
const MARKDOWN_README = `# mypkg

A *tool* for [things](https://example.org).

## Install

\`\`\`bash
pip install mypkg
\`\`\`

| option | meaning |
|--------|---------|
| -v     | verbose |
`

describe('checkDescriptions with the real readme_renderer', () => {
  it('passes valid reStructuredText, declared or by default', async () => {
    const result = await check([
      fakeDist(VALID_RST),
      fakeDist(VALID_RST, 'text/x-rst; charset=UTF-8')
    ])
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
    expect(result.skipped).toBeUndefined()
    expect(result.log.text('info')).toMatch(/as PyPI renders them, with readme_renderer \d+/)
  })

  it('fails a title underline that is too short, at its line, in PyPI words', async () => {
    const dist = fakeDist(SHORT_UNDERLINE, 'text/x-rst')
    const { errors } = await check([dist])
    expect(errors).toHaveLength(1)
    expect(errors[0].file).toBe(dist.path)
    expect(errors[0].rule).toBe('description-render')
    expect(errors[0].message).toContain(
      "The description failed to render for 'text/x-rst'. See https://pypi.org/help/#description-content-type for more information."
    )
    expect(errors[0].message).toContain('line 7: Title underline too short.')
    expect(errors[0].message).toContain('    | Section title')
    expect(errors[0].hint).toContain('at line 7')
  })

  it('fails an unknown directive at its line', async () => {
    const { errors } = await check([fakeDist(UNKNOWN_DIRECTIVE)])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain(
      'The description failed to render in the default format of reStructuredText.'
    )
    expect(errors[0].message).toContain('line 6: Unknown directive type "frobnicate".')
    expect(errors[0].hint).toContain('at line 6')
  })

  it('fails a bad indentation inside a list at its line', async () => {
    const { errors } = await check([fakeDist(BAD_LIST_INDENT)])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('line 7: Bullet list ends without a blank line')
  })

  it('fails the raw directive, which PyPI disables', async () => {
    const { errors } = await check([fakeDist('Title\n=====\n\n.. raw:: html\n\n   <b>x</b>\n')])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('line 4: "raw" directive disabled.')
  })

  it('fails a description that renders to nothing (only a comment)', async () => {
    const { errors } = await check([fakeDist('.. just a comment\n')])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('No content rendered from RST source.')
  })

  it('passes Markdown declared as text/markdown, with or without a variant', async () => {
    const result = await check([
      fakeDist(MARKDOWN_README, 'text/markdown'),
      fakeDist(MARKDOWN_README, 'text/markdown; variant=CommonMark; charset=UTF-8')
    ])
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
  })

  it('fails Markdown with no content type and says the content type is missing', async () => {
    const { errors } = await check([fakeDist(MARKDOWN_README)])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain('in the default format of reStructuredText')
    expect(errors[0].message).toMatch(/line 1[0-9]: /)
    expect(errors[0].hint).toContain('looks like Markdown but declares no content type')
    expect(errors[0].hint).toContain('text/markdown')
  })

  it('fails Markdown declared as text/x-rst and says so', async () => {
    const { errors } = await check([fakeDist(MARKDOWN_README, 'text/x-rst')])
    expect(errors).toHaveLength(1)
    expect(errors[0].message).toContain("The description failed to render for 'text/x-rst'.")
    expect(errors[0].hint).toContain("looks like Markdown but is declared as 'text/x-rst'")
  })

  it('passes plain text, even text that is broken reStructuredText', async () => {
    const result = await check([fakeDist(SHORT_UNDERLINE, 'text/plain')])
    expect(result.errors).toEqual([])
    expect(result.warnings).toEqual([])
  })

  // Issue 4 asked for a warning, but PyPI's upload validation (packaging.metadata) refuses these
  // content types with a 400: stopping before the first upload is what protects the release.
  it('refuses a content type PyPI refuses, and renders it as plain text like PyPI', async () => {
    const dist = fakeDist(SHORT_UNDERLINE, 'text/md')
    const result = await check([dist])
    expect(result.warnings).toEqual([])
    expect(result.errors).toHaveLength(1)
    expect(result.errors[0]).toMatchObject({ file: dist.path, rule: 'description-content-type' })
    expect(result.errors[0].message).toContain("not 'text/md'")
  })

  it('warns about a description that is missing, empty or UNKNOWN, without starting Python', async () => {
    const dists = [fakeDist(undefined), fakeDist('  \n'), fakeDist('UNKNOWN\n')]
    const result = await check(dists)
    expect(result.spawns).toBe(0)
    expect(result.errors).toEqual([])
    expect(result.warnings.map(w => [w.file, w.rule])).toEqual(
      dists.map(d => [d.path, 'description-missing'])
    )
    expect(result.warnings[0].message).toContain('`long_description` missing')
  })

  it('renders many distributions in one Python process and maps each result to its file', async () => {
    const good = [1, 2, 3, 4, 5].map(() => fakeDist(VALID_RST))
    const markdown = fakeDist(MARKDOWN_README, 'text/markdown')
    const broken = fakeDist(UNKNOWN_DIRECTIVE)
    const plain = fakeDist('just text', 'text/plain')
    const sameBroken = fakeDist(UNKNOWN_DIRECTIVE)
    const result = await check([...good, broken, markdown, plain, sameBroken])
    expect(result.spawns).toBe(1)
    expect(result.errors.map(e => e.file)).toEqual([broken.path, sameBroken.path])
    expect(result.warnings).toEqual([])
  })
})

describe('checkDescriptions when it cannot render', () => {
  let tmp: string
  /** /usr/bin/python3 without site-packages: no readme_renderer, no pip. */
  let barePython: string
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'description-test-'))
    barePython = path.join(tmp, 'python-bare')
    await writeFile(barePython, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`)
    await chmod(barePython, 0o755)
  })

  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true })
  })

  it('is skipped with a reason, not passed, when Python cannot be found', async () => {
    const missing = path.join(os.tmpdir(), 'no-such-python-here', 'python3')
    const result = await check([fakeDist(SHORT_UNDERLINE)], { python: missing })
    expect(result.errors).toEqual([])
    expect(result.skipped).toContain('Description not checked: no Python 3.8 or newer found')
    expect(result.skipped).toContain(`${missing}: not found`)
    expect(result.skipped).toContain('PyPI may refuse a description that does not render')
    expect(result.log.text('warning')).toBe(result.skipped)
  })

  it('is skipped, installing nothing, with how to check when readme_renderer is missing', async () => {
    const log = new RecordingLog()
    const { start, commands } = countingStarter()
    const result = await checkDescriptions([fakeDist(SHORT_UNDERLINE)], {
      env: childEnv(),
      python: barePython,
      pypiVersions: RUNNER_VERSIONS,
      log,
      start
    })
    expect(result.errors).toEqual([])
    // The render script only: no pip.
    expect(commands).toEqual([[barePython, '-c', expect.any(String)]])
    expect(result.skipped).toMatch(
      /^Description not checked: readme_renderer is not installed for \S+python-bare \(Python 3\.\d+\.\d+\), and the action installs nothing unpinned next to the job's credentials; /
    )
    expect(result.skipped).toContain(
      "to check the descriptions, install PyPI's versions in an earlier step (`pip install " +
        'readme-renderer[md]==45.0 docutils==0.23 pygments==2.20.0`), or run `pypi-publish check` in CI.'
    )
    expect(log.text('warning')).toBe(result.skipped)
  })
})

describe('parseDescriptionContentType', () => {
  it('defaults to reStructuredText when nothing is declared', () => {
    expect(parseDescriptionContentType(undefined)).toEqual({
      type: 'text/x-rst',
      params: {},
      renderer: 'rst'
    })
    expect(parseDescriptionContentType('  ').renderer).toBe('rst')
  })

  it('reads the type case-insensitively and keeps parameter values', () => {
    const parsed = parseDescriptionContentType('Text/Markdown; variant="CommonMark"; charset=UTF-8')
    expect(parsed.type).toBe('text/markdown')
    expect(parsed.renderer).toBe('markdown')
    expect({ ...parsed.params }).toEqual({ variant: 'CommonMark', charset: 'UTF-8' })
    expect(parsed.invalid).toBeUndefined()
  })

  it('flags what packaging.metadata refuses', () => {
    expect(parseDescriptionContentType('text/html').invalid).toContain("not 'text/html'")
    expect(parseDescriptionContentType('text/html').renderer).toBe('txt')
    // Not type/subtype: Python falls back to text/plain, which packaging still refuses.
    expect(parseDescriptionContentType('markdown').invalid).toContain("not 'markdown'")
    expect(parseDescriptionContentType('text/markdown; charset=utf-8').invalid).toContain(
      "UTF-8 charset, not 'utf-8'"
    )
    expect(parseDescriptionContentType('text/markdown; variant=gfm').invalid).toContain("not 'gfm'")
    expect(parseDescriptionContentType('text/plain; charset=UTF-8').invalid).toBeUndefined()
  })
})

describe('formatDocutilsReport', () => {
  it('takes the line and message from a docutils report and shows the source', () => {
    const report = formatDocutilsReport(
      '<string>:7: (WARNING/2) Title underline too short.\n\nSection title\n-----\n'
    )
    expect(report.line).toBe(7)
    expect(report.text).toBe(
      'line 7: Title underline too short. (docutils WARNING)\n    | Section title\n    | -----'
    )
  })

  it('keeps text that is not a docutils report as it is', () => {
    expect(formatDocutilsReport('No content rendered from RST source.')).toEqual({
      text: 'No content rendered from RST source.'
    })
  })
})

describe('looksLikeMarkdown', () => {
  it('recognises Markdown READMEs and not reStructuredText ones', () => {
    expect(looksLikeMarkdown(MARKDOWN_README)).toBe(true)
    expect(looksLikeMarkdown('Intro\n\n```\ncode\n```\n')).toBe(true)
    expect(looksLikeMarkdown(VALID_RST)).toBe(false)
    expect(looksLikeMarkdown(SHORT_UNDERLINE)).toBe(false)
  })
})
