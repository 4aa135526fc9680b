/**
 * The command line's log: outside text can neither steer a terminal nor, when the command line
 * runs inside a CI system that reads commands from output (GitHub Actions), issue one.
 */
import { describe, expect, it } from '@jest/globals'
import { cliLog, printable } from '../../src/cli/log.js'

describe('printable', () => {
  it('escapes terminal controls, line separators and bidirectional overrides', () => {
    expect(printable('a\u001b[2Jb\rc\u2028d\u202ee')).toBe('a\\x1b[2Jb\\x0dc\\u2028d\\u202ee')
  })

  it('never leaves a line that a runner reads as a workflow command', () => {
    expect(printable('::error::forged')).toBe('\\x3a:error::forged')
    expect(printable('   ::add-mask::x')).toBe('   \\x3a:add-mask::x')
    // NEL, which .NET trims as whitespace, is escaped itself, so nothing precedes the colons.
    expect(printable('\u0085::stop-commands::t')).toBe('\\x85::stop-commands::t')
    expect(printable('text ##[error]legacy')).toBe('text #\\x23[error]legacy')
    expect(printable('plain: text with :: inside')).toBe('plain: text with :: inside')
  })
})

describe('cliLog', () => {
  it('splits messages into lines, each redacted and made printable', () => {
    const out: string[] = []
    const log = cliLog({
      out: text => out.push(text),
      err: text => out.push(text),
      redact: text => text.replaceAll('s3cret', '***'),
      verbose: false
    })
    log.info('index said:\n::error::s3cret forged\nok')
    log.debug('hidden without --verbose')
    expect(out).toEqual(['index said:\n', '\\x3a:error::*** forged\n', 'ok\n'])
  })

  it('prints a group heading with its first line, and none for a group without lines', async () => {
    const out: string[] = []
    const log = cliLog({
      out: text => out.push(text),
      err: text => out.push(text),
      redact: text => text,
      verbose: false
    })
    await log.group('Quiet', async () => log.debug('hidden without --verbose'))
    await log.group('Reading the index', async () => {
      await Promise.resolve()
      log.warning('one warning')
      log.info('one line')
    })
    log.info('after')
    expect(out.join('')).toBe('── Reading the index\nwarning: one warning\none line\nafter\n')
  })
})
