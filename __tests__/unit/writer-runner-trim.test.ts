/**
 * The runner finds a command after `TrimStart()`, .NET's whitespace: U+0085 (NEL) is whitespace
 * there but not in JavaScript's `\s`. Every .NET whitespace character in front of `::` must make
 * the writer treat the line as a command (and fence it).
 */
import { describe, expect, it } from '@jest/globals'
import { Writer } from '../../src/action/writer.js'
import { captureStdout } from '../support/stdout.js'

/** Char.IsWhiteSpace: U+0009–U+000D, U+0020, U+0085, U+00A0, and the Zs, Zl, Zp categories. */
const DOTNET_WHITESPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*/

/** The lines the runner acts on, honouring `::stop-commands::` fences. */
function processed(out: string): string[] {
  const commands: string[] = []
  let stop: string | undefined
  for (const line of out.split(/\r\n|\r|\n/)) {
    const trimmed = line.replace(DOTNET_WHITESPACE, '')
    const v2 = /^::(.*?)::(.*)$/.exec(trimmed)
    if (!v2) continue
    if (stop !== undefined) {
      if (v2[1] === stop) stop = undefined
      continue
    }
    if (v2[1] === 'stop-commands') stop = v2[2]
    else commands.push(trimmed)
  }
  return commands
}

describe('Writer and the runner’s TrimStart', () => {
  for (const [name, space] of [
    ['NEL (U+0085)', '\u0085'],
    ['NBSP (U+00A0)', '\u00a0'],
    ['IDEOGRAPHIC SPACE (U+3000)', '\u3000'],
    ['LINE SEPARATOR (U+2028)', '\u2028']
  ]) {
    it(`fences a line that starts with ${name} before '::'`, () => {
      const out = captureStdout(() => new Writer().text(`The index said:\n${space}::error::forged`))
      // The premise: the line was printed.
      expect(out).toContain('::error::forged')
      expect(processed(out)).toEqual([])
    })
  }
})
