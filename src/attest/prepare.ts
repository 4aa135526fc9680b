/**
 * Which files get a PEP 740 publish attestation, and where it comes from: signed now, or made by
 * another tool and found beside the file as `<dist>.publish.attestation`.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { FormField } from '../dists/distribution.js'
import type { Log } from '../shared/log.js'
import { AttestationError } from '../auth/errors.js'
import {
  createAttestation,
  PUBLISH_PREDICATE_TYPE,
  STATEMENT_TYPE,
  type AttestationSubject,
  type PypiAttestation,
  type SignerConfig
} from './sign.js'

/** The suffix pypi-attestations and the official action give a publish attestation. */
export const ATTESTATION_SUFFIX = '.publish.attestation'

const ATTESTING_HOSTS = new Set(['upload.pypi.org', 'test.pypi.org'])

export type AttestationDecision = { sign: true } | { sign: false; warning?: string }

/** PyPI takes attestations only with trusted publishing, other indexes not at all. */
export function decideAttestations(input: {
  requested: boolean
  method: 'token' | 'trusted-publishing'
  repositoryUrl: string
  /** Overrides the host check (tests, an index known to take attestations). */
  indexAcceptsAttestations?: boolean
}): AttestationDecision {
  if (!input.requested) return { sign: false }
  const host = new URL(input.repositoryUrl).host
  const warning = !(input.indexAcceptsAttestations ?? ATTESTING_HOSTS.has(host))
    ? `No attestations: ${host} is not PyPI or TestPyPI, and other indexes do not accept PEP 740 ` +
      'attestations. Set `attestations: false` to silence this warning.'
    : input.method === 'token'
      ? 'No attestations: they need trusted publishing (a Sigstore certificate for this ' +
        'workflow), and this run uses an API token. Switch to trusted publishing to attest ' +
        'your files, or set `attestations: false` to silence this warning.'
      : undefined
  return warning ? { sign: false, warning } : { sign: true }
}

export interface DistAttestations {
  filename: string
  /** PyPI takes at most one per predicate type. */
  attestations: PypiAttestation[]
  path: string
  origin: 'signed' | 'found'
}

export interface PrepareAttestationsOptions {
  decision: AttestationDecision
  signer: SignerConfig
  /**
   * Under RUNNER_TEMP, never the packages dir: a second publish in the same job would find the
   * file and send it again beside a fresh one (the official action's #283/#319). A function is
   * called at the first signing, so a run that signs none makes no folder.
   */
  outputDir: string | (() => Promise<string>)
  log: Log
}

/**
 * Every attestation of the run, before the first upload, so a signing failure stops the run with
 * nothing published. A found one is sent instead of signing (two of one predicate type are
 * refused). By filename; a file without an entry is uploaded without the field.
 */
export async function prepareAttestations(
  dists: ReadonlyArray<{ path: string; filename: string; digests: { sha256: string } }>,
  options: PrepareAttestationsOptions
): Promise<Map<string, DistAttestations>> {
  const { log, decision } = options
  const prepared = new Map<string, DistAttestations>()
  if (!decision.sign) {
    if (decision.warning) log.warning(decision.warning)
    return prepared
  }
  let outputDir: Promise<string> | undefined
  for (const { path: distPath, filename, digests } of dists) {
    const { sha256 } = digests
    const found = await findExistingAttestation(distPath, sha256)
    if (found) {
      const file = `${distPath}${ATTESTATION_SUFFIX}`
      log.info(`${filename}: sending the attestation found beside it (${path.basename(file)})`)
      prepared.set(filename, { filename, attestations: [found], path: file, origin: 'found' })
      continue
    }
    const attestation = await createAttestation({ filename, sha256 }, options.signer)
    const dir = options.outputDir
    outputDir ??= typeof dir === 'string' ? Promise.resolve(dir) : dir()
    const file = path.join(await outputDir, `${filename}${ATTESTATION_SUFFIX}`)
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, `${JSON.stringify(attestation)}\n`, 'utf8')
    log.info(`${filename}: signed a publish attestation (${file})`)
    prepared.set(filename, { filename, attestations: [attestation], path: file, origin: 'signed' })
  }
  return prepared
}

export function attestationsField(prepared: DistAttestations): FormField {
  return ['attestations', JSON.stringify(prepared.attestations)]
}

/**
 * The attestation another tool left beside a distribution, or undefined. A malformed one, or one
 * for another file (an earlier build's), throws: the index would refuse it, and dropping it
 * silently would publish without the attestation the user prepared.
 */
export async function findExistingAttestation(
  distPath: string,
  sha256: string
): Promise<PypiAttestation | undefined> {
  const file = `${distPath}${ATTESTATION_SUFFIX}`
  const filename = path.basename(distPath)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new AttestationError(`Cannot read ${file}: ${(error as Error).message}`, { cause: error })
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AttestationError(
      `${file} is not JSON, so it is not an attestation. Remove it or remake it.`
    )
  }
  const problems = attestationProblems(value, { filename, sha256 })
  if (problems.length > 0) {
    throw new AttestationError(
      `${file} is not a usable publish attestation for ${filename}:\n` +
        problems.map(p => `  - ${p}`).join('\n') +
        '\nRemove it, or remake it for this file.'
    )
  }
  return value as PypiAttestation
}

/**
 * What PyPI checks of the shape, and a statement naming exactly this file and digest with the
 * publish predicate ([] when all is well). The signature is the index's to verify.
 */
export function attestationProblems(value: unknown, subject: AttestationSubject): string[] {
  if (!isObject(value)) return ['it is not a JSON object']
  const problems: string[] = []
  if (value.version !== 1) problems.push(`"version" is ${JSON.stringify(value.version)}, not 1`)
  const material = value.verification_material
  if (!isObject(material)) {
    problems.push('"verification_material" is missing')
  } else {
    if (!isBase64(material.certificate)) {
      problems.push('"verification_material.certificate" is not base64 (DER certificate)')
    }
    const entries = material.transparency_entries
    if (!Array.isArray(entries) || entries.length === 0 || !entries.every(isObject)) {
      problems.push(
        '"verification_material.transparency_entries" is not a non-empty list of objects'
      )
    }
  }
  const envelope = value.envelope
  if (!isObject(envelope)) return [...problems, '"envelope" is missing']
  if (!isBase64(envelope.signature)) problems.push('"envelope.signature" is not base64')
  if (!isBase64(envelope.statement)) return [...problems, '"envelope.statement" is not base64']
  let statement: unknown
  try {
    statement = JSON.parse(Buffer.from(envelope.statement, 'base64').toString('utf8'))
  } catch {
    return [...problems, 'the statement is not JSON']
  }
  if (!isObject(statement)) return [...problems, 'the statement is not a JSON object']
  const { _type: type, predicateType, subject: subjects } = statement
  if (type !== STATEMENT_TYPE) {
    problems.push(`the statement's _type is ${JSON.stringify(type)}, not ${STATEMENT_TYPE}`)
  }
  if (predicateType !== PUBLISH_PREDICATE_TYPE) {
    problems.push(
      `the predicate type is ${JSON.stringify(predicateType)}, not ${PUBLISH_PREDICATE_TYPE}`
    )
  }
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    return [...problems, 'the statement must have exactly one subject']
  }
  const only: unknown = subjects[0]
  const name = isObject(only) ? only.name : undefined
  const digest = isObject(only) && isObject(only.digest) ? only.digest.sha256 : undefined
  if (name !== subject.filename) {
    problems.push(`it attests ${JSON.stringify(name)}, not ${subject.filename}`)
  }
  if (typeof digest !== 'string' || digest.toLowerCase() !== subject.sha256.toLowerCase()) {
    problems.push(
      `it attests sha256 ${String(digest)}, but the file's is ${subject.sha256} ` +
        '(the file was rebuilt after the attestation was made?)'
    )
  }
  return problems
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isBase64(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value)
}
