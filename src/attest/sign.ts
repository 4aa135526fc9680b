import type { Bundle, SerializedBundle } from '@sigstore/bundle'
import { AttestationError } from '../auth/errors.js'
import type { IdTokenFetcher } from '../auth/oidc.js'

/**
 * PEP 740 publish attestations (docs/upload-protocol.md §6): an in-toto statement naming one
 * distribution, signed as a DSSE envelope with a short-lived Sigstore certificate bound to this
 * workflow's identity, logged in Rekor, then reshaped from a Sigstore bundle into the object PyPI
 * takes in the `attestations` form field.
 */

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const PUBLISH_PREDICATE_TYPE = 'https://docs.pypi.org/attestations/publish/v1'
/** The DSSE payload type of an in-toto statement. */
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev'
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev'

/** PyPI's attestation object, as sent (JSON array of these) in the `attestations` field. */
export interface PypiAttestation {
  version: 1
  verification_material: {
    /** base64 of the DER signing certificate. */
    certificate: string
    /** Rekor entries in the protobuf-JSON form of a Sigstore bundle's tlogEntries. */
    transparency_entries: Array<Record<string, unknown>>
  }
  envelope: {
    /** base64 of the statement's bytes, exactly as signed. */
    statement: string
    /** base64 of the DSSE signature. */
    signature: string
  }
}

/** What is attested: a distribution's filename (as uploaded) and its sha256 (hex). */
export interface AttestationSubject {
  filename: string
  sha256: string
}

export interface SignerConfig {
  /** ID tokens for Fulcio; called with the audience `sigstore`. */
  getIdToken: IdTokenFetcher
  /** Default: the public-good instance. Tests point these at loopback. */
  fulcioUrl?: string
  rekorUrl?: string
  /** Per request, ms (default 30 s). */
  timeoutMs?: number
}

/** The statement's bytes. Exactly one subject: PyPI refuses more. */
export function publishStatement(subject: AttestationSubject): Buffer {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: subject.filename, digest: { sha256: subject.sha256.toLowerCase() } }],
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: {}
  }
  return Buffer.from(JSON.stringify(statement), 'utf8')
}

/**
 * Signs a publish attestation for one distribution. Throws AttestationError when any step fails
 * (ID token, Fulcio, Rekor): the caller must stop before uploading, since a release published
 * without its attestation cannot get one later.
 */
export async function createAttestation(
  subject: AttestationSubject,
  config: SignerConfig
): Promise<PypiAttestation> {
  const timeout = config.timeoutMs ?? 30_000
  // Loaded on first use: @sigstore/sign brings an HTTP stack of its own (make-fetch-happen,
  // cacache…) that every run would otherwise parse at start-up, attesting or not (~110 ms).
  const [{ DSSEBundleBuilder, FulcioSigner, RekorWitness }, { bundleToJSON }] = await Promise.all([
    import('@sigstore/sign'),
    import('@sigstore/bundle')
  ])
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: () => config.getIdToken('sigstore') },
      fulcioBaseURL: config.fulcioUrl ?? PUBLIC_FULCIO_URL,
      timeout,
      retry: 2
    }),
    witnesses: [
      new RekorWitness({
        rekorBaseURL: config.rekorUrl ?? PUBLIC_REKOR_URL,
        // PyPI verifies `dsse` entries (the kind sigstore-python writes for DSSE envelopes).
        entryType: 'dsse',
        majorApiVersion: 1,
        timeout,
        retry: 2
      })
    ]
  })
  let bundle: Bundle
  try {
    bundle = await builder.create({ data: publishStatement(subject), type: INTOTO_PAYLOAD_TYPE })
  } catch (error) {
    throw new AttestationError(
      `Signing the attestation for ${subject.filename} failed: ${describeSigningError(error)}\n` +
        'Nothing was uploaded. Retry the job; if it keeps failing, check https://status.sigstore.dev ' +
        'or publish without attestations (`attestations: false`).',
      { cause: error }
    )
  }
  return bundleToAttestation(bundleToJSON(bundle))
}

/**
 * A Sigstore bundle (DSSE, one signature, one tlog entry; as JSON) in PyPI's shape: the leaf certificate,
 * the Rekor entry, and the envelope's payload and signature. The statement keeps the exact bytes
 * that were signed.
 */
export function bundleToAttestation(json: SerializedBundle): PypiAttestation {
  const material = json.verificationMaterial
  const certificate =
    material?.certificate?.rawBytes ?? material?.x509CertificateChain?.certificates[0]?.rawBytes
  const envelope = json.dsseEnvelope
  if (!certificate) throw new AttestationError('the Sigstore bundle has no signing certificate')
  if (!envelope) throw new AttestationError('the Sigstore bundle holds no DSSE envelope')
  if (envelope.signatures.length !== 1) {
    throw new AttestationError(
      `the DSSE envelope has ${envelope.signatures.length} signatures; exactly one is expected`
    )
  }
  const entry = material?.tlogEntries[0]
  if (!entry) throw new AttestationError('the Sigstore bundle has no transparency log entry')
  return {
    version: 1,
    verification_material: {
      certificate,
      transparency_entries: [withoutUndefined(entry)]
    },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig }
  }
}

/** JSON-ready copy (absent optional protobuf fields are `undefined` in the serialized bundle). */
function withoutUndefined(value: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>
}

/** @sigstore/sign wraps HTTP failures in InternalError; the useful words are in the causes. */
function describeSigningError(error: unknown): string {
  const parts: string[] = []
  let current: unknown = error
  for (let depth = 0; current && depth < 4; depth++) {
    const text = current instanceof Error ? current.message : String(current)
    if (text && !parts.includes(text)) parts.push(text)
    current = current instanceof Error ? current.cause : undefined
  }
  return parts.join(': ') || 'unknown error'
}
