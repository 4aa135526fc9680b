/**
 * An index's error page is outside text: reading its words must never throw.
 */
import { describe, expect, it } from '@jest/globals'
import { indexMessage } from '../../src/upload/upload.js'

describe("the index's words", () => {
  // String.fromCodePoint throws RangeError above U+10FFFF: a title such as `&#99999999;` once
  // replaced the index's answer with "Invalid code point 99999999".
  it('are read from a title holding an out-of-range character reference', () => {
    const message = indexMessage({
      status: 400,
      statusText: 'Bad Request',
      headers: {},
      body: '<html><title>400 Bad &#99999999; name</title></html>'
    })
    expect(message).toContain('Bad \ufffd name')
  })

  it('are a bounded excerpt, with token-like runs hidden before the cut', () => {
    const token = 'glpat-Xq7mZ2vR9kLp4TbW8nYc3Hd'
    const answer = (body: string, statusText = 'Bad Request') =>
      indexMessage({ status: 400, statusText, headers: {}, body })
    const long = answer(JSON.stringify({ message: `bad ${token} ${'x'.repeat(1_000_000)}` }))
    expect(long.length).toBeLessThanOrEqual(1001)
    expect(long.startsWith('bad *** xxx')).toBe(true)
    expect(long.endsWith('…')).toBe(true)
    expect(answer(`<html><title>400 Token ${token}</title></html>`)).toBe('Token ***')
    expect(answer('', `Invalid ${token}`)).toBe('Invalid ***')
    expect(answer(`plain\n\ntext ${token}`)).toBe('plain text ***')
  })
})
