/** Upload hosts that take PEP 740 attestations (PyPI and TestPyPI). */
const ATTESTING_HOSTS = new Set(['upload.pypi.org', 'test.pypi.org'])

export interface AttestationPolicyInput {
  /** The `attestations` input. */
  requested: boolean
  /** How the run authenticates. */
  method: 'token' | 'trusted-publishing'
  repositoryUrl: string
  /** Overrides the host check (tests, or an index known to take attestations). */
  indexAcceptsAttestations?: boolean
}

export type AttestationDecision = { sign: true } | { sign: false; warning?: string }

/**
 * Whether to sign attestations, and when they were asked for but cannot be made, a warning that
 * says why (PyPI accepts attestations only with trusted publishing, and other indexes not at all).
 */
export function decideAttestations(input: AttestationPolicyInput): AttestationDecision {
  if (!input.requested) return { sign: false }
  const host = new URL(input.repositoryUrl).host
  const accepts = input.indexAcceptsAttestations ?? ATTESTING_HOSTS.has(host)
  if (!accepts) {
    return {
      sign: false,
      warning:
        `No attestations: ${host} is not PyPI or TestPyPI, and other indexes do not accept PEP 740 ` +
        'attestations. Set `attestations: false` to silence this warning.'
    }
  }
  if (input.method === 'token') {
    return {
      sign: false,
      warning:
        'No attestations: they need trusted publishing (a Sigstore certificate for this ' +
        'workflow), and this run uses an API token. Switch to trusted publishing to attest ' +
        'your files, or set `attestations: false` to silence this warning.'
    }
  }
  return { sign: true }
}
