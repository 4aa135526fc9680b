import type { DistKind } from '../dists/distribution.js'
import {
  DEPRECATED_ALIASES,
  INPUT_DEFAULTS,
  Inputs,
  PYPI_UPLOAD_URL,
  TESTPYPI_UPLOAD_URL,
  type InputName
} from './inputs.js'
import { pypiTokenProblem } from '../auth/credentials.js'
import { pypiTarget } from '../shared/pypi-hosts.js'
import type { TwineVariables } from './secrets.js'

/** Everything the pipeline needs, made once from the inputs, validated here. */
export interface Settings {
  /** `__token__` for API tokens (PyPI refuses any other user). */
  user: string
  /** API token or password; empty means none was given. Never logged. */
  password: string
  /**
   * Upload endpoint, e.g. https://upload.pypi.org/legacy/. Never holds credentials: a
   * `user:password@` written in the input is taken out (see `repositoryCredentials`), so this is
   * also the form shown in logs, errors and the summary.
   */
  repositoryUrl: string
  /** The `user:password` written in the repository URL, used to upload when no password is given. */
  repositoryCredentials?: UrlCredentials
  packagesDir: string
  /**
   * The files to publish, named one by one (the command line's arguments, globs expanded): when
   * set, packages-dir is not searched. Never set from the action's inputs.
   */
  files?: readonly string[]
  /** Which kinds of distribution to publish. */
  distributions: ReadonlySet<DistKind>
  verifyMetadata: boolean
  skipExisting: boolean
  verbose: boolean
  printHash: boolean
  attestations: boolean
  /** Uploads at once (after each project's first file). */
  concurrency: number
  retry: { retries: number; maxTotalMs: number }
  connectTimeoutMs: number
  /** Inactivity timeout: no byte sent or received for this long fails the request. */
  timeoutMs: number
  /** Read the index back after uploading until every file is listed with our sha256. */
  verifyUpload: boolean
  verifyTimeoutMs: number
  /** The simple index to read back from; empty: derived from the upload URL. No credentials. */
  indexUrl: string
  /** The `user:password` written in index-url: Basic auth for reading it back, to its host only. */
  indexCredentials?: UrlCredentials
  /** On tag runs, every version must equal the tag's. */
  verifyTag: boolean
  allowMultipleVersions: boolean
  /** Everything but the upload and its read-back. */
  dryRun: boolean
  build: boolean
  /** A custom build command (e.g. `uv build`); empty: `python -m build`. */
  buildCommand: string
  workingDirectory: string
}

/** Credentials written in a URL (`https://user:password@host/`), decoded. Secrets. */
export interface UrlCredentials {
  user: string
  password: string
}

/** Where raw input values come from: the runner's INPUT_* variables at the edge, a map in tests. */
export type InputReader = (name: string) => string

export class SettingsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SettingsError'
  }
}

export interface SettingsResult {
  settings: Settings
  /** Things the user should change (deprecated spellings…). */
  warnings: string[]
  /** Worth knowing, nothing to fix (TWINE_* variables ignored inside GitHub Actions). */
  notices: string[]
}

/**
 * What the settings take from outside the inputs, as the entry found it: twine's variables, and
 * whether the run is inside GitHub Actions (where they are ignored; see readSettings). Left out:
 * none, and not inside GitHub Actions.
 */
export interface SettingsEnvironment {
  twine?: TwineVariables
  insideActions?: boolean
}

/** The variables twine reads that would change where an upload goes or who makes it. */
const TWINE_VARIABLES = ['TWINE_USERNAME', 'TWINE_PASSWORD', 'TWINE_REPOSITORY_URL'] as const

const REPOSITORY_SHORTHANDS: Record<string, string> = {
  pypi: PYPI_UPLOAD_URL,
  testpypi: TESTPYPI_UPLOAD_URL
}

const TRUE_VALUES = new Set(['true', 'True', 'TRUE', 'yes', 'on', '1'])
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', 'no', 'off', '0'])

/**
 * Builds the settings. Precedence for each input: a value the user wrote (kebab-case, or the
 * deprecated snake_case spelling) > the documented default. Inside GitHub Actions
 * (`insideActions`: the entry saw GITHUB_ACTIONS=true) that is all: a job's environment often
 * carries TWINE_* variables for other steps, and an input left at its default cannot be told
 * from one never written, so they
 * must not redirect an upload or replace trusted publishing; a notice says they were ignored.
 * Elsewhere (other CI systems, a command line) TWINE_USERNAME, TWINE_PASSWORD and
 * TWINE_REPOSITORY_URL fill in what the inputs leave at their defaults, as twine reads them.
 */
export function readSettings(
  read: InputReader,
  environment: SettingsEnvironment = {}
): SettingsResult {
  const warnings: string[] = []
  const notices: string[] = []
  const inActions = environment.insideActions === true
  const found = environment.twine ?? {}
  const twine: TwineVariables = inActions ? {} : found
  const ignored = inActions ? TWINE_VARIABLES.filter(name => found[name]?.trim()) : []
  if (ignored.length > 0) {
    notices.push(
      `Ignored ${ignored.join(', ')} from the job's environment: inside GitHub Actions this ` +
        "step's inputs decide where to upload and how to authenticate. To use them, pass them as " +
        'inputs (e.g. `password: ${{ secrets.PYPI_API_TOKEN }}`, `repository-url: ...`).'
    )
  }

  const raw = (name: InputName): string | undefined => {
    const alias = DEPRECATED_ALIASES[name]
    const aliasValue = alias ? read(alias).trim() : ''
    const value = read(name).trim()
    if (aliasValue) {
      warnings.push(
        `The input '${alias}' is deprecated; use '${name}' instead (same meaning).` +
          (value && value !== INPUT_DEFAULTS[name] && value !== aliasValue
            ? ` Both are set; '${alias}' wins because '${name}' may only hold its default.`
            : '')
      )
      return aliasValue
    }
    if (value && value !== INPUT_DEFAULTS[name]) return value
    return undefined
  }
  const withDefault = (name: InputName): string => raw(name) ?? INPUT_DEFAULTS[name] ?? ''

  const bool = (name: InputName): boolean => {
    const value = withDefault(name)
    if (TRUE_VALUES.has(value)) return true
    if (FALSE_VALUES.has(value)) return false
    throw new SettingsError(
      `The input '${name}' must be true or false, not '${value}'. Write \`${name}: true\` or \`${name}: false\`.`
    )
  }

  const seconds = (name: InputName, min: number, max: number): number =>
    integer(name, withDefault(name), min, max) * 1000

  const given = readPassword(read)
  const password = given.value || twine.TWINE_PASSWORD?.trim() || ''
  const writtenUser = raw(Inputs.User) ?? twine.TWINE_USERNAME?.trim()
  const repository = withoutCredentials(
    resolveRepositoryUrl(raw(Inputs.RepositoryUrl), read(Inputs.Repository), twine)
  )
  const index = withoutCredentials(optionalUrl(Inputs.IndexUrl, read(Inputs.IndexUrl)))
  // As twine (through requests) does: credentials in the URL are used when no others are given.
  const fromUrl = password ? undefined : repository.credentials
  const user = writtenUser || fromUrl?.user || INPUT_DEFAULTS[Inputs.User] || ''
  checkPypiToken(repository.url, {
    password: password || fromUrl?.password || '',
    blank: given.blank,
    source: given.value
      ? `the '${given.input}' input`
      : password
        ? 'TWINE_PASSWORD'
        : "the password in 'repository-url'"
  })

  return {
    settings: {
      user: user || '__token__',
      password: password || fromUrl?.password || '',
      repositoryUrl: repository.url,
      repositoryCredentials: repository.credentials,
      packagesDir: withDefault(Inputs.PackagesDir),
      distributions: parseDistributions(withDefault(Inputs.Distributions)),
      verifyMetadata: bool(Inputs.VerifyMetadata),
      skipExisting: bool(Inputs.SkipExisting),
      verbose: bool(Inputs.Verbose),
      printHash: bool(Inputs.PrintHash),
      attestations: bool(Inputs.Attestations),
      concurrency: integer(Inputs.Concurrency, withDefault(Inputs.Concurrency), 1, 32),
      retry: {
        retries: integer(Inputs.Retries, withDefault(Inputs.Retries), 0, 20),
        maxTotalMs: seconds(Inputs.RetryMaxTime, 0, 6 * 3600)
      },
      connectTimeoutMs: seconds(Inputs.ConnectTimeout, 1, 600),
      timeoutMs: seconds(Inputs.Timeout, 1, 3600),
      verifyUpload: bool(Inputs.VerifyUpload),
      verifyTimeoutMs: seconds(Inputs.VerifyTimeout, 0, 3600),
      indexUrl: index.url,
      indexCredentials: index.credentials,
      verifyTag: bool(Inputs.VerifyTag),
      allowMultipleVersions: bool(Inputs.AllowMultipleVersions),
      dryRun: bool(Inputs.DryRun),
      build: bool(Inputs.Build),
      buildCommand: read(Inputs.BuildCommand).trim(),
      workingDirectory: withDefault(Inputs.WorkingDirectory)
    },
    warnings,
    notices
  }
}

/**
 * `token` is the name we document; `password` is the official action's. They mean the same.
 * `blank` names an input that holds only whitespace (a secret that is a stray newline).
 */
function readPassword(read: InputReader): { value: string; input: string; blank?: string } {
  const rawToken = read(Inputs.Token)
  const rawPassword = read(Inputs.Password)
  const token = rawToken.trim()
  const password = rawPassword.trim()
  if (token && password && token !== password) {
    throw new SettingsError(
      "Both 'token' and 'password' are set to different values. They mean the same thing: keep one."
    )
  }
  const blank = !token && rawToken ? Inputs.Token : !password && rawPassword ? Inputs.Password : ''
  return {
    value: token || password,
    input: token ? Inputs.Token : Inputs.Password,
    blank: token || password ? undefined : blank || undefined
  }
}

/** For PyPI and TestPyPI, a password that cannot be an API token stops the run before any request. */
function checkPypiToken(
  repositoryUrl: string,
  given: { password: string; blank?: string; source: string }
): void {
  const target = pypiTarget(repositoryUrl)
  if (!target) return
  if (given.blank) {
    throw new SettingsError(
      `The '${given.blank}' input holds only whitespace, so there is no token to upload with. ` +
        'Store the API token itself in the secret, or remove the input to use trusted publishing.'
    )
  }
  const problem = given.password && pypiTokenProblem(given.password, target, given.source)
  if (problem) throw new SettingsError(problem)
}

function resolveRepositoryUrl(
  written: string | undefined,
  shorthand: string,
  twine: TwineVariables
): string {
  const name = shorthand.trim().toLowerCase()
  let url: string
  if (name) {
    const fromShorthand = REPOSITORY_SHORTHANDS[name]
    if (!fromShorthand) {
      throw new SettingsError(
        `The input 'repository' must be 'pypi' or 'testpypi', not '${shorthand.trim()}'. ` +
          "For any other index, set 'repository-url' to its upload URL instead."
      )
    }
    if (written && normalizeUrl(written) !== fromShorthand) {
      throw new SettingsError(
        `'repository: ${name}' and 'repository-url: ${displayUrl(written)}' disagree. Set only one of them.`
      )
    }
    url = fromShorthand
  } else {
    url =
      written ?? twine.TWINE_REPOSITORY_URL?.trim() ?? INPUT_DEFAULTS[Inputs.RepositoryUrl] ?? ''
  }
  return validateUrl(normalizeUrl(url))
}

function normalizeUrl(url: string): string {
  return url.trim()
}

/**
 * A URL as it may be shown, with any `user:password@` cut out (also from text that does not parse
 * as a URL), for messages about URLs that were written wrong.
 */
export function displayUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1')
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** The URL without its userinfo, and the credentials that were in it. */
function withoutCredentials(url: string): { url: string; credentials?: UrlCredentials } {
  if (!url) return { url }
  const parsed = new URL(url)
  if (!parsed.username && !parsed.password) return { url }
  const credentials = { user: decoded(parsed.username), password: decoded(parsed.password) }
  parsed.username = ''
  parsed.password = ''
  return { url: parsed.toString(), credentials }
}

function validateUrl(url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new SettingsError(
      `The repository URL '${displayUrl(url)}' is not a URL. Use the index's upload URL, e.g. ${PYPI_UPLOAD_URL}`
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new SettingsError(
      `The repository URL '${displayUrl(url)}' must start with https:// (or http:// for a local index).`
    )
  }
  return parsed.toString()
}

function integer(name: string, value: string, min: number, max: number): number {
  const n = Number(value)
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new SettingsError(
      `The input '${name}' must be a whole number from ${min} to ${max}, not '${value}'.`
    )
  }
  return n
}

function optionalUrl(name: string, value: string): string {
  const url = value.trim()
  if (!url) return ''
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return parsed.toString()
  } catch {
    // fall through to the error below
  }
  throw new SettingsError(`The input '${name}' must be an http(s) URL, not '${displayUrl(url)}'.`)
}

/** `distributions: sdist wheel` (dpl's `bdist_wheel` spelling accepted; commas or spaces). */
export function parseDistributions(value: string): ReadonlySet<DistKind> {
  const kinds = new Set<DistKind>()
  for (const word of value.split(/[\s,]+/).filter(Boolean)) {
    const w = word.toLowerCase()
    if (w === 'sdist') kinds.add('sdist')
    else if (w === 'wheel' || w === 'bdist_wheel') kinds.add('wheel')
    else
      throw new SettingsError(
        `The input 'distributions' takes 'sdist' and/or 'wheel' (or 'bdist_wheel'), not '${word}'.`
      )
  }
  if (kinds.size === 0) {
    throw new SettingsError(
      "The input 'distributions' names no kind: write 'sdist', 'wheel' or both."
    )
  }
  return kinds
}
