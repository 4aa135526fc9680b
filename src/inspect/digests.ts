/**
 * A file's size and digests in one streaming pass: sha256 and md5 from node:crypto, blake2b-256
 * from hash-wasm (node's crypto only has 512-bit blake2b). The file is never held whole.
 */

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import blake2bBuild from 'hash-wasm/dist/blake2b.umd.min.js'
import { basename } from 'node:path'
import { DistributionError, type Digests, type FileIdentity } from '../dists/distribution.js'
import { identityChanges, identityOf } from '../dists/on-disk.js'

/** The digests, or a problem when the file changed while hashed (they describe no one version). */
export async function computeDigests(
  path: string
): Promise<{ digests: Digests; size: number; onDisk: FileIdentity }> {
  // One handle for the stats and the read, so all are about the same file (not one renamed over it).
  const handle = await open(path, 'r')
  try {
    const before = identityOf(await handle.stat())
    const sha256 = createHash('sha256')
    const md5 = createHash('md5')
    const blake2b = await blake2bBuild.createBLAKE2b(256)
    let size = 0
    // Read to the end, not to the size stat gave: a file that grew is noticed below.
    // The stream's default 64 KiB chunks: 1 MiB ones held ~20 MB more at peak (BENCHMARKS.md, (b)).
    for await (const chunk of handle.createReadStream({ autoClose: false })) {
      const bytes = chunk as Buffer
      size += bytes.length
      sha256.update(bytes)
      md5.update(bytes)
      blake2b.update(bytes)
    }
    const changes = identityChanges(before, identityOf(await handle.stat()))
    if (size !== before.size) changes.push(`read ${size} of ${before.size} bytes`)
    if (changes.length > 0) {
      throw DistributionError.of(
        path,
        'changed-while-read',
        `${basename(path)} changed while it was being checked (${changes.join(', ')}).`,
        'Another step is still writing to this folder: let the build finish before this step starts, then run again.'
      )
    }
    const digests = {
      sha256: sha256.digest('hex'),
      blake2_256: blake2b.digest('hex'),
      md5: md5.digest('hex')
    }
    return { digests, size, onDisk: before }
  } finally {
    await handle.close()
  }
}
