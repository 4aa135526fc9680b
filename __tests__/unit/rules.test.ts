import { describe, expect, it } from '@jest/globals'
import { judgePlatformTag } from '../../src/check/filename-rules.js'
import { pyRepr } from '../../src/check/findings.js'
import {
  checkDistributions,
  dedupeByFilename,
  PYPI_DEFAULT_FILE_SIZE_LIMIT,
  type CheckOptions
} from '../../src/check/rules.js'
import type { Distribution, Problem } from '../../src/dists/distribution.js'
import { knownFields } from '../../src/inspect/metadata.js'

interface FakeDist {
  filename?: string
  name?: string
  version?: string
  metadataVersion?: string
  /** Headers after Metadata-Version, Name and Version. */
  headers?: Array<[string, string]>
  size?: number
  dir?: string
}

/** A Distribution as inspect would build it, without an archive: check reads only these fields. */
function fakeDist(o: FakeDist = {}): Distribution {
  const filename = o.filename ?? 'demo_pkg-1.2.3-py3-none-any.whl'
  const name = o.name ?? 'demo-pkg'
  const version = o.version ?? '1.2.3'
  const metadataVersion = o.metadataVersion ?? '2.4'
  const kind = filename.endsWith('.whl') ? 'wheel' : 'sdist'
  const headers = [
    { name: 'Metadata-Version', value: metadataVersion },
    { name: 'Name', value: name },
    { name: 'Version', value: version },
    ...(o.headers ?? []).map(([n, v]) => ({ name: n, value: v }))
  ]
  return {
    path: `${o.dir ?? '/work/dist'}/${filename}`,
    filename,
    kind,
    filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
    pyversion: kind === 'wheel' ? (filename.split('-').at(-3) ?? '') : 'source',
    size: o.size ?? 12345,
    digests: { sha256: 'a'.repeat(64), blake2_256: 'b'.repeat(64), md5: 'c'.repeat(32) },
    name,
    version,
    metadataVersion,
    metadata: { headers },
    metadataFields: []
  }
}

function check(dists: Distribution[], options?: CheckOptions) {
  return checkDistributions(dists, options)
}

/** Just the rule ids, for assertions about which rules fired. */
function rules(problems: Problem[]): string[] {
  return problems.map(p => p.rule)
}

function only(problems: Problem[]): Problem {
  expect(problems).toHaveLength(1)
  return problems[0]
}

describe('a clean release', () => {
  it('has no problems', () => {
    const result = check([
      fakeDist(),
      fakeDist({ filename: 'demo_pkg-1.2.3.tar.gz' }),
      fakeDist({
        filename: 'demo_pkg-1.2.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
        headers: [
          ['License-Expression', 'MIT'],
          ['License-File', 'LICENSE'],
          ['Classifier', 'Programming Language :: Python :: 3'],
          ['Classifier', 'Typing :: Typed'],
          ['Dynamic', 'Requires-Dist'],
          ['Summary', 'x'.repeat(512)]
        ]
      })
    ])
    expect(result).toEqual({ errors: [], warnings: [] })
  })

  it('accepts every Metadata-Version PyPI accepts', () => {
    for (const metadataVersion of ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5']) {
      expect(check([fakeDist({ metadataVersion })])).toEqual({ errors: [], warnings: [] })
    }
  })

  it('accepts a wheel whose filename spells the version differently but equally', () => {
    const dist = fakeDist({ filename: 'demo_pkg-1.2.3.0-py3-none-any.whl', version: '1.2.3' })
    expect(check([dist]).errors).toEqual([])
  })
})

describe('Metadata-Version', () => {
  it('refuses 2.0 and says to rebuild with a current backend', () => {
    const problem = only(check([fakeDist({ metadataVersion: '2.0' })]).errors)
    expect(problem).toMatchObject({
      file: '/work/dist/demo_pkg-1.2.3-py3-none-any.whl',
      rule: 'metadata-version',
      message: "'2.0' is not a valid metadata version."
    })
    expect(problem.hint).toContain('never accepted')
    expect(problem.hint).toContain('Rebuild with a current backend')
  })

  it('refuses a version newer than PyPI knows, saying so', () => {
    const problem = only(check([fakeDist({ metadataVersion: '2.6' })]).errors)
    expect(problem.message).toBe("'2.6' is not a valid metadata version.")
    expect(problem.hint).toContain('newer')
  })

  it('refuses a missing Metadata-Version on any index', () => {
    const problem = only(check([fakeDist({ metadataVersion: '' })], { pypiRules: 'warn' }).errors)
    expect(problem.message).toBe("'metadata-version' is a required field.")
  })

  it('leaves 2.0 to another index, with a warning', () => {
    const dist = fakeDist({ metadataVersion: '2.0' })
    const warned = check([dist], { pypiRules: 'warn' })
    expect(warned.errors).toEqual([])
    expect(rules(warned.warnings)).toEqual(['metadata-version'])
  })
})

describe('Name and Version', () => {
  it('refuses a missing or invalid name', () => {
    expect(only(check([fakeDist({ name: '' })]).errors).message).toBe("'name' is a required field.")
    const invalid = only(check([fakeDist({ name: 'foo-' })]).errors)
    expect(invalid).toMatchObject({ rule: 'name', message: "'foo-' is invalid for 'name'." })
    expect(invalid.hint).toContain('PEP 508')
  })

  it('refuses a missing or invalid version, even with PyPI rules off', () => {
    expect(only(check([fakeDist({ version: '' })]).errors).message).toBe(
      "'version' is a required field."
    )
    const invalid = only(
      check([fakeDist({ version: '1.0.0-SNAPSHOT' })], { pypiRules: 'warn' }).errors
    )
    expect(invalid).toMatchObject({
      rule: 'version',
      message: "'1.0.0-SNAPSHOT' is invalid for 'version'."
    })
  })

  it('refuses a local version, in PyPI words, with the segment to remove', () => {
    const dist = fakeDist({
      filename: 'demo_pkg-1.2.3+g1a2b3c-py3-none-any.whl',
      version: '1.2.3+G1a2b3c'
    })
    const problem = only(check([dist]).errors)
    expect(problem.rule).toBe('local-version')
    expect(problem.message).toBe("The use of local versions in '1.2.3+g1a2b3c' is not allowed.")
    expect(problem.hint).toContain(
      "Remove the local version segment '+g1a2b3c' (PyPI refuses local versions); build with a release version such as '1.2.3'"
    )
  })

  it('lets a private index have local versions', () => {
    const dist = fakeDist({ filename: 'demo_pkg-1.2.3+abc-py3-none-any.whl', version: '1.2.3+abc' })
    const result = check([dist], { pypiRules: 'warn' })
    expect(result.errors).toEqual([])
    expect(rules(result.warnings)).toEqual(['local-version'])
  })
})

describe('wheel filenames', () => {
  it('refuses a filename that is not a wheel name at all', () => {
    const problem = only(check([fakeDist({ filename: 'demo_pkg-1.2.3-any.whl' })]).errors)
    expect(problem).toMatchObject({
      rule: 'wheel-filename',
      message: "Invalid wheel filename: 'demo_pkg-1.2.3-any.whl'."
    })
    expect(problem.hint).toContain("'demo_pkg-1.2.3-py3-none-any.whl'")
  })

  it('explains an unescaped dash in the name', () => {
    const errors = check([fakeDist({ filename: 'demo-pkg-1.2.3-py3-none-any.whl' })]).errors
    expect(errors[0]).toMatchObject({
      rule: 'wheel-filename',
      message: "Invalid wheel filename (invalid version): 'demo-pkg-1.2.3-py3-none-any.whl'."
    })
    expect(errors[0].hint).toContain("A '-' inside the project name or version is written '_'")
  })

  it("refuses a name part with '__' as packaging does", () => {
    const errors = check([fakeDist({ filename: 'demo__pkg-1.2.3-py3-none-any.whl' })], {
      pypiRules: 'warn'
    }).errors
    expect(only(errors).message).toBe("Invalid project name: 'demo__pkg-1.2.3-py3-none-any.whl'.")
  })

  it('refuses a python tag that is not an identifier', () => {
    const problem = only(check([fakeDist({ filename: 'demo_pkg-1.2.3-3py-none-any.whl' })]).errors)
    expect(problem.message).toBe(
      "Invalid wheel filename (invalid tag component): 'demo_pkg-1.2.3-3py-none-any.whl'."
    )
  })

  it('wants the normalized name, quoting PyPI', () => {
    const problem = only(check([fakeDist({ filename: 'Demo_Pkg-1.2.3-py3-none-any.whl' })]).errors)
    expect(problem).toMatchObject({
      rule: 'wheel-name',
      message:
        "Filename 'Demo_Pkg-1.2.3-py3-none-any.whl' should contain the normalized project name 'demo_pkg', not 'Demo_Pkg'."
    })
    expect(problem.hint).toContain("'demo_pkg-…'")
    // A spelling PyPI refuses, not a broken file: other indexes take it.
    expect(
      check([fakeDist({ filename: 'Demo_Pkg-1.2.3-py3-none-any.whl' })], { pypiRules: 'warn' })
        .errors
    ).toEqual([])
  })

  it('refuses a wheel named for another project on any index', () => {
    const problem = only(
      check([fakeDist({ filename: 'other_pkg-1.2.3-py3-none-any.whl' })], { pypiRules: 'warn' })
        .errors
    )
    expect(problem).toMatchObject({
      rule: 'wheel-name',
      message: "Start filename for 'demo-pkg' with 'demo_pkg'."
    })
  })

  it('refuses a version in the filename that differs from METADATA, quoting PyPI', () => {
    const dist = fakeDist({ filename: 'demo_pkg-6.6.6-py3-none-any.whl', version: '1.2.3' })
    const problem = only(check([dist], { pypiRules: 'warn' }).errors)
    expect(problem).toMatchObject({
      rule: 'wheel-version',
      message: "Version in filename should be '1.2.3' not '6.6.6'."
    })
  })
})

describe('wheel platform tags', () => {
  it('refuses linux_x86_64 with the auditwheel fix', () => {
    const dist = fakeDist({ filename: 'demo_pkg-1.2.3-cp312-cp312-linux_x86_64.whl' })
    const problem = only(check([dist]).errors)
    expect(problem.message).toBe(
      "Binary wheel 'demo_pkg-1.2.3-cp312-cp312-linux_x86_64.whl' has an unsupported platform tag 'linux_x86_64'."
    )
    expect(problem.hint).toContain('auditwheel repair')
    expect(problem.hint).toContain('manylinux')
  })

  it('checks every platform of a compressed tag set, once each', () => {
    const dist = fakeDist({
      filename:
        'demo_pkg-1.2.3-cp311.cp312-abi3-manylinux_2_17_x86_64.linux_x86_64.freebsd_14_amd64.whl'
    })
    const errors = check([dist]).errors
    expect(errors.map(p => p.message.split(' ').at(-1))).toEqual([
      "'linux_x86_64'.",
      "'freebsd_14_amd64'."
    ])
  })

  it.each([
    'any',
    'win32',
    'win_amd64',
    'win_arm64',
    'win_ia64',
    'manylinux1_x86_64',
    'manylinux2010_i686',
    'manylinux2014_aarch64',
    'manylinux2014_ppc64',
    'manylinux_2_17_x86_64',
    'manylinux_2_28_riscv64',
    'manylinux_2_31_ppc64',
    'musllinux_1_2_aarch64',
    'linux_armv6l',
    'linux_armv7l',
    'macosx_10_9_x86_64',
    'macosx_10_13_universal2',
    'macosx_11_0_arm64',
    'macosx_15_0_arm64',
    'macosx_26_0_arm64',
    'ios_13_0_arm64_iphoneos',
    'ios_13_0_x86_64_iphonesimulator',
    'android_24_arm64_v8a',
    'android_21_armeabi_v7a',
    'pyemscripten_2024_0_wasm32'
  ])('accepts %s', tag => {
    expect(judgePlatformTag(tag)).toEqual({ allowed: true })
  })

  it.each([
    ['linux_x86_64', 'auditwheel'],
    ['linux_aarch64', 'auditwheel'],
    ['musllinux_1_2_ppc64', 'musllinux'],
    ['manylinux_2_17_sparc', 'manylinux'],
    ['macosx_11_3_arm64', "use 'macosx_11_0_arm64'"],
    ['macosx_10_9_sparc', 'not a macOS architecture'],
    ['macosx_16_0_arm64', 'not a macOS release PyPI knows'],
    ['ios_13_0_armv7_iphoneos', 'PyPI accepts any'],
    ['android_24_mips', 'PyPI accepts any'],
    ['emscripten_3_1_58_wasm32', 'PyPI accepts any'],
    ['freebsd_14_amd64', 'PyPI accepts any']
  ])('refuses %s (hint mentions %j)', (tag, hint) => {
    const verdict = judgePlatformTag(tag)
    expect(verdict.allowed).toBe(false)
    expect(verdict.hint).toContain(hint)
  })

  it('only warns for a macOS newer than PyPI listed, since PyPI adds each release', () => {
    const dist = fakeDist({ filename: 'demo_pkg-1.2.3-cp312-cp312-macosx_27_0_arm64.whl' })
    const result = check([dist])
    expect(result.errors).toEqual([])
    expect(only(result.warnings)).toMatchObject({ rule: 'wheel-platform' })
    expect(result.warnings[0].hint).toContain('macOS 27')
  })
})

describe('sdist filenames (PEP 625)', () => {
  it('refuses a non-normalized name, naming the exact expected file', () => {
    const dist = fakeDist({ filename: 'Demo-Pkg-1.2.3.tar.gz' })
    const problem = only(check([dist]).errors)
    expect(problem).toMatchObject({
      rule: 'sdist-filename',
      message: "Filename 'Demo-Pkg-1.2.3.tar.gz' is invalid, should be 'demo_pkg-1.2.3.tar.gz'."
    })
    expect(check([dist], { pypiRules: 'warn' }).errors).toEqual([])
  })

  it('refuses a non-canonical version spelling', () => {
    const dist = fakeDist({ filename: 'demo_pkg-1.2.3-1.tar.gz', version: '1.2.3-1' })
    expect(only(check([dist]).errors)).toMatchObject({
      rule: 'sdist-filename',
      message:
        "Filename 'demo_pkg-1.2.3-1.tar.gz' is invalid, should be 'demo_pkg-1.2.3.post1.tar.gz'."
    })
  })

  it('refuses .zip sdists', () => {
    const problem = only(check([fakeDist({ filename: 'demo_pkg-1.2.3.zip' })]).errors)
    expect(problem).toMatchObject({
      rule: 'sdist-format',
      message: "Filename 'demo_pkg-1.2.3.zip' is invalid, should be 'demo_pkg-1.2.3.tar.gz'."
    })
    expect(problem.hint).toContain('python -m build --sdist')
  })

  it('refuses an sdist whose filename names another version or project on any index', () => {
    const version = only(
      check([fakeDist({ filename: 'demo_pkg-6.6.6.tar.gz' })], { pypiRules: 'warn' }).errors
    )
    expect(version.rule).toBe('sdist-version')
    expect(version.hint).toContain('6.6.6')
    const project = only(
      check([fakeDist({ filename: 'other-1.2.3.tar.gz' })], { pypiRules: 'warn' }).errors
    )
    expect(project).toMatchObject({
      rule: 'sdist-name',
      message: "Start filename for 'demo-pkg' with 'demo_pkg'."
    })
  })

  it('refuses a second sdist of the same release', () => {
    const first = fakeDist({ filename: 'demo_pkg-1.2.3.tar.gz' })
    const second = fakeDist({
      filename: 'demo_pkg-1.2.3.tar.gz',
      dir: '/work/other',
      version: '1.2.3.0'
    })
    const problem = only(check([first, second]).errors.filter(p => p.rule === 'one-sdist'))
    expect(problem).toMatchObject({
      file: '/work/other/demo_pkg-1.2.3.tar.gz',
      message: 'Only one sdist may be uploaded per release.',
      hint: 'demo_pkg-1.2.3.tar.gz is already an sdist of demo-pkg 1.2.3; publish only one of them.'
    })
  })
})

describe('dedupeByFilename', () => {
  it('keeps one copy of the same file, and names copies that differ', () => {
    const a = fakeDist({ dir: '/a' })
    const same = fakeDist({ dir: '/b' })
    const other = { ...fakeDist({ dir: '/c' }), digests: { ...a.digests, sha256: 'd'.repeat(64) } }
    const sdist = fakeDist({ filename: 'demo_pkg-1.2.3.tar.gz' })
    const result = dedupeByFilename([a, sdist, same, other])
    expect(result.unique).toEqual([a, sdist])
    expect(result.duplicates).toEqual([same]) // `other` is no copy: it is the problem below
    expect(result.problems).toEqual([
      {
        file: a.path,
        rule: 'duplicate-filename',
        message:
          "'demo_pkg-1.2.3-py3-none-any.whl' occurs 3 times with different content: " +
          '/a/demo_pkg-1.2.3-py3-none-any.whl (sha256 aaaaaaaaaaaa…), ' +
          '/b/demo_pkg-1.2.3-py3-none-any.whl (sha256 aaaaaaaaaaaa…), ' +
          '/c/demo_pkg-1.2.3-py3-none-any.whl (sha256 dddddddddddd…)',
        hint: expect.stringContaining('Keep one copy')
      }
    ])
    expect(dedupeByFilename([a, same]).problems).toEqual([])
  })
})

describe('License and License-Expression', () => {
  it('refuses both at once, quoting PyPI', () => {
    const dist = fakeDist({
      headers: [
        ['License', 'MIT License'],
        ['License-Expression', 'MIT']
      ]
    })
    const problem = only(check([dist]).errors)
    expect(problem).toMatchObject({
      rule: 'license',
      message:
        'License is deprecated when License-Expression is present. Only License-Expression should be present.'
    })
  })

  it('reads header names case-insensitively, as real wheels need', () => {
    const dist = fakeDist({
      headers: [
        ['license', 'MIT License'],
        ['LICENSE-EXPRESSION', 'MIT'],
        ['Constructor', 'not a field']
      ]
    })
    expect(rules(check([dist]).errors)).toEqual(['license'])
  })

  it('ignores an UNKNOWN or empty License, which PyPI drops, and either one alone', () => {
    for (const license of ['UNKNOWN', '  ', '']) {
      const dist = fakeDist({
        headers: [
          ['License', license],
          ['License-Expression', 'MIT']
        ]
      })
      expect(check([dist]).errors).toEqual([])
    }
    expect(check([fakeDist({ headers: [['License', 'MIT']] })]).errors).toEqual([])
  })
})

describe('fields newer than the declared Metadata-Version', () => {
  it('refuses License-Expression under 2.3, in packaging words', () => {
    const dist = fakeDist({ metadataVersion: '2.3', headers: [['License-Expression', 'MIT']] })
    const problem = only(check([dist]).errors)
    expect(problem).toMatchObject({
      rule: 'field-too-new',
      message: 'license-expression introduced in metadata version 2.4, not 2.3.'
    })
    expect(problem.hint).toContain('License-Expression needs Metadata-Version 2.4')
  })

  it.each([
    ['Dynamic', 'Requires-Dist', '2.1', '2.2'],
    ['Import-Name', 'demo', '2.4', '2.5'],
    ['Import-Namespace', 'demo', '2.3', '2.5'],
    ['Description-Content-Type', 'text/markdown', '1.2', '2.1'],
    ['provides-extra', 'test', '1.0', '2.1'],
    ['Classifier', 'Typing :: Typed', '1.0', '1.1']
  ])('refuses %s under %s', (header, value, declared, since) => {
    const dist = fakeDist({ metadataVersion: declared, headers: [[header, value]] })
    expect(only(check([dist], { pypiRules: 'warn' }).errors).message).toBe(
      `${header.toLowerCase()} introduced in metadata version ${since}, not ${declared}.`
    )
  })

  it('only warns for License-File under 2.1, which is dropped as twine does', () => {
    const dist = fakeDist({
      metadataVersion: '2.1',
      headers: [
        ['License-File', 'LICENSE'],
        ['License-File', 'NOTICE']
      ]
    })
    const result = check([dist])
    expect(result.errors).toEqual([])
    const warning = only(result.warnings)
    expect(warning.message).toContain('license-file introduced in metadata version 2.4, not 2.1.')
    expect(warning.hint).toContain('Declare Metadata-Version 2.4 or drop License-File')
  })

  it('does not pile field errors on an unaccepted Metadata-Version', () => {
    const dist = fakeDist({ metadataVersion: '2.0', headers: [['License-Expression', 'MIT']] })
    expect(rules(check([dist]).errors)).toEqual(['metadata-version'])
  })
})

describe('classifiers', () => {
  it('refuses unknown categories and malformed classifiers, quoting PyPI', () => {
    const dist = fakeDist({
      headers: [
        ['Classifier', 'X :: Y'],
        ['Classifier', 'Topic::Software Development'],
        ['Classifier', 'Topic :: '],
        ['Classifier', 'Programming Language ::  Python'],
        ['Classifier', 'Topic :: Software Development']
      ]
    })
    const errors = check([dist]).errors
    expect(errors.map(p => p.message)).toEqual([
      "'X :: Y' is not a valid classifier.",
      "'Topic::Software Development' is not a valid classifier.",
      "'Topic :: ' is not a valid classifier.",
      "'Programming Language ::  Python' is not a valid classifier."
    ])
    expect(errors[0].hint).toContain("'X' is not a classifier category")
    expect(errors[1].hint).toContain("' :: '")
  })

  it("explains that 'Private ::' is refused on purpose, and lets private indexes have it", () => {
    const dist = fakeDist({ headers: [['Classifier', 'Private :: Do Not Upload']] })
    const problem = only(check([dist]).errors)
    expect(problem.message).toBe("'Private :: Do Not Upload' is not a valid classifier.")
    expect(problem.hint).toContain("PyPI always refuses classifiers beginning with 'Private ::'")
    expect(check([dist], { pypiRules: 'warn' }).errors).toEqual([])
  })
})

describe('Summary and Dynamic', () => {
  it('refuses a summary over 512 characters', () => {
    const dist = fakeDist({ headers: [['Summary', 'é'.repeat(513)]] })
    expect(only(check([dist]).errors)).toMatchObject({
      rule: 'summary',
      message: "'summary' field must be 512 characters or less."
    })
  })

  it('refuses a summary with a line break Python sees (U+2028, U+0085, …), naming the file', () => {
    for (const [separator, named] of [
      ['\u2028', 'a line separator (U+2028)'],
      ['\u2029', 'a paragraph separator (U+2029)'],
      ['\x85', 'a next-line character (U+0085)'],
      ['\v', 'a vertical tab (U+000B)'],
      ['\n', 'a line feed']
    ]) {
      const dist = fakeDist({ headers: [['Summary', `First line${separator}second line`]] })
      const problem = only(check([dist], { pypiRules: 'warn' }).errors)
      expect(problem).toEqual({
        file: '/work/dist/demo_pkg-1.2.3-py3-none-any.whl',
        rule: 'summary',
        message: "'summary' must be a single line.",
        hint: expect.stringContaining(`holds ${named} after 'First line'`)
      })
      expect(problem.hint).toContain('pyproject.toml [project] description')
    }
    // Other Unicode spaces are not line breaks.
    const spaced = fakeDist({ headers: [['Summary', 'a\u00a0b\u2003c\tc']] })
    expect(check([spaced]).errors).toEqual([])
  })

  it('refuses Dynamic Name/Version and unknown dynamic fields', () => {
    const dist = fakeDist({
      filename: 'demo_pkg-1.2.3.tar.gz',
      headers: [
        ['Dynamic', 'Version'],
        ['Dynamic', 'Colour'],
        ['Dynamic', 'requires-dist']
      ]
    })
    expect(check([dist]).errors.map(p => p.message)).toEqual([
      "'version' is not allowed as a dynamic field.",
      "Dynamic field 'colour' is not a valid dynamic field."
    ])
  })

  it("accepts in Dynamic exactly Warehouse's DYNAMIC_FIELDS among the fields metadata.ts knows", () => {
    // Warehouse's list, written out: the set is derived from metadata.ts's field list, and a field
    // added there must not become dynamic (or stop being so) without this list changing too.
    const warehouse = [
      'Platform',
      'Supported-Platform',
      'Summary',
      'Description',
      'Description-Content-Type',
      'Keywords',
      'Home-Page',
      'Download-Url',
      'Author',
      'Author-Email',
      'Maintainer',
      'Maintainer-Email',
      'License',
      'License-Expression',
      'License-File',
      'Classifier',
      'Requires-Dist',
      'Requires-Python',
      'Requires-External',
      'Project-Url',
      'Provides-Extra',
      'Provides-Dist',
      'Obsoletes-Dist',
      'Requires',
      'Provides',
      'Obsoletes',
      'Import-Name',
      'Import-Namespace'
    ].map(f => f.toLowerCase())
    const accepted = knownFields().filter(field => {
      const dist = fakeDist({ filename: 'demo_pkg-1.2.3.tar.gz', headers: [['Dynamic', field]] })
      return check([dist]).errors.length === 0
    })
    expect(accepted.sort()).toEqual(warehouse.sort())
    expect(knownFields()).toEqual(
      expect.arrayContaining(['metadata-version', 'name', 'version', 'dynamic'])
    )
  })
})

describe('file size', () => {
  it('warns above 100 MiB with the limit-increase link, and does not refuse', () => {
    const ok = fakeDist({ size: PYPI_DEFAULT_FILE_SIZE_LIMIT })
    expect(check([ok])).toEqual({ errors: [], warnings: [] })
    const big = fakeDist({ size: PYPI_DEFAULT_FILE_SIZE_LIMIT + 1 })
    const result = check([big])
    expect(result.errors).toEqual([])
    const warning = only(result.warnings)
    expect(warning.rule).toBe('file-size')
    expect(warning.message).toBe(
      "demo_pkg-1.2.3-py3-none-any.whl is 100.0 MiB, over PyPI's default limit of 100 MB per file."
    )
    expect(warning.hint).toContain(
      'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'
    )
  })

  it('takes another limit', () => {
    const dist = fakeDist({ size: 3 * 1024 * 1024 })
    expect(only(check([dist], { fileSizeLimit: 2 * 1024 * 1024 }).warnings).message).toContain(
      'over the limit of 2 MB'
    )
  })
})

describe('several files', () => {
  it('reports every problem of every file, each naming its file', () => {
    const wheel = fakeDist({
      filename: 'Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl',
      metadataVersion: '2.0',
      size: PYPI_DEFAULT_FILE_SIZE_LIMIT * 2
    })
    const sdist = fakeDist({
      filename: 'Demo-Pkg-1.2.3.tar.gz',
      headers: [
        ['License', 'MIT'],
        ['License-Expression', 'MIT'],
        ['Classifier', 'Privat :: Oops']
      ]
    })
    const other = fakeDist({
      filename: 'tool-2.0+local-py3-none-any.whl',
      name: 'tool',
      version: '2.0+local'
    })
    const clean = fakeDist({ filename: 'demo_pkg-1.2.3-py3-none-any.whl' })
    const result = check([wheel, sdist, clean, other])

    expect(result.errors.map(p => [p.file.split('/').at(-1), p.rule])).toEqual([
      ['Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl', 'metadata-version'],
      ['Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl', 'wheel-platform'],
      ['Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl', 'wheel-name'],
      ['Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl', 'wheel-version'],
      ['Demo-Pkg-1.2.3.tar.gz', 'license'],
      ['Demo-Pkg-1.2.3.tar.gz', 'classifier'],
      ['Demo-Pkg-1.2.3.tar.gz', 'sdist-filename'],
      ['tool-2.0+local-py3-none-any.whl', 'local-version']
    ])
    expect(result.warnings.map(p => [p.file.split('/').at(-1), p.rule])).toEqual([
      ['Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl', 'file-size']
    ])
    for (const problem of [...result.errors, ...result.warnings]) {
      expect(problem.file).toMatch(/^\/work\/dist\//)
      expect(problem.hint).toBeTruthy()
    }
  })

  it('keeps only the spec errors when PyPI rules are off', () => {
    const wheel = fakeDist({ filename: 'Demo_Pkg-6.6.6-cp312-cp312-linux_x86_64.whl' })
    const sdist = fakeDist({ filename: 'demo_pkg-9.9.tar.gz' })
    expect(rules(check([wheel, sdist], { pypiRules: 'warn' }).errors)).toEqual([
      'wheel-version',
      'sdist-version'
    ])
  })
})

describe('pyRepr', () => {
  it("quotes like Python's repr()", () => {
    expect(pyRepr('abc')).toBe("'abc'")
    expect(pyRepr("it's")).toBe('"it\'s"')
    expect(pyRepr('both \' and "')).toBe("'both \\' and \"'")
    expect(pyRepr('a\\b\n\x01')).toBe("'a\\\\b\\n\\x01'")
  })
})
