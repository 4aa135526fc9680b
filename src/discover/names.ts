/**
 * File and folder names are text from outside: a name can hold a newline that starts a workflow
 * command (`::stop-commands::…`) or a line the reader takes for ours. Names with control
 * characters are refused (PyPI refuses them too: a distribution's name is its project name,
 * version and tags, none of which may hold one), and are only ever shown escaped.
 */

/**
 * C0 controls, DEL, C1 controls (U+0085 NEL among them), and the Unicode line and paragraph
 * separators, which some viewers break lines on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/

export function hasControlCharacter(name: string): boolean {
  return CONTROL.test(name)
}

/**
 * A name as a JSON string literal, with every control character as `\uXXXX` (JSON itself leaves
 * DEL, C1 and U+2028/U+2029 raw): safe to print on one line whatever the name holds.
 */
export function escapedName(name: string): string {
  return JSON.stringify(name).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

/** The name's UTF-8 bytes as text, or undefined when they are not UTF-8 (PyPI takes only UTF-8). */
export function decodeName(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}
