/**
 * Whether an upload goes to PyPI or TestPyPI, whose rules this action knows, or to another index,
 * which decides for itself.
 */
export type PypiTarget = 'pypi' | 'testpypi'

const HOSTS: Record<string, PypiTarget> = {
  'upload.pypi.org': 'pypi',
  'pypi.org': 'pypi',
  'test.pypi.org': 'testpypi'
}

export function pypiTarget(url: string): PypiTarget | undefined {
  try {
    return HOSTS[new URL(url).hostname.toLowerCase()]
  } catch {
    return undefined
  }
}

/** The host a PyPI token's macaroon names for each target. */
export const TOKEN_LOCATIONS: Record<PypiTarget, string> = {
  pypi: 'pypi.org',
  testpypi: 'test.pypi.org'
}
