/**
 * PyPI's entry_points.txt rule (Warehouse `validate_entrypoints`): the file must be UTF-8, read
 * without error by Python's configparser (case-sensitive keys, `=` as the only delimiter, strict:
 * no duplicate sections or keys), and every name in `[console_scripts]` and `[gui_scripts]` must
 * match `[\w.-]+` (no path parts). This is configparser's line grammar, rewritten to answer the
 * same yes or no; the differential tests compare it with Python's on many inputs.
 */

/** Whitespace as Python's str.isspace() / str.strip() / regex `\s` see it. */
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g')
const NON_SPACE = new RegExp(`[^${PY_SPACE}]`)
const SECTION = /^\[(.+)\]/
const OPTION = new RegExp(`^(.*?)[${PY_SPACE}]*=[${PY_SPACE}]*(.*)$`, 's')
const RSTRIP = new RegExp(`[${PY_SPACE}]+$`)
/** Python's `[\w.-]+` on str: letters, digits (all Unicode numerics), `_`, `.`, `-`. */
const ENTRY_POINT_NAME = /^[\p{L}\p{N}_.-]+$/u

const pyStrip = (text: string): string => text.replace(STRIP, '')

/**
 * Why PyPI would refuse this entry_points.txt (for the message), or undefined when it accepts it.
 */
export function entryPointsProblem(bytes: Buffer): string | undefined {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return 'entry_points.txt is not decodable as UTF-8'
  }
  const sections = new Map<string, string[]>()
  const defaults: string[] = []
  const added = new Set<string>()
  let current: string[] | undefined
  let sectionName: string | undefined
  let option = ''
  let indent = 0
  let error: string | undefined

  // io.StringIO splits on '\n' only; each line keeps its '\n' (stripped below).
  const lines = text.split(/(?<=\n)/)
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]
    const lineNo = index + 1
    const stripped = pyStrip(line)
    const comment = stripped.startsWith('#') || stripped.startsWith(';')
    const value = comment ? '' : stripped
    if (value === '') continue // empty lines join the value; comments are dropped
    const firstNonSpace = NON_SPACE.exec(line)?.index ?? 0
    if (current && option && firstNonSpace > indent) continue // a continuation line
    indent = firstNonSpace
    const section = SECTION.exec(value)
    if (section) {
      sectionName = section[1]
      if (sectionName === 'DEFAULT') {
        current = defaults
      } else if (sections.has(sectionName)) {
        if (added.has(`[${sectionName}`))
          return `duplicate section [${sectionName}] (line ${lineNo})`
        current = sections.get(sectionName)
      } else {
        current = []
        sections.set(sectionName, current)
      }
      added.add(`[${sectionName}`)
      option = ''
      continue
    }
    if (!current) return `a line outside any [section] (line ${lineNo})`
    const match = OPTION.exec(value)
    if (!match) {
      error ??= `line ${lineNo} is not "name = value"`
      continue
    }
    if (match[1] === '') error ??= `line ${lineNo} has no name before "="`
    option = match[1].replace(RSTRIP, '')
    const key = `${sectionName}\u0000${option}`
    if (added.has(key)) return `duplicate name '${option}' in [${sectionName}] (line ${lineNo})`
    added.add(key)
    if (!current.includes(option)) current.push(option)
  }
  if (error) return error

  for (const name of ['console_scripts', 'gui_scripts']) {
    const names = sections.get(name)
    if (!names) continue
    // A section's keys include those of [DEFAULT], as configparser lists them.
    for (const key of [...names, ...defaults]) {
      if (!ENTRY_POINT_NAME.test(key)) return `invalid entry point name '${key}' in [${name}]`
    }
  }
  return undefined
}
