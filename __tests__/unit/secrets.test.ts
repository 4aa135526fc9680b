/**
 * Which secrets a run was given (src/settings/secrets.ts): decided once, from the same inputs and
 * twine variables the settings are made of, for the Redactor and the children's environment.
 */
import { describe, expect, it } from '@jest/globals'
import { givenSecrets, urlCredentials } from '../../src/settings/secrets.js'

const inputs =
  (values: Record<string, string>) =>
  (name: string): string =>
    values[name] ?? ''

describe('givenSecrets', () => {
  it('lists the password and token inputs, TWINE_PASSWORD and the entry’s own, with the user', () => {
    const found = givenSecrets(
      inputs({ user: ' ci-bot ', password: 'pypi-secret-token\n', token: '' }),
      { TWINE_PASSWORD: 'twine-pass', TWINE_USERNAME: 'alice' },
      ['bearer', undefined, 'runtime']
    )
    expect(found).toEqual([
      { secret: 'pypi-secret-token', user: 'ci-bot' },
      { secret: 'twine-pass', user: 'ci-bot' },
      { secret: 'bearer', user: 'ci-bot' },
      { secret: 'runtime', user: 'ci-bot' }
    ])
  })

  it('takes TWINE_USERNAME as the user when the input names none', () => {
    expect(givenSecrets(inputs({ token: 'tok-1234' }), { TWINE_USERNAME: 'alice' })).toEqual([
      { secret: 'tok-1234', user: 'alice' }
    ])
  })

  it('finds passwords written in URL inputs (both spellings) and TWINE_REPOSITORY_URL, decoded and as written', () => {
    const found = givenSecrets(
      inputs({
        'repository-url': 'https://up:first-pass@my.index/legacy/',
        repository_url: 'https://up2:second-pass@my.index/legacy/',
        'index-url': 'https://reader:index%2Fpass@my.index/simple/',
        index_url: 'not a url://x:y@',
        'packages-dir': 'https://no:secret@kept.out/'
      }),
      { TWINE_REPOSITORY_URL: 'https://t:twine-url-pass@elsewhere/' }
    )
    expect(found).toEqual([
      { secret: 'first-pass', user: 'up' },
      { secret: 'second-pass', user: 'up2' },
      { secret: 'index/pass', user: 'reader' },
      { secret: 'index%2Fpass' },
      { secret: 'twine-url-pass', user: 't' }
    ])
  })

  it('finds nothing in a run given no secret', () => {
    expect(givenSecrets(inputs({ user: '__token__' }), {})).toEqual([])
  })
})

describe('urlCredentials', () => {
  it('reads user and password even from a URL too broken to parse', () => {
    expect(urlCredentials('https://a%40b:p%ZZ@host/')).toEqual({
      user: 'a@b',
      password: 'p%ZZ',
      rawPassword: 'p%ZZ'
    })
    expect(urlCredentials('https://host/')).toBeUndefined()
  })
})
