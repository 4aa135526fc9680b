import { CUT_MARK } from './excerpt.js'
import { escapeHtml } from './html.js'

/** Shorter secrets are not looked for: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 4

/**
 * Removes secrets from text before it is printed. The runner masks registered secrets only in its
 * log and only literally, while an index can echo a token encoded (JSON `\/` `\u002b`, HTML
 * `&#43;`, percent or form encoding, Basic auth's base64) or cut short (`…`, the end of the text).
 */
export class Redactor {
  /** The secrets, and the Basic-auth values made of them. */
  private readonly secrets = new Set<string>()
  private compiled: { secrets: string[]; patterns: RegExp[]; forms: string[] } | undefined

  /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
  add(secret: string | undefined, user?: string): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return
    this.secrets.add(secret)
    for (const name of new Set(['__token__', '', user ?? ''])) {
      this.secrets.add(Buffer.from(`${name}:${secret}`).toString('base64'))
    }
    this.compiled = undefined
  }

  /** The literal forms of every secret, for the runner's `::add-mask::` (which matches literally). */
  forms(): string[] {
    const forms = [...this.secrets].flatMap(s => [
      s,
      encodeURIComponent(s),
      new URLSearchParams({ s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
      escapeHtml(s)
    ])
    return [...new Set(forms)]
  }

  redact(text: string): string {
    // Longest first, so a secret inside a longer one (its base64) is not half-replaced.
    const secrets = [...this.secrets].sort((a, b) => b.length - a.length)
    this.compiled ??= {
      secrets,
      patterns: secrets.map(secret => new RegExp([...secret].map(characterPattern).join(''), 'g')),
      forms: this.forms().sort((a, b) => b.length - a.length)
    }
    let out = text
    // Without a character an encoding writes, a secret can only appear as itself: the literal
    // search spares V8 compiling the encoded patterns (~0.1 s per 100 characters of secret).
    if (/[%\\&+]/.test(text)) {
      for (const pattern of this.compiled.patterns) out = out.replace(pattern, '***')
    } else {
      for (const secret of this.compiled.secrets) out = out.split(secret).join('***')
    }
    out = redactCuts(out, this.compiled.forms)
    // A Basic header echoed back for any user: the user shifts the base64, so no form matches it.
    out = out.replace(BASIC_CREDENTIALS, (match, scheme: string, value: string) =>
      isBasicCredentials(value) ? `${scheme} ***` : match
    )
    // Tokens never registered still look like tokens: a PyPI macaroon's base64 starts with "AgE"
    // (a looser pattern would eat a "pypi-publish-…" temp folder).
    return out.replace(/pypi-AgE[A-Za-z0-9_-]{16,}/g, 'pypi-***')
  }
}

/**
 * One character written plainly or as a server, a URL or a page may encode it: percent-encoded
 * UTF-8, `+` for a space, JSON escapes, HTML references (decimal, hex, named); hex in either case.
 */
function characterPattern(char: string): string {
  const code = char.codePointAt(0) ?? 0
  const units = [...Array(char.length).keys()].map(i => char.charCodeAt(i))
  const ways = new Set([
    escapeRegExp(char),
    [...Buffer.from(char)].map(b => `%${hex(b, 2)}`).join(''),
    units.map(u => `\\\\u${hex(u, 4)}`).join(''),
    escapeRegExp(char === '/' ? '\\/' : JSON.stringify(char).slice(1, -1)),
    `&#0*${code};`,
    `&#[xX]0*${hex(code, 1)};`,
    escapeRegExp(HTML_NAMED[char] ?? char)
  ])
  if (char === ' ') ways.add('\\+')
  return `(?:${[...ways].join('|')})`
}

const HTML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;'
}

/** `n` in hex, each letter matching either case. */
function hex(n: number, width: number): string {
  const digits = n.toString(16).padStart(width, '0')
  return digits.replace(/[a-f]/g, letter => `[${letter}${letter.toUpperCase()}]`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/**
 * A message cut to a length can end in the first characters of a secret, so each piece before a
 * cut (`…`) or the end of the text loses any start of a secret's form it ends with.
 */
function redactCuts(text: string, forms: readonly string[]): string {
  const cutPiece = (piece: string): string => {
    for (const form of forms) {
      for (
        let length = Math.min(form.length - 1, piece.length);
        length >= MIN_SECRET_LENGTH;
        length--
      ) {
        if (piece.endsWith(form.slice(0, length))) return `${piece.slice(0, -length)}***`
      }
    }
    return piece
  }
  return text.split(CUT_MARK).map(cutPiece).join(CUT_MARK)
}

const BASIC_CREDENTIALS = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/gi

/** Base64 of printable `user:password` text; "Basic realm" and "Basic authentication" are not. */
function isBasicCredentials(value: string): boolean {
  const decoded = Buffer.from(value, 'base64')
  if (decoded.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) return false
  const text = decoded.toString('utf8')
  return text.includes(':') && [...text].every(c => c >= ' ' && c !== '\u007f' && c !== '\ufffd')
}
