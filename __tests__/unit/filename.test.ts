import { describe, expect, it } from '@jest/globals'
import {
  distKindOf,
  expectedSdistFilename,
  expectedWheelPrefix,
  isValidProjectName,
  normalizeName,
  parseWheelFilename,
  wheelNamePart
} from '../../src/dists/filename.js'

describe('normalizeName (PEP 503)', () => {
  it.each([
    ['Django', 'django'],
    ['oslo.concurrency', 'oslo-concurrency'],
    ['Foo__Bar', 'foo-bar'],
    ['foo-_.-bar', 'foo-bar'],
    ['A.B-C_D', 'a-b-c-d'],
    ['_leading', '-leading'],
    ['trailing-', 'trailing-'],
    ['requests', 'requests']
  ])('%j → %j', (name, expected) => {
    expect(normalizeName(name)).toBe(expected)
  })
})

describe('wheelNamePart', () => {
  it('is the normalized name with _ for every run of separators', () => {
    expect(wheelNamePart('My.Package-Name')).toBe('my_package_name')
    expect(wheelNamePart('zope.interface')).toBe('zope_interface')
    expect(wheelNamePart('X__Y')).toBe('x_y')
    expect(wheelNamePart('simple')).toBe('simple')
  })
})

describe('isValidProjectName (PEP 508)', () => {
  it.each([
    ['a', true],
    ['A1', true],
    ['1', true],
    ['a-b', true],
    ['a_b.c', true],
    ['a..b', true],
    ['-a', false],
    ['a-', false],
    ['.a', false],
    ['a b', false],
    ['ä', false],
    ['', false],
    ['a\n', false]
  ])('%j → %j', (name, valid) => {
    expect(isValidProjectName(name)).toBe(valid)
  })
})

describe('parseWheelFilename', () => {
  it('splits a plain wheel name', () => {
    expect(parseWheelFilename('my_pkg-1.2.3-py3-none-any.whl')).toEqual({
      distribution: 'my_pkg',
      version: '1.2.3',
      pythonTags: ['py3'],
      abiTags: ['none'],
      platformTags: ['any'],
      pythonTag: 'py3'
    })
  })

  it('splits compressed tag sets and keeps the python tag as written', () => {
    const wheel = parseWheelFilename(
      'foo_bar-1.0-1abc-cp311.cp312-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'
    )
    expect(wheel).toEqual({
      distribution: 'foo_bar',
      version: '1.0',
      build: '1abc',
      pythonTags: ['cp311', 'cp312'],
      abiTags: ['abi3'],
      platformTags: ['manylinux_2_17_x86_64', 'manylinux2014_x86_64'],
      pythonTag: 'cp311.cp312'
    })
    expect(parseWheelFilename('x-1-py2.py3-none-any.whl')?.pythonTag).toBe('py2.py3')
  })

  it('keeps the name and version as written, for check.ts to judge', () => {
    const wheel = parseWheelFilename('Foo.Bar-01.0.RC1-py3-none-any.whl')
    expect(wheel?.distribution).toBe('Foo.Bar')
    expect(wheel?.version).toBe('01.0.RC1')
  })

  it('reads an unescaped dash in the name as packaging does, leaving the bad version to check.ts', () => {
    const wheel = parseWheelFilename('my-pkg-1.0-py3-none-any.whl')
    expect([wheel?.distribution, wheel?.version, wheel?.build]).toEqual(['my', 'pkg', '1.0'])
  })

  it.each([
    ['not a wheel', 'foo-1.0-py3-none-any.zip'],
    ['upper-case extension', 'foo-1.0-py3-none-any.WHL'],
    ['too few parts', 'foo-1.0-py3-none.whl'],
    ['too many parts', 'my-pkg-1.0-1-py3-none-any.whl'],
    ['a build tag that does not start with a digit', 'foo-1.0-abc-py3-none-any.whl'],
    ['an empty part', 'foo--py3-none-any.whl'],
    ['an empty tag in a compressed set', 'foo-1.0-py3.-none-any.whl'],
    ['nothing but the extension', '.whl']
  ])('refuses %s', (_why, filename) => {
    expect(parseWheelFilename(filename)).toBeUndefined()
  })
})

describe('expected filenames', () => {
  it('builds the PEP 625 sdist name from the normalized name and canonical version', () => {
    expect(expectedSdistFilename('My.Package', '01.0-RC.1')).toBe('my_package-1.0rc1.tar.gz')
    expect(expectedSdistFilename('X_Y', '1.0.0')).toBe('x_y-1.0.0.tar.gz')
    expect(expectedSdistFilename('foo', '1.0-1')).toBe('foo-1.0.post1.tar.gz')
  })

  it('keeps an invalid version as written rather than invent one', () => {
    expect(expectedSdistFilename('foo', 'nope')).toBe('foo-nope.tar.gz')
  })

  it('builds the wheel prefix the same way', () => {
    expect(expectedWheelPrefix('Zope.Interface', 'v6.0')).toBe('zope_interface-6.0-')
  })
})

describe('distKindOf', () => {
  it.each([
    ['foo-1.0-py3-none-any.whl', 'wheel'],
    ['foo-1.0.tar.gz', 'sdist'],
    ['foo-1.0.zip', 'zip-sdist'],
    ['foo-1.0.tar.gz.sigstore.json', undefined],
    ['foo-1.0-py3-none-any.whl.publish.attestation', undefined],
    ['SHA256SUMS', undefined],
    ['foo-1.0.tar.bz2', undefined],
    ['foo-1.0.egg', undefined],
    ['.whl', undefined],
    ['.tar.gz', undefined]
  ])('%j → %j', (filename, kind) => {
    expect(distKindOf(filename)).toBe(kind)
  })
})
