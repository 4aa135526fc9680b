/**
 * Every input name and its documented default, in one place. action.yml declares the same defaults;
 * a test keeps the two in step. The defaults are applied in code too because runners other than
 * GitHub's (local-action tools, other CI systems) leave unset inputs empty.
 */
export const Inputs = {
  User: 'user',
  Password: 'password',
  Token: 'token',
  RepositoryUrl: 'repository-url',
  Repository: 'repository',
  PackagesDir: 'packages-dir',
  Distributions: 'distributions',
  VerifyMetadata: 'verify-metadata',
  SkipExisting: 'skip-existing',
  Verbose: 'verbose',
  PrintHash: 'print-hash',
  Attestations: 'attestations',
  Concurrency: 'concurrency',
  Retries: 'retries',
  RetryMaxTime: 'retry-max-time',
  ConnectTimeout: 'connect-timeout',
  Timeout: 'timeout',
  VerifyUpload: 'verify-upload',
  VerifyTimeout: 'verify-timeout',
  IndexUrl: 'index-url',
  VerifyTag: 'verify-tag',
  AllowMultipleVersions: 'allow-multiple-versions',
  DryRun: 'dry-run',
  Build: 'build',
  BuildCommand: 'build-command',
  WorkingDirectory: 'working-directory',
  Summary: 'summary',
  ReleaseUrlPattern: 'release-url-pattern'
} as const

export type InputName = (typeof Inputs)[keyof typeof Inputs]

export const PYPI_UPLOAD_URL = 'https://upload.pypi.org/legacy/'
export const TESTPYPI_UPLOAD_URL = 'https://test.pypi.org/legacy/'

/** Defaults as documented in action.yml. An input without an entry has no default (empty). */
export const INPUT_DEFAULTS: Partial<Record<InputName, string>> = {
  [Inputs.User]: '__token__',
  [Inputs.RepositoryUrl]: PYPI_UPLOAD_URL,
  [Inputs.PackagesDir]: 'dist',
  [Inputs.Distributions]: 'sdist wheel',
  [Inputs.VerifyMetadata]: 'true',
  [Inputs.SkipExisting]: 'false',
  [Inputs.Verbose]: 'false',
  [Inputs.PrintHash]: 'false',
  [Inputs.Attestations]: 'true',
  [Inputs.Concurrency]: '16',
  [Inputs.Retries]: '5',
  [Inputs.RetryMaxTime]: '600',
  [Inputs.ConnectTimeout]: '30',
  [Inputs.Timeout]: '120',
  [Inputs.VerifyUpload]: 'true',
  [Inputs.VerifyTimeout]: '120',
  [Inputs.VerifyTag]: 'true',
  [Inputs.AllowMultipleVersions]: 'false',
  [Inputs.DryRun]: 'false',
  [Inputs.Build]: 'false',
  [Inputs.WorkingDirectory]: '.',
  [Inputs.Summary]: 'true'
}

/**
 * The official action's snake_case spellings, still accepted so that switching is a one-line change.
 * They have no default in action.yml, so a non-empty value always means the user wrote it.
 */
export const DEPRECATED_ALIASES: Partial<Record<InputName, string>> = {
  [Inputs.RepositoryUrl]: 'repository_url',
  [Inputs.PackagesDir]: 'packages_dir',
  [Inputs.VerifyMetadata]: 'verify_metadata',
  [Inputs.SkipExisting]: 'skip_existing',
  [Inputs.PrintHash]: 'print_hash'
}

export const Outputs = {
  Uploaded: 'uploaded',
  Skipped: 'skipped',
  ProjectName: 'project-name',
  ProjectVersion: 'project-version',
  Projects: 'projects',
  Verified: 'verified',
  AttestationPaths: 'attestation-paths',
  ReleaseUrl: 'release-url'
} as const

export class SettingsError extends Error {
  override name = 'SettingsError'
}
