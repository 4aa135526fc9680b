import { stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { runContextFromEnv, tagOfRun, type RunContext } from '../shared/run-context.js'
import type { AmbientIdentity } from '../auth/credentials.js'
import { distKindOf } from '../dists/filename.js'
import { DistributionError, type Problem } from '../dists/distribution.js'
import { runOutcome } from '../pipeline/outcome.js'
import { describeProblem } from '../pipeline/prepare.js'
import { publish, type RunResult } from '../pipeline/publish.js'
import { givenSecrets, twineVariables } from '../settings/secrets.js'
import { readSettings, SettingsError, type Settings } from '../settings/settings.js'
import { Redactor } from '../shared/redact.js'
import { ACTION_VERSION } from '../shared/version.js'
import { HELP, parseCli, UsageError } from './args.js'
import { ambientIdToken } from './ambient-id-token.js'
import { checkFiles } from './check.js'
import { pypircIndex } from './pypirc.js'
import { expandGlob, isGlob } from './globs.js'
import { cliLog, printable } from './log.js'

/** Exit statuses, as --help documents them. */
const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

/** Runs the command line; returns the exit status. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  { stdout, stderr, cwd } = {
    stdout: (text: string): void => void process.stdout.write(text),
    stderr: (text: string): void => void process.stderr.write(text),
    cwd: process.cwd()
  }
): Promise<number> {
  let args
  try {
    args = parseCli(argv)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    stderr(
      `pypi-publish: ${printable(error.message)}\nRun \`pypi-publish --help\` for the options.\n`
    )
    return EXIT_USAGE
  }
  if (args.help || args.version) {
    stdout(args.help ? HELP : `pypi-publish ${ACTION_VERSION}\n`)
    return EXIT_OK
  }

  // Every secret is known before the first line is written: the environment's, and a password
  // given as a flag (with its user, so its Basic-auth form is known too).
  const inputs = args.inputs
  const read = (name: string): string => inputs[name] ?? ''
  const tls: NonNullable<Settings['tls']> = {}
  const twine = twineVariables(env)
  // twine's config file fills in what the flags and TWINE_* leave out (flags > TWINE_* > file);
  // read before any line is written, as its password is a secret. `check` needs no index.
  let configError: SettingsError | undefined
  try {
    if (args.command === 'upload' || inputs.repository) {
      const index = pypircIndex(inputs, args.configFile, env, cwd)
      if (index) {
        inputs['repository-url'] = index.url
        delete inputs.repository
        delete twine.TWINE_REPOSITORY
        twine.TWINE_USERNAME ||= index.username
        twine.TWINE_PASSWORD ||= index.password
      }
      tls.caCert = args.cert || env.TWINE_CERT || index?.caCert
      tls.clientCert = args.clientCert || env.TWINE_CLIENT_CERT || index?.clientCert
    }
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error
    configError = error
  }
  const redactor = new Redactor()
  for (const { secret, user } of givenSecrets(read, twine, ciSecrets(env))) {
    redactor.add(secret, user)
  }
  const redact = (text: string): string => redactor.redact(text)
  const log = cliLog({
    out: args.json ? stderr : stdout,
    err: stderr,
    redact,
    verbose: args.verbose
  })

  let result: RunResult | undefined
  let failure: string | undefined
  let status = EXIT_OK
  try {
    if (configError) throw configError
    const files = await expandArguments(args.files, cwd)
    // The flags are the inputs: one not given is not given, so TWINE_* fill in as twine reads
    // them even when this runs in a GitHub Actions `run:` step (where the action ignores them).
    const { settings, warnings, notices } = readSettings(read, { twine, insideActions: false })
    for (const warning of warnings) log.warning(inFlagWords(warning))
    for (const notice of notices) log.notice(inFlagWords(notice))
    const ambient = ambientIdToken(env)
    const run = cliRunContext(env, redactor.forms(), ambient.identity)
    if (args.command === 'check') {
      const checked = { ...settings, files, verifyMetadata: true }
      const report = await checkFiles(checked, log, run, { strict: args.strict, cwd })
      if (args.json) stdout(jsonText(report, redact))
      return report.ok ? EXIT_OK : EXIT_FAILED
    }
    result = await publish(
      { ...settings, files, tls },
      {
        log,
        run,
        getIdToken: ambient.getIdToken,
        ambient: ambient.identity,
        onSecret: secret => redactor.add(secret),
        attestation: {
          fulcioUrl: env.PYPI_PUBLISH_FULCIO_URL || undefined,
          rekorUrl: env.PYPI_PUBLISH_REKOR_URL || undefined,
          indexAcceptsAttestations:
            env.PYPI_PUBLISH_INDEX_ACCEPTS_ATTESTATIONS === 'true' || undefined
        }
      }
    )
    if (result.failure) [failure, status] = [result.failure.message, EXIT_FAILED]
    summarise(result, log.info)
  } catch (error) {
    status = error instanceof SettingsError ? EXIT_USAGE : EXIT_FAILED
    if (error instanceof DistributionError) {
      for (const problem of error.problems) log.error(describeProblem(problem), problem.file)
      failure = `${error.problems.length} problem(s) found${args.command === 'check' ? '' : '; nothing was uploaded'}.`
    } else if (error instanceof SettingsError) failure = inFlagWords(error.message)
    else failure = error instanceof Error ? error.message : String(error)
  }
  if (failure) log.error(failure)
  if (args.json && args.command === 'check') {
    stdout(jsonText({ ok: false, files: [], errors: [], error: failure }, redact))
  } else if (args.json) {
    const outcome = result
      ? runOutcome(result)
      : {
          uploaded: [],
          skipped: [],
          verified: [],
          projects: [],
          releaseUrls: [],
          attestationPaths: []
        }
    const report = { ok: status === EXIT_OK, ...outcome, ...(failure ? { error: failure } : {}) }
    stdout(jsonText(report, redact))
  }
  return status
}

function jsonText(value: object, redact: (text: string) => string): string {
  // `##[` can only stand inside a string value here; `\u0023` is the same JSON, and no CI
  // system reading this output takes it for a legacy command.
  return redact(JSON.stringify(value, null, 2)).replace(/##\[/g, '#\\u0023[') + '\n'
}

/**
 * The arguments as files: each glob expanded (a shell that expanded it already leaves plain
 * names), each plain name kept for the core to check. A glob that matches nothing, or a plain
 * name that cannot be a distribution, is refused before anything is read, as twine refuses them.
 */
async function expandArguments(argumentsGiven: readonly string[], cwd: string): Promise<string[]> {
  const files: string[] = []
  const problems: Problem[] = []
  const refuse = (file: string, message: string, hint: string): number =>
    problems.push({ file, rule: 'file-name', message, hint })
  for (const argument of argumentsGiven) {
    const literal = await stat(path.resolve(cwd, argument)).catch(() => undefined)
    if (isGlob(argument) && !literal) {
      const matched = await expandGlob(argument, cwd)
      if (matched.length === 0) {
        refuse(
          argument,
          `No file matches '${argument}'.`,
          'Build the distributions first (e.g. `python -m build`), or fix the pattern.'
        )
      }
      files.push(...matched.map(file => path.resolve(cwd, file)))
      continue
    }
    const kind = distKindOf(path.basename(argument))
    if (literal?.isFile() && kind !== 'wheel' && kind !== 'sdist' && kind !== 'zip-sdist') {
      refuse(
        argument,
        `'${argument}' is not a distribution: PyPI takes wheels (.whl) and sdists (.tar.gz).`,
        'Name only the wheels and sdists to publish, e.g. `dist/*.whl dist/*.tar.gz`.'
      )
    }
    files.push(path.resolve(cwd, argument))
  }
  if (problems.length > 0) throw new DistributionError(problems)
  return files
}

/** One closing line: what happened to the files. */
function summarise(result: RunResult, info: (line: string) => void): void {
  if (result.dryRun) return
  const outcome = runOutcome(result)
  const parts = [`${outcome.uploaded.length} uploaded`, `${outcome.skipped.length} skipped`]
  if (result.verification) parts.push(`${outcome.verified.length} read back with the same sha256`)
  info(
    `${result.failure ? 'Not published' : 'Done'}: ${parts.join(', ')} (${result.repositoryUrl}).`
  )
  for (const url of outcome.releaseUrls) info(`Release page: ${url}`)
}

/** The settings' messages name action inputs; here they are flags. */
function inFlagWords(message: string): string {
  const flags: Record<string, string> = { user: '--username', token: '--password' }
  return message.replace(
    /\b(the|The) input '([a-z_-]+)'/g,
    (_match, article: string, input: string) => `${article} option ${flags[input] ?? `--${input}`}`
  )
}

/** The run, from whichever CI system runs us (no fork detection: only GitHub's runner tells it). */
function cliRunContext(
  env: NodeJS.ProcessEnv,
  secrets: Iterable<string>,
  identity: AmbientIdentity
): RunContext {
  return {
    ...runContextFromEnv(env, secrets),
    tag: env.CI_COMMIT_TAG || env.TRAVIS_TAG || env.BUILDKITE_TAG || tagOfRun(env) || undefined,
    repository: env.GITHUB_REPOSITORY || env.CI_PROJECT_PATH || undefined,
    forkPullRequest: false,
    idToken: identity.provider ? { available: true } : { available: false, why: identity.missing },
    tempDir: tmpdir()
  }
}

/** The environment's secrets beyond the settings' own: ID tokens and GitLab's job token. */
function ciSecrets(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => value && (name.endsWith('_ID_TOKEN') || name === 'CI_JOB_TOKEN'))
    .map(([, value]) => value!.trim())
}
