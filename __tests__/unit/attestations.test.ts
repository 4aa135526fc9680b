import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { X509Certificate, createHash, verify } from 'node:crypto'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import {
  INTOTO_PAYLOAD_TYPE,
  PUBLISH_PREDICATE_TYPE,
  createAttestation,
  publishStatement,
  type PypiAttestation
} from '../../src/attest/sign.js'
import { AttestationError } from '../../src/auth/errors.js'
import {
  ATTESTATION_SUFFIX,
  attestationProblems,
  attestationsField,
  decideAttestations,
  findExistingAttestation,
  prepareAttestations
} from '../../src/attest/prepare.js'
import { RecordingLog } from '../support/recording-log.js'
import {
  githubClaims,
  idTokenFetcherFor,
  jwtClaims,
  startIdTokenService,
  type IdTokenService
} from '../support/oidc-server.js'
import { startSigstoreStandIn, type SigstoreStandIn } from '../support/sigstore-server.js'

const WHEEL = 'demo_pkg-1.0.0-py3-none-any.whl'
const SHA256 = createHash('sha256').update('the wheel bytes').digest('hex')

let ids: IdTokenService
let sigstore: SigstoreStandIn
let work: string
/** One attestation signed in beforeAll, examined by several tests. */
let signed: PypiAttestation

function signerConfig() {
  return {
    getIdToken: idTokenFetcherFor(ids),
    fulcioUrl: sigstore.fulcioUrl,
    rekorUrl: sigstore.rekorUrl
  }
}

beforeAll(async () => {
  ids = await startIdTokenService({ claims: githubClaims() })
  sigstore = await startSigstoreStandIn()
  work = await mkdtemp(path.join(tmpdir(), 'attestations-test-'))
  signed = await createAttestation({ filename: WHEEL, sha256: SHA256 }, signerConfig())
})
afterAll(async () => {
  await sigstore.close()
  await ids.close()
  await rm(work, { recursive: true, force: true })
})

/** The fields of a Rekor entry the test reads. */
interface SerializedEntry {
  logIndex: string
  integratedTime: string
  logId: { keyId: string }
  kindVersion: { kind: string; version: string }
  inclusionPromise: { signedEntryTimestamp: string }
  canonicalizedBody: string
}

/** DSSE's pre-authentication encoding: what the signature covers. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `),
    payload
  ])
}

describe('the publish statement', () => {
  it('has exactly one subject (filename, sha256) and the publish predicate', () => {
    expect(
      JSON.parse(publishStatement({ filename: WHEEL, sha256: SHA256.toUpperCase() }).toString())
    ).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: WHEEL, digest: { sha256: SHA256 } }],
      predicateType: 'https://docs.pypi.org/attestations/publish/v1',
      predicate: {}
    })
  })
})

describe('createAttestation (Fulcio and Rekor on loopback)', () => {
  it("has PyPI's shape", () => {
    expect(Object.keys(signed).sort()).toEqual(['envelope', 'verification_material', 'version'])
    expect(signed.version).toBe(1)
    expect(Object.keys(signed.verification_material).sort()).toEqual([
      'certificate',
      'transparency_entries'
    ])
    expect(Object.keys(signed.envelope).sort()).toEqual(['signature', 'statement'])
    expect(signed.verification_material.transparency_entries).toHaveLength(1)
    expect(attestationProblems(signed, { filename: WHEEL, sha256: SHA256 })).toEqual([])
    // What is sent must survive JSON: no Buffers, no undefined.
    expect(JSON.parse(JSON.stringify(signed))).toEqual(signed)
  })

  it('names the file and its digest with the publish predicate', () => {
    const statement = JSON.parse(Buffer.from(signed.envelope.statement, 'base64').toString('utf8'))
    expect(statement.subject).toEqual([{ name: WHEEL, digest: { sha256: SHA256 } }])
    expect(statement.predicateType).toBe(PUBLISH_PREDICATE_TYPE)
    expect(statement.predicate).toEqual({})
  })

  it("carries a signature that verifies with the certificate's key over the DSSE PAE", () => {
    const certificate = new X509Certificate(
      Buffer.from(signed.verification_material.certificate, 'base64')
    )
    const statement = Buffer.from(signed.envelope.statement, 'base64')
    const signature = Buffer.from(signed.envelope.signature, 'base64')
    expect(
      verify('sha256', pae(INTOTO_PAYLOAD_TYPE, statement), certificate.publicKey, signature)
    ).toBe(true)
    // And not over anything else: a changed statement fails.
    const tampered = Buffer.from(statement.toString().replace(SHA256, '0'.repeat(64)))
    expect(
      verify('sha256', pae(INTOTO_PAYLOAD_TYPE, tampered), certificate.publicKey, signature)
    ).toBe(false)
  })

  it('logs a dsse entry in Rekor, in the protobuf-JSON form PyPI reads', () => {
    const entry = signed.verification_material.transparency_entries[0] as unknown as SerializedEntry
    expect(entry.kindVersion).toEqual({ kind: 'dsse', version: '0.0.1' })
    expect(entry.logIndex).toMatch(/^\d+$/)
    expect(entry.integratedTime).toMatch(/^\d+$/)
    expect(typeof entry.logId.keyId).toBe('string')
    expect(typeof entry.inclusionPromise.signedEntryTimestamp).toBe('string')
    const body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8'))
    expect(body.kind).toBe('dsse')
    // The logged envelope is the one in the attestation.
    const logged = JSON.parse(body.spec.proposedContent.envelope)
    expect(logged.payload).toBe(signed.envelope.statement)
    expect(logged.signatures[0].sig).toBe(signed.envelope.signature)
  })

  it("gets the certificate with the workflow's ID token for the audience 'sigstore'", async () => {
    const before = ids.requests.length
    const fulcioBefore = sigstore.requests.filter(r => r.service === 'fulcio').length
    await createAttestation({ filename: WHEEL, sha256: SHA256 }, signerConfig())
    expect(ids.requests.slice(before).map(r => r.audience)).toEqual(['sigstore'])
    const fulcioRequests = sigstore.requests.filter(r => r.service === 'fulcio')
    expect(fulcioRequests).toHaveLength(fulcioBefore + 1)
    const sent = JSON.parse(fulcioRequests[fulcioRequests.length - 1].body)
    expect(jwtClaims(sent.credentials.oidcIdentityToken)).toMatchObject({
      aud: 'sigstore',
      repository: 'octo-org/octo-repo'
    })
  })

  it('throws an AttestationError with the reason when signing fails', async () => {
    sigstore.failure = { service: 'fulcio', status: 400, message: 'the OIDC token was refused' }
    try {
      const error = await createAttestation(
        { filename: WHEEL, sha256: SHA256 },
        signerConfig()
      ).then(
        () => undefined,
        (e: unknown) => e
      )
      expect(error).toBeInstanceOf(AttestationError)
      expect((error as Error).message).toContain(`Signing the attestation for ${WHEEL} failed`)
      expect((error as Error).message).toContain('the OIDC token was refused')
      expect((error as Error).message).toContain('Nothing was uploaded')
    } finally {
      sigstore.failure = undefined
    }
  })

  it('fails when no ID token can be had', async () => {
    const error = await createAttestation(
      { filename: WHEEL, sha256: SHA256 },
      { ...signerConfig(), getIdToken: () => Promise.reject(new Error('no id-token permission')) }
    ).then(
      () => undefined,
      (e: unknown) => e
    )
    expect(error).toBeInstanceOf(AttestationError)
    expect((error as Error).message).toContain('no id-token permission')
  })
})

describe('attestation files', () => {
  it('finds an attestation beside a distribution and checks it names that file', async () => {
    const dist = path.join(work, WHEEL)
    await writeFile(dist, 'the wheel bytes')
    expect(await findExistingAttestation(dist, SHA256)).toBeUndefined()

    await writeFile(`${dist}${ATTESTATION_SUFFIX}`, JSON.stringify(signed))
    expect(await findExistingAttestation(dist, SHA256)).toEqual(signed)

    // Left over from an earlier build: the digest differs.
    await expect(findExistingAttestation(dist, 'f'.repeat(64))).rejects.toThrow(
      /is not a usable publish attestation[\s\S]*it attests sha256/
    )
    // Made for another file.
    const other = path.join(work, 'other_pkg-1.0.0-py3-none-any.whl')
    await writeFile(`${other}${ATTESTATION_SUFFIX}`, JSON.stringify(signed))
    await expect(findExistingAttestation(other, SHA256)).rejects.toThrow(`it attests "${WHEEL}"`)

    await writeFile(`${dist}${ATTESTATION_SUFFIX}`, 'not json')
    await expect(findExistingAttestation(dist, SHA256)).rejects.toThrow(AttestationError)
  })

  it('lists what is wrong with a malformed attestation', () => {
    const subject = { filename: WHEEL, sha256: SHA256 }
    expect(attestationProblems([], subject)).toEqual(['it is not a JSON object'])
    const twoSubjects = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v1',
        subject: [
          { name: WHEEL, digest: { sha256: SHA256 } },
          { name: 'x.whl', digest: { sha256: SHA256 } }
        ],
        predicateType: PUBLISH_PREDICATE_TYPE,
        predicate: {}
      })
    ).toString('base64')
    const problems = attestationProblems(
      {
        version: 2,
        verification_material: { certificate: 'not base64!', transparency_entries: [] },
        envelope: { statement: twoSubjects, signature: signed.envelope.signature }
      },
      subject
    )
    expect(problems).toEqual([
      '"version" is 2, not 1',
      '"verification_material.certificate" is not base64 (DER certificate)',
      '"verification_material.transparency_entries" is not a non-empty list of objects',
      'the statement must have exactly one subject'
    ])
  })
})

describe('decideAttestations', () => {
  const pypi = 'https://upload.pypi.org/legacy/'
  it('signs under trusted publishing to PyPI and TestPyPI', () => {
    expect(
      decideAttestations({ requested: true, method: 'trusted-publishing', repositoryUrl: pypi })
    ).toEqual({
      sign: true
    })
    expect(
      decideAttestations({
        requested: true,
        method: 'trusted-publishing',
        repositoryUrl: 'https://test.pypi.org/legacy/'
      })
    ).toEqual({ sign: true })
  })

  it('says why not with a token, or for another index', () => {
    const token = decideAttestations({ requested: true, method: 'token', repositoryUrl: pypi })
    expect(token.sign).toBe(false)
    expect('warning' in token && token.warning).toMatch(/need trusted publishing.*API token/s)
    const other = decideAttestations({
      requested: true,
      method: 'trusted-publishing',
      repositoryUrl: 'https://pypi.example.com/legacy/'
    })
    expect('warning' in other && other.warning).toContain(
      'pypi.example.com is not PyPI or TestPyPI'
    )
  })

  it('stays silent when not asked, and lets a test index opt in', () => {
    expect(decideAttestations({ requested: false, method: 'token', repositoryUrl: pypi })).toEqual({
      sign: false
    })
    expect(
      decideAttestations({
        requested: true,
        method: 'trusted-publishing',
        repositoryUrl: 'http://127.0.0.1:1234/legacy/',
        indexAcceptsAttestations: true
      })
    ).toEqual({ sign: true })
  })
})

describe('prepareAttestations', () => {
  it('signs what has no attestation, sends what has one, and writes nothing into the packages dir', async () => {
    const packages = path.join(work, 'prepare', 'dist')
    const output = path.join(work, 'prepare', 'runner-temp', 'attestations')
    await mkdir(packages, { recursive: true })
    const wheel = { path: path.join(packages, WHEEL), filename: WHEEL, digests: { sha256: SHA256 } }
    await writeFile(wheel.path, 'the wheel bytes')
    await writeFile(`${wheel.path}${ATTESTATION_SUFFIX}`, JSON.stringify(signed))
    const sdistName = 'demo_pkg-1.0.0.tar.gz'
    const sdistSha = createHash('sha256').update('the sdist bytes').digest('hex')
    const sdist = {
      path: path.join(packages, sdistName),
      filename: sdistName,
      digests: { sha256: sdistSha }
    }
    await writeFile(sdist.path, 'the sdist bytes')
    const before = await readdir(packages)
    const fulcioBefore = sigstore.requests.filter(r => r.service === 'fulcio').length

    const log = new RecordingLog()
    const prepared = await prepareAttestations([wheel, sdist], {
      decision: { sign: true },
      signer: signerConfig(),
      outputDir: output,
      log
    })

    expect(prepared.get(WHEEL)).toEqual({
      filename: WHEEL,
      attestations: [signed],
      path: `${wheel.path}${ATTESTATION_SUFFIX}`,
      origin: 'found'
    })
    const made = prepared.get(sdistName)!
    expect(made.origin).toBe('signed')
    expect(made.path).toBe(path.join(output, `${sdistName}${ATTESTATION_SUFFIX}`))
    expect(JSON.parse(await readFile(made.path, 'utf8'))).toEqual(made.attestations[0])
    expect(
      attestationProblems(made.attestations[0], { filename: sdistName, sha256: sdistSha })
    ).toEqual([])
    // Only the sdist was signed; the packages dir holds what it held.
    expect(sigstore.requests.filter(r => r.service === 'fulcio')).toHaveLength(fulcioBefore + 1)
    expect((await readdir(packages)).sort()).toEqual(before.sort())

    const [name, value] = attestationsField(made)
    expect(name).toBe('attestations')
    expect(JSON.parse(value)).toEqual(made.attestations)
  })

  it('warns and signs nothing when attestations cannot be made', async () => {
    const log = new RecordingLog()
    const before = sigstore.requests.length
    const prepared = await prepareAttestations(
      [{ path: path.join(work, WHEEL), filename: WHEEL, digests: { sha256: SHA256 } }],
      {
        decision: decideAttestations({
          requested: true,
          method: 'token',
          repositoryUrl: 'https://upload.pypi.org/legacy/'
        }),
        signer: signerConfig(),
        outputDir: path.join(work, 'unused'),
        log
      }
    )
    expect(prepared.size).toBe(0)
    expect(log.text('warning')).toContain('No attestations: they need trusted publishing')
    expect(sigstore.requests.length).toBe(before)
  })
})
