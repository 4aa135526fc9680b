import { TOKEN_LOCATIONS, type PypiTarget } from '../shared/pypi-hosts.js'

/**
 * Whether a password can be a PyPI API token, checked before anything is sent: PyPI would answer
 * a bare 403, and a release waits on someone reading it. The message says what is wrong without
 * the token: at most its first four characters, and only when it is not a PyPI token at all.
 */

const TOKEN_PREFIX = 'pypi-'

/** Other services' token prefixes people paste by mistake. */
const FOREIGN_PREFIXES: Array<[string, string]> = [
  ['github_pat_', 'a GitHub fine-grained personal access token'],
  ['ghp_', 'a GitHub personal access token'],
  ['gho_', 'a GitHub OAuth token'],
  ['ghu_', 'a GitHub App user token'],
  ['ghs_', 'a GitHub App or GITHUB_TOKEN installation token'],
  ['ghr_', 'a GitHub refresh token'],
  ['glpat-', 'a GitLab personal access token'],
  ['eyJ', 'a JWT (such as a GitHub ID token)']
]

/** Shown only when the value is long enough that four characters give nothing useful away. */
const SHOW_PREFIX_FROM_LENGTH = 16

/**
 * undefined when `token` (already trimmed of surrounding whitespace) can be a token for `target`;
 * otherwise what is wrong. `source` names where it came from (`the 'password' input`).
 */
export function pypiTokenProblem(
  token: string,
  target: PypiTarget,
  source: string
): string | undefined {
  const index = target === 'pypi' ? 'PyPI' : 'TestPyPI'
  const fix =
    `Create an API token at https://${TOKEN_LOCATIONS[target]}/manage/account/token/ and store ` +
    'it whole (it starts with pypi-) as the secret, or leave the password out and use trusted ' +
    'publishing.'
  const lineBreak = /[\r\n]/.test(token)
  if (lineBreak || /\s/.test(token)) {
    return (
      `${capitalize(source)} contains ${lineBreak ? 'a line break' : 'whitespace'}, so it cannot be ` +
      `a ${index} API token (one line, no spaces). The secret probably holds more than the token ` +
      `(a label, a second line, or a token split when copied): store only the token. ${fix}`
    )
  }
  if (!token.startsWith(TOKEN_PREFIX)) {
    return `${capitalize(source)} ${describeForeign(token)}, so it is not a ${index} API token (those start with 'pypi-'). ${index} accepts only API tokens. ${fix}`
  }
  if (token.length === TOKEN_PREFIX.length) {
    return `${capitalize(source)} is only 'pypi-', without the token itself. ${fix}`
  }
  const location = macaroonLocation(token.slice(TOKEN_PREFIX.length))
  const other = (Object.keys(TOKEN_LOCATIONS) as PypiTarget[]).find(
    t => t !== target && TOKEN_LOCATIONS[t] === location
  )
  if (other) {
    return (
      `${capitalize(source)} is a token for ${location}, but the upload goes to ` +
      `${TOKEN_LOCATIONS[target]}. PyPI and TestPyPI are separate sites with separate accounts and ` +
      `tokens. ${fix}`
    )
  }
  return undefined
}

function describeForeign(token: string): string {
  const foreign = FOREIGN_PREFIXES.find(([prefix]) => token.startsWith(prefix))
  if (token.length < SHOW_PREFIX_FROM_LENGTH) {
    return foreign
      ? `looks like ${foreign[1]}`
      : `is ${token.length} characters long and does not start with 'pypi-'`
  }
  const shown = `starts with '${token.slice(0, 4)}'`
  if (foreign) return `${shown}, which is ${foreign[1]}`
  if (/^pypi[_.:]/i.test(token) || /^pypi-/i.test(token)) {
    return `${shown}, not 'pypi-' (the prefix is lowercase, followed by a hyphen)`
  }
  if (/^["']/.test(token)) return `${shown}: it is wrapped in quotes; store the token without them`
  return shown
}

/**
 * The location of a PyPI token's macaroon (`pypi.org`, `test.pypi.org`), read from its first
 * field (version 2 binary format: 0x02, field type 0x01, length, bytes); undefined when it cannot
 * be read. Only used to catch a PyPI token sent to TestPyPI or the other way round.
 */
function macaroonLocation(body: string): string | undefined {
  let bytes: Buffer
  try {
    bytes = Buffer.from(body.slice(0, 64), 'base64url')
  } catch {
    return undefined
  }
  if (bytes.length < 3 || bytes[0] !== 0x02 || bytes[1] !== 0x01) return undefined
  const length = bytes[2]
  if (length === 0 || length > 64 || bytes.length < 3 + length) return undefined
  const location = bytes.subarray(3, 3 + length).toString('latin1')
  return /^[a-z0-9.-]+$/.test(location) ? location : undefined
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
