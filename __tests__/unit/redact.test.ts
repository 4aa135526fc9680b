import { describe, expect, it } from '@jest/globals'
import { Redactor } from '../../src/shared/redact.js'

describe('Redactor', () => {
  const token = 'pypi-AgEIcHlwaS5vcmcCJDU0NzU1'
  const redactor = new Redactor()
  redactor.add(token)

  it('removes the token, its URL-encoded form and its Basic-auth form', () => {
    const basic = Buffer.from(`__token__:${token}`).toString('base64')
    const text = `token=${token} enc=${encodeURIComponent(token)} Authorization: Basic ${basic}`
    const out = redactor.redact(text)
    expect(out).not.toContain(token)
    expect(out).not.toContain(basic)
    expect(out).toBe('token=*** enc=*** Authorization: Basic ***')
  })
  it("knows the Basic-auth form for the run's own user, for the runner's masking", () => {
    const r = new Redactor()
    r.add('hunter2-secret', 'alice')
    expect(r.forms()).toContain(Buffer.from('alice:hunter2-secret').toString('base64'))
  })
  it('removes PyPI-shaped tokens it was never told about', () => {
    expect(redactor.redact('other pypi-AgENdGVzdC5weXBpLm9yZwIkZjU here')).toBe(
      'other pypi-*** here'
    )
    expect(redactor.redact('/tmp/pypi-publish-demo-yWPa0D/dist')).toBe(
      '/tmp/pypi-publish-demo-yWPa0D/dist'
    )
  })
  it('ignores empty and trivially short secrets (they would blank out ordinary text)', () => {
    const r = new Redactor()
    r.add('')
    r.add('ab')
    expect(r.redact('about ab')).toBe('about ab')
  })
})
