/** The size limit PyPI puts on each file. */
import type { Distribution } from '../dists/distribution.js'
import type { Findings } from './findings.js'

const ONE_MIB = 1024 * 1024
/** PyPI's default per-file limit (Warehouse `MAX_FILESIZE`), raised per project on request. */
export const PYPI_DEFAULT_FILE_SIZE_LIMIT = 100 * ONE_MIB

const SIZE_LIMIT_DOCS =
  'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'

/**
 * A file over the limit gets a warning, not an error: PyPI raises the limit per project on request,
 * and only PyPI knows whether it has been raised for this one.
 */
export function checkFileSize(dist: Distribution, limit: number, found: Findings): void {
  if (dist.size <= limit) return
  const mib = (n: number): string => `${(n / ONE_MIB).toFixed(1)} MiB`
  // PyPI counts in MiB and calls them MB ("Limit for project 'x' is 100 MB").
  const over =
    limit === PYPI_DEFAULT_FILE_SIZE_LIMIT
      ? "over PyPI's default limit of 100 MB per file"
      : `over the limit of ${Math.floor(limit / ONE_MIB)} MB set for this check`
  found.warning({
    file: dist.path,
    rule: 'file-size',
    message: `${dist.filename} is ${mib(dist.size)}, ${over}.`,
    hint:
      "PyPI refuses it with 'File too large' unless this project's limit has been raised. " +
      `If it has not, request an increase: ${SIZE_LIMIT_DOCS} (or make the file smaller: ` +
      'leave test data and debug symbols out).'
  })
}
