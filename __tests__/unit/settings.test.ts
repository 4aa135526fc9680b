import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import {
  DEPRECATED_ALIASES,
  INPUT_DEFAULTS,
  Inputs,
  Outputs,
  PYPI_UPLOAD_URL,
  TESTPYPI_UPLOAD_URL
} from '../../src/settings/inputs.js'
import {
  readSettings,
  SettingsError,
  type SettingsEnvironment
} from '../../src/settings/settings.js'
import { ACTION_VERSION } from '../../src/shared/version.js'

type ActionYml = {
  inputs: Record<string, { default?: string; description: string; deprecationMessage?: string }>
  outputs: Record<string, { description: string }>
  runs: { using: string; main: string }
}
const actionYml = parse(
  readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')
) as ActionYml

/** Inputs as the runner gives them: every declared input holds its action.yml default. */
function runnerInputs(given: Record<string, string>): (name: string) => string {
  return name => given[name] ?? actionYml.inputs[name]?.default ?? ''
}
/** Inputs as other runners give them: only what was set. */
function bareInputs(given: Record<string, string>): (name: string) => string {
  return name => given[name] ?? ''
}

describe('action.yml', () => {
  it('declares every input with a description, and the same defaults as the code', () => {
    for (const name of Object.values(Inputs)) {
      expect(actionYml.inputs[name]?.description?.length).toBeGreaterThan(10)
      expect(actionYml.inputs[name].default).toBe(INPUT_DEFAULTS[name])
    }
  })
  it('gives every boolean input a default', () => {
    for (const [name, input] of Object.entries(actionYml.inputs)) {
      if (/^(true|false)$/.test(String(INPUT_DEFAULTS[name as keyof typeof INPUT_DEFAULTS]))) {
        expect(input.default).toMatch(/^(true|false)$/)
      }
    }
  })
  it("declares the official action's snake_case spellings without defaults, marked deprecated", () => {
    for (const alias of Object.values(DEPRECATED_ALIASES)) {
      expect(actionYml.inputs[alias!]).toBeDefined()
      expect(actionYml.inputs[alias!].default).toBeUndefined()
      expect(actionYml.inputs[alias!].deprecationMessage).toBeTruthy()
    }
  })
  it('declares every output and runs on node24 from the bundle', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual(Object.values(Outputs).sort())
    expect(actionYml.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })
  it('keeps the User-Agent version equal to package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
    expect(ACTION_VERSION).toBe(pkg.version)
  })
})

describe('readSettings', () => {
  it('applies the documented defaults inside the runner', () => {
    const { settings, warnings } = readSettings(runnerInputs({ password: 'pypi-abc' }), {})
    expect(settings).toEqual({
      user: '__token__',
      password: 'pypi-abc',
      repositoryUrl: PYPI_UPLOAD_URL,
      packagesDir: 'dist',
      distributions: new Set(['sdist', 'wheel']),
      verifyMetadata: true,
      skipExisting: false,
      verbose: false,
      printHash: false,
      attestations: true,
      concurrency: 16,
      retry: { retries: 5, maxTotalMs: 600_000 },
      connectTimeoutMs: 30_000,
      timeoutMs: 120_000,
      verifyUpload: true,
      verifyTimeoutMs: 120_000,
      indexUrl: '',
      verifyTag: true,
      allowMultipleVersions: false,
      dryRun: false,
      build: false,
      buildCommand: '',
      workingDirectory: '.',
      summary: true,
      releaseUrlPattern: ''
    })
    expect(warnings).toEqual([])
  })

  it('applies the same defaults when inputs are empty (outside the runner)', () => {
    const inRunner = readSettings(runnerInputs({ password: 'pypi-abc' }), {}).settings
    const bare = readSettings(bareInputs({ password: 'pypi-abc' }), {}).settings
    expect(bare).toEqual(inRunner)
  })

  it('falls back to TWINE_* variables when the inputs are left at their defaults', () => {
    const twine = {
      TWINE_USERNAME: 'alice',
      TWINE_PASSWORD: 'secret-pw',
      TWINE_REPOSITORY_URL: 'https://nexus.example/repository/pypi-hosted/'
    }
    for (const read of [runnerInputs({}), bareInputs({})]) {
      const { settings } = readSettings(read, { twine })
      expect(settings.user).toBe('alice')
      expect(settings.password).toBe('secret-pw')
      expect(settings.repositoryUrl).toBe('https://nexus.example/repository/pypi-hosted/')
    }
  })

  it('inside GitHub Actions, TWINE_* variables change nothing; a notice names them, not their values', () => {
    const env = {
      insideActions: true,
      twine: {
        TWINE_USERNAME: 'alice',
        TWINE_PASSWORD: 'secret-pw',
        TWINE_REPOSITORY_URL: 'https://nexus.example/repository/pypi-hosted/'
      }
    }
    for (const read of [runnerInputs({}), bareInputs({})]) {
      const { settings, notices, warnings } = readSettings(read, env)
      // Trusted publishing to PyPI, as the inputs say: no redirect, no password from the env.
      expect(settings.user).toBe('__token__')
      expect(settings.password).toBe('')
      expect(settings.repositoryUrl).toBe(PYPI_UPLOAD_URL)
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain('Ignored TWINE_USERNAME, TWINE_PASSWORD, TWINE_REPOSITORY_URL')
      expect(notices.join('\n')).not.toMatch(/alice|secret-pw|nexus/)
      expect(warnings).toEqual([])
    }
    // Only what is set is named; nothing set, nothing said.
    expect(
      readSettings(runnerInputs({ password: 'pypi-abc' }), {
        insideActions: true,
        twine: { TWINE_REPOSITORY_URL: 'https://elsewhere.example/' }
      }).notices
    ).toEqual([expect.stringMatching(/^Ignored TWINE_REPOSITORY_URL from/)])
    expect(readSettings(runnerInputs({}), { insideActions: true }).notices).toEqual([])
  })

  it('lets written inputs win over TWINE_* variables', () => {
    const { settings } = readSettings(
      runnerInputs({ password: 'pypi-x', 'repository-url': 'https://test.pypi.org/legacy/' }),
      { twine: { TWINE_PASSWORD: 'other', TWINE_REPOSITORY_URL: 'https://elsewhere.example/' } }
    )
    expect(settings.password).toBe('pypi-x')
    expect(settings.repositoryUrl).toBe(TESTPYPI_UPLOAD_URL)
  })

  it('accepts `token` as `password`, and refuses two different values', () => {
    expect(readSettings(runnerInputs({ token: 'pypi-t' }), {}).settings.password).toBe('pypi-t')
    expect(() => readSettings(runnerInputs({ token: 'pypi-a', password: 'pypi-b' }), {})).toThrow(
      /'token' and 'password'/
    )
  })

  it('takes the deprecated snake_case spellings with a warning', () => {
    const { settings, warnings } = readSettings(
      runnerInputs({
        repository_url: 'https://test.pypi.org/legacy/',
        packages_dir: 'wheelhouse',
        verify_metadata: 'false',
        skip_existing: 'true',
        print_hash: 'true'
      }),
      {}
    )
    expect(settings.repositoryUrl).toBe(TESTPYPI_UPLOAD_URL)
    expect(settings.packagesDir).toBe('wheelhouse')
    expect(settings.verifyMetadata).toBe(false)
    expect(settings.skipExisting).toBe(true)
    expect(settings.printHash).toBe(true)
    expect(warnings).toHaveLength(5)
    expect(warnings[0]).toMatch(/'repository_url' is deprecated; use 'repository-url'/)
  })

  it('maps the repository shorthand, and refuses it when it disagrees with repository-url', () => {
    expect(readSettings(runnerInputs({ repository: 'testpypi' }), {}).settings.repositoryUrl).toBe(
      TESTPYPI_UPLOAD_URL
    )
    expect(readSettings(runnerInputs({ repository: 'PyPI' }), {}).settings.repositoryUrl).toBe(
      PYPI_UPLOAD_URL
    )
    expect(() =>
      readSettings(
        runnerInputs({ repository: 'testpypi', 'repository-url': 'https://my.index/legacy/' }),
        {}
      )
    ).toThrow(/disagree/)
    expect(() => readSettings(runnerInputs({ repository: 'warehouse' }), {})).toThrow(
      /'pypi' or 'testpypi'/
    )
  })

  it('parses distributions, accepting dpl spellings', () => {
    const kinds = (value: string) =>
      [...readSettings(runnerInputs({ distributions: value }), {}).settings.distributions].sort()
    expect(kinds('sdist bdist_wheel')).toEqual(['sdist', 'wheel'])
    expect(kinds('wheel')).toEqual(['wheel'])
    expect(kinds('sdist,wheel')).toEqual(['sdist', 'wheel'])
    expect(() => kinds('egg')).toThrow(/'sdist' and\/or 'wheel'/)
  })

  it('refuses a boolean input that is not a boolean, naming it', () => {
    expect(() => readSettings(runnerInputs({ 'skip-existing': 'maybe' }), {})).toThrow(
      SettingsError
    )
    expect(() => readSettings(runnerInputs({ 'skip-existing': 'maybe' }), {})).toThrow(
      /'skip-existing' must be true or false, not 'maybe'/
    )
  })

  it('refuses numbers out of range, naming the input', () => {
    expect(() => readSettings(runnerInputs({ concurrency: '0' }), {})).toThrow(
      /'concurrency' must be a whole number from 1 to 32, not '0'/
    )
    expect(() => readSettings(runnerInputs({ retries: 'many' }), {})).toThrow(/'retries'/)
    expect(readSettings(runnerInputs({ timeout: '5' }), {}).settings.timeoutMs).toBe(5000)
  })

  it('takes credentials out of the URLs: used when no password is given, never kept in the URL', () => {
    const { settings } = readSettings(
      runnerInputs({
        'repository-url': 'https://alice:p%40ss%2Fword@my.index/legacy/',
        'index-url': 'https://reader:r3ad%2Bonly@my.index/simple/'
      }),
      {}
    )
    expect(settings.repositoryUrl).toBe('https://my.index/legacy/')
    expect(settings.user).toBe('alice')
    expect(settings.password).toBe('p@ss/word')
    expect(settings.indexUrl).toBe('https://my.index/simple/')
    expect(settings.indexCredentials).toEqual({ user: 'reader', password: 'r3ad+only' })
    // A password given as an input wins, as in twine.
    const given = readSettings(
      runnerInputs({ 'repository-url': 'https://alice:p%40ss@my.index/', password: 'pypi-x' }),
      {}
    ).settings
    expect([given.user, given.password, given.repositoryUrl]).toEqual([
      '__token__',
      'pypi-x',
      'https://my.index/'
    ])
    // A URL written wrong is named without its credentials.
    expect(() =>
      readSettings(runnerInputs({ 'repository-url': 'ftp://u:s3cret-pw@my.index/' }), {})
    ).toThrow(/'ftp:\/\/my\.index\/' must start/)
  })

  it('refuses URLs that are not URLs', () => {
    expect(() => readSettings(runnerInputs({ 'repository-url': 'upload.pypi.org' }), {})).toThrow(
      /not a URL/
    )
    expect(() => readSettings(runnerInputs({ 'repository-url': 'ftp://my.index/' }), {})).toThrow(
      /https:\/\//
    )
  })
})

describe('a password that cannot be a PyPI token', () => {
  const macaroon = (location: string): string =>
    'pypi-' +
    Buffer.concat([
      Buffer.from([2, 1, location.length]),
      Buffer.from(location),
      Buffer.alloc(40, 7)
    ]).toString('base64url')
  const settingsError = (given: Record<string, string>, env: SettingsEnvironment = {}): string => {
    try {
      readSettings(runnerInputs(given), env)
    } catch (error) {
      expect(error).toBeInstanceOf(SettingsError)
      return (error as Error).message
    }
    throw new Error('no SettingsError')
  }

  it('names a GitHub token by its prefix only, for PyPI and TestPyPI', () => {
    const token = 'ghp_' + 'Zx9'.repeat(12)
    for (const target of [{}, { repository: 'testpypi' }] as Array<Record<string, string>>) {
      const message = settingsError({ password: token, ...target })
      expect(message).toContain(
        "The 'password' input starts with 'ghp_', which is a GitHub personal access token"
      )
      expect(message).toContain("start with 'pypi-'")
      expect(message).not.toContain(token.slice(0, 5))
    }
  })

  it('never shows any of a short value that is not a token', () => {
    const message = settingsError({ token: 'hunter2' })
    expect(message).toContain(
      "The 'token' input is 7 characters long and does not start with 'pypi-'"
    )
    expect(message).not.toContain('hunt')
  })

  it('flags a line break or whitespace inside the token', () => {
    expect(settingsError({ password: 'pypi-AgEIcHlwaS5vcmc\npypi-second' })).toContain(
      "The 'password' input contains a line break"
    )
    expect(settingsError({ password: 'pypi-AgEIcHlw aS5vcmc' })).toContain('contains whitespace')
  })

  it('flags an input that holds only whitespace instead of falling back to trusted publishing', () => {
    expect(settingsError({ password: ' \n ' })).toContain(
      "The 'password' input holds only whitespace"
    )
  })

  it('flags a pypi.org token sent to TestPyPI, and the other way round', () => {
    expect(settingsError({ password: macaroon('pypi.org'), repository: 'testpypi' })).toContain(
      'is a token for pypi.org, but the upload goes to test.pypi.org'
    )
    expect(settingsError({ password: macaroon('test.pypi.org') })).toContain(
      'is a token for test.pypi.org, but the upload goes to pypi.org'
    )
    expect(
      readSettings(runnerInputs({ password: macaroon('pypi.org') }), {}).settings.password
    ).toBe(macaroon('pypi.org'))
  })

  it('names TWINE_PASSWORD outside Actions, and leaves other indexes to decide', () => {
    expect(settingsError({}, { twine: { TWINE_PASSWORD: 'glpat-' + 'q'.repeat(20) } })).toContain(
      "TWINE_PASSWORD starts with 'glpa', which is a GitLab personal access token"
    )
    const other = readSettings(
      runnerInputs({ password: 'plain password', 'repository-url': 'https://nexus.example/pypi/' }),
      {}
    )
    expect(other.settings.password).toBe('plain password')
  })
})
