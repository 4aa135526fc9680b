import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { EOL } from 'node:os'
import type { Writer } from './writer.js'

/**
 * Sets a step output the way the runner reads it (as @actions/core does, without loading it and
 * the HTTP stack it brings): a `name<<delimiter` block appended to the GITHUB_OUTPUT file, with a
 * random delimiter. A value that held the delimiter would end its block early and could set other
 * outputs, so that is refused (it cannot happen by chance: the delimiter is a fresh UUID). Without
 * the file (a runner older than 2.297), the legacy `::set-output` command, through the writer.
 */
export function setOutput(
  name: string,
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  writer: Pick<Writer, 'command'>
): void {
  const file = env.GITHUB_OUTPUT
  if (!file) {
    writer.command('set-output', { name }, value)
    return
  }
  const delimiter = `ghadelimiter_${randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw new Error(`The output ${name} holds its own delimiter; it was not set.`)
  }
  appendFileSync(file, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, 'utf8')
}
