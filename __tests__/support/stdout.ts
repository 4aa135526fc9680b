/** Runs `fn` with process.stdout captured (the Writer and @actions/core both write there). */
export function captureStdout(fn: () => void): string {
  let out = ''
  const write = process.stdout.write
  process.stdout.write = ((chunk: string | Uint8Array): boolean => {
    out += chunk.toString()
    return true
  }) as typeof process.stdout.write
  try {
    fn()
  } finally {
    process.stdout.write = write
  }
  return out
}
