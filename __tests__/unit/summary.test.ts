/**
 * The job summary rendered with GitHub's own Markdown engine (cmark-gfm, through Debian's
 * python3-cmarkgfm), raw HTML allowed as GitHub allows it before sanitizing: text from outside
 * (file names, versions, the index's messages, URLs) never becomes markup, no blank line ends an
 * HTML block early, and the fenced blocks give back exactly the text they hold.
 */
import { describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import {
  failureText,
  fenced,
  renderFailureSummary,
  renderProblemsSummary,
  renderRunSummary
} from '../../src/action/summary.js'
import type { Distribution } from '../../src/dists/distribution.js'
import type { RunResult } from '../../src/pipeline/publish.js'
import type { FileResult } from '../../src/upload/upload-all.js'
import { PYTHON } from '../support/make-dists.js'
import { describeWhen } from '../support/required.js'

const hasCmark =
  existsSync(PYTHON) &&
  (() => {
    try {
      execFileSync(PYTHON, ['-c', 'import cmarkgfm'])
      return true
    } catch {
      return false
    }
  })()

/** GitHub-flavoured Markdown → HTML, raw HTML passed through. */
function gfm(markdown: string): string {
  return execFileSync(
    PYTHON,
    [
      '-c',
      'import sys, cmarkgfm\nfrom cmarkgfm.cmark import Options\n' +
        'sys.stdout.write(cmarkgfm.github_flavored_markdown_to_html(sys.stdin.read(), options=Options.CMARK_OPT_UNSAFE))'
    ],
    { input: markdown }
  ).toString()
}

/** The text inside each rendered <pre><code>, entities decoded: what a reader copies. */
function codeBlocks(html: string): string[] {
  return [...html.matchAll(/<pre[^>]*><code>([\s\S]*?)<\/code><\/pre>/g)].map(m =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .replace(/\n$/, '')
  )
}

const SECRET = 'pypi-summary-secret'
const redact = (text: string): string => text.split(SECRET).join('***')

const HOSTILE =
  '<img src=x onerror=alert(1)>|*em* [link](https://evil.example)\n\n# heading\n<script>alert(2)</script>'

function dist(filename: string, sha: string, version = '1.0'): Distribution {
  return {
    path: `/work/dist/${filename}`,
    filename,
    kind: 'wheel',
    filetype: 'bdist_wheel',
    pyversion: 'py3',
    size: 2048,
    digests: { sha256: sha.repeat(64).slice(0, 64), md5: '', blake2_256: '' },
    name: 'demo',
    version,
    metadataVersion: '2.1',
    metadata: { headers: [] },
    metadataFields: []
  } as Distribution
}

function run(files: FileResult[], extra: Partial<RunResult> = {}): RunResult {
  return {
    repositoryUrl: 'https://upload.example.org/legacy/',
    dryRun: false,
    dists: files.map(f => f.dist),
    files,
    attestationPaths: [],
    ...extra
  }
}

const describeWithCmark = describeWhen(hasCmark, "Python's cmarkgfm")

describeWithCmark('the job summary as GitHub renders it', () => {
  it('escapes hostile file names, versions, messages and URLs, and keeps the table whole', () => {
    const evil = dist(`demo-1.0-${HOSTILE}.whl`, 'a', `1.0${HOSTILE}`)
    const good = dist('demo-1.0-py3-none-any.whl', 'b')
    const result = run(
      [
        { dist: good, status: 'uploaded', verified: true },
        { dist: evil, status: 'failed', message: `${HOSTILE} ${SECRET}` }
      ],
      {
        repositoryUrl: `https://user:${SECRET}@upload.example.org/legacy/?q=<b>x</b>`,
        failure: new Error(`${HOSTILE}\n\n\`\`\`\nnot the end ${SECRET}\n\`\`\`\n</code></pre>`)
      }
    )
    const markdown = renderRunSummary(result, redact)
    const html = gfm(markdown)

    for (const forbidden of ['<img', '<script', '<em>', '<h1', '<a href', '<b>x']) {
      expect(html).not.toContain(forbidden)
    }
    expect(markdown).not.toContain(SECRET)
    expect(markdown).not.toContain('user:')
    // One table, with its header row and both files (and nothing of it spilled out as text).
    expect(html.match(/<table>/g)).toHaveLength(1)
    expect(html.match(/<tr>/g)).toHaveLength(1 + 2 + 2) // header, two release rows, two files
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    // The error comes back exactly as written (redacted), backticks and closing tags included.
    expect(codeBlocks(html)).toContain(redact(result.failure!.message))
  })

  it('keeps an index answer that is a Markdown table (| … |) as text, in every part of the summary', () => {
    const answer = '| field | error |\n|---|---|\n| version | <b>bad</b> |'
    const bad = dist('demo-1.0-py3-none-any.whl', 'c')
    const markdown = renderRunSummary(
      run([{ dist: bad, status: 'failed', message: answer }], { failure: new Error(answer) }),
      redact
    )
    const html = gfm(markdown)
    expect(html.match(/<table>/g)).toHaveLength(1) // ours; the answer's makes none
    expect(html).not.toContain('<b>bad</b>')
    expect(html).toContain('&#124; field &#124; error &#124;')
    const problems = gfm(
      renderProblemsSummary(
        [{ file: '/w/demo.whl', rule: 'summary', message: answer, hint: answer }],
        redact
      )
    )
    expect(problems.match(/<table>/g)).toHaveLength(1)
    expect(gfm(renderFailureSummary(answer, redact))).not.toContain('<table>')
  })

  it('shows short digests in the table, the full ones in a details block, and the index once', () => {
    const files: FileResult[] = ['1', '2', '3'].map(c => ({
      dist: dist(`demo-1.0-py${c}-none-any.whl`, c),
      status: 'uploaded',
      verified: true
    }))
    const markdown = renderRunSummary(run(files), redact)
    const html = gfm(markdown)
    expect(markdown.split('upload.example.org')).toHaveLength(2)
    expect(html).toMatch(
      /^<h2>✅ Published demo 1\.0 \(3 files\) to <code>https:\/\/upload\.example\.org\/legacy\/<\/code><\/h2>/
    )
    for (const f of files) {
      expect(html).toContain(`<td><code>${f.dist.digests.sha256.slice(0, 12)}</code></td>`)
      expect(html).not.toContain(`<td><code>${f.dist.digests.sha256}</code></td>`)
    }
    expect(html).toContain('<details><summary>Full sha256 digests</summary>')
    // sha256sum's own format, so the block can be fed to `sha256sum -c`.
    expect(codeBlocks(html)).toEqual([
      files.map(f => `${f.dist.digests.sha256}  ${f.dist.filename}`).join('\n')
    ])
  })

  it('a refusal table survives messages with blank lines and markup', () => {
    const markdown = renderProblemsSummary(
      [
        {
          file: '/x/a.whl',
          rule: 'wheel-filename',
          message: HOSTILE,
          hint: `fix it\n\n*now* ${SECRET}`
        },
        { file: '/x/b.whl', rule: 'wheel-filename', message: 'second' }
      ],
      redact
    )
    const html = gfm(markdown)
    for (const forbidden of ['<img', '<script', '<em>', '<h1', '<p>second']) {
      expect(html).not.toContain(forbidden)
    }
    expect(html.match(/<tr>/g)).toHaveLength(3)
    expect(markdown).not.toContain(SECRET)
  })

  it('a failure before any upload shows its message verbatim in a fence it cannot close', () => {
    const message = `bad \`\`\`\`\nfence\n\n<script>x</script> ${SECRET}`
    const html = gfm(renderFailureSummary(message, redact))
    expect(html).not.toContain('<script')
    expect(codeBlocks(html)).toEqual([redact(message)])
  })
})

describe('fenced', () => {
  it('uses a fence longer than any run of backticks inside', () => {
    expect(fenced('a ````` b')).toBe('``````text\na ````` b\n``````')
    expect(fenced('plain', 'yaml')).toBe('```yaml\nplain\n```')
  })
})

describe('failureText (the error of a failed run)', () => {
  const a = dist('demo-1.0-py2-none-any.whl', 'a')
  const b = dist('demo-1.0-py3-none-any.whl', 'b')

  it('a partial release names what is on the index, what is not, and how to finish', () => {
    const text = failureText(
      run(
        [
          { dist: a, status: 'uploaded', verified: true },
          { dist: b, status: 'failed', message: 'HTTP 503: Service Unavailable.' }
        ],
        { failure: new Error('x') }
      )
    )
    expect(text).toBe(
      `Publishing stopped at ${b.filename}: HTTP 503: Service Unavailable. The release is partial. ` +
        `On the index: ${a.filename}. Not on the index: ${b.filename}. To finish the release, fix the cause ` +
        'and re-run this job as it is: the files the index already holds with the same sha256 are skipped, and the rest are uploaded.'
    )
  })

  it('a file uploaded but not found on read-back is not called on the index', () => {
    const text = failureText(
      run([{ dist: a, status: 'uploaded', verified: false }], {
        failure: new Error('The index does not have what was uploaded')
      })
    )
    expect(text).toBe('The index does not have what was uploaded. No file is on the index.')
  })
})
