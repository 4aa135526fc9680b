import path from 'node:path'
import { mkdtemp } from 'node:fs/promises'
import { decideAttestations } from '../attest/policy.js'
import { resolveTokenSource } from '../auth/credentials.js'
import { trustedPublishingNudge } from '../auth/nudge.js'
import type { AmbientIdentity } from '../auth/ambient-id-token.js'
import type { IdTokenFetcher } from '../auth/oidc.js'
import { attestationsField, prepareAttestations } from '../attest/prepare.js'
import type { TokenSource } from '../auth/token-source.js'
import { buildDistributions } from '../builder/build.js'
import type { StartedRenderer } from '../check/description/readme-renderer.js'
import type { Distribution } from '../dists/distribution.js'
import { dryRunChecks } from './dry-run.js'
import { basicAuth, Http } from '../shared/http.js'
import { simpleUrlFor } from '../index-api/simple.js'
import {
  ListingReader,
  listedSha256,
  presenceOf,
  readListings,
  type Listings
} from '../index-api/listing.js'
import type { Log } from '../shared/log.js'
import type { RunContext } from '../shared/run-context.js'
import { prepare } from './prepare.js'
import type { Settings } from '../settings/settings.js'
import { publishAll, type FileResult } from '../upload/upload-all.js'
import { DEFAULT_RETRY_POLICY } from '../shared/backoff.js'
import { verifyOnIndex, type VerifyResult } from '../index-api/verify.js'

/** What the pipeline needs from its surroundings, passed in so the core never reads globals. */
export interface PipelineDeps {
  log: Log
  /** The run this publish is part of, as the entry read it (the only view of the environment). */
  run: RunContext
  /** GitHub ID tokens (trusted publishing, Sigstore). */
  getIdToken: IdTokenFetcher
  /**
   * Which CI system gives `getIdToken` its tokens, for the command line (ambient-id-token.ts);
   * absent in the action, where the runner's ACTIONS_ID_TOKEN_REQUEST_* variables decide.
   */
  ambient?: AmbientIdentity
  /** Called with every secret the moment it exists (minted tokens). */
  onSecret: (secret: string) => void
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
  const { log, run } = deps
  if (settings.build) {
    // buildDistributions streams the build's output in a log group of its own.
    const built = await buildDistributions({
      workingDirectory: settings.workingDirectory,
      outDir: settings.packagesDir,
      distributions: settings.distributions,
      buildCommand: settings.buildCommand || undefined,
      env: run.childEnv,
      log
    })
    log.info(
      `Built with \`${built.command}\`: ${built.files.map(f => path.basename(f)).join(', ')}`
    )
  }
  const http = new Http({
    timeoutMs: settings.timeoutMs,
    connectTimeoutMs: settings.connectTimeoutMs,
    proxy: run.proxy
  })
  try {
    return await publishWith(http, settings, deps)
  } finally {
    http.dispose()
  }
}

async function publishWith(http: Http, settings: Settings, deps: PipelineDeps): Promise<RunResult> {
  const { log, run } = deps
  const simpleUrl = settings.indexUrl || simpleUrlFor(settings.repositoryUrl)
  const simpleAuth = listingAuthorization(settings, simpleUrl)
  // Ask the index before sending: a re-run sends nothing that is already there, and a file of
  // the same name with other content stops the run before its first upload. Each project's page
  // is asked for as soon as one of its files has been read, so the round trip overlaps the
  // reading and checking of the others (a read only: nothing is sent before every check passed).
  const reader =
    simpleUrl && !settings.dryRun ? new ListingReader(http, simpleUrl, simpleAuth) : undefined
  const dists = await prepare(settings, log, run, {
    renderer: deps.renderer,
    onInspected: reader && (dist => reader.start(dist.name))
  })
  const result: RunResult = {
    repositoryUrl: settings.repositoryUrl,
    dryRun: settings.dryRun,
    dists,
    files: dists.map(dist => ({ dist, status: 'not-attempted' })),
    attestationPaths: []
  }
  if (settings.dryRun) {
    await dryRunChecks(settings, deps, http, dists)
    return result
  }

  const tokens = await resolveTokenSource({
    settings,
    run,
    ambient: deps.ambient,
    http,
    getIdToken: deps.getIdToken,
    onSecret: deps.onSecret,
    log
  })
  const listings =
    simpleUrl && reader
      ? await log.group(`Reading what ${simpleUrl} already holds`, () =>
          reader.listings(dists, log)
        )
      : new Map()
  const conflicts = sortByPresence(result.files, listings, settings.skipExisting, log)
  if (conflicts.length > 0) {
    result.failure = new Error(conflictMessage(conflicts))
    return result
  }
  const toSend = result.files.filter(f => f.status === 'not-attempted').map(f => f.dist)

  if (toSend.length > 0) {
    await uploadFiles(toSend, result, { settings, deps, tokens, http, simpleUrl, simpleAuth })
  } else {
    log.info('Nothing to upload: every file is on the index already or skipped.')
  }
  if (result.failure) return result

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
    run
  })
  if (nudge) log.notice(nudge)
  return result
}

interface UploadContext {
  settings: Settings
  deps: PipelineDeps
  tokens: TokenSource
  http: Http
  simpleUrl: string | undefined
  simpleAuth: string | undefined
}

/** Signs (when attesting) and uploads the files not on the index yet; reads back after a failure. */
async function uploadFiles(
  toSend: Distribution[],
  result: RunResult,
  { settings, deps, tokens, http, simpleUrl, simpleAuth }: UploadContext
): Promise<void> {
  const { log } = deps
  const attestations = await prepareAttestations(toSend, {
    decision: decideAttestations({
      requested: settings.attestations,
      method: tokens.kind,
      repositoryUrl: settings.repositoryUrl,
      indexAcceptsAttestations: deps.attestation?.indexAcceptsAttestations
    }),
    signer: {
      // Sigstore's ID token is a secret like the others: redacted from everything printed.
      getIdToken: async audience => {
        const token = await deps.getIdToken(audience)
        deps.onSecret(token)
        return token
      },
      fulcioUrl: deps.attestation?.fulcioUrl,
      rekorUrl: deps.attestation?.rekorUrl
    },
    outputDir: () => mkdtemp(path.join(deps.run.tempDir, 'pypi-publish-attestations-')),
    log
  })
  result.attestationPaths = [...attestations.values()].map(a => a.path)

  const { files, failure } = await log.group(
    `Uploading ${toSend.length} file(s) to ${settings.repositoryUrl}`,
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
        toSend,
        settings.concurrency
      )
  )
  for (const sent of files) {
    const file = result.files.find(f => f.dist === sent.dist)
    if (file) Object.assign(file, sent)
  }
  result.failure = failure
  if (failure && simpleUrl) {
    await log.group(`Reading back what reached ${simpleUrl}`, () =>
      readBackAfterFailure(result, http, simpleUrl, simpleAuth, log)
    )
  }
}

/**
 * Sorts each file by what the index already holds under its name: the same sha256 is skipped as
 * already present (with or without `skip-existing`: sending it again changes nothing); another
 * sha256 is skipped loudly under `skip-existing`, else returned as a conflict. Files of projects
 * whose page could not be read, or listed without a sha256, stay to be sent (the upload's own
 * answer then decides, as before there was a read).
 */
function sortByPresence(
  files: FileResult[],
  listings: Listings,
  skipExisting: boolean,
  log: Log
): FileResult[] {
  const conflicts: FileResult[] = []
  for (const file of files) {
    const { dist } = file
    const presence = presenceOf(listings, dist)
    if (presence === 'same') {
      file.status = 'skipped'
      file.sameHash = true
      file.verified = true
      file.message = 'already on the index with the same sha256'
      log.info(`↷ ${dist.filename} is already on the index (same sha256); not sent again`)
    } else if (presence === 'different') {
      const theirs = listedSha256(listings, dist) ?? ''
      file.message = `the index holds a different file under this name (sha256 ${theirs} there, ${dist.digests.sha256} here)`
      if (skipExisting) {
        file.status = 'skipped'
        file.sameHash = false
        log.warning(
          `${dist.filename} is already on the index with DIFFERENT content (sha256 ${theirs} there, ` +
            `${dist.digests.sha256} here). It was skipped and the index keeps its own file: this build is NOT published. ` +
            'PyPI never allows a file to be replaced; bump the version to publish this build.',
          dist.path
        )
      } else {
        file.status = 'failed'
        file.sameHash = false
        conflicts.push(file)
        log.error(
          `${dist.filename}: ${file.message}. PyPI never allows a file to be replaced, even after it is deleted; ` +
            'bump the version and build again.',
          dist.path
        )
      }
    }
  }
  return conflicts
}

function conflictMessage(conflicts: readonly FileResult[]): string {
  return (
    `The index holds a different file under ${conflicts.length === 1 ? 'the name' : 'the names'} ` +
    `${conflicts.map(f => f.dist.filename).join(', ')}. PyPI never allows a file to be replaced: ` +
    'bump the version and build again (or set `skip-existing: true` to keep the files on the index ' +
    'and publish the rest). Nothing was uploaded.'
  )
}

/**
 * After an upload ended in an error, reads the index once: a file it stored (our sha256) counts as
 * uploaded even though its answer was an error, and when every file is there the run succeeds.
 */
async function readBackAfterFailure(
  result: RunResult,
  http: Http,
  simpleUrl: string,
  authorization: string | undefined,
  log: Log
): Promise<void> {
  const listings = await readListings(http, simpleUrl, result.dists, authorization, log)
  for (const file of result.files) {
    if (presenceOf(listings, file.dist) !== 'same') continue
    file.verified = true
    if (file.status === 'failed') {
      file.status = 'uploaded'
      log.info(`✔ ${file.dist.filename} is on the index (same sha256) despite the error`)
    } else if (file.status === 'not-attempted') {
      file.status = 'skipped'
      file.sameHash = true
      file.message = 'already on the index with the same sha256'
    }
  }
  // Files skipped as the user asked (skip-existing) count as done, as they would without the error.
  if (result.files.every(f => f.status === 'uploaded' || f.status === 'skipped')) {
    log.info('Every file is on the index: the errors above did not stop the release.')
    result.failure = undefined
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
  // A file skipped because the index holds another build of it is not ours to verify: it was
  // warned about, and `verified` lists only files the index holds with the local sha256.
  const expected = result.files.filter(
    f => f.status === 'uploaded' || (f.status === 'skipped' && f.sameHash !== false)
  )
  const verification = await log.group(
    `Reading ${expected.length} file(s) back from ${simpleUrl}`,
    () =>
      verifyOnIndex(
        expected.map(f => f.dist),
        { http, simpleUrl, authorization, timeoutMs: settings.verifyTimeoutMs, log }
      )
  )
  // A skipped file whose hash the index did not give at upload time, found to be another build.
  const otherBuilds = verification.failed.filter(
    ({ dist, listedSha256 }) =>
      listedSha256 && result.files.find(f => f.dist === dist)?.status === 'skipped'
  )
  for (const { dist, listedSha256 } of otherBuilds) {
    const file = result.files.find(f => f.dist === dist)!
    file.sameHash = false
    log.warning(
      `${dist.filename} was skipped, and the index holds a DIFFERENT file under this name (sha256 ${listedSha256} there, ` +
        `${dist.digests.sha256} here): this build is NOT published. Bump the version to publish it.`,
      dist.path
    )
  }
  const failed = verification.failed.filter(f => !otherBuilds.includes(f))
  result.verification = { ...verification, failed, simpleUrl }
  for (const file of result.files) {
    if (verification.verified.includes(file.dist)) file.verified = true
    if (failed.some(f => f.dist === file.dist)) file.verified = false
  }
  for (const dist of verification.unverifiable) {
    log.notice(`${dist.filename} is listed on ${simpleUrl}, which gives no sha256 to compare.`)
  }
  if (failed.length > 0) {
    for (const { dist, reason } of failed) log.error(`${dist.filename}: ${reason}`, dist.path)
    result.failure = new Error(
      `The index does not have what was uploaded: ${failed
        .map(f => `${f.dist.filename} (${f.reason})`)
        .join('; ')}`
    )
  } else if (verification.verified.length === expected.length) {
    log.info(
      `✔ All ${verification.verified.length} file(s) are on the index with the expected sha256.`
    )
  } else {
    log.info(
      `✔ ${verification.verified.length} of ${expected.length} file(s) are on the index with the expected sha256` +
        (verification.unverifiable.length
          ? `; ${verification.unverifiable.length} listed without a sha256 to compare.`
          : '.')
    )
  }
}

/**
 * Simple pages on the upload host of a self-hosted index often need the same credentials
 * (Nexus, Artifactory, GitLab); another host (pypi.org for upload.pypi.org) never gets them.
 */
function listingAuthorization(
  settings: Pick<Settings, 'indexCredentials' | 'user' | 'password' | 'repositoryUrl'>,
  simpleUrl: string | undefined
): string | undefined {
  // Credentials written in index-url are for index-url (and sent nowhere else).
  if (settings.indexCredentials) {
    return basicAuth(settings.indexCredentials.user, settings.indexCredentials.password)
  }
  // The upload's own token, only to the upload's origin (a minted token is never sent there).
  if (!simpleUrl || !settings.password) return undefined
  if (new URL(simpleUrl).origin !== new URL(settings.repositoryUrl).origin) return undefined
  return basicAuth(settings.user, settings.password)
}
