import { describe, expect, it, beforeAll, afterAll } from '@jest/globals'
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { discoverDistributions, type Discovery } from '../../src/discover/discover.js'
import { DistributionError } from '../../src/dists/distribution.js'

const both = new Set(['sdist', 'wheel'] as const)

describe('discoverDistributions', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'discover-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  async function tree(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(root, name)
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true })
      await writeFile(path.join(dir, rel), content)
    }
    await mkdir(dir, { recursive: true })
    return dir
  }

  it('finds distributions at any depth, as download-artifact lays them out', async () => {
    const dir = await tree('nested', {
      'wheels-linux/pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl': 'w1',
      'wheels-macos/deeper/pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl': 'w2',
      'sdist/pkg-1.0.tar.gz': 's',
      'sdist/pkg-1.0.tar.gz.publish.attestation': '{}',
      SHA256SUMS: 'x',
      '.gitignore': '*'
    })
    const found = await discoverDistributions(dir, both)
    expect(found.files.map(f => [f.filename, f.kind])).toEqual([
      ['pkg-1.0-cp312-cp312-macosx_11_0_arm64.whl', 'wheel'],
      ['pkg-1.0-cp312-cp312-manylinux_2_17_x86_64.whl', 'wheel'],
      ['pkg-1.0.tar.gz', 'sdist']
    ])
    expect(found.files.every(f => path.isAbsolute(f.path))).toBe(true)
    expect(found.passedOver.map(f => path.basename(f)).sort()).toEqual([
      '.gitignore',
      'SHA256SUMS',
      'pkg-1.0.tar.gz.publish.attestation'
    ])
    expect(found.problems).toEqual([])
  })

  it('keeps only the kinds asked for, and lists the rest', async () => {
    const dir = await tree('kinds', { 'a-1.0-py3-none-any.whl': 'w', 'a-1.0.tar.gz': 's' })
    const found = await discoverDistributions(dir, new Set(['wheel'] as const))
    expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl'])
    expect(found.excluded.map(f => path.basename(f))).toEqual(['a-1.0.tar.gz'])
  })

  it('reports a .zip sdist as refused by PyPI, with the fix', async () => {
    const dir = await tree('zip', { 'a-1.0.zip': 'z', 'a-1.0-py3-none-any.whl': 'w' })
    const found = await discoverDistributions(dir, both)
    expect(found.problems).toHaveLength(1)
    expect(found.problems[0]).toMatchObject({
      rule: 'sdist-format',
      file: path.join(dir, 'a-1.0.zip')
    })
    expect(found.problems[0].hint).toMatch(/python -m build --sdist/)
  })

  it('follows links to files but not links to folders', async () => {
    const dir = await tree('links', { 'real/a-1.0-py3-none-any.whl': 'w' })
    await symlink(
      path.join(dir, 'real', 'a-1.0-py3-none-any.whl'),
      path.join(dir, 'b-1.0-py3-none-any.whl')
    )
    await symlink(path.join(dir, 'real'), path.join(dir, 'loop'))
    const found = await discoverDistributions(dir, both)
    expect(found.files.map(f => f.filename)).toEqual([
      'a-1.0-py3-none-any.whl',
      'b-1.0-py3-none-any.whl'
    ])
  })

  it('says what was searched when the folder is missing', async () => {
    const missing = path.join(root, 'nope')
    await expect(discoverDistributions(missing, both)).rejects.toThrow(DistributionError)
    await expect(discoverDistributions(missing, both)).rejects.toThrow(
      /The packages directory '.*nope' does not exist/
    )
  })

  it('says what the folder holds when there is nothing to publish', async () => {
    const dir = await tree('stray', { 'notes.txt': 'x', 'sub/SHA256SUMS': 'y' })
    const error = await discoverDistributions(dir, both).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DistributionError)
    const problem = (error as DistributionError).problems[0]
    expect(problem.message).toMatch(/No distributions \(\*\.tar\.gz and \*\.whl|No distributions/)
    expect(problem.message).toMatch(/notes\.txt/)
    expect(problem.hint).toMatch(/download-artifact/)
  })

  it('says the other kind is there when distributions excludes everything found', async () => {
    const dir = await tree('only-sdist', { 'a-1.0.tar.gz': 's' })
    const error = (await discoverDistributions(dir, new Set(['wheel'] as const)).catch(
      (e: unknown) => e
    )) as DistributionError
    expect(error.problems[0].message).toMatch(/\*\.whl/)
    expect(error.problems[0].hint).toMatch(/'distributions'/)
  })
})

describe('names and folders discovery refuses or does not search (issue 8 §2, §7)', () => {
  let root: string
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'discover-unsafe-'))
  })
  afterAll(async () => {
    await rm(root, { recursive: true, force: true })
  })

  async function tree(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(root, name)
    await mkdir(dir, { recursive: true })
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true })
      await writeFile(path.join(dir, rel), content)
    }
    return dir
  }

  /** Every text of a discovery a log could show, raw: paths, problems, messages, hints. */
  function printable(found: Discovery): string {
    return [
      ...found.files.map(f => f.path),
      ...found.passedOver,
      ...found.excluded,
      ...found.skippedFolders.map(f => `${f.path} ${f.holds ?? ''}`),
      problemsText(found)
    ].join('\n')
  }
  function problemsText(found: Discovery): string {
    return found.problems.map(p => `${p.file}\n${p.message}\n${p.hint ?? ''}`).join('\n')
  }

  it.each([
    [
      'a newline that starts a workflow command',
      'x\n::stop-commands::t\n.tar.gz',
      '"x\\n::stop-commands::t\\n.tar.gz"'
    ],
    ['a carriage return', 'pkg-1.0\r-py3-none-any.whl', '"pkg-1.0\\r-py3-none-any.whl"'],
    ['an escape sequence', 'pkg-\u001b[31m1.0.tar.gz', '"pkg-\\u001b[31m1.0.tar.gz"'],
    ['DEL', 'pkg-1.0\u007f.tar.gz', '"pkg-1.0\\u007f.tar.gz"'],
    ['a C1 control (NEL)', 'pkg-1.0\u0085.tar.gz', '"pkg-1.0\\u0085.tar.gz"'],
    ['a line separator', 'pkg-1.0\u2028.tar.gz', '"pkg-1.0\\u2028.tar.gz"'],
    ['a paragraph separator', 'notes\u2029.txt', '"notes\\u2029.txt"']
  ])(
    'refuses a file whose name holds %s, naming it escaped and its folder',
    async (_, name, shown) => {
      const dir = await tree(`ctl-${encodeURIComponent(name)}`, {
        'a-1.0-py3-none-any.whl': 'w',
        [`sub/${name}`]: 'x'
      })
      const found = await discoverDistributions(dir, both)
      expect(found.problems).toHaveLength(1)
      const [problem] = found.problems
      expect(problem.rule).toBe('file-name')
      expect(problem.file).toBe(path.join(dir, 'sub'))
      expect(problem.message).toContain(
        `A file in "sub" (under packages-dir) has a name that has control characters`
      )
      expect(problem.message).toContain(`: ${shown}.`)
      expect(problem.message).toContain('PyPI refuses such file names')
      expect(problem.message).toContain('nothing was uploaded')
      expect(problem.hint).toMatch(/Rename or delete that file/)
      // The raw name is nowhere: not in a problem, not in the lists a log prints.
      expect(printable(found)).not.toContain(name)
      expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl'])
    }
  )

  it('refuses a folder whose name holds control characters, and never looks inside it', async () => {
    const evil = 'wheels\n::add-mask::x\n'
    const dir = await tree('ctl-folder', {
      [`${evil}/b-1.0-py3-none-any.whl`]: 'w',
      'a-1.0-py3-none-any.whl': 'w'
    })
    const found = await discoverDistributions(dir, both)
    expect(found.problems).toHaveLength(1)
    expect(found.problems[0].message).toContain(
      'A folder in "." (under packages-dir) has a name that has control characters'
    )
    expect(found.problems[0].message).toContain('"wheels\\n::add-mask::x\\n"')
    expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl'])
    expect(printable(found)).not.toContain(evil)
  })

  it('refuses a name that is not UTF-8 (Node would read it with U+FFFD and then not find it)', async () => {
    const dir = await tree('not-utf8', { 'a-1.0-py3-none-any.whl': 'w' })
    // Written through a Buffer path: the bytes 0xff 0xfe are no UTF-8.
    await writeFile(
      Buffer.concat([
        Buffer.from(`${dir}/pkg-1.0`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('.tar.gz')
      ]),
      's'
    )
    const found = await discoverDistributions(dir, both)
    expect(found.problems).toHaveLength(1)
    expect(found.problems[0].message).toContain(
      'has a name that is not valid UTF-8: "pkg-1.0\ufffd\ufffd.tar.gz"'
    )
  })

  it('does not search dot-folders or node_modules, and says so when one held distributions', async () => {
    const dir = await tree('dot', {
      'dist/pkg-1.0-py3-none-any.whl': 'w',
      '.venv/lib/python3.12/site-packages/pip/_vendor/x.py': '',
      '.venv/share/wheels/setuptools-70.0-py3-none-any.whl': 'w',
      '.tox/.pkg/dist/pkg-1.0.tar.gz': 's',
      '.git/objects/ab/cdef': '',
      'node_modules/some/pkg-0.1-py3-none-any.whl': 'w',
      '.github/workflows/release.yml': ''
    })
    const found = await discoverDistributions(dir, both)
    expect(found.files.map(f => path.relative(dir, f.path))).toEqual([
      path.join('dist', 'pkg-1.0-py3-none-any.whl')
    ])
    expect(found.problems).toEqual([])
    const skipped = Object.fromEntries(
      found.skippedFolders.map(f => [
        path.relative(dir, f.path),
        f.holds && path.relative(dir, f.holds)
      ])
    )
    expect(skipped).toEqual({
      '.git': undefined,
      '.github': undefined,
      '.tox': path.join('.tox', '.pkg', 'dist', 'pkg-1.0.tar.gz'),
      '.venv': path.join('.venv', 'share', 'wheels', 'setuptools-70.0-py3-none-any.whl'),
      node_modules: path.join('node_modules', 'some', 'pkg-0.1-py3-none-any.whl')
    })
  })

  it('searches a dot-folder the user named as packages-dir (only folders below it are skipped)', async () => {
    const dir = await tree('named', {
      '.tox/dist/pkg-1.0.tar.gz': 's',
      '.tox/dist/.cache/other-1.0.tar.gz': 's'
    })
    const found = await discoverDistributions(path.join(dir, '.tox', 'dist'), both)
    expect(found.files.map(f => f.filename)).toEqual(['pkg-1.0.tar.gz'])
  })

  it('when only a skipped folder held distributions, the "nothing found" error says where they are', async () => {
    const dir = await tree('only-dot', { '.tox/dist/pkg-1.0.tar.gz': 's' })
    const error = (await discoverDistributions(dir, both).catch(
      (e: unknown) => e
    )) as DistributionError
    expect(error).toBeInstanceOf(DistributionError)
    expect(error.problems[0].message).toContain(
      `Distributions were seen in ${path.join('.tox', 'dist', 'pkg-1.0.tar.gz')}, inside a folder that is never searched`
    )
    expect(error.problems[0].hint).toMatch(/Point 'packages-dir' at the folder/)
  })

  it('reports a sub-folder it cannot read by name, with what to do', async () => {
    const dir = await tree('unreadable', {
      'a-1.0-py3-none-any.whl': 'w',
      'wheels-linux/b-1.0-py3-none-any.whl': 'w'
    })
    const locked = path.join(dir, 'wheels-linux')
    let found: Discovery
    if (process.getuid?.() === 0) {
      // Root reads a folder whatever its mode (CAP_DAC_OVERRIDE), so chmod 000 proves nothing
      // here: the failure the kernel gives a non-root user is injected through the readdir seam.
      found = await discoverDistributions(dir, both, {
        readdir: async folder => {
          if (folder === locked) {
            throw Object.assign(new Error(`EACCES: permission denied, scandir '${folder}'`), {
              code: 'EACCES',
              errno: -13,
              syscall: 'scandir',
              path: folder
            })
          }
          return readdir(folder, { withFileTypes: true, encoding: 'buffer' })
        }
      })
    } else {
      await chmod(locked, 0o000)
      try {
        found = await discoverDistributions(dir, both)
      } finally {
        await chmod(locked, 0o755)
      }
    }
    expect(found.files.map(f => f.filename)).toEqual(['a-1.0-py3-none-any.whl'])
    expect(found.problems).toEqual([
      {
        file: locked,
        rule: 'unreadable-folder',
        message:
          'The folder "wheels-linux" under packages-dir cannot be read: permission denied. Nothing was uploaded.',
        hint: expect.stringMatching(/read and execute permission on it .*chmod -R u\+rX/)
      }
    ])
    // Not a raw Node error.
    expect(found.problems[0].message).not.toMatch(/EACCES|scandir/)
  })

  it('reports a folder that vanished while it was searched as that, not as a crash', async () => {
    const dir = await tree('vanishing', { 'a-1.0-py3-none-any.whl': 'w', 'gone/x.txt': '' })
    const found = await discoverDistributions(dir, both, {
      readdir: async folder => {
        const entries = await readdir(folder, { withFileTypes: true, encoding: 'buffer' })
        if (folder === dir) await rm(path.join(dir, 'gone'), { recursive: true })
        return entries
      }
    })
    expect(found.problems.map(p => p.message)).toEqual([
      'The folder "gone" under packages-dir cannot be read: it disappeared while it was being searched. Nothing was uploaded.'
    ])
  })
})
