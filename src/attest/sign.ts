/**
 * PEP 740 publish attestations (docs/upload-protocol.md §6): an in-toto statement naming one
 * distribution, signed as a DSSE envelope with a short-lived Sigstore certificate for this
 * workflow, logged in Rekor, then reshaped from the Sigstore bundle into PyPI's object.
 */
import { bundleToJSON, type Bundle, type SerializedBundle } from '@sigstore/bundle'
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign'
import { AttestationError } from '../auth/errors.js'
import type { IdTokenFetcher } from '../auth/oidc.js'

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const PUBLISH_PREDICATE_TYPE = 'https://docs.pypi.org/attestations/publish/v1'
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'

/** PyPI's attestation object, as sent (JSON array of these) in the `attestations` field. */
export interface PypiAttestation {
  version: 1
  verification_material: {
    /** base64 DER. */
    certificate: string
    /** As a Sigstore bundle's tlogEntries (protobuf JSON). */
    transparency_entries: Array<Record<string, unknown>>
  }
  envelope: {
    /** base64 of the bytes exactly as signed. */
    statement: string
    signature: string
  }
}

/** The filename as uploaded, the sha256 in hex. */
export interface AttestationSubject {
  filename: string
  sha256: string
}

export interface SignerConfig {
  /** Called with the audience `sigstore`. */
  getIdToken: IdTokenFetcher
  /** Default: the public-good instance; tests use loopback. */
  fulcioUrl?: string
  rekorUrl?: string
}

/** Exactly one subject: PyPI refuses more. */
export function publishStatement(subject: AttestationSubject): Buffer {
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: subject.filename, digest: { sha256: subject.sha256.toLowerCase() } }],
    predicateType: PUBLISH_PREDICATE_TYPE,
    predicate: {}
  }
  return Buffer.from(JSON.stringify(statement), 'utf8')
}

/** Throws AttestationError at any failure: a release published without one cannot get it later. */
export async function createAttestation(
  subject: AttestationSubject,
  config: SignerConfig
): Promise<PypiAttestation> {
  const timeout = 30_000 // per request, ms
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      identityProvider: { getToken: () => config.getIdToken('sigstore') },
      fulcioBaseURL: config.fulcioUrl ?? 'https://fulcio.sigstore.dev',
      timeout,
      retry: 2
    }),
    witnesses: [
      new RekorWitness({
        rekorBaseURL: config.rekorUrl ?? 'https://rekor.sigstore.dev',
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

/** The leaf certificate, the Rekor entry, and the envelope's payload (the signed bytes) and signature. */
function bundleToAttestation(json: SerializedBundle): PypiAttestation {
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
      // Absent optional protobuf fields are `undefined` in the serialized bundle.
      transparency_entries: [JSON.parse(JSON.stringify(entry)) as Record<string, unknown>]
    },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig }
  }
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
