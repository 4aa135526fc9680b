/**
 * Writes every non-ASCII character of the bundles' JavaScript as a `\uXXXX` escape (as esbuild
 * does by default). Node reads a source file as UTF-8: an ASCII file is decoded on its fast path
 * and V8 scans it as a one-byte string, where a few hundred `…` and `✔` in messages made the main
 * bundle a two-byte string, ~5 ms more of every run's start-up. In a string, a template, a regular
 * expression, an identifier or a comment, the escape means the same character; the one place it
 * would not (right after a backslash) stops the build instead.
 *
 * Usage: node scripts/ascii-bundle.mjs FILE...
 */
import { readFileSync, writeFileSync } from 'node:fs'

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8')
  let escaped = 0
  const out = text.replace(/[\u0080-\uffff]/g, (char, at) => {
    if (text[at - 1] === '\\') {
      throw new Error(`${file}: a non-ASCII character follows a backslash at offset ${at}`)
    }
    escaped++
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`
  })
  writeFileSync(file, out)
  console.log(`${file}: ${escaped} non-ASCII character(s) escaped`)
}
