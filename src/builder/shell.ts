/**
 * How a custom build command (`uv build`, `hatch build && …`) is run: through the platform's shell,
 * the way a workflow's `run:` line is, so pipes, `&&` and quoting work as the user wrote them.
 */

export interface ShellInvocation {
  command: string
  args: string[]
  /** cmd.exe parses its own command line; Node must not quote it again. */
  windowsVerbatimArguments: boolean
}

export function shellInvocation(
  commandLine: string,
  platform: NodeJS.Platform = process.platform,
  comSpec?: string
): ShellInvocation {
  if (platform === 'win32') {
    // What Node's `shell: true` does: /d skips AutoRun, /s keeps the quoted line as written.
    return {
      command: comSpec ?? 'cmd.exe',
      args: ['/d', '/s', '/c', `"${commandLine}"`],
      windowsVerbatimArguments: true
    }
  }
  return { command: '/bin/sh', args: ['-c', commandLine], windowsVerbatimArguments: false }
}
