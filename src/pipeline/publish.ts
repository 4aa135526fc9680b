import path from 'node:path'
import { mkdtemp } from 'node:fs/promises'
import { attestationsField, decideAttestations, prepareAttestations } from '../attest/prepare.js'
import {
  resolveTokenSource,
  trustedPublishingNudge,
  type AmbientIdentity
} from '../auth/credentials.js'
import type { IdTokenFetcher } from '../auth/oidc.js'
import type { TokenSource } from '../auth/token-source.js'
import { buildDistributions } from '../builder/build.js'
import type { Distribution } from '../dists/distribution.js'
import { ListingReader } from '../index-api/listing.js'
import { simpleUrlFor } from '../index-api/simple.js'
import type { VerifyResult } from '../index-api/verify.js'
import type { Settings } from '../settings/settings.js'
import { DEFAULT_RETRY_POLICY } from '../shared/backoff.js'
import { basicAuth, Http, readTlsFiles } from '../shared/http.js'
import type { Log } from '../shared/log.js'
import type { RunContext } from '../shared/run-context.js'
import { publishAll, type FileResult } from '../upload/upload-all.js'
import { dryRunChecks } from './dry-run.js'
import {
  statusesAfterFailure,
  statusesBeforeUpload,
  verifyStatuses,
  type IndexReader,
  type Statuses
} from './index-status.js'
import { prepare } from './prepare.js'

/** What the pipeline needs from its surroundings: the core never reads globals. */
export interface PipelineDeps {
  log: Log
  run: RunContext
  /** ID tokens (trusted publishing, Sigstore). */
  getIdToken: IdTokenFetcher
  /** The command line's CI system behind `getIdToken`. */
  ambient?: AmbientIdentity
  /** Called with every secret the moment it exists (minted tokens). */
  onSecret: (secret: string) => void
  /** Sigstore endpoints and the index's attestation support (private deployments, tests). */
  attestation?: { fulcioUrl?: string; rekorUrl?: string; indexAcceptsAttestations?: boolean }
}

export interface RunResult {
  repositoryUrl: string
  dryRun: boolean
  /** The files were built by this run (`build: true`): a re-run builds them again. */
  built?: boolean
  /** The release page of an index other than PyPI's (`{name}`, `{version}`); empty: none. */
  releaseUrlPattern?: string
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
 * [build] → discover → inspect → check → authenticate → what the index holds (conflicts) →
 * upload → verify. Throws DistributionError, before anything is sent, when a file is not fit to
 * publish. The token is minted before the conflicts are decided, while the pages are still read.
 */
export async function publish(settings: Settings, deps: PipelineDeps): Promise<RunResult> {
  const { log, run } = deps
  if (settings.build) {
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
  const { timeoutMs, connectTimeoutMs } = settings
  const tls = settings.tls && (await readTlsFiles(settings.tls))
  const http = new Http({ timeoutMs, connectTimeoutMs, proxy: run.proxy, tls })
  try {
    const simpleUrl = settings.indexUrl || simpleUrlFor(settings.repositoryUrl)
    const authorization = listingAuthorization(settings, simpleUrl)
    // A re-run sends nothing already there, and another file under the same name stops the run
    // before its first upload (a dry run reads the same pages, to say so). Each project's page
    // is read while the other files are checked.
    const index = simpleUrl ? { http, simpleUrl, authorization, log } : undefined
    const reader = index && new ListingReader(http, index.simpleUrl, authorization)
    const dists = await prepare(settings, log, run, {
      onInspected: reader && (dist => reader.start(dist.name))
    })
    const result: RunResult = {
      repositoryUrl: settings.repositoryUrl,
      dryRun: settings.dryRun,
      built: settings.build,
      releaseUrlPattern: settings.releaseUrlPattern,
      dists,
      files: dists.map(dist => ({ dist, status: 'not-attempted' })),
      attestationPaths: []
    }
    // A dry run mints no token: it says which credential the real run would use.
    const tokens = settings.dryRun
      ? undefined
      : await resolveTokenSource({ ...deps, settings, http })
    const listings = reader
      ? await log.group(`Reading what ${simpleUrl} already holds`, () =>
          reader.listings(dists, log)
        )
      : new Map()
    const before = statusesBeforeUpload(dists, listings, settings.skipExisting, log)
    if (before.failure) return { ...result, ...before }

    const toSend = before.files.filter(f => f.status === 'not-attempted').map(f => f.dist)
    if (!tokens) {
      await dryRunChecks(settings, deps, http, toSend)
      return { ...result, ...before }
    }
    let sent: Statuses = before
    if (toSend.length === 0) {
      log.info('Nothing to upload: every file is on the index already or skipped.')
    } else {
      const uploaded = await upload(toSend, tokens, http, index, settings, deps)
      result.attestationPaths = uploaded.attestationPaths
      const files = before.files.map(f => uploaded.files.find(u => u.dist === f.dist) ?? f)
      sent = { files, failure: uploaded.failure }
      if (uploaded.failure && index) {
        sent = await log.group(`Reading back what reached ${simpleUrl}`, () =>
          statusesAfterFailure({ files, failure: uploaded.failure }, index)
        )
      }
    }
    if (sent.failure) return { ...result, ...sent }

    let read: Partial<RunResult> = { ...sent, verificationSkipped: "'verify-upload' is false" }
    if (settings.verifyUpload && index) {
      read = await verifyStatuses(sent.files, index, settings.verifyTimeoutMs)
    } else if (settings.verifyUpload) {
      const why = `the simple index of ${settings.repositoryUrl} is not known; set 'index-url' to read the upload back`
      log.notice(`Upload not read back: ${why}.`)
      read = { ...sent, verificationSkipped: why }
    }

    const nudge = trustedPublishingNudge({
      repositoryUrl: settings.repositoryUrl,
      usedToken: tokens.kind === 'token',
      projects: [...new Set(dists.map(d => d.name))],
      run
    })
    if (nudge) log.notice(nudge)
    return { ...result, ...read }
  } finally {
    http.dispose()
  }
}

/** Signs the files (when attesting) and uploads them. */
async function upload(
  dists: Distribution[],
  tokens: TokenSource,
  http: Http,
  index: IndexReader | undefined,
  settings: Settings,
  deps: PipelineDeps
): Promise<Statuses & { attestationPaths: string[] }> {
  const { log, attestation } = deps
  const attestations = await prepareAttestations(dists, {
    decision: decideAttestations({
      requested: settings.attestations,
      method: tokens.kind,
      repositoryUrl: settings.repositoryUrl,
      indexAcceptsAttestations: attestation?.indexAcceptsAttestations
    }),
    signer: {
      // Sigstore's ID token is a secret like the others: redacted from everything printed.
      getIdToken: async audience => {
        const token = await deps.getIdToken(audience)
        deps.onSecret(token)
        return token
      },
      fulcioUrl: attestation?.fulcioUrl,
      rekorUrl: attestation?.rekorUrl
    },
    outputDir: () => mkdtemp(path.join(deps.run.tempDir, 'pypi-publish-attestations-')),
    log
  })
  const sent = await log.group(
    `Uploading ${dists.length} file(s) to ${settings.repositoryUrl}`,
    () =>
      publishAll(
        {
          http,
          url: settings.repositoryUrl,
          tokens,
          skipExisting: settings.skipExisting,
          verbose: settings.verbose,
          simpleUrl: index?.simpleUrl,
          simpleAuth: index?.authorization,
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
  return { ...sent, attestationPaths: [...attestations.values()].map(a => a.path) }
}

/**
 * Simple pages on the upload's host of a self-hosted index often need the same credentials
 * (Nexus, Artifactory, GitLab); another host (pypi.org for upload.pypi.org) never gets them.
 */
function listingAuthorization(
  settings: Settings,
  simpleUrl: string | undefined
): string | undefined {
  // Credentials written in index-url are for index-url (and sent nowhere else).
  const given = settings.indexCredentials
  if (given) return basicAuth(given.user, given.password)
  // The upload's own password, only to the upload's origin (a minted token is never sent there).
  if (!simpleUrl || !settings.password) return undefined
  if (new URL(simpleUrl).origin !== new URL(settings.repositoryUrl).origin) return undefined
  return basicAuth(settings.user, settings.password)
}
