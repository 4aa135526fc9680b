import { describe, expect, it } from '@jest/globals'
import { excerpt } from '../../src/shared/excerpt.js'
import { hideTokenLike, MIN_SECRET_LENGTH, Redactor } from '../../src/shared/redact.js'

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

describe('Redactor: every encoding of a secret', () => {
  // Characters that each encoding changes: space, +, /, &, <, ", ', %, =, and a non-ASCII letter.
  const secret = 'p@ss w+rd/&<"\'%=é-tail'
  const user = 'alice'
  const redactor = new Redactor()
  redactor.add(secret, user)
  const basic = Buffer.from(`${user}:${secret}`).toString('base64')

  const encodings: Record<string, string> = {
    plain: secret,
    'percent-encoded (encodeURIComponent)': encodeURIComponent(secret),
    'percent-encoded, lower-case hex': encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, h =>
      h.toLowerCase()
    ),
    'percent-encoded, every character': [...Buffer.from(secret)]
      .map(b => `%${b.toString(16).padStart(2, '0')}`)
      .join(''),
    'form-encoded (+ for space)': new URLSearchParams({ s: secret }).toString().slice(2),
    'JSON-escaped': JSON.stringify(secret).slice(1, -1),
    'JSON-escaped with \\/ and \\u escapes (ensure_ascii)': JSON.stringify(secret)
      .slice(1, -1)
      .replace(/\//g, '\\/')
      .replace(/[^\x20-\x7e]|[+&<>']/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'HTML-escaped (named)': secret
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;'),
    'HTML-escaped (hex references)': [...secret]
      .map(c => (/[a-z]/.test(c) ? c : `&#x${c.codePointAt(0)?.toString(16).toUpperCase()};`))
      .join(''),
    'Basic credentials of the user': basic,
    'Basic credentials, JSON-escaped': JSON.stringify(basic).slice(1, -1).replace(/\//g, '\\/'),
    'Basic credentials, percent-encoded': encodeURIComponent(basic)
  }
  for (const [name, form] of Object.entries(encodings)) {
    it(`removes the ${name} form`, () => {
      // The premise: this form is written differently from the others we test.
      const out = redactor.redact(`before ${form} after`)
      expect(out).toBe('before *** after')
    })
  }

  it('gives the runner the literal forms it can mask', () => {
    const forms = redactor.forms()
    for (const name of [
      'plain',
      'percent-encoded (encodeURIComponent)',
      'form-encoded (+ for space)',
      'JSON-escaped',
      'Basic credentials of the user'
    ]) {
      expect(forms).toContain(encodings[name])
    }
  })

  it('leaves no start of a secret where a message was cut', () => {
    const r = new Redactor()
    r.add('hunter2-secret-value')
    const body = `{"detail": "bad password hunter2-secret-value"}`
    // Cut inside the secret, as a 34-character excerpt would.
    const cut = body.slice(0, 34)
    expect(cut.endsWith('hunter2-s')).toBe(true)
    expect(r.redact(`Index said: ${cut}… (HTTP 403)`)).toBe(
      'Index said: {"detail": "bad password ***… (HTTP 403)'
    )
    expect(r.redact(`← ${cut}`)).toBe('← {"detail": "bad password ***')
    // A word that merely shares a few letters with the secret, not at a cut, stays.
    expect(r.redact('hunter2 is a famous password, hunters')).toBe(
      'hunter2 is a famous password, hunters'
    )
  })

  it('leaves no start of a secret that excerpt() cut, wherever the excerpt is quoted', () => {
    const secret = 'pypi-AgEIcHlwaS5vcmcCJGFiY2RlZg'
    const r = new Redactor()
    r.add(secret)
    for (const body of [
      `{"detail": "bad token ${secret} here"}`,
      `token=${encodeURIComponent(secret)}`
    ]) {
      const start = body.indexOf('pypi')
      // Every cut that leaves MIN_SECRET_LENGTH or more of the secret's characters behind.
      for (let max = start + MIN_SECRET_LENGTH; max < start + secret.length; max++) {
        const shown = r.redact(`Index said: ${excerpt(body, max)} (HTTP 403). Check the token.`)
        expect(shown).not.toContain(secret.slice(0, MIN_SECRET_LENGTH))
        expect(shown).toMatch(/\*\*\*… \(HTTP 403\)\. Check the token\.$/)
      }
    }
  })
})

describe('Redactor: texts without any encoding mark', () => {
  // Such texts skip the encoded patterns (start-up: compiling them costs ~40 ms); they must still
  // lose every secret written as itself, including one inside a longer word and several times.
  const redactor = new Redactor()
  const token = 'pypi-AgEIcHlwaS5vcmcCJDU0NzU1'
  redactor.add(token, 'alice')

  it('removes a plain secret wherever and however often it appears', () => {
    expect(redactor.redact(`a${token}b ${token}`)).toBe('a***b ***')
  })

  it('removes a secret that looks like an encoded form of another character', () => {
    const secret = 'abc5_uvw_xyz'
    const own = new Redactor()
    own.add(secret)
    expect(own.redact(`x ${secret}; y`)).toBe('x ***; y')
    expect(own.redact(`x ${secret.replace('5', '%35')}; y`)).toBe('x ***; y')
  })
})

describe('Redactor: the forms an echoing index writes beyond single encodings (issue 20)', () => {
  const token =
    'pypi-AgEIcHlwaS5vcmcCJDdkNmQ4YzQ0LTk1ZjctNGU2Yi05ZjBmLTNkYjE3ZDQ1YjU4MwACKlszLCI5MmFh'
  const short = 'hunter2-secret-value'
  const redactor = new Redactor()
  redactor.add(token)
  redactor.add(short)
  // Every character as a JSON \u escape, as an ensure_ascii=True dump of a binary-safe echo does.
  const uEscaped = (s: string): string =>
    [...s].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')

  const forms: Record<string, (s: string) => string> = {
    'split over two lines (a wrapped page)': s => `${s.slice(0, 12)}\n${s.slice(12)}`,
    'split over lines with indentation (CRLF)': s => `${s.slice(0, 9)}\r\n    ${s.slice(9)}`,
    'every character \\u-escaped (JSON)': uEscaped,
    'hex, lower case': s => Buffer.from(s).toString('hex'),
    'hex, upper case': s => Buffer.from(s).toString('hex').toUpperCase(),
    'base64 of the secret alone': s => Buffer.from(s).toString('base64'),
    'base64url of the secret alone': s => Buffer.from(s).toString('base64url'),
    'percent-encoded twice': s => encodeURIComponent(encodeURIComponent(s).replace(/-/g, '%2D')),
    'JSON \\u escapes, then percent-encoded': s => encodeURIComponent(uEscaped(s)),
    'Python bytes repr (\\x escapes)': s =>
      [...Buffer.from(s)].map(b => `\\x${b.toString(16).padStart(2, '0')}`).join('')
  }
  for (const [name, form] of Object.entries(forms)) {
    for (const secret of [token, short]) {
      it(`removes the ${name} form of a ${secret === token ? 'PyPI token' : 'plain password'}`, () => {
        const shown = redactor.redact(`{"detail": "refused ${form(secret)}", "code": 403}`)
        expect(shown).toBe('{"detail": "refused ***", "code": 403}')
      })
    }
  }

  it('removes the start of a \\u-escaped, hex or base64 echo cut short', () => {
    // Cut after 4 to 19 of the secret's characters, and inside an escape.
    const cuts: Array<[(s: string) => string, number[]]> = [
      [uEscaped, [6 * 4, 6 * 5 + 3, 6 * 11, 6 * 19 + 5]],
      [(s: string) => Buffer.from(s).toString('hex'), [2 * 8, 2 * 9 + 1, 2 * 19]]
    ]
    for (const [form, keeps] of cuts) {
      const echo = `{"detail": "refused ${form(short)}"}`
      const at = echo.indexOf('refused ') + 8
      for (const keep of keeps) {
        const cut = `${echo.slice(0, at + keep)}…`
        const shown = redactor.redact(`Index said: ${cut} (HTTP 403)`)
        expect(shown).toBe('Index said: {"detail": "refused ***… (HTTP 403)')
      }
    }
    const base64 = Buffer.from(short).toString('base64')
    expect(redactor.redact(`token ${base64.slice(0, 16)}`)).toBe('token ***')
  })

  it('leaves digests, words and file names alone', () => {
    const text =
      'sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 of ' +
      'demo_pkg-1.0.0-py3-none-any.whl: distributions uploaded; MD5 D41D8CD98F00B204E9800998ECF8427E'
    expect(redactor.redact(text)).toBe(text)
  })
})

describe('Redactor: a secret the index cut short itself, text following', () => {
  it('removes a start of 12 or more characters wherever it stands, decoded or not', () => {
    const secret = 'hunter2-secret-value-0123456789'
    const r = new Redactor()
    r.add(secret)
    const u = (t: string): string =>
      [...t].map(c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
    expect(r.redact(`{"detail": "bad ${secret.slice(0, 12)}", "code": 1}`)).toBe(
      '{"detail": "bad ***", "code": 1}'
    )
    expect(r.redact(`{"detail": "bad ${u(secret.slice(0, 20))}", "code": 1}`)).toBe(
      '{"detail": "bad ***", "code": 1}'
    )
    // Fewer characters, not at a cut: ordinary text that happens to share them stays.
    expect(r.redact('hunter2-secr is not it, nor hunter2 here')).toBe(
      '*** is not it, nor hunter2 here'
    )
  })
})

describe("hideTokenLike: what could be a secret in an index's answer", () => {
  it('replaces token-like runs, and leaves digests, words, versions and file names', () => {
    const unknown = 'glpat-Xq7mZ2vR9kLp4TbW8nYc3Hd'
    const macaroon = 'AgEIcHlwaS5vcmcCJDdkNmQ4YzQ0LTk1ZjctNGU2Yi05ZjBmLTNkYjE3ZDQ1YjU4Mw'
    expect(hideTokenLike(`Invalid token ${unknown}; header ${macaroon}.`)).toBe(
      'Invalid token ***; header ***.'
    )
    const plain =
      'File already exists (demo_pkg-1.0.0-py3-none-any.whl, with sha256 ' +
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08). See ' +
      'https://pypi.org/help/#file-name-reuse for more information. Version 2024.12.0rc1, ' +
      'MD5 D41D8CD98F00B204E9800998ECF8427E, InvalidDistributionFilename1Error'
    expect(hideTokenLike(plain)).toBe(plain)
  })
})
