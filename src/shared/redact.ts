import { CUT_MARK } from './excerpt.js'
import { escapeHtml } from './html.js'

/** Shorter secrets are not looked for: they would blank out ordinary words. */
export const MIN_SECRET_LENGTH = 4
/** The first characters of a secret that are never shown, cut or not, from this many. */
const MIN_SHOWN_PREFIX = 12
/** A cut-off start of a secret inside decoded base64 or hex counts from this length. */
const MIN_DECODED_PREFIX = 8

/**
 * Removes secrets from text before it is printed. The runner masks registered secrets only in its
 * log and only literally, while an index can echo a token in any encoding, nested (percent-encoded
 * twice), wrapped over lines, or cut short. So the rule is by what a text decodes to, not form by
 * form: the text is read as written, without its line breaks, and decoded layer by layer (percent,
 * form, JSON and Python escapes, HTML references); a secret, or a secret's start before a cut (`…`)
 * or the end, found in any layer is replaced where it stands in the text. Runs of base64 or hex
 * that decode to a secret are replaced whole.
 */
export class Redactor {
  /** The secrets as given. */
  private readonly secrets = new Set<string>()
  /** The Basic-auth values made of them (they are matched as secrets too). */
  private readonly basic = new Set<string>()

  /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
  add(secret: string | undefined, user?: string): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return
    this.secrets.add(secret)
    for (const name of new Set(['__token__', '', user ?? ''])) {
      this.basic.add(Buffer.from(`${name}:${secret}`).toString('base64'))
    }
  }

  /** The literal forms of every secret, for the runner's `::add-mask::` (which matches literally). */
  forms(): string[] {
    const forms = [...this.secrets, ...this.basic].flatMap(s => [
      s,
      encodeURIComponent(s),
      new URLSearchParams({ s }).toString().slice(2),
      JSON.stringify(s).slice(1, -1),
      escapeHtml(s)
    ])
    for (const s of this.secrets) {
      const bytes = Buffer.from(s)
      forms.push(
        bytes.toString('base64'),
        bytes.toString('hex'),
        bytes.toString('hex').toUpperCase()
      )
    }
    return [...new Set(forms)]
  }

  redact(text: string): string {
    // Longest first, so that a secret inside a longer one leaves no piece of the longer one.
    const secrets = [...this.secrets, ...this.basic].sort((a, b) => b.length - a.length)
    let out = text
    if (secrets.length > 0) {
      const spans: Span[] = []
      for (const view of views(text)) {
        findSecrets(view, secrets, spans)
        findEncodedRuns(view, [...this.secrets], spans)
      }
      out = replaceSpans(text, spans)
    }
    // A Basic header echoed back for any user: the user shifts the base64, so no form matches it.
    out = out.replace(BASIC_CREDENTIALS, (match, scheme: string, value: string) =>
      isBasicCredentials(value) ? `${scheme} ***` : match
    )
    // Tokens never registered still look like tokens: a PyPI macaroon's base64 starts with "AgE"
    // (a looser pattern would eat a "pypi-publish-…" temp folder).
    return out.replace(/pypi-AgE[A-Za-z0-9_-]{16,}/g, 'pypi-***')
  }
}

/** A text as read for matching: each character's span [from, to) in the original text. */
interface View {
  text: string
  from: number[]
  to: number[]
}

type Span = [from: number, to: number]

/**
 * The text as written, then without line breaks (a wrapped page), then decoded once, twice and a
 * third time (nested encodings), each with `+` read as itself and as a form's space.
 */
function views(text: string): View[] {
  const from = Array.from({ length: text.length }, (_, i) => i)
  const written: View = { text, from, to: from.map(i => i + 1) }
  // Most lines hold no escape and no break: the text as written is the only way to read them.
  if (!/[%\\&+\r\n]/.test(text)) return [written]
  const unwrapped = withoutLineBreaks(written)
  const all = [written, unwrapped]
  for (const plusIsSpace of [false, true]) {
    let view = unwrapped
    for (let depth = 0; depth < 3; depth++) {
      const decoded = withoutLineBreaks(decodeOnce(view, plusIsSpace))
      if (decoded.text === view.text) break
      all.push(decoded)
      view = decoded
    }
  }
  return all
}

/** Builds a view from pieces, each a decoded text standing for the span [start, end) of `view`. */
class ViewBuilder {
  readonly text: string[] = []
  readonly from: number[] = []
  readonly to: number[] = []
  constructor(private readonly view: View) {}
  push(decoded: string, start: number, end: number): void {
    for (let i = 0; i < decoded.length; i++) {
      this.text.push(decoded[i])
      this.from.push(this.view.from[start])
      this.to.push(this.view.to[end - 1])
    }
  }
  build(): View {
    return { text: this.text.join(''), from: this.from, to: this.to }
  }
}

/** Line breaks and the blanks around them, as a page wrapping a long token writes them. */
function withoutLineBreaks(view: View): View {
  if (!/[\r\n]/.test(view.text)) return view
  const out = new ViewBuilder(view)
  const breaks = /[ \t]*[\r\n]+[ \t]*/g
  let last = 0
  for (const match of view.text.matchAll(breaks)) {
    for (let i = last; i < match.index; i++) out.push(view.text[i], i, i + 1)
    last = match.index + match[0].length
  }
  for (let i = last; i < view.text.length; i++) out.push(view.text[i], i, i + 1)
  return out.build()
}

const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t'
}
const HTML_NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'"
}
/** One escape of any encoding an index, a URL or a page writes. */
const ESCAPE =
  /(?:%[0-9A-Fa-f]{2})+|\\u[0-9A-Fa-f]{4}|\\x[0-9A-Fa-f]{2}|\\["'\\/bfnrt]|&#[0-9]{1,7};|&#[xX][0-9A-Fa-f]{1,6};|&(?:amp|lt|gt|quot|apos);|\+/g

const PARTIAL_ESCAPE =
  /(?:\\(?:u[0-9A-Fa-f]{0,3}|x[0-9A-Fa-f]?)?|%[0-9A-Fa-f]?|&#?[xX]?[0-9A-Fa-f]*)$/

/** Every escape in `view` decoded once; the rest as it is. */
function decodeOnce(view: View, plusIsSpace: boolean): View {
  const out = new ViewBuilder(view)
  const text = view.text
  let last = 0
  for (const match of text.matchAll(ESCAPE)) {
    const start = match.index
    const escape = match[0]
    for (let i = last; i < start; i++) out.push(text[i], i, i + 1)
    last = start + escape.length
    if (escape.startsWith('%')) {
      // Percent-encoded UTF-8: ASCII byte by byte, so a secret's span ends where it does.
      const bytes = Buffer.from(escape.replace(/%/g, ''), 'hex')
      if (bytes.every(b => b < 0x80)) {
        bytes.forEach((b, k) => out.push(String.fromCharCode(b), start + 3 * k, start + 3 * k + 3))
      } else out.push(bytes.toString('utf8'), start, last)
    } else if (escape === '+') out.push(plusIsSpace ? ' ' : '+', start, last)
    else out.push(decodeEscape(escape), start, last)
  }
  for (let i = last; i < text.length; i++) out.push(text[i], i, i + 1)
  return out.build()
}

function decodeEscape(escape: string): string {
  if (escape.startsWith('\\u') || escape.startsWith('\\x')) {
    return String.fromCharCode(parseInt(escape.slice(2), 16))
  }
  if (escape.startsWith('\\')) return JSON_ESCAPES[escape[1]]
  if (escape.startsWith('&#')) {
    const hex = escape[2] === 'x' || escape[2] === 'X'
    const code = parseInt(escape.slice(hex ? 3 : 2, -1), hex ? 16 : 10)
    return code <= 0x10ffff ? String.fromCodePoint(code) : escape
  }
  return HTML_NAMED[escape.slice(1, -1)]
}

/** Each secret in the view, and each start of one that ends where the text was cut or ends. */
function findSecrets(view: View, secrets: readonly string[], spans: Span[]): void {
  const { text, from, to } = view
  for (const secret of secrets) {
    // The secret, or its first characters cut short by the index itself and followed by more text:
    // that many characters already narrow the secret down, wherever they stand.
    const head = secret.slice(0, Math.min(secret.length, MIN_SHOWN_PREFIX))
    for (let i = text.indexOf(head); i >= 0; i = text.indexOf(head, i + 1)) {
      let end = i + head.length
      while (end < text.length && end - i < secret.length && text[end] === secret[end - i]) end++
      if (end - i === secret.length || head.length === MIN_SHOWN_PREFIX) {
        spans.push([from[i], to[end - 1]])
      }
    }
  }
  const cuts = [text.length]
  for (let i = text.indexOf(CUT_MARK); i >= 0; i = text.indexOf(CUT_MARK, i + 1)) cuts.push(i)
  for (const cut of cuts) {
    // A cut can fall inside an escape: its first characters are not a character yet.
    const before = text.slice(0, cut).replace(PARTIAL_ESCAPE, '')
    const start = cutSecretStart(before, secrets, MIN_SECRET_LENGTH)
    if (start !== undefined) spans.push([from[start], to[cut - 1]])
  }
}

/** Where `text` ends in the first characters of a secret (at least `min` of them). */
function cutSecretStart(text: string, secrets: readonly string[], min: number): number | undefined {
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length >= min; length--) {
      if (text.endsWith(secret.slice(0, length))) return text.length - length
    }
  }
  return undefined
}

const HEX_RUN = /[0-9A-Fa-f]{8,}/g
const BASE64_RUN = /[A-Za-z0-9+/_-]{8,}={0,2}/g

/** Runs of hex or base64 that decode to a secret (or, at a cut or the end, to its start). */
function findEncodedRuns(view: View, secrets: readonly string[], spans: Span[]): void {
  const { text, from, to } = view
  const decodings: Array<[RegExp, (run: string) => string[]]> = [
    [HEX_RUN, run => [0, 1].map(k => Buffer.from(run.slice(k), 'hex').toString('utf8'))],
    [BASE64_RUN, run => [0, 1, 2, 3].map(k => Buffer.from(run.slice(k), 'base64').toString('utf8'))]
  ]
  for (const [pattern, decode] of decodings) {
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length
      const atCut = end === text.length || text.startsWith(CUT_MARK, end)
      const hidesSecret = decode(match[0]).some(
        decoded =>
          secrets.some(secret => decoded.includes(secret)) ||
          (atCut && cutSecretStart(decoded, secrets, MIN_DECODED_PREFIX) !== undefined)
      )
      if (hidesSecret) spans.push([from[match.index], to[end - 1]])
    }
  }
}

/** The text with each span (merged where they overlap) replaced by `***`. */
function replaceSpans(text: string, spans: Span[]): string {
  if (spans.length === 0) return text
  spans.sort((a, b) => a[0] - b[0])
  let out = ''
  let last = 0
  for (const [start, end] of spans) {
    if (end <= last) continue
    if (start >= last) out += text.slice(last, start) + '***'
    last = end
  }
  return out + text.slice(last)
}

const BASIC_CREDENTIALS = /\b(Basic)\s+([A-Za-z0-9+/]{4,}={0,2})/gi

/** Base64 of printable `user:password` text; "Basic realm" and "Basic authentication" are not. */
function isBasicCredentials(value: string): boolean {
  const decoded = Buffer.from(value, 'base64')
  if (decoded.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) return false
  const text = decoded.toString('utf8')
  return text.includes(':') && [...text].every(c => c >= ' ' && c !== '\u007f' && c !== '\ufffd')
}

/**
 * Text from outside (an index's answer) with every run that could be a secret nobody registered
 * replaced: as long as a token, mixing lower case, upper case and digits, and as varied as random
 * text. Digests (hex in one case), words, versions and file names are none of these.
 */
export function hideTokenLike(text: string): string {
  return text.replace(/[A-Za-z0-9+/_=-]{24,}/g, run => (isTokenLike(run) ? '***' : run))
}

function isTokenLike(run: string): boolean {
  const kind = (c: string): string =>
    /[a-z]/.test(c) ? 'a' : /[A-Z]/.test(c) ? 'A' : /[0-9]/.test(c) ? '0' : c
  const kinds = [...run].map(kind)
  if (!kinds.includes('a') || !kinds.includes('A') || !kinds.includes('0')) return false
  // Random text changes between lower case, upper case and digits at about two characters in
  // three; a CamelCase name or a word with a number far less often.
  const changes = kinds.filter((k, i) => i > 0 && k !== kinds[i - 1]).length
  if (changes < 0.4 * run.length) return false
  const counts = new Map<string, number>()
  for (const c of run) counts.set(c, (counts.get(c) ?? 0) + 1)
  let bits = 0
  for (const n of counts.values()) bits -= (n / run.length) * Math.log2(n / run.length)
  return bits >= 4
}
