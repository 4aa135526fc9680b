/**
 * Runs `fn` with process.stdout captured (the Writer and @actions/core both write there), and
 * gives what it printed; for work that awaits (log groups), once it has settled.
 */
export function captureStdout(fn: () => Promise<void>): Promise<string>
export function captureStdout(fn: () => void): string
export function captureStdout(fn: () => void | Promise<void>): string | Promise<string> {
  let out = ''
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    out += chunk.toString()
    return true
  }) as typeof process.stdout.write
  const restore = (): void => void (process.stdout.write = write)
  let result: void | Promise<void>
  try {
    result = fn()
  } catch (error) {
    restore()
    throw error
  }
  if (result instanceof Promise) return result.then(() => out).finally(restore)
  restore()
  return out
}
