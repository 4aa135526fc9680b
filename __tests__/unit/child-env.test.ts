/** The environment of child processes (src/shared/child-env.ts): built in one place, with no secret. */
import { describe, expect, it } from '@jest/globals'
import { ChildEnv } from '../../src/shared/child-env.js'

const PARENT = {
  PATH: '/usr/bin',
  HOME: '/home/runner',
  INPUT_PASSWORD: 'pypi-secret-token',
  'INPUT_PACKAGES-DIR': 'dist',
  'INPUT_INDEX-URL': 'https://reader:index%2Fpass@my.index/simple/',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://runner/token',
  actions_id_token_request_token: 'bearer',
  ACTIONS_RUNTIME_TOKEN: 'runtime',
  ACTIONS_RESULTS_URL: 'https://results',
  ACTIONS_CACHE_URL: 'https://cache',
  TWINE_PASSWORD: 'twine-pass',
  COPY: 'x-pypi-secret-token-y',
  INDEX_COPY: 'index/pass',
  MINTED_COPY: 'minted-token',
  GITHUB_REPOSITORY: 'o/r'
}

describe('ChildEnv', () => {
  it('leaves out inputs, runner tokens and every variable holding a secret', () => {
    // The secrets as the entry registers them (see secrets.test.ts), and one minted later.
    const secrets = [
      'pypi-secret-token',
      'twine-pass',
      'index/pass',
      'index%2Fpass',
      'minted-token'
    ]
    const env = ChildEnv.from(PARENT, secrets).toSpawn()
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/runner', GITHUB_REPOSITORY: 'o/r' })
  })

  it('adds variables, but never an input', () => {
    const env = ChildEnv.from(PARENT).with({ PYTHONPATH: '/tmp/x' })
    expect(env.get('PYTHONPATH')).toBe('/tmp/x')
    expect(() => env.with({ INPUT_TOKEN: 'x' })).toThrow(/INPUT_TOKEN may not be passed/)
  })
})
