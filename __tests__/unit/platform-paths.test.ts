/**
 * Code written for Windows and macOS runners that Linux CI never runs: the Python lookup and the
 * shell a build command goes through. Simulated here through the platform parameters; the same
 * paths run for real in .github/workflows/self-test.yml on windows-latest and macos-latest.
 */
import { describe, expect, it } from '@jest/globals'
import { shellInvocation } from '../../src/builder/build.js'
import { defaultPythons, findBuildPython } from '../../src/process/python.js'
import { ChildEnv } from '../../src/shared/child-env.js'
import type { ProcessResult, RunProcess } from '../../src/process/run-process.js'
import { RecordingLog } from '../support/recording-log.js'

/** What `python3` does on a Windows runner where it is the Microsoft Store's stub. */
const storeStub: ProcessResult = {
  exitCode: 9009,
  stdout: '',
  stderr:
    'Python was not found; run without arguments to install from the Microsoft Store, or disable this shortcut from Settings > Manage App Execution Aliases.',
  timedOut: false
}
const buildVersion: ProcessResult = {
  exitCode: 0,
  stdout:
    'build 1.2.2 (C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\Lib\\site-packages\\build)\r\n',
  stderr: '',
  timedOut: false
}

/** A runner whose Pythons answer as `answers` says, recording each command tried. */
function fakeRunner(answers: Record<string, ProcessResult>): { run: RunProcess; tried: string[] } {
  const tried: string[] = []
  const run: RunProcess = async command => {
    tried.push(command)
    return (
      answers[command] ?? {
        exitCode: null,
        stdout: '',
        stderr: '',
        timedOut: false,
        spawnError: Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT' })
      }
    )
  }
  return { run, tried }
}

describe('the Python lookup', () => {
  it('tries python first on Windows, python3 first on macOS and Linux', () => {
    expect(defaultPythons('win32')).toEqual(['python', 'python3'])
    expect(defaultPythons('darwin')).toEqual(['python3', 'python'])
    expect(defaultPythons('linux')).toEqual(['python3', 'python'])
  })

  it('on Windows builds with python and never runs the python3 Store stub', async () => {
    const { run, tried } = fakeRunner({ python: buildVersion, python3: storeStub })
    const found = await findBuildPython({
      env: ChildEnv.from({}),
      log: new RecordingLog(),
      run,
      platform: 'win32'
    })
    expect(found.python).toBe('python')
    expect(found.version).toBe(
      'build 1.2.2 (C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\Lib\\site-packages\\build)'
    )
    expect(tried).toEqual(['python'])
  })

  it('on macOS, where python is often missing, builds with python3', async () => {
    const { run, tried } = fakeRunner({ python3: { ...buildVersion, stdout: 'build 1.2.2\n' } })
    const found = await findBuildPython({
      env: ChildEnv.from({}),
      log: new RecordingLog(),
      run,
      platform: 'darwin'
    })
    expect(found.python).toBe('python3')
    expect(tried).toEqual(['python3'])
  })
})

/**
 * What cmd.exe runs for `cmd /d /s /c "<line>"` (cmd /? : with /s, the first and the last quote
 * of the text after /c are removed and the rest is kept as it is). windowsVerbatimArguments makes
 * Node join the arguments with spaces and add no quoting of its own.
 */
function cmdRuns(args: readonly string[]): string {
  const text = args.join(' ')
  const afterC = text.slice(text.indexOf('/c ') + 3)
  const first = afterC.indexOf('"')
  const last = afterC.lastIndexOf('"')
  return afterC.slice(0, first) + afterC.slice(first + 1, last) + afterC.slice(last + 1)
}

describe('the build command shell', () => {
  it('on Windows, cmd.exe runs the line exactly as written, quotes, && and pipes included', () => {
    const line =
      'python -m build --outdir "D:\\a\\_temp\\dist out" . && python -c "print(\'built\')" | more'
    const shell = shellInvocation(line, 'win32', 'C:\\Windows\\system32\\cmd.exe')
    expect(shell.command).toBe('C:\\Windows\\system32\\cmd.exe')
    expect(shell.windowsVerbatimArguments).toBe(true)
    expect(shell.args.slice(0, 3)).toEqual(['/d', '/s', '/c'])
    expect(cmdRuns(shell.args)).toBe(line)
  })

  it('on Windows without ComSpec, falls back to cmd.exe on PATH', () => {
    expect(shellInvocation('uv build', 'win32').command).toBe('cmd.exe')
  })

  it('on macOS, runs the line with /bin/sh -c, unquoted', () => {
    expect(shellInvocation('uv build && ls "dist dir"', 'darwin')).toEqual({
      command: '/bin/sh',
      args: ['-c', 'uv build && ls "dist dir"'],
      windowsVerbatimArguments: false
    })
  })
})
