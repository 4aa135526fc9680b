import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Distribution } from '../../src/dists/distribution.js'
import { checkDistributions } from '../../src/check/rules.js'
import { inspectAll, inspectDistribution } from '../../src/inspect/inspect.js'
import { getAll } from '../../src/inspect/metadata.js'
import { FIXTURE_DISTS_DIR, fixtureProjects } from '../support/fixtures.js'
import {
  buildWithPython,
  buildZip,
  corruptZip,
  makeSdist,
  makeWheel,
  metadataText,
  python,
  truncatedTarGz
} from '../support/make-dists.js'
import { problemOf } from '../support/problems.js'

/**
 * The references for one file: twine 4.0.2's upload form (pkginfo 1.8.2; the Debian twine), the
 * headers as Python's email parser + pkginfo unfold them, and hashlib's digests.
 *
 * twine 4's form is brought to the twine ≥ 6 spellings we follow: `provides_extras` is
 * `provides_extra` (the name PyPI reads), keywords are `a, b`, project URLs `label, url`.
 */
const REFERENCE_PY = String.raw`
import hashlib, json, os, sys, tarfile, zipfile
from io import StringIO
from pkginfo.distribution import parse, _collapse_leading_ws
from twine.package import PackageFile
from twine.repository import Repository

NOT_METADATA = {"filetype", "pyversion", "comment", "sha256_digest", "md5_digest", "blake2_256_digest"}

def metadata_text(path):
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            [name] = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            return zf.read(name).decode("utf-8")
    with tarfile.open(path) as tf:
        root = os.path.commonpath(tf.getnames())
        return tf.extractfile(root + "/PKG-INFO").read().decode("utf-8")

def form(path):
    package = PackageFile.from_filename(path, None)
    fields = []
    for key, value in Repository._convert_data_to_list_of_tuples(package.metadata_dictionary()):
        if value is None or key in NOT_METADATA:
            continue
        if key == "provides_extras":
            key = "provides_extra"
        if key == "keywords":
            value = ", ".join(k.strip() for k in value.split(","))
        if key == "project_urls":
            label, _, url = value.partition(",")
            value = label.strip() + ", " + url.strip()
        fields.append([key, value])
    return {"fields": fields, "pyversion": package.python_version}

out = {}
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    msg = parse(StringIO(metadata_text(path)))
    out[path] = {
        "twine": form(path),
        "headers": [[k, _collapse_leading_ws(k, v)] for k, v in msg.items()],
        "digests": {"sha256": hashlib.sha256(data).hexdigest(),
                    "blake2_256": hashlib.blake2b(data, digest_size=32).hexdigest(),
                    "md5": hashlib.md5(data).hexdigest()},
    }
print(json.dumps(out))
`

interface Reference {
  twine: { fields: string[][]; pyversion: string | null }
  headers: string[][]
  digests: Distribution['digests']
}

function sorted(fields: ReadonlyArray<readonly string[]>): string[][] {
  return fields.map(f => [...f]).sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1))
}

const HATCH_PROJECT = {
  'pyproject.toml': [
    '[build-system]',
    'requires = ["hatchling"]',
    'build-backend = "hatchling.build"',
    '[project]',
    'name = "Tiny_Pkg"',
    'version = "0.1.0"',
    'description = "A tiny package — ünïcödé"',
    'readme = "README.md"',
    'requires-python = ">=3.8"',
    'license = {text = "MIT"}',
    'keywords = ["alpha", "beta"]',
    'authors = [{name = "Zoë Ünicode", email = "zoe@example.com"}]',
    'classifiers = ["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"]',
    'dependencies = ["requests>=2", "tomli; python_version<\'3.11\'"]',
    '[project.optional-dependencies]',
    'dev = ["pytest"]',
    '[project.urls]',
    'Homepage = "https://example.com"',
    'Source = "https://example.com/src"',
    ''
  ].join('\n'),
  'README.md': '# Tiny\n\nÜnïcödé description ✓\n\n    indented code\n\n日本語\n',
  'src/tiny_pkg/__init__.py': 'x = 1\n'
}

const SETUPTOOLS_PROJECT = {
  'pyproject.toml':
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
  'setup.cfg': [
    '[metadata]',
    'name = st-pkg',
    'version = 1.2.3',
    'description = Setuptools package',
    'long_description = file: README.rst',
    'long_description_content_type = text/x-rst',
    'license = BSD',
    'license_files = LICENSE',
    'author = A. Person',
    'author_email = a@example.com',
    'url = https://example.org',
    'project_urls =',
    '    Docs = https://example.org/docs',
    'classifiers =',
    '    Programming Language :: Python :: 3',
    '[options]',
    'packages = st_pkg',
    ''
  ].join('\n'),
  'README.rst': 'Title\n=====\n\nDéjà vu\n',
  LICENSE: 'BSD text\n',
  'st_pkg/__init__.py': ''
}

describe('inspectDistribution', () => {
  let dir: string
  let built: {
    hatch: { sdist: string; wheel: string }
    setuptools: { sdist: string; wheel: string }
  }
  let reference: Record<string, Reference>

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'inspect-test-'))
    built = {
      hatch: buildWithPython(join(dir, 'hatch'), HATCH_PROJECT),
      setuptools: buildWithPython(join(dir, 'setuptools'), SETUPTOOLS_PROJECT)
    }
    reference = python(REFERENCE_PY, [
      built.hatch.wheel,
      built.hatch.sdist,
      built.setuptools.wheel,
      built.setuptools.sdist
    ])
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  const cases = [
    ['hatchling', 'wheel'],
    ['hatchling', 'sdist'],
    ['setuptools', 'wheel'],
    ['setuptools', 'sdist']
  ] as const
  for (const [backend, kind] of cases) {
    it(`reads a ${backend} ${kind} like twine, Python's email parser and hashlib`, async () => {
      const path = built[backend === 'hatchling' ? 'hatch' : 'setuptools'][kind]
      const ref = reference[path]
      const dist = await inspectDistribution(path)

      expect(dist.path).toBe(path)
      expect(dist.kind).toBe(kind)
      expect(dist.filetype).toBe(kind === 'wheel' ? 'bdist_wheel' : 'sdist')
      expect(dist.pyversion).toBe(kind === 'wheel' ? ref.twine.pyversion : 'source')
      expect(dist.size).toBe(statSync(path).size)
      expect(dist.digests).toEqual(ref.digests)
      expect(dist.metadata.headers.map(h => [h.name, h.value])).toEqual(ref.headers)
      expect(dist.metadataVersion).toBe('2.1')
      expect(sorted(dist.metadataFields)).toEqual(sorted(ref.twine.fields))
    })
  }

  it('takes name and version from the metadata as written', async () => {
    const wheel = await inspectDistribution(built.hatch.wheel)
    expect(wheel.filename).toBe('tiny_pkg-0.1.0-py3-none-any.whl')
    expect(wheel.name).toBe('Tiny_Pkg')
    expect(wheel.version).toBe('0.1.0')
    expect(wheel.pyversion).toBe('py3')
    // The form carries twine's safe name.
    expect(wheel.metadataFields).toContainEqual(['name', 'Tiny-Pkg'])
    expect(wheel.metadata.description).toContain('Ünïcödé description ✓\n\n    indented code')
  })

  it('keeps License-File that setuptools writes under 2.1 in the metadata, not in the form', async () => {
    const wheel = await inspectDistribution(built.setuptools.wheel)
    expect(getAll(wheel.metadata, 'License-File')).toEqual(['LICENSE'])
    expect(wheel.metadataFields.map(([name]) => name)).not.toContain('license_file')
  })

  it('gives the python tag of a multi-tag wheel as written', async () => {
    const path = makeWheel(join(dir, 'tags'), {
      filename: 'demo-1.0-py2.py3-none-any.whl',
      metadata: metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' })
    })
    expect((await inspectDistribution(path)).pyversion).toBe('py2.py3')
  })

  it('reads Metadata-Version 2.5 with Import-Name, and 2.0 without 2.1 fields', async () => {
    const v25 = makeWheel(join(dir, 'v25'), {
      filename: 'new-1.0-py3-none-any.whl',
      metadata: metadataText({
        'Metadata-Version': '2.5',
        Name: 'new',
        Version: '1.0',
        'License-Expression': 'MIT',
        'License-File': 'LICENSE',
        'Import-Name': ['new', 'new.sub']
      })
    })
    const dist25 = await inspectDistribution(v25)
    expect(dist25.metadataVersion).toBe('2.5')
    expect(dist25.metadataFields).toEqual([
      ['metadata_version', '2.5'],
      ['name', 'new'],
      ['version', '1.0'],
      ['license_expression', 'MIT'],
      ['license_file', 'LICENSE'],
      ['import_name', 'new'],
      ['import_name', 'new.sub']
    ])

    const v20 = makeSdist(join(dir, 'v20'), {
      filename: 'old-1.0.tar.gz',
      pkgInfo: metadataText(
        { 'Metadata-Version': '2.0', Name: 'old', Version: '1.0', 'Provides-Extra': 'x' },
        'Old body\n'
      )
    })
    const dist20 = await inspectDistribution(v20)
    expect(dist20.metadataVersion).toBe('2.0')
    expect(dist20.metadataFields).toEqual([
      ['metadata_version', '2.0'],
      ['name', 'old'],
      ['version', '1.0'],
      ['description', 'Old body\n']
    ])
  })

  it('refuses metadata without Name, or with an UNKNOWN Version, naming the file', async () => {
    const noName = makeWheel(join(dir, 'no-name'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: metadataText({ 'Metadata-Version': '2.1', Version: '1.0' })
    })
    const problem = await problemOf(inspectDistribution(noName))
    expect(problem.rule).toBe('metadata-missing-field')
    expect(problem.file).toBe(noName)
    expect(problem.message).toBe(
      'demo-1.0-py3-none-any.whl: demo-1.0.dist-info/METADATA has no Name (or only "UNKNOWN").'
    )

    const unknown = makeSdist(join(dir, 'unknown'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: metadataText({ Name: 'demo', Version: 'UNKNOWN' })
    })
    expect((await problemOf(inspectDistribution(unknown))).message).toContain(
      'has no Metadata-Version, Version'
    )
  })

  it('refuses METADATA that is not UTF-8', async () => {
    const path = join(dir, 'demo-1.0-py3-none-any.whl')
    const latin1 = Buffer.from('Metadata-Version: 2.1\nName: d\xe9mo\nVersion: 1.0\n', 'latin1')
    writeFileSync(path, buildZip([{ name: 'demo-1.0.dist-info/METADATA', data: latin1 }]))
    const problem = await problemOf(inspectDistribution(path))
    expect(problem.rule).toBe('metadata-encoding')
    expect(problem.message).toBe(
      'demo-1.0-py3-none-any.whl: demo-1.0.dist-info/METADATA is not valid UTF-8.'
    )
  })

  it('refuses METADATA that starts with a byte order mark, which Python reads as no headers', async () => {
    const path = join(dir, 'bom', 'demo-1.0-py3-none-any.whl')
    makeWheel(join(dir, 'bom'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: '\uFEFF' + metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' })
    })
    // The reference: Python's email parser finds no header in the file.
    const headers = python<number>(
      String.raw`
import email, sys, zipfile
text = zipfile.ZipFile(sys.argv[1]).read("demo-1.0.dist-info/METADATA").decode("utf-8")
print(len(email.message_from_string(text).keys()))
`,
      [path]
    )
    expect(headers).toBe(0)
    const problem = await problemOf(inspectDistribution(path))
    expect(problem).toMatchObject({ rule: 'metadata-encoding', file: path })
    expect(problem.message).toBe(
      "demo-1.0-py3-none-any.whl: demo-1.0.dist-info/METADATA starts with a UTF-8 byte order mark, so Python's email parser (pip, twine) reads no headers in it."
    )
  })

  it('a U+2028 in a value keeps every header after it; in the Summary the checks refuse the file', async () => {
    const requirements = ['requests>=2', 'rich; extra == "cli"']
    const path = makeWheel(join(dir, 'separators'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata: metadataText(
        {
          'Metadata-Version': '2.1',
          Name: 'demo',
          Version: '1.0',
          Summary: 'One line\u2028and another',
          Author: 'Ada\u2029Lovelace',
          Classifier: 'License :: OSI Approved :: MIT License',
          License: 'MIT\x85licence',
          'Requires-Dist': requirements,
          'Provides-Extra': 'cli'
        },
        'Body\n'
      )
    })
    const dist = await inspectDistribution(path)
    expect(dist.metadataFields).toEqual([
      ['metadata_version', '2.1'],
      ['name', 'demo'],
      ['version', '1.0'],
      ['summary', 'One line\u2028and another'],
      ['author', 'Ada\u2029Lovelace'],
      ['classifiers', 'License :: OSI Approved :: MIT License'],
      ['license', 'MIT\x85licence'],
      ['requires_dist', requirements[0]],
      ['requires_dist', requirements[1]],
      ['provides_extra', 'cli'],
      ['description', 'Body\n']
    ])
    const { errors } = checkDistributions([dist])
    expect(errors).toEqual([
      expect.objectContaining({
        file: path,
        rule: 'summary',
        message: "'summary' must be a single line."
      })
    ])
  })

  it('refuses files that are not wheels or .tar.gz sdists, and misnamed wheels', async () => {
    const zip = join(dir, 'demo-1.0.zip')
    writeFileSync(zip, 'x')
    expect((await problemOf(inspectDistribution(zip))).rule).toBe('unsupported-file')
    const badName = join(dir, 'demo.whl')
    writeFileSync(badName, 'x')
    expect((await problemOf(inspectDistribution(badName))).rule).toBe('wheel-filename')
  })

  it('reports a missing file as unreadable', async () => {
    const missing = join(dir, 'gone-1.0-py3-none-any.whl')
    const problem = await problemOf(inspectDistribution(missing))
    expect(problem.rule).toBe('unreadable')
    expect(problem.message).toContain('does not exist')
  })
})

describe('inspectAll', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'inspect-all-test-'))
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads every committed fixture distribution', async () => {
    const paths = fixtureProjects.flatMap(p =>
      [p.sdist, ...p.wheels].map(f => join(FIXTURE_DISTS_DIR, p.dir, f))
    )
    const { dists, problems } = await inspectAll(paths)
    expect(problems).toEqual([])
    expect(dists.map(d => d.path)).toEqual(paths)
    for (const project of fixtureProjects) {
      const sdist = dists.find(d => d.filename === project.sdist)
      expect(sdist?.name).toBe(project.metadataName.sdist)
      expect(sdist?.version).toBe(project.version)
      expect(sdist?.metadataVersion).toBe(project.metadataVersion)
      for (const wheel of project.wheels) {
        const dist = dists.find(d => d.filename === wheel)
        expect(dist?.name).toBe(project.metadataName.wheel)
        expect(dist?.metadataFields).toContainEqual(['summary', project.summary])
      }
    }
  })

  it('collects every problem, keeps the good files in order, with any concurrency', async () => {
    const metadata = metadataText({ 'Metadata-Version': '2.1', Name: 'demo', Version: '1.0' })
    const good1 = makeWheel(join(dir, 'a'), { filename: 'demo-1.0-py3-none-any.whl', metadata })
    const corrupt = corruptZip(join(dir, 'b'), {
      filename: 'demo-1.0-py3-none-any.whl',
      metadata,
      mode: 'truncated'
    })
    const good2 = makeSdist(join(dir, 'c'), { filename: 'demo-1.0.tar.gz', pkgInfo: metadata })
    const truncated = truncatedTarGz(join(dir, 'd'), {
      filename: 'demo-1.0.tar.gz',
      pkgInfo: metadata,
      pkgInfoLast: true,
      extraFiles: {
        'noise.bin': Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31) % 253))
      }
    })
    const missing = join(dir, 'missing-1.0-py3-none-any.whl')
    const paths = [good1, corrupt, good2, truncated, missing]

    for (const concurrency of [1, 2, 4, 16]) {
      const { dists, problems } = await inspectAll(paths, { concurrency })
      expect(dists.map(d => d.path)).toEqual([good1, good2])
      expect(problems.map(p => [p.file, p.rule])).toEqual([
        [corrupt, 'invalid-wheel'],
        [truncated, 'invalid-sdist'],
        [missing, 'unreadable']
      ])
      expect(problems.every(p => p.hint)).toBe(true)
    }
  })

  it('reads wheels of many sizes at once: each its own digests and metadata', async () => {
    // Wheels of different sizes (stored members, METADATA read beside the data), inspected
    // together: no wheel's bytes may mix into another's result.
    const paths = [100, 70_000, 3_000, 140_000, 1024 * 1024 + 1, 10].map((size, i) =>
      makeWheel(join(dir, `shared${i}`), {
        filename: `shared${i}-1.0-py3-none-any.whl`,
        metadata: metadataText({
          'Metadata-Version': '2.1',
          Name: `shared${i}`,
          Version: '1.0',
          Summary: `wheel ${i}`
        }),
        compression: 'store',
        extraFiles: { [`shared${i}/blob.bin`]: randomBytes(size) }
      })
    )
    const hashlib = python<Array<{ sha256: string; md5: string; blake2_256: string }>>(
      String.raw`
import hashlib, json, sys
out = []
for path in sys.argv[1:]:
    data = open(path, "rb").read()
    out.append({"sha256": hashlib.sha256(data).hexdigest(), "md5": hashlib.md5(data).hexdigest(),
                "blake2_256": hashlib.blake2b(data, digest_size=32).hexdigest()})
print(json.dumps(out))
`,
      paths
    )
    const alone = await Promise.all(paths.map(path => inspectDistribution(path)))
    for (const concurrency of [1, 4]) {
      const { dists, problems } = await inspectAll(paths, { concurrency })
      expect(problems).toEqual([])
      expect(dists).toEqual(alone)
    }
    expect(alone.map(d => d.digests)).toEqual(hashlib)
    expect(alone.map(d => d.size)).toEqual(paths.map(path => statSync(path).size))
    expect(alone.map(d => [d.name, getAll(d.metadata, 'Summary')])).toEqual(
      paths.map((_, i) => [`shared${i}`, [`wheel ${i}`]])
    )
  })

  it('returns nothing for no paths', async () => {
    expect(await inspectAll([])).toEqual({ dists: [], problems: [] })
  })
})
