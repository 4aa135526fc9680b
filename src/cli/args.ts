import { parseArgs } from 'node:util'

/**
 * `pypi-publish upload [options] FILES_OR_GLOBS…`: twine's flags that matter in CI and this
 * project's own, each mapped to the action input of the same meaning (defaults and checks are the action's).
 */

export class UsageError extends Error {
  override name = 'UsageError'
}

const OPTIONS = {
  'repository-url': { type: 'string' },
  repository: { type: 'string', short: 'r' },
  username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' },
  'skip-existing': { type: 'boolean' },
  verbose: { type: 'boolean' },
  'disable-progress-bar': { type: 'boolean' },
  'non-interactive': { type: 'boolean' },
  attestations: { type: 'boolean' },
  'print-hash': { type: 'boolean' },
  concurrency: { type: 'string' },
  retries: { type: 'string' },
  timeout: { type: 'string' },
  'connect-timeout': { type: 'string' },
  'verify-upload': { type: 'boolean' },
  'no-verify-upload': { type: 'boolean' },
  'index-url': { type: 'string' },
  'config-file': { type: 'string' },
  cert: { type: 'string' },
  'client-cert': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'verify-metadata': { type: 'boolean' },
  'no-verify-metadata': { type: 'boolean' },
  json: { type: 'boolean' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' }
} as const

/** String flags that are not action inputs (twine's config file and certificates). */
const NOT_INPUTS = new Set(['config-file', 'cert', 'client-cert'])

export function parseCli(argv: readonly string[]) {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (error) {
    // Node's messages name the flag ("Unknown option '--foo'", "Option '-u' argument missing").
    throw new UsageError(error instanceof Error ? error.message : String(error))
  }
  const { values, positionals } = parsed
  const help = values.help === true
  const version = values.version === true
  const [command, ...files] = positionals
  if (!help && !version) {
    if (command === undefined)
      throw new UsageError('No command given: write `pypi-publish upload FILES…`.')
    if (command !== 'upload' && command !== 'check') {
      throw new UsageError(
        `Unknown command '${command}': the commands are \`upload\` and \`check\`.`
      )
    }
    if (files.length === 0) {
      throw new UsageError(
        `No files given: name the wheels and sdists to ${command === 'check' ? 'check' : 'publish'}, e.g. \`pypi-publish ${command} "dist/*"\`.`
      )
    }
  }

  // The action inputs the flags set (only those given); a flag's input has its name, but -u's.
  const inputs: Record<string, string> = {}
  for (const [flag, value] of Object.entries(values)) {
    if (typeof value === 'string' && !NOT_INPUTS.has(flag))
      inputs[flag === 'username' ? 'user' : flag] = value
  }
  for (const name of ['skip-existing', 'verbose', 'print-hash', 'dry-run'] as const) {
    if (values[name]) inputs[name] = 'true'
  }
  // twine attaches attestations only when asked; so does this command line.
  inputs.attestations = values.attestations ? 'true' : 'false'
  for (const name of ['verify-upload', 'verify-metadata'] as const) {
    const [yes, no] = [values[name], values[`no-${name}`]]
    if (yes && no)
      throw new UsageError(`--${name} and --no-${name} contradict each other: give one.`)
    if (yes || no) inputs[name] = no ? 'false' : 'true'
  }
  return {
    command: (command === 'check' ? 'check' : 'upload') as 'upload' | 'check',
    help,
    version,
    json: values.json === true,
    verbose: values.verbose === true,
    /** `check --strict`: warnings fail too, as in twine. */
    strict: values.strict === true,
    /** twine's `--config-file` (default ~/.pypirc), `--cert` and `--client-cert`. */
    configFile: values['config-file'],
    cert: values.cert,
    clientCert: values['client-cert'],
    inputs,
    /** Files and globs, as written. */
    files
  }
}

export const HELP = `Usage: pypi-publish upload [options] FILES_OR_GLOBS...
       pypi-publish check [--strict] [--json] [-r NAME | --repository-url URL] FILES_OR_GLOBS...

Checks, uploads and reads back Python distributions (wheels and sdists) on PyPI, TestPyPI or any
PyPI-compatible index. Every file is checked before the first upload; nothing is sent when one is
refused. Globs (quoted or not) are expanded here too: *, ?, [abc] and ** for any depth.

Where and as whom (as twine):
  --repository-url URL     Upload URL of the index (default: https://upload.pypi.org/legacy/;
                           TWINE_REPOSITORY_URL when not given)
  -r, --repository NAME    An index named in the config file, or pypi / testpypi (instead of
                           --repository-url; TWINE_REPOSITORY; default pypi)
  --config-file FILE       The .pypirc to read indexes, usernames and passwords from (default
                           ~/.pypirc; flags and TWINE_* win over it)
  --cert FILE              CA bundle (PEM) to trust for the index, e.g. a private CA (TWINE_CERT;
                           ca_cert in the config file)
  --client-cert FILE       Client certificate and key (one PEM file) for the index
                           (TWINE_CLIENT_CERT; client_cert in the config file)
  -u, --username USER      User name (default: __token__, for API tokens; TWINE_USERNAME)
  -p, --password TOKEN     API token or password (TWINE_PASSWORD; prefer the variable: a flag can
                           be seen in the process list). With none, trusted publishing: the ID
                           token of GitLab CI (PYPI_ID_TOKEN), GitHub Actions or Google Cloud
  --skip-existing          Keep files the index already has and publish the rest
  --attestations           Sign and attach PEP 740 attestations (trusted publishing only)
  --verbose                Show more: digests of each file, debug lines
  --print-hash             Show each file's sha256, md5 and blake2b-256
  --disable-progress-bar   Accepted for twine's sake: progress is plain lines, never a bar
  --non-interactive        Accepted for twine's sake: this command never prompts

This project's own:
  --concurrency N          Uploads at once, after each project's first file (default 16)
  --retries N              Retries of an upload that failed on the way (default 5)
  --timeout SECONDS        No byte either way for this long fails a request (default 120)
  --connect-timeout SECONDS  Time to open a connection (default 30)
  --no-verify-upload       Do not read the files back from the index after uploading
  --index-url URL          The simple index to read back from (default: derived from the upload URL)
  --no-verify-metadata     Do not check metadata and descriptions before uploading
  --dry-run                Everything but the upload: checks, credentials, the index's answer
  --json                   Write the outcome (uploaded, skipped, verified, projects) as JSON to
                           stdout; the log goes to stderr

check: the same checks as upload, offline (no credentials, no index), as \`twine check\` in a pull
request's CI. Each file is PASSED, PASSED with warnings or FAILED; PyPI's rules apply unless
--repository-url names another index (its own policies are then warnings).
  --strict                 Warnings fail the check too
  --json                   Write each file's result as JSON to stdout

  -h, --help               This help
  -V, --version            The version

Exit status: 0 every file is on the index (or was skipped as asked), 1 a file failed or was
refused (or the credentials were), 2 the command line is wrong. For check: 0 every file passed,
1 a file was refused (or, with --strict, warned about).
`
