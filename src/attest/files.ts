import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  PUBLISH_PREDICATE_TYPE,
  STATEMENT_TYPE,
  type AttestationSubject,
  type PypiAttestation
} from './sign.js'
import { AttestationError } from '../auth/errors.js'

/** The suffix other tools (pypi-attestations, the official action) give a publish attestation. */
export const ATTESTATION_SUFFIX = '.publish.attestation'

/**
 * Reads `<dist>.publish.attestation` beside a distribution, made by another tool, so it can be
 * sent with the file. undefined when there is none. A file that is there but malformed, or that
 * attests another file (e.g. left over from an earlier build), throws: sending it would make the
 * index refuse the upload, and silently dropping it would publish without the attestation the
 * user prepared.
 */
export async function findExistingAttestation(
  distPath: string,
  sha256: string
): Promise<PypiAttestation | undefined> {
  const file = `${distPath}${ATTESTATION_SUFFIX}`
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
  const problems = attestationProblems(value, { filename: path.basename(distPath), sha256 })
  if (problems.length > 0) {
    throw new AttestationError(
      `${file} is not a usable publish attestation for ${path.basename(distPath)}:\n` +
        problems.map(p => `  - ${p}`).join('\n') +
        '\nRemove it, or remake it for this file.'
    )
  }
  return value as PypiAttestation
}

/**
 * Writes an attestation as `<filename>.publish.attestation` into `dir`, which must NOT be the
 * packages directory: a second publish in the same job (TestPyPI, then PyPI) would find the file
 * and send it again beside a fresh one (the official action's #283/#319). Returns the path.
 */
export async function writeAttestation(
  dir: string,
  filename: string,
  attestation: PypiAttestation
): Promise<string> {
  await mkdir(dir, { recursive: true })
  const file = path.join(dir, `${filename}${ATTESTATION_SUFFIX}`)
  await writeFile(file, `${JSON.stringify(attestation)}\n`, 'utf8')
  return file
}

/**
 * What is wrong with `value` as a publish attestation for `subject` ([] when nothing): the shape
 * PyPI checks, and a statement naming exactly this file and digest with the publish predicate.
 * The signature is not verified here; the index does that.
 */
export function attestationProblems(value: unknown, subject: AttestationSubject): string[] {
  const problems: string[] = []
  if (!isObject(value)) return ['it is not a JSON object']
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
  if (!isObject(envelope)) {
    problems.push('"envelope" is missing')
    return problems
  }
  if (!isBase64(envelope.signature)) problems.push('"envelope.signature" is not base64')
  if (!isBase64(envelope.statement)) {
    problems.push('"envelope.statement" is not base64')
    return problems
  }
  let statement: unknown
  try {
    statement = JSON.parse(Buffer.from(envelope.statement, 'base64').toString('utf8'))
  } catch {
    problems.push('the statement is not JSON')
    return problems
  }
  if (!isObject(statement)) return [...problems, 'the statement is not a JSON object']
  if (statement._type !== STATEMENT_TYPE) {
    problems.push(
      `the statement's _type is ${JSON.stringify(statement._type)}, not ${STATEMENT_TYPE}`
    )
  }
  if (statement.predicateType !== PUBLISH_PREDICATE_TYPE) {
    problems.push(
      `the predicate type is ${JSON.stringify(statement.predicateType)}, not ${PUBLISH_PREDICATE_TYPE}`
    )
  }
  const subjects = statement.subject
  if (!Array.isArray(subjects) || subjects.length !== 1) {
    problems.push('the statement must have exactly one subject')
    return problems
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
