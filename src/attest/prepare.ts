import path from 'node:path'
import type { FormField } from '../dists/distribution.js'
import type { Log } from '../shared/log.js'
import { ATTESTATION_SUFFIX, findExistingAttestation, writeAttestation } from './files.js'
import type { AttestationDecision } from './policy.js'
import { createAttestation, type PypiAttestation, type SignerConfig } from './sign.js'

/** What prepareAttestations needs of a distribution (a Distribution fits). */
export interface AttestableDist {
  path: string
  filename: string
  digests: { sha256: string }
}

export interface DistAttestations {
  filename: string
  /** What goes in the `attestations` form field (PyPI takes at most one per predicate type). */
  attestations: PypiAttestation[]
  /** The attestation file: written by us (under outputDir) or found beside the distribution. */
  path: string
  origin: 'signed' | 'found'
}

export interface PrepareAttestationsOptions {
  /** From decideAttestations: only when it says sign are attestations made or sent. */
  decision: AttestationDecision
  signer: SignerConfig
  /**
   * Where new attestation files go: a directory under RUNNER_TEMP, never the packages dir. A
   * function is called once, when the first attestation is signed (no empty folder is made for a
   * run that signs none).
   */
  outputDir: string | (() => Promise<string>)
  log: Log
}

/**
 * Every attestation of the run, made before the first upload so that a signing failure stops
 * the run with nothing published. A `<dist>.publish.attestation` made by another tool is sent
 * instead of signing a new one (two of the same predicate type would be refused). Returns them
 * by filename; a distribution without an entry is uploaded without the field.
 */
export async function prepareAttestations(
  dists: readonly AttestableDist[],
  options: PrepareAttestationsOptions
): Promise<Map<string, DistAttestations>> {
  const { log } = options
  const prepared = new Map<string, DistAttestations>()
  if (!options.decision.sign) {
    if ('warning' in options.decision && options.decision.warning) {
      log.warning(options.decision.warning)
    }
    return prepared
  }
  let outputDir: Promise<string> | undefined
  const output = (): Promise<string> => {
    const dir = options.outputDir
    return (outputDir ??= typeof dir === 'string' ? Promise.resolve(dir) : dir())
  }
  for (const dist of dists) {
    const found = await findExistingAttestation(dist.path, dist.digests.sha256)
    if (found) {
      const file = `${dist.path}${ATTESTATION_SUFFIX}`
      log.info(`${dist.filename}: sending the attestation found beside it (${path.basename(file)})`)
      prepared.set(dist.filename, {
        filename: dist.filename,
        attestations: [found],
        path: file,
        origin: 'found'
      })
      continue
    }
    const attestation = await createAttestation(
      { filename: dist.filename, sha256: dist.digests.sha256 },
      options.signer
    )
    const file = await writeAttestation(await output(), dist.filename, attestation)
    log.info(`${dist.filename}: signed a publish attestation (${file})`)
    prepared.set(dist.filename, {
      filename: dist.filename,
      attestations: [attestation],
      path: file,
      origin: 'signed'
    })
  }
  return prepared
}

/** The upload form field for a distribution's attestations. */
export function attestationsField(prepared: DistAttestations): FormField {
  return ['attestations', JSON.stringify(prepared.attestations)]
}
