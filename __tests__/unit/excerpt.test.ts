import { describe, expect, it } from '@jest/globals'
import { excerpt } from '../../src/shared/excerpt.js'

describe('excerpt', () => {
  it('leaves text within the limit as it is', () => {
    expect(excerpt('File already exists.', 20)).toBe('File already exists.')
    expect(excerpt('', 5)).toBe('')
  })

  it('cuts longer text at the limit and marks the cut with …', () => {
    expect(excerpt('File already exists.', 12)).toBe('File already…')
  })

  it('never splits a character made of two UTF-16 units', () => {
    // '🐍' is a surrogate pair: a cut between its halves would print as U+FFFD.
    expect(excerpt('ab🐍cd', 3)).toBe('ab…')
    expect(excerpt('ab🐍cd', 4)).toBe('ab🐍…')
  })
})
