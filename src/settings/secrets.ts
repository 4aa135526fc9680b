import { Inputs, PYPI_UPLOAD_URL, SettingsError, TESTPYPI_UPLOAD_URL } from './inputs.js'

// The secrets a run was given, and the URLs that may carry them (parsed, checked, shown).

/** A secret, with the user it is sent with when there is one (for its Basic-auth form). */
export interface Secret {
  secret: string
  user?: string
}

/** The variables twine reads: where an upload goes, who makes it, which certificates it uses. */
export const TWINE_VARIABLES = [
  'TWINE_USERNAME',
  'TWINE_PASSWORD',
  'TWINE_REPOSITORY_URL',
  'TWINE_REPOSITORY',
  'TWINE_CERT',
  'TWINE_CLIENT_CERT',
  'TWINE_NON_INTERACTIVE'
] as const

export type TwineVariables = Partial<Record<(typeof TWINE_VARIABLES)[number], string>>

/** twine's variables in an environment (the settings decide whether they apply). */
export function twineVariables(env: Readonly<Record<string, string | undefined>>): TwineVariables {
  return Object.fromEntries(TWINE_VARIABLES.map(name => [name, env[name]]))
}

/**
 * The secrets among the raw inputs and TWINE_* (even where the settings ignore them: the job's
 * environment holds them), registered before the settings are read, as their errors quote
 * inputs: passwords, tokens, and passwords written in URLs (also percent-encoded, as written).
 * `others`: secrets the entry knows of itself (the runner's tokens).
 */
export function givenSecrets(
  read: (name: string) => string,
  twine: TwineVariables,
  others: readonly (string | undefined)[] = []
): Secret[] {
  const user = read(Inputs.User).trim() || twine.TWINE_USERNAME?.trim() || undefined
  const values = [read(Inputs.Password), read(Inputs.Token), twine.TWINE_PASSWORD, ...others]
  const found: Secret[] = values.flatMap(value =>
    value?.trim() ? [{ secret: value.trim(), user }] : []
  )
  const urls = ['repository-url', 'repository_url', 'index-url', 'index_url'].map(n => read(n))
  for (const url of [...urls, twine.TWINE_REPOSITORY_URL ?? '']) {
    const credentials = urlCredentials(url.trim())
    if (!credentials?.password) continue
    found.push({ secret: credentials.password, user: credentials.user })
    // As written (percent-encoded), too: that is how it appears in the URL itself.
    if (credentials.rawPassword !== credentials.password) {
      found.push({ secret: credentials.rawPassword })
    }
  }
  return found
}

/**
 * The `user:password` written in a URL, decoded, or undefined. Read with a pattern as well as
 * `new URL`, so that a URL too broken to parse still gives up its password to be hidden.
 */
export function urlCredentials(
  url: string
): (UrlCredentials & { rawPassword: string }) | undefined {
  const text = url.trim()
  // A password pasted unencoded (base64 holds '/') makes the URL unparsable: its userinfo then
  // runs to the last '@', so the whole password is hidden, not the part before its '/'.
  const match = (
    URL.canParse(text) ? /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i : /^[a-z][a-z0-9+.-]*:\/\/(.*)@/is
  ).exec(text)
  if (!match) return undefined
  const userinfo = match[1]
  const colon = userinfo.indexOf(':')
  const rawUser = colon < 0 ? userinfo : userinfo.slice(0, colon)
  const rawPassword = colon < 0 ? '' : userinfo.slice(colon + 1)
  return { user: decode(rawUser), password: decode(rawPassword), rawPassword }
}

export function decode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** Credentials written in a URL (`https://user:password@host/`), decoded. Secrets. */
export interface UrlCredentials {
  user: string
  password: string
}

/** A URL without its `user:password@`, also when it does not parse (for errors about it). */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1')
}

/** The URL without its userinfo, and the credentials that were in it. */
export function withoutCredentials(url: string): { url: string; credentials?: UrlCredentials } {
  if (!url) return { url }
  const parsed = new URL(url)
  if (!parsed.username && !parsed.password) return { url }
  const credentials = { user: decode(parsed.username), password: decode(parsed.password) }
  parsed.username = ''
  parsed.password = ''
  return { url: parsed.toString(), credentials }
}

const REPOSITORY_SHORTHANDS: Record<string, string> = {
  pypi: PYPI_UPLOAD_URL,
  testpypi: TESTPYPI_UPLOAD_URL
}

/** The upload URL: the `repository` shorthand, the input, TWINE_REPOSITORY_URL, the default. */
export function resolveRepositoryUrl(
  written: string | undefined,
  shorthand: string,
  twine: TwineVariables
): string {
  const name = shorthand.trim().toLowerCase()
  const fromShorthand = name ? REPOSITORY_SHORTHANDS[name] : undefined
  if (name && !fromShorthand) {
    throw new SettingsError(
      `The input 'repository' must be 'pypi' or 'testpypi', not '${shorthand.trim()}'. ` +
        "For any other index, set 'repository-url' to its upload URL instead."
    )
  }
  if (fromShorthand && written && written.trim() !== fromShorthand) {
    throw new SettingsError(
      `'repository: ${name}' and 'repository-url: ${displayUrl(written)}' disagree. Set only one of them.`
    )
  }
  // twine's order: a URL wins over a repository name; a name twine would look up in ~/.pypirc
  // stops the run here, before any request, rather than fall back to PyPI.
  const url = (
    fromShorthand ??
    written ??
    (twine.TWINE_REPOSITORY_URL?.trim() ||
      twineRepositoryUrl(twine.TWINE_REPOSITORY?.trim()) ||
      PYPI_UPLOAD_URL)
  ).trim()
  const parsed = httpUrl(url)
  if (parsed) return parsed
  throw new SettingsError(
    URL.canParse(url)
      ? `The repository URL '${displayUrl(url)}' must start with https:// (or http:// for a local index).`
      : `The repository URL '${displayUrl(url)}' is not a URL. Use the index's upload URL, e.g. ${PYPI_UPLOAD_URL}`
  )
}

function twineRepositoryUrl(name: string | undefined): string | undefined {
  if (!name) return undefined
  const url = REPOSITORY_SHORTHANDS[name.toLowerCase()]
  if (url) return url
  throw new SettingsError(
    `TWINE_REPOSITORY=${name} names an index that twine would look up in ~/.pypirc, which this ` +
      "tool does not read. Nothing was uploaded. Use 'pypi' or 'testpypi', or set " +
      'TWINE_REPOSITORY_URL (or --repository-url) to the upload URL.'
  )
}

/** The URL, normalised, when it is an http(s) one. */
function httpUrl(url: string): string | undefined {
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  return parsed?.protocol === 'https:' || parsed?.protocol === 'http:'
    ? parsed.toString()
    : undefined
}

export function optionalUrl(name: string, value: string): string {
  const url = value.trim()
  if (!url) return ''
  const parsed = httpUrl(url)
  if (parsed) return parsed
  throw new SettingsError(`The input '${name}' must be an http(s) URL, not '${displayUrl(url)}'.`)
}
