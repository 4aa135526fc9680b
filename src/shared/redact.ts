/**
 * Removes secrets from text before it is printed anywhere. The runner masks registered secrets in
 * its log, but not in step summaries written by file, nor outside GitHub's runner, and a server can
 * echo a token in a form we did not register (Basic auth's base64), so we redact ourselves too.
 */
export class Redactor {
  private readonly patterns = new Set<string>()

  /** `user`: the username the secret is sent with, so its Basic-auth form is known too. */
  add(secret: string | undefined, user?: string): void {
    if (!secret || secret.length < 4) return
    this.patterns.add(secret)
    // The forms a secret takes on the wire: Basic credentials, URL-encoded.
    this.patterns.add(encodeURIComponent(secret))
    for (const name of new Set(['__token__', '', user ?? ''])) {
      this.patterns.add(Buffer.from(`${name}:${secret}`, 'utf8').toString('base64'))
    }
  }

  /** Every form of a secret this redactor knows, for core.setSecret. */
  forms(): string[] {
    return [...this.patterns]
  }

  redact(text: string): string {
    let out = text
    // Longest first, so that a secret inside a longer encoded form is not half-replaced.
    for (const pattern of [...this.patterns].sort((a, b) => b.length - a.length)) {
      out = out.split(pattern).join('***')
    }
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
