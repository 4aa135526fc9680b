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
})
