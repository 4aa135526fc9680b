/**
 * A file's size and digests in one streaming pass: sha256 and md5 from node:crypto, blake2b-256
 * from hash-wasm (node's crypto only has 512-bit blake2b). The file is never held whole.
 */

import { createHash } from 'node:crypto'
import { open } from 'node:fs/promises'
import blake2bBuild from 'hash-wasm/dist/blake2b.umd.min.js'
import type { Digests, FileIdentity } from '../dists/distribution.js'
import { identityChanges, identityOf } from '../dists/on-disk.js'

/** A file that changed while it was hashed: its digests describe no single version of it. */
export class ChangedWhileReadError extends Error {
  constructor(
    readonly path: string,
    readonly why: string
  ) {
    super(`the file changed while it was being read (${why})`)
    this.name = 'ChangedWhileReadError'
  }
}

export function hexDigest(algorithm: 'sha256' | 'md5', bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest('hex')
}

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
    if (changes.length > 0) throw new ChangedWhileReadError(path, changes.join(', '))
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
