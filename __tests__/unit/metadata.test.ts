import { describe, it, expect } from '@jest/globals'
import type { CoreMetadata } from '../../src/dists/distribution.js'
import {
  fieldIntroducedIn,
  fieldsNewerThanDeclared,
  formFieldName,
  getAll,
  getHeader,
  knownFields,
  metadataToFormFields,
  parseCoreMetadata,
  safeName
} from '../../src/inspect/metadata.js'
import { metadataText, python } from '../support/make-dists.js'

/**
 * The reference: Python's email parser (compat32) with pkginfo's unfolding, which is what twine
 * ≤ 5 sent, except for License, which keeps its lines as twine ≥ 6 sends it (packaging's
 * `parse_email`: the value exactly as the email parser returns it). Prints, per text, the headers
 * in order and the body.
 */
const PKGINFO_PY = String.raw`
import json, sys
from io import StringIO
from pkginfo.distribution import parse, _collapse_leading_ws
out = []
for text in sys.argv[1:]:
    msg = parse(StringIO(text))
    out.append({"headers": [[k, v if k.lower() == "license" else _collapse_leading_ws(k, v)]
                            for k, v in msg.items()],
                "body": msg.get_payload()})
print(json.dumps(out))
`

function pythonView(texts: string[]): Array<{ headers: string[][]; body: string }> {
  return python(PKGINFO_PY, texts)
}

function ourView(meta: CoreMetadata): string[][] {
  return meta.headers.map(h => [h.name, h.value])
}

function fieldsOf(text: string): Array<readonly [string, string]> {
  return metadataToFormFields(parseCoreMetadata(text))
}

describe('parseCoreMetadata', () => {
  const samples: Record<string, string> = {
    'header names in any case': [
      'metadata-version: 2.1',
      'NAME: demo',
      'version: 1.0',
      'Author-Email: Zoë <zoe@example.com>',
      'Home-Page: https://example.com',
      'Project-Url: Docs, https://example.com/docs',
      '',
      'body'
    ].join('\n'),
    'folded lines': [
      'Metadata-Version: 2.1',
      'Name: demo',
      'Summary: a summary',
      '   folded over',
      '\tthree lines   ',
      'License: MIT License',
      '        ',
      '        Copyright (c) someone',
      'Keywords:   spaced ,  out  ',
      ''
    ].join('\n'),
    'a folded Description header (8-space convention) and no body': [
      'Metadata-Version: 1.1',
      'Name: old',
      'Description: Title',
      '        =====',
      '        ',
      '          indented two more',
      '        last line',
      'Platform: UNKNOWN',
      ''
    ].join('\n'),
    'repeated headers in order': [
      'Metadata-Version: 2.1',
      'Name: demo',
      'Classifier: B :: second',
      'Requires-Dist: zeta',
      'Classifier: A :: first',
      'Requires-Dist: alpha; extra == "x"',
      'Classifier: C :: third',
      '',
      ''
    ].join('\n'),
    'a multi-line UTF-8 body': metadataText(
      { 'Metadata-Version': '2.1', Name: 'ünï', 'Description-Content-Type': 'text/markdown' },
      '# Tïtle ✓\n\n    code block\n\n日本語のテキスト\n\n\nend\n'
    ),
    'CRLF line ends':
      'Metadata-Version: 2.1\r\nName: crlf\r\nSummary: one\r\n  two\r\n\r\nBody\r\nline 2\r\n',
    'a line that is not a header, which starts the body':
      'Metadata-Version: 2.1\nName: x\nnot a header line\nVersion: 1\n'
  }

  it('reads headers and body exactly as Python email + pkginfo do', () => {
    const texts = Object.values(samples)
    const reference = pythonView(texts)
    Object.keys(samples).forEach((label, i) => {
      const meta = parseCoreMetadata(texts[i])
      expect([label, ourView(meta)]).toEqual([label, reference[i].headers])
      const body = reference[i].body
      const expected = body !== '' ? body : getHeader(meta, 'Description')
      expect([label, meta.description]).toEqual([label, expected])
    })
  })

  it('looks headers up case-insensitively', () => {
    const meta = parseCoreMetadata(samples['header names in any case'])
    expect(getHeader(meta, 'Author-email')).toBe('Zoë <zoe@example.com>')
    expect(getHeader(meta, 'home-page')).toBe('https://example.com')
    expect(getHeader(meta, 'Name')).toBe('demo')
    expect(getHeader(meta, 'Summary')).toBeUndefined()
    expect(getAll(meta, 'PROJECT-URL')).toEqual(['Docs, https://example.com/docs'])
    expect(meta.headers[1].name).toBe('NAME') // kept as written
  })

  it('keeps repeated headers in file order', () => {
    const meta = parseCoreMetadata(samples['repeated headers in order'])
    expect(getAll(meta, 'classifier')).toEqual(['B :: second', 'A :: first', 'C :: third'])
    expect(getAll(meta, 'Requires-Dist')).toEqual(['zeta', 'alpha; extra == "x"'])
  })

  it('unfolds a Description header folded with the spec’s "7 spaces and |" marker', () => {
    const meta = parseCoreMetadata(
      'Metadata-Version: 1.2\nName: x\nDescription: First\n       |\n       |  indented\n       |last\nVersion: 1\n'
    )
    expect(meta.description).toBe('First\n\n  indented\nlast')
    expect(getHeader(meta, 'Version')).toBe('1')
  })

  it('prefers the body to a Description header, as pkginfo does', () => {
    const meta = parseCoreMetadata('Metadata-Version: 2.1\nName: x\nDescription: header\n\nbody\n')
    expect(meta.description).toBe('body\n')
  })

  it('has no description when there is neither body nor header', () => {
    expect(parseCoreMetadata('Metadata-Version: 2.1\nName: x\n').description).toBeUndefined()
  })

  it('reads a byte order mark as Python does: the first line is then no header', () => {
    // pip and twine see no headers at all in such a file; inspect refuses it (inspect.test.ts).
    const meta = parseCoreMetadata('\uFEFFMetadata-Version: 2.1\nName: x\n')
    expect(meta.headers).toEqual([])
    expect(meta.description).toBe('\uFEFFMetadata-Version: 2.1\nName: x\n')
  })

  it('keeps the lines of a multi-line License as written, as twine ≥ 6 sends it', () => {
    const text =
      'Metadata-Version: 2.1\nName: x\nLicense: Copyright (c) 2024 Someone\n        \n' +
      '        Permission is hereby granted\r\n        free of charge.\nVersion: 1\n'
    expect(getHeader(parseCoreMetadata(text), 'License')).toBe(
      'Copyright (c) 2024 Someone\n        \n        Permission is hereby granted\r\n        free of charge.'
    )
    expect(fieldsOf(text)).toContainEqual([
      'license',
      'Copyright (c) 2024 Someone\n        \n        Permission is hereby granted\r\n        free of charge.'
    ])
  })
})

describe('form field names', () => {
  it('maps every header of the spec to the protocol’s form names, in any case', () => {
    const table: Record<string, string> = {
      'Metadata-Version': 'metadata_version',
      Name: 'name',
      Version: 'version',
      Platform: 'platform',
      'Supported-Platform': 'supported_platform',
      Summary: 'summary',
      Description: 'description',
      'Description-Content-Type': 'description_content_type',
      Keywords: 'keywords',
      'Home-page': 'home_page',
      'Download-URL': 'download_url',
      Author: 'author',
      'Author-email': 'author_email',
      Maintainer: 'maintainer',
      'Maintainer-email': 'maintainer_email',
      License: 'license',
      'License-Expression': 'license_expression',
      'License-File': 'license_file',
      Classifier: 'classifiers',
      'Requires-Dist': 'requires_dist',
      'Requires-Python': 'requires_python',
      'Requires-External': 'requires_external',
      'Project-URL': 'project_urls',
      'Provides-Extra': 'provides_extra',
      'Provides-Dist': 'provides_dist',
      'Obsoletes-Dist': 'obsoletes_dist',
      Requires: 'requires',
      Provides: 'provides',
      Obsoletes: 'obsoletes',
      Dynamic: 'dynamic',
      'Import-Name': 'import_name',
      'Import-Namespace': 'import_namespace'
    }
    for (const [header, form] of Object.entries(table)) {
      expect([header, formFieldName(header)]).toEqual([header, form])
      expect([header, formFieldName(header.toUpperCase())]).toEqual([header, form])
      expect(knownFields()).toContain(header.toLowerCase())
    }
    expect(formFieldName('X-Future-Field')).toBe('x_future_field')
    expect(knownFields()).not.toContain('x-future-field')
  })

  it('knows when each header was introduced', () => {
    expect(fieldIntroducedIn('Name')).toBe('1.0')
    expect(fieldIntroducedIn('classifier')).toBe('1.1')
    expect(fieldIntroducedIn('Project-URL')).toBe('1.2')
    expect(fieldIntroducedIn('Provides-Extra')).toBe('2.1')
    expect(fieldIntroducedIn('Dynamic')).toBe('2.2')
    expect(fieldIntroducedIn('License-File')).toBe('2.4')
    expect(fieldIntroducedIn('Import-Name')).toBe('2.5')
    expect(fieldIntroducedIn('X-Future-Field')).toBeUndefined()
  })

  it('makes twine’s safe name', () => {
    expect(safeName('My_Pkg')).toBe('My-Pkg')
    expect(safeName('a__b..c  d')).toBe('a-b..c-d')
  })
})

describe('metadataToFormFields', () => {
  function fields(text: string): Array<readonly [string, string]> {
    return metadataToFormFields(parseCoreMetadata(text))
  }

  it('sends each header under its form name, repeats multi-use ones, description last', () => {
    const text = [
      'Metadata-Version: 2.1',
      'Name: My_Pkg',
      'Version: 1.0',
      'Author-Email: a@example.com',
      'Home-Page: https://example.com',
      'Project-Url: Docs,https://example.com/docs',
      'Project-URL:   Source ,  https://example.com/src  ',
      'Keywords: alpha,beta , gamma',
      'Classifier: B',
      'Classifier: A',
      'Provides-Extra: dev',
      '',
      'Body ✓',
      ''
    ].join('\n')
    expect(fields(text)).toEqual([
      ['metadata_version', '2.1'],
      ['name', 'My-Pkg'],
      ['version', '1.0'],
      ['author_email', 'a@example.com'],
      ['home_page', 'https://example.com'],
      ['project_urls', 'Docs, https://example.com/docs'],
      ['project_urls', 'Source, https://example.com/src'],
      ['keywords', 'alpha, beta, gamma'],
      ['classifiers', 'B'],
      ['classifiers', 'A'],
      ['provides_extra', 'dev'],
      ['description', 'Body ✓\n']
    ])
  })

  it('leaves out "UNKNOWN" and empty values', () => {
    const text = metadataText({
      'Metadata-Version': '1.1',
      Name: 'old',
      Version: '0.1',
      Summary: 'UNKNOWN',
      'Home-page': 'UNKNOWN',
      Author: '',
      Platform: ['UNKNOWN', 'linux'],
      Description: 'UNKNOWN'
    })
    expect(fields(text)).toEqual([
      ['metadata_version', '1.1'],
      ['name', 'old'],
      ['version', '0.1'],
      ['platform', 'linux']
    ])
  })

  it('takes the description from a folded Description header when there is no body', () => {
    const text =
      'Metadata-Version: 1.0\nName: x\nVersion: 1\nDescription: line one\n        line two\n'
    expect(fields(text)).toContainEqual(['description', 'line one\nline two'])
    expect(fields(text).filter(([name]) => name === 'description')).toHaveLength(1)
  })

  const newer = (version: string): string =>
    metadataText({
      'Metadata-Version': version,
      Name: 'x',
      Version: '1',
      'Description-Content-Type': 'text/markdown',
      'Provides-Extra': 'dev',
      Dynamic: 'Classifier',
      'License-Expression': 'MIT',
      'License-File': 'LICENSE',
      'Import-Name': 'x'
    })
  const sent = (version: string): string[] => fields(newer(version)).map(([name]) => name)
  const always = ['metadata_version', 'name', 'version']

  it('drops License-File under Metadata-Version 2.1, as setuptools writes it and twine drops it', () => {
    expect(sent('2.1')).toEqual([...always, 'description_content_type', 'provides_extra'])
  })

  it('sends each field only from the version that introduced it', () => {
    expect(sent('1.2')).toEqual(always)
    // 2.0 (PEP 426, withdrawn) has the 1.2 field set, as in pkginfo.
    expect(sent('2.0')).toEqual(always)
    expect(sent('2.2')).toEqual([
      ...always,
      'description_content_type',
      'provides_extra',
      'dynamic'
    ])
    expect(sent('2.3')).toEqual(sent('2.2'))
    expect(sent('2.4')).toEqual([...sent('2.2'), 'license_expression', 'license_file'])
    expect(sent('2.5')).toEqual([...sent('2.4'), 'import_name'])
  })

  it('drops nothing when the Metadata-Version cannot be compared', () => {
    expect(sent('banana')).toEqual([...sent('2.5')])
  })

  it('sends headers the spec does not know under the generic name', () => {
    expect(fields('Metadata-Version: 2.5\nName: x\nX-Future-Field: yes\n')).toContainEqual([
      'x_future_field',
      'yes'
    ])
  })

  it('lists the headers newer than the declared version, for the checks', () => {
    expect(fieldsNewerThanDeclared(parseCoreMetadata(newer('2.1')))).toEqual([
      { name: 'Dynamic', since: '2.2' },
      { name: 'License-Expression', since: '2.4' },
      { name: 'License-File', since: '2.4' },
      { name: 'Import-Name', since: '2.5' }
    ])
    expect(fieldsNewerThanDeclared(parseCoreMetadata(newer('2.5')))).toEqual([])
    expect(fieldsNewerThanDeclared(parseCoreMetadata(newer('x.y')))).toEqual([])
  })
})
