import type { DistKind } from '../dists/distribution.js'
import {
  DEPRECATED_ALIASES,
  INPUT_DEFAULTS,
  Inputs,
  SettingsError,
  type InputName
} from './inputs.js'
import { pypiTokenProblem } from '../auth/credentials.js'
import { pypiTarget } from '../shared/pypi-hosts.js'
import {
  optionalUrl,
  resolveRepositoryUrl,
  TWINE_VARIABLES,
  withoutCredentials,
  type TwineVariables,
  type UrlCredentials
} from './secrets.js'

export { SettingsError }

/** Everything the pipeline needs, made once from the inputs and validated. */
export interface Settings {
  /** `__token__` for API tokens (PyPI refuses any other user). */
  user: string
  /** API token or password; empty: none given. A secret. */
  password: string
  /** Upload endpoint, without the `user:password@` written in it: safe to show. */
  repositoryUrl: string
  packagesDir: string
  /** The command line's files (globs expanded); when set, packages-dir is not searched. */
  files?: readonly string[]
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
  /** No byte sent or received for this long fails the request. */
  timeoutMs: number
  verifyUpload: boolean
  verifyTimeoutMs: number
  /** The simple index to read back from, without credentials; empty: derived from the upload URL. */
  indexUrl: string
  /** The `user:password` written in index-url: for reading it back, sent to its host only. */
  indexCredentials?: UrlCredentials
  verifyTag: boolean
  allowMultipleVersions: boolean
  dryRun: boolean
  build: boolean
  /** A custom build command (e.g. `uv build`); empty: `python -m build`. */
  buildCommand: string
  workingDirectory: string
  /** A release page pattern with `{name}` and `{version}`, for indexes other than PyPI's. */
  releaseUrlPattern: string
  /** The command line's `--cert` and `--client-cert` (PEM files), as twine takes them. */
  tls?: { caCert?: string; clientCert?: string }
  /** Write the job summary (the log, outputs and annotations are written either way). */
  summary: boolean
}

/** Raw input values: the runner's INPUT_* variables, the command line's flags, a map in tests. */
export type InputReader = (name: string) => string

export interface SettingsResult {
  settings: Settings
  /** Things the user should change (deprecated spellings…). */
  warnings: string[]
  /** Worth knowing, nothing to fix (TWINE_* ignored inside GitHub Actions). */
  notices: string[]
}

/** twine's variables as the entry found them, and whether the run is inside GitHub Actions. */
export interface SettingsEnvironment {
  twine?: TwineVariables
  insideActions?: boolean
}

const BOOLEANS = new Map<string, boolean>([
  ...['true', 'True', 'TRUE', 'yes', 'on', '1'].map(v => [v, true] as const),
  ...['false', 'False', 'FALSE', 'no', 'off', '0'].map(v => [v, false] as const)
])

/**
 * `true`/`false` and their YAML 1.1 spellings; undefined for anything else. Not
 * core.getBooleanInput: it takes the six YAML 1.2 spellings only (a workflow's `yes` would fail),
 * reads the runner's variable itself (the command line's flags are read through the same
 * settings) and throws its own text, without the fix.
 */
export function booleanValue(value: string): boolean | undefined {
  return BOOLEANS.get(value.trim())
}

/**
 * Each input: what the user wrote (kebab-case, or the deprecated snake_case) > its default.
 * Inside GitHub Actions, TWINE_* are ignored with a notice: jobs often carry them for other steps,
 * and an input left at its default cannot be told from one never written, so they must not
 * redirect an upload. Elsewhere they fill in what the inputs leave at their defaults, as in twine.
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
        'inputs (e.g. `password: ${{ secrets.PYPI_API_TOKEN }}`, `repository-url: ...`).' +
        (ignored.includes('TWINE_CERT')
          ? " For a private CA, set NODE_EXTRA_CA_CERTS in this step's env."
          : '')
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
    return value && value !== INPUT_DEFAULTS[name] ? value : undefined
  }
  const withDefault = (name: InputName): string => raw(name) ?? INPUT_DEFAULTS[name] ?? ''

  const bool = (name: InputName): boolean => {
    const value = withDefault(name)
    const known = booleanValue(value)
    if (known !== undefined) return known
    throw new SettingsError(
      `The input '${name}' must be true or false, not '${value}'. Write \`${name}: true\` or \`${name}: false\`.`
    )
  }

  const integer = (name: InputName, min: number, max: number): number => {
    const value = withDefault(name)
    const n = Number(value)
    if (!/^\d+$/.test(value) || n < min || n > max) {
      throw new SettingsError(
        `The input '${name}' must be a whole number from ${min} to ${max}, not '${value}'.`
      )
    }
    return n
  }
  const seconds = (name: InputName, min: number, max: number): number =>
    integer(name, min, max) * 1000

  // `token` is the name we document; `password` is the official action's. They mean the same.
  const token = read(Inputs.Token).trim()
  const passwordInput = read(Inputs.Password).trim()
  if (token && passwordInput && token !== passwordInput) {
    throw new SettingsError(
      "Both 'token' and 'password' are set to different values. They mean the same thing: keep one."
    )
  }
  // Precedence, once: the inputs > TWINE_* (outside Actions) > credentials written in the URL
  // (used by twine, through requests, when no others are given) > the default user.
  const password = token || passwordInput || twine.TWINE_PASSWORD?.trim() || ''
  const repository = withoutCredentials(
    resolveRepositoryUrl(raw(Inputs.RepositoryUrl), read(Inputs.Repository), twine)
  )
  const index = withoutCredentials(optionalUrl(Inputs.IndexUrl, read(Inputs.IndexUrl)))
  const fromUrl = password ? undefined : repository.credentials
  const user = raw(Inputs.User) || twine.TWINE_USERNAME?.trim() || fromUrl?.user || '__token__'
  const secret = password || fromUrl?.password || ''

  // For PyPI and TestPyPI, a password that cannot be an API token stops the run before any
  // request; so does an input that holds only whitespace (a secret that is a stray newline).
  const target = pypiTarget(repository.url)
  const blank = [Inputs.Token, Inputs.Password].find(name => read(name) && !read(name).trim())
  if (target && blank && !token && !passwordInput) {
    throw new SettingsError(
      `The '${blank}' input holds only whitespace, so there is no token to upload with. ` +
        'Store the API token itself in the secret, or remove the input to use trusted publishing.'
    )
  }
  const source =
    token || passwordInput
      ? `the '${token ? Inputs.Token : Inputs.Password}' input`
      : password
        ? 'TWINE_PASSWORD'
        : "the password in 'repository-url'"
  const problem = target && secret && pypiTokenProblem(secret, target, source)
  if (problem) throw new SettingsError(problem)

  return {
    settings: {
      user,
      password: secret,
      repositoryUrl: repository.url,
      packagesDir: withDefault(Inputs.PackagesDir),
      distributions: parseDistributions(withDefault(Inputs.Distributions)),
      verifyMetadata: bool(Inputs.VerifyMetadata),
      skipExisting: bool(Inputs.SkipExisting),
      verbose: bool(Inputs.Verbose),
      printHash: bool(Inputs.PrintHash),
      attestations: bool(Inputs.Attestations),
      concurrency: integer(Inputs.Concurrency, 1, 32),
      retry: {
        retries: integer(Inputs.Retries, 0, 20),
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
      workingDirectory: withDefault(Inputs.WorkingDirectory),
      summary: bool(Inputs.Summary),
      releaseUrlPattern: releaseUrlPattern(read(Inputs.ReleaseUrlPattern).trim())
    },
    warnings,
    notices
  }
}

/** `https://my.index/project/{name}/{version}/`: an http(s) URL once filled in, naming the project. */
function releaseUrlPattern(pattern: string): string {
  if (!pattern) return ''
  const filled = pattern.replaceAll('{name}', 'name').replaceAll('{version}', '1.0')
  if (!pattern.includes('{name}') || !/^https?:\/\//i.test(filled) || !URL.canParse(filled)) {
    throw new SettingsError(
      `The input '${Inputs.ReleaseUrlPattern}' must be an http(s) URL with {name} (and usually ` +
        `{version}) in it, such as https://my.index/project/{name}/{version}/, not '${pattern}'.`
    )
  }
  return pattern
}

const KINDS: Record<string, DistKind> = { sdist: 'sdist', wheel: 'wheel', bdist_wheel: 'wheel' }

/** `distributions: sdist wheel` (dpl's `bdist_wheel` spelling accepted; commas or spaces). */
function parseDistributions(value: string): ReadonlySet<DistKind> {
  const kinds = new Set<DistKind>()
  for (const word of value.split(/[\s,]+/).filter(Boolean)) {
    const kind = Object.hasOwn(KINDS, word.toLowerCase()) ? KINDS[word.toLowerCase()] : undefined
    if (!kind) {
      throw new SettingsError(
        `The input 'distributions' takes 'sdist' and/or 'wheel' (or 'bdist_wheel'), not '${word}'.`
      )
    }
    kinds.add(kind)
  }
  if (kinds.size === 0) {
    throw new SettingsError(
      "The input 'distributions' names no kind: write 'sdist', 'wheel' or both."
    )
  }
  return kinds
}
