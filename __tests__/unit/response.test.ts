import { describe, expect, it } from '@jest/globals'
import type { HttpResponse } from '../../src/shared/http.js'
import { hintFor, indexMessage, isAlreadyExists } from '../../src/upload/upload.js'

const res = (status: number, body: string, statusText = '', type = 'text/plain'): HttpResponse => ({
  status,
  statusText,
  headers: { 'content-type': type },
  body
})

describe('indexMessage', () => {
  it('prefers the JSON message PyPI sends for Accept: application/json', () => {
    const r = res(
      400,
      JSON.stringify({
        message: "File already exists ('a-1.0.tar.gz', …)",
        code: '400 Bad Request'
      }),
      'Bad Request'
    )
    expect(indexMessage(r)).toBe("File already exists ('a-1.0.tar.gz', …)")
  })
  it("reads Warehouse's Pyramid-rendered JSON: the status line's text, not the generic explanation", () => {
    const text =
      "File already exists ('a-1.0.tar.gz', with blake2_256 hash 'ab'). See https://pypi.org/help/#file-name-reuse for more information."
    const r = res(
      400,
      JSON.stringify({
        message:
          'The server could not comply with the request since it is either malformed or otherwise incorrect.\n\n\n' +
          text +
          '\n\n',
        code: `400 ${text}`,
        title: 'Bad Request'
      }),
      ''
    )
    expect(indexMessage(r)).toBe(text)
    const withoutCode = res(400, JSON.stringify({ message: 'Explanation.\n\n' + text + '\n\n' }))
    expect(indexMessage(withoutCode)).toBe(text)
  })
  it('reads the HTML title without its status prefix, decoding entities', () => {
    const r = res(
      400,
      '<html><head><title>400 &#39;3.0&#39; is not a valid metadata version.</title></head></html>',
      'Bad Request',
      'text/html'
    )
    expect(indexMessage(r)).toBe("'3.0' is not a valid metadata version.")
  })
  it('uses a non-generic reason phrase when the body says nothing (HTTP/1.1)', () => {
    expect(indexMessage(res(403, '', 'Invalid API Token: token is expired'))).toBe(
      'Invalid API Token: token is expired'
    )
  })
  it('falls back to plain text, then to the status', () => {
    expect(indexMessage(res(409, 'package file already exists\n', 'Conflict'))).toBe(
      'package file already exists'
    )
    expect(indexMessage(res(502, '', ''))).toBe('HTTP 502')
  })
})

describe('isAlreadyExists', () => {
  const cases: Array<[string, number, string, boolean]> = [
    ['PyPI', 400, "File already exists ('x-1.0.tar.gz', with blake2_256 hash 'ab').", true],
    ['pypiserver', 409, 'Conflict', true],
    ['Nexus', 400, 'Repository does not allow updating assets: pypi-hosted', true],
    [
      'Artifactory',
      403,
      'Not enough permissions to overwrite artifact pypi-local:x/1.0/x.whl',
      true
    ],
    ['GitLab', 400, 'Validation failed: File name has already been taken', true],
    ['Gitea', 400, 'package file already exists', true],
    ['GCP', 400, 'the artifact already exist', true],
    [
      'PyPI deleted',
      400,
      'This filename was previously used by a file that has since been deleted.',
      false
    ],
    ['bad metadata', 400, "'3.0' is not a valid metadata version.", false],
    ['bad token', 403, 'Invalid or non-existent authentication information.', false],
    ['new-project clash', 409, "'requests2' conflicts with an existing project", false]
  ]
  it.each(cases)('%s: %d %s → %s', (_index, status, message, expected) => {
    expect(isAlreadyExists(res(status, message), message)).toBe(expected)
  })
})

describe('hintFor', () => {
  const url = 'https://upload.pypi.org/legacy/'
  it('points at the token and __token__ for 403', () => {
    expect(hintFor(403, 'Invalid or non-existent authentication information.', url)).toMatch(
      /__token__/
    )
    expect(hintFor(403, 'Username/Password authentication is no longer supported.', url)).toMatch(
      /only API tokens/
    )
  })
  it('gives the upload URL for 405 and 410', () => {
    expect(hintFor(405, 'Method Not Allowed', 'https://pypi.org/simple/')).toMatch(
      'https://upload.pypi.org/legacy/'
    )
    expect(hintFor(405, '', 'https://test.pypi.org/simple/')).toMatch(
      'https://test.pypi.org/legacy/'
    )
    expect(hintFor(410, 'Gone', 'https://pypi.python.org/pypi')).toMatch(
      'https://upload.pypi.org/legacy/'
    )
  })
  it("suggests a self-hosted index's upload URLs from its /simple/ URL", () => {
    const hint = hintFor(405, 'Method Not Allowed', 'https://pkgs.example.com/team/simple/')
    expect(hint).toContain('https://pkgs.example.com/team/legacy/')
    expect(hint).toContain('https://pkgs.example.com/team/ (pypiserver')
  })
  it('links the size-limit request for File too large', () => {
    expect(hintFor(400, "File too large. Limit for project 'x' is 100 MB.", url)).toMatch(
      /storage-limits#requesting-a-file-size-limit-increase/
    )
  })
  it('says a deleted filename cannot be reused', () => {
    expect(
      hintFor(400, 'This filename was previously used by a file that has since been deleted.', url)
    ).toMatch(/bump the version/)
  })
})
