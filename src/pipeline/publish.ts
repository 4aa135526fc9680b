import path from 'node:path'
import { mkdtemp } from 'node:fs/promises'
import { decideAttestations } from '../attest/policy.js'
import { resolveTokenSource } from '../auth/credentials.js'
import { trustedPublishingNudge } from '../auth/nudge.js'
import type { IdTokenFetcher } from '../auth/oidc.js'
import { attestationsField, prepareAttestations } from '../attest/prepare.js'
import type { TokenSource } from '../auth/token-source.js'
import { buildDistributions } from '../builder/build.js'
import { ChildEnv } from '../process/child-env.js'
import type { StartedRenderer } from '../check/description/readme-renderer.js'
import type { Distribution } from '../dists/distribution.js'
import { dryRunChecks } from './dry-run.js'
import { basicAuth, Http } from '../shared/http.js'
import { simpleUrlFor } from '../index-api/simple.js'
import type { Log } from '../shared/log.js'
import { prepare } from './prepare.js'
import type { Settings } from '../settings/settings.js'
import { publishAll, type FileResult } from '../upload/upload-all.js'
import { DEFAULT_RETRY_POLICY } from '../upload/retry.js'
import { verifyOnIndex, type VerifyResult } from '../index-api/verify.js'

/** What the pipeline needs from its surroundings, passed in so the core never reads globals. */
export interface PipelineDeps {
  log: Log
  env: NodeJS.ProcessEnv
  /** The environment of the build and the description check's Python (see ChildEnv). */
  childEnv?: ChildEnv
  /** GitHub ID tokens (trusted publishing, Sigstore). */
  getIdToken: IdTokenFetcher
  /** Called with every secret the moment it exists (minted tokens). */
  onSecret: (secret: string) => void
  /** Where attestation files are written (never the packages dir). */
  tempDir: string
  /** The description check's Python, started early by the entry (see src/index.ts). */
  renderer?: StartedRenderer
  /** Sigstore endpoints and the index's attestation support, for private deployments and tests. */
  attestation?: { fulcioUrl?: string; rekorUrl?: string; indexAcceptsAttestations?: boolean }
}

export interface RunResult {
  repositoryUrl: string
  dryRun: boolean
  dists: Distribution[]
  files: FileResult[]
  /** Where the run read the index back, and what it found; undefined when not read back. */
  verification?: VerifyResult & { simpleUrl: string }
  /** Why the index was not read back, when it was not. */
  verificationSkipped?: string
  attestationPaths: string[]
  failure?: Error
}

/**
 * The whole publish, as plain functions over plain data: discover → inspect → check →
 * authenticate → upload → verify. Knows nothing of GitHub Actions; reports through `log`.
 * Throws DistributionError when a file is not fit to publish, before anything is sent.
 */
export async function publish(settings: Settings, deps: PipelineDeps): Promise<RunResult> {
  const { log } = deps
  const childEnv = deps.childEnv ?? ChildEnv.from(deps.env)
  if (settings.build) {
    // buildDistributions streams the build's output in a log group of its own.
    const built = await buildDistributions({
      workingDirectory: settings.workingDirectory,
      outDir: settings.packagesDir,
      distributions: settings.distributions,
      buildCommand: settings.buildCommand || undefined,
      env: childEnv,
      log
    })
    log.info(
      `Built with \`${built.command}\`: ${built.files.map(f => path.basename(f)).join(', ')}`
    )
  }
  const dists = await prepare(settings, log, deps.env, {
    renderer: deps.renderer,
    descriptions: { env: childEnv }
  })
  const http = new Http({
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs
  })
  const result: RunResult = {
    repositoryUrl: settings.repositoryUrl,
    dryRun: settings.dryRun,
    dists,
    files: dists.map(dist => ({ dist, status: 'not-attempted' })),
    attestationPaths: []
  }
  try {
    if (settings.dryRun) {
      await dryRunChecks(settings, deps, http, dists)
      return result
    }

    const tokens = await resolveTokenSource({
      settings,
      env: deps.env,
      http,
      getIdToken: deps.getIdToken,
      onSecret: deps.onSecret,
      log
    })
    const attestations = await prepareAttestations(dists, {
      decision: decideAttestations({
        requested: settings.attestations,
        method: tokens.kind,
        repositoryUrl: settings.repositoryUrl,
        indexAcceptsAttestations: deps.attestation?.indexAcceptsAttestations
      }),
      signer: {
        getIdToken: deps.getIdToken,
        fulcioUrl: deps.attestation?.fulcioUrl,
        rekorUrl: deps.attestation?.rekorUrl
      },
      outputDir: await mkdtemp(path.join(deps.tempDir, 'pypi-publish-attestations-')),
      log
    })
    result.attestationPaths = [...attestations.values()].map(a => a.path)

    const simpleUrl = settings.indexUrl || simpleUrlFor(settings.repositoryUrl)
    // Credentials written in index-url are for index-url (and sent nowhere else).
    const simpleAuth = settings.indexCredentials
      ? basicAuth(settings.indexCredentials.user, settings.indexCredentials.password)
      : await readAuthorization(tokens, simpleUrl, settings.repositoryUrl)
    const { files, failure } = await log.group(
      `Uploading ${dists.length} file(s) to ${settings.repositoryUrl}`,
      () =>
        publishAll(
          {
            http,
            url: settings.repositoryUrl,
            tokens,
            skipExisting: settings.skipExisting,
            verbose: settings.verbose,
            simpleUrl,
            simpleAuth,
            retry: { ...DEFAULT_RETRY_POLICY, ...settings.retry },
            extraFields: dist => {
              const prepared = attestations.get(dist.filename)
              return prepared ? [attestationsField(prepared)] : []
            },
            log
          },
          dists,
          settings.concurrency
        )
    )
    result.files = files
    result.failure = failure
    if (failure) return result

    if (!settings.verifyUpload) {
      result.verificationSkipped = "'verify-upload' is false"
    } else if (!simpleUrl) {
      result.verificationSkipped = `the simple index of ${settings.repositoryUrl} is not known; set 'index-url' to read the upload back`
      log.notice(`Upload not read back: ${result.verificationSkipped}.`)
    } else {
      await verifyUploads(result, settings, http, simpleUrl, simpleAuth, log)
    }

    const nudge = trustedPublishingNudge({
      repositoryUrl: settings.repositoryUrl,
      usedToken: tokens.kind === 'token',
      projects: [...new Set(dists.map(d => d.name))],
      env: deps.env
    })
    if (nudge) log.notice(nudge)
    return result
  } finally {
    http.dispose()
  }
}

async function verifyUploads(
  result: RunResult,
  settings: Settings,
  http: Http,
  simpleUrl: string,
  authorization: string | undefined,
  log: Log
): Promise<void> {
  const onIndex = result.files.filter(f => f.status === 'uploaded' || f.status === 'skipped')
  const verification = await log.group(
    `Reading ${onIndex.length} file(s) back from ${simpleUrl}`,
    () =>
      verifyOnIndex(
        onIndex.map(f => f.dist),
        { http, simpleUrl, authorization, timeoutMs: settings.verifyTimeoutMs, log },
        // A file skipped because the index holds another build of it was warned about already;
        // here it only has to be there.
        new Set(onIndex.filter(f => f.sameHash === false).map(f => f.dist))
      )
  )
  result.verification = { ...verification, simpleUrl }
  for (const file of result.files) {
    if (verification.verified.includes(file.dist)) file.verified = true
    if (verification.failed.some(f => f.dist === file.dist)) file.verified = false
  }
  for (const dist of verification.unverifiable) {
    log.notice(`${dist.filename} is listed on ${simpleUrl}, which gives no sha256 to compare.`)
  }
  if (verification.failed.length > 0) {
    for (const { dist, reason } of verification.failed)
      log.error(`${dist.filename}: ${reason}`, dist.path)
    result.failure = new Error(
      `The index does not have what was uploaded: ${verification.failed
        .map(f => `${f.dist.filename} (${f.reason})`)
        .join('; ')}`
    )
  } else {
    log.info(
      `✔ All ${verification.verified.length} file(s) are on the index with the expected sha256.`
    )
  }
}

/**
 * Simple pages on the upload host of a self-hosted index often need the same credentials
 * (Nexus, Artifactory, GitLab); another host (pypi.org for upload.pypi.org) never gets them.
 */
async function readAuthorization(
  tokens: TokenSource,
  simpleUrl: string | undefined,
  uploadUrl: string
): Promise<string | undefined> {
  if (!simpleUrl || tokens.kind !== 'token') return undefined
  if (new URL(simpleUrl).origin !== new URL(uploadUrl).origin) return undefined
  return basicAuth(tokens.user, await tokens.current())
}
