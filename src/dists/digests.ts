/**
 * The file's digests and size from one streaming pass: each 1 MiB chunk feeds sha256 and md5
 * (node:crypto) and blake2b-256 (hash-wasm; node's crypto only has 512-bit blake2b). The file is
 * never held in memory.
 */

import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createBLAKE2b } from 'hash-wasm'
import type { Digests } from './distribution.js'

const CHUNK = 1024 * 1024

export async function computeDigests(path: string): Promise<{ digests: Digests; size: number }> {
  const sha256 = createHash('sha256')
  const md5 = createHash('md5')
  const blake2b = await createBLAKE2b(256)
  blake2b.init()
  let size = 0
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK })) {
    const bytes = chunk as Buffer
    sha256.update(bytes)
    md5.update(bytes)
    blake2b.update(bytes)
    size += bytes.length
  }
  return {
    digests: {
      sha256: sha256.digest('hex'),
      blake2_256: blake2b.digest('hex'),
      md5: md5.digest('hex')
    },
    size
  }
}
