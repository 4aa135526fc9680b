/**
 * Review holes in what a child process gets (src/shared/child-env.ts) and which secrets the
 * environment is known to hold.
 */
import { describe, expect, it } from '@jest/globals'
import { ChildEnv } from '../../src/shared/child-env.js'
import { givenSecrets } from '../../src/settings/secrets.js'

describe('ChildEnv and the runner file commands', () => {
  it('keeps out the files through which a child could set outputs, the summary or later steps', () => {
    const parent = {
      PATH: '/usr/bin',
      GITHUB_OUTPUT: '/runner/_temp/_runner_file_commands/set_output_1',
      GITHUB_STEP_SUMMARY: '/runner/_temp/_runner_file_commands/step_summary_1',
      GITHUB_STATE: '/runner/_temp/_runner_file_commands/save_state_1',
      GITHUB_ENV: '/runner/_temp/_runner_file_commands/set_env_1',
      GITHUB_PATH: '/runner/_temp/_runner_file_commands/add_path_1',
      GITHUB_WORKSPACE: '/runner/work/project'
    }
    const vars = ChildEnv.from(parent).toSpawn()
    expect(Object.keys(vars).sort()).toEqual(['GITHUB_WORKSPACE', 'PATH'])
  })
})

describe('credentials written in a URL input', () => {
  it('are found whole when an unencoded "/" in the password makes the URL unparsable', () => {
    const inputs: Record<string, string> = {
      'index-url': 'https://reader:abc/Def+ghi=@pypi.example.com/simple/'
    }
    const secrets = givenSecrets(name => inputs[name] ?? '', {}).map(s => s.secret)
    expect(secrets).toContain('abc/Def+ghi=')
  })

  it('still end at the authority of a URL that parses', () => {
    const inputs: Record<string, string> = {
      'index-url': 'https://reader:s3cret@pypi.example.com/simple/a@b/'
    }
    const secrets = givenSecrets(name => inputs[name] ?? '', {}).map(s => s.secret)
    expect(secrets).toEqual(['s3cret'])
  })
})
