import type { Distribution, FormField } from '../dists/distribution.js'

/**
 * The upload form for one distribution, field by field what twine sends
 * (docs/upload-protocol.md §1): the action fields, the core metadata, the file's type and python
 * tag, and its digests.
 * md5 is sent too: twine ≥ 6.2 dropped it, but some self-hosted indexes still use it, and PyPI
 * only checks that it matches.
 */
export function uploadFields(dist: Distribution, extra: readonly FormField[] = []): FormField[] {
  return [
    [':action', 'file_upload'],
    ['protocol_version', '1'],
    ...dist.metadataFields,
    ['filetype', dist.filetype],
    ['pyversion', dist.pyversion],
    ['md5_digest', dist.digests.md5],
    ['sha256_digest', dist.digests.sha256],
    ['blake2_256_digest', dist.digests.blake2_256],
    ...extra
  ]
}
