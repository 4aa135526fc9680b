import { CUT_MARK } from './excerpt.js'
import { escapeHtml } from './html.js'

/**
 * Removes secrets from text before it is printed anywhere. The runner masks registered secrets in
 * its log, but not in step summaries written by file, nor outside GitHub's runner, and a server
 * can echo a token in a form we did not register: inside JSON (`\/`, `\u002b`), inside HTML
 * (`&amp;`, `&#43;`), form- or percent-encoded (`+`, `%2B`, `%2b`), or as Basic auth's base64.
 * So each secret is matched character by character in any of those encodings, and a secret cut
 * short by a truncation (`…`, or the end of the text) does not leave its first characters behind.
 */
export class Redactor {
  /** The secrets, and the Basic-auth values made of them: each is looked for in every encoding. */
  private readonly secrets = new Set<string>()
  private compiled: { whole: RegExp[]; cut: string[] } | undefined

  /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
  add(secret: string | undefined, user?: string): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return
    this.secrets.add(secret)
    for (const name of new Set(['__token__', '', user ?? ''])) {
      this.secrets.add(Buffer.from(`${name}:${secret}`, 'utf8').toString('base64'))
    }
    this.compiled = undefined
  }

  /** The literal forms of every secret, for the runner's `::add-mask::` (which matches literally). */
  forms(): string[] {
    const forms = new Set<string>()
    for (const secret of this.secrets) {
      for (const form of [
        secret,
        encodeURIComponent(secret),
        formEncode(secret),
        JSON.stringify(secret).slice(1, -1),
        escapeHtml(secret)
      ])
        forms.add(form)
    }
    return [...forms]
  }

  redact(text: string): string {
    const { whole, cut } = this.compile()
    let out = text
    if (ENCODING_MARKS.test(text)) {
      for (const pattern of whole) out = out.replace(pattern, '***')
    } else {
      // Without any of the characters an encoding writes, a secret can only appear as itself; the
      // literal search spares the first lines printed the patterns' compilation (~40 ms at start).
      for (const secret of this.sortedSecrets()) out = out.split(secret).join('***')
    }
    out = redactCuts(out, cut)
    // Basic credentials we could not precompute: the base64 covers `user:password`, and the
    // user (any name on self-hosted indexes) shifts the password's bytes, so no registered form
    // matches a header echoed back by a server.
    out = out.replace(BASIC_CREDENTIALS, (match, scheme: string, value: string) =>
      isBasicCredentials(value) ? `${scheme} ***` : match
    )
    // Tokens we were never told about (e.g. echoed from another source) still look like tokens:
    // PyPI tokens are macaroons, whose base64 always starts with "AgE". A looser pattern would
    // eat ordinary words such as a "pypi-publish-…" temp folder.
    return out.replace(/pypi-AgE[A-Za-z0-9_-]{16,}/g, 'pypi-***')
  }

  private sortedSecrets(): string[] {
    return [...this.secrets].sort((a, b) => b.length - a.length)
  }

  private compile(): { whole: RegExp[]; cut: string[] } {
    if (!this.compiled) {
      // Longest first, so that a secret inside a longer one (its base64) is not half-replaced.
      const secrets = this.sortedSecrets()
      this.compiled = {
        // Compiled on first use only (see `redact`): V8 compiles these on their first match.
        whole: secrets.map(secret => new RegExp(encodedPattern(secret), 'g')),
        cut: this.forms().sort((a, b) => b.length - a.length)
      }
    }
    return this.compiled
  }
}

/**
 * The characters every encoded form of a character starts with (percent, JSON escape, HTML
 * reference, `+` for a space): a text without them can hold a secret only as itself.
 */
const ENCODING_MARKS = /[%\\&+]/

/** Shorter secrets are not looked for: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 4

/**
 * A pattern matching `secret` with each character written plainly or in any encoding a server,
 * a URL or a page may give it: percent-encoded UTF-8 (either case of hex), `+` for a space, JSON
 * escapes (`\uXXXX`, `\/`, `\"`, `\\`), HTML character references (decimal, hex, named).
 */
function encodedPattern(secret: string): string {
  return [...secret].map(cachedCharacterPattern).join('')
}

/**
 * A token and its Basic-auth forms are hundreds of characters from an alphabet of about 64, so
 * each character's pattern is built once (this was the first log line's largest cost).
 */
const characterPatterns = new Map<string, string>()

function cachedCharacterPattern(char: string): string {
  let pattern = characterPatterns.get(char)
  if (pattern === undefined) characterPatterns.set(char, (pattern = characterPattern(char)))
  return pattern
}

function characterPattern(char: string): string {
  const ways = new Set<string>([escapeRegExp(char)])
  const bytes = [...Buffer.from(char, 'utf8')]
  ways.add(bytes.map(b => `%${hexEitherCase(b)}`).join(''))
  if (char === ' ') ways.add('\\+')
  // JSON: \uXXXX for each UTF-16 unit, and the short escapes.
  const units = [...Array(char.length).keys()].map(i => char.charCodeAt(i))
  ways.add(units.map(u => `\\\\u${hexEitherCase(u, 4)}`).join(''))
  const short = JSON_SHORT[char]
  if (short) ways.add(escapeRegExp(short))
  // HTML: &#NN; &#xHH; (leading zeros allowed), and the named references.
  const code = char.codePointAt(0) ?? 0
  ways.add(`&#0*${code};`)
  ways.add(`&#[xX]0*${hexEitherCase(code, 1)};`)
  const named = HTML_NAMED[char]
  if (named) ways.add(named)
  return `(?:${[...ways].join('|')})`
}

const JSON_SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f'
}

const HTML_NAMED: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;'
}

/** `n` in hex, each letter matching either case. */
function hexEitherCase(n: number, width = 2): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, letter => `[${letter}${letter.toUpperCase()}]`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

/** application/x-www-form-urlencoded, as an HTML form or URLSearchParams writes it. */
function formEncode(text: string): string {
  return new URLSearchParams({ s: text }).toString().slice(2)
}

/**
 * A message cut to a length (an excerpt of an index's answer, a program's last line) can end in
 * the first characters of a secret: the whole secret is not there to be matched. So the end of
 * the text, and every place marked as a cut (`…`), loses any start of a secret's form it ends
 * with, down to MIN_SECRET_LENGTH characters.
 */
function redactCuts(text: string, forms: readonly string[]): string {
  // Every piece of the text ends at a cut: a `…` after it, or the end of the text.
  return text
    .split(CUT_MARK)
    .map(piece => {
      for (const form of forms) {
        const longest = Math.min(form.length - 1, piece.length)
        for (let length = longest; length >= MIN_SECRET_LENGTH; length--) {
          if (piece.endsWith(form.slice(0, length))) return `${piece.slice(0, -length)}***`
        }
      }
      return piece
    })
    .join(CUT_MARK)
}

const BASIC_CREDENTIALS = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/gi

/**
 * Whether `value` is the base64 of `user:password` text: it round-trips through base64 and
 * decodes to printable text with a colon. Ordinary words after "Basic" ("Basic authentication",
 * "Basic realm") do not, so messages about authentication stay readable.
 */
function isBasicCredentials(value: string): boolean {
  const decoded = Buffer.from(value, 'base64')
  if (decoded.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) return false
  const text = decoded.toString('utf8')
  const printable = [...text].every(c => c >= ' ' && c !== '\u007f' && c !== '\ufffd')
  return printable && text.includes(':')
}
