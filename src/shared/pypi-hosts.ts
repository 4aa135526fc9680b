/** PyPI and TestPyPI, whose rules this action knows; another index decides for itself. */
export type PypiTarget = 'pypi' | 'testpypi'

/** The host a PyPI token's macaroon names for each target. */
export const TOKEN_LOCATIONS: Record<PypiTarget, string> = {
  pypi: 'pypi.org',
  testpypi: 'test.pypi.org'
}

const HOSTS = new Map<string, PypiTarget>([
  ['upload.pypi.org', 'pypi'],
  ['pypi.org', 'pypi'],
  ['test.pypi.org', 'testpypi']
])

/** Each target's release page; `{name}` and `{version}` are filled in per release. */
export const RELEASE_PAGES: Record<PypiTarget, string> = {
  pypi: 'https://pypi.org/project/{name}/{version}/',
  testpypi: 'https://test.pypi.org/project/{name}/{version}/'
}

export function pypiTarget(url: string): PypiTarget | undefined {
  return URL.canParse(url) ? HOSTS.get(new URL(url).hostname.toLowerCase()) : undefined
}
