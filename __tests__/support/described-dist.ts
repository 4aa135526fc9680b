import type { Distribution } from '../../src/dists/distribution.js'

let counter = 0

/**
 * A wheel value (no file behind it) whose metadata carries `description` and, when given, a
 * Description-Content-Type: what the description check reads. Each call names a new project.
 */
export function describedDist(
  description: string | undefined,
  contentType?: string,
  prefix = 'pkg'
): Distribution {
  counter += 1
  const name = `${prefix}${counter}`
  const filename = `${name}-1.0-py3-none-any.whl`
  const headers = [
    { name: 'Metadata-Version', value: '2.1' },
    { name: 'Name', value: name },
    { name: 'Version', value: '1.0' }
  ]
  if (contentType !== undefined) {
    headers.push({ name: 'Description-Content-Type', value: contentType })
  }
  return {
    path: `/dist/${filename}`,
    filename,
    kind: 'wheel',
    filetype: 'bdist_wheel',
    pyversion: 'py3',
    size: 1000,
    digests: { sha256: '0'.repeat(64), blake2_256: '0'.repeat(64), md5: '0'.repeat(32) },
    name,
    version: '1.0',
    metadataVersion: '2.1',
    metadata: { headers, description },
    metadataFields: []
  }
}
