/**
 * `~/.pypirc`, read as twine reads it (configparser, RawConfigParser): `[distutils] index-servers`
 * lists the indexes whose sections count; each may set `repository` (the upload URL), `username`,
 * `password`, `ca_cert` and `client_cert`; `pypi` and `testpypi` need no URL; `[server-login]`
 * gives every index a default username and password. Only the command line reads it: the action
 * takes its inputs, as pypa's action does.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { PYPI_UPLOAD_URL, SettingsError, TESTPYPI_UPLOAD_URL } from '../settings/inputs.js'

export interface PypircIndex {
  url: string
  username?: string
  password?: string
  caCert?: string
  clientCert?: string
}

type Sections = Map<string, Map<string, string>>

const KEYS: Record<string, keyof PypircIndex> = {
  repository: 'url',
  username: 'username',
  password: 'password',
  ca_cert: 'caCert',
  client_cert: 'clientCert'
}

const MORE = 'The format: https://packaging.python.org/specifications/pypirc/'

/**
 * twine's order: an upload URL given (--repository-url, TWINE_REPOSITORY_URL) leaves the config
 * file unread (undefined); otherwise the index named by -r or TWINE_REPOSITORY (default `pypi`)
 * is looked up. A missing file is no error unless named with --config-file, as in twine.
 */
export function pypircIndex(
  inputs: Readonly<Record<string, string>>,
  configFile: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string
): PypircIndex | undefined {
  if (inputs['repository-url'] || env.TWINE_REPOSITORY_URL?.trim()) return undefined
  const shown = configFile ?? '~/.pypirc'
  const file = path.resolve(cwd, shown.replace(/^~(?=$|[\\/])/, env.HOME || env.USERPROFILE || ''))
  const flag = inputs.repository?.trim()
  const name = flag || env.TWINE_REPOSITORY?.trim() || 'pypi'
  const why = flag
    ? `--repository ${flag}`
    : env.TWINE_REPOSITORY?.trim()
      ? `TWINE_REPOSITORY=${name}`
      : 'The default'
  const where = shown === file ? file : `${shown} (${file})`
  let text = ''
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (configFile !== undefined || code !== 'ENOENT') {
      throw new SettingsError(`The config file ${where} cannot be read (${code ?? error}).`)
    }
  }
  const sections = parseIni(text, where)
  const loginDefaults = sections.get('server-login')
  const listed = (sections.get('distutils')?.get('index-servers') ?? 'pypi testpypi').split(/\s+/)
  const servers = new Set(listed.filter(Boolean))
  const known: Record<string, string> = { pypi: PYPI_UPLOAD_URL }
  if (servers.has('testpypi')) known.testpypi = TESTPYPI_UPLOAD_URL
  if (!servers.has(name) && !known[name]) {
    throw new SettingsError(
      `${why} names the index '${name}', which ${where} does not define` +
        (sections.has(name)
          ? `: it has a [${name}] section, but [distutils] index-servers does not list it (twine reads only the listed ones).`
          : `: it has no [${name}] section.`) +
        ` Add it (a [${name}] section with \`repository = https://…/legacy/\`, listed under ` +
        `[distutils] index-servers), or give the upload URL with --repository-url. ${MORE}`
    )
  }
  const index: Partial<PypircIndex> = {
    url: known[name],
    username: loginDefaults?.get('username'),
    password: loginDefaults?.get('password')
  }
  const section = servers.has(name) ? sections.get(name) : undefined
  for (const [key, field] of Object.entries(KEYS)) {
    const value = section?.get(key)
    if (value !== undefined) index[field] = value
  }
  if (!index.url) {
    throw new SettingsError(
      `The [${name}] section of ${where} has no \`repository\` (the index's upload URL): add ` +
        `\`repository = https://…/legacy/\` to it. ${MORE}`
    )
  }
  return index as PypircIndex
}

/**
 * configparser's rules: `[section]`, `key = value` or `key: value` (keys in any case), indented
 * lines continue a value, `#` and `;` start a comment line. A line that is none of these, a key
 * before any section, or a section twice is an error, as configparser's strict mode makes it.
 */
function parseIni(text: string, where: string): Sections {
  const sections: Sections = new Map()
  let section: Map<string, string> | undefined
  let key: string | undefined
  const refuse = (line: number, what: string): never => {
    throw new SettingsError(`${where}, line ${line}: ${what}. ${MORE}`)
  }
  text.split(/\r\n|\r|\n/).forEach((raw, i) => {
    const line = i + 1
    if (/^\s*[#;]/.test(raw)) return
    if (!raw.trim()) {
      key = undefined
      return
    }
    if (/^\s/.test(raw) && section && key !== undefined) {
      section.set(key, `${section.get(key)}\n${raw.trim()}`.trim())
      return
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(raw)
    if (header) {
      const name = header[1]
      if (sections.has(name)) refuse(line, `the section [${name}] appears a second time`)
      section = new Map()
      sections.set(name, section)
      key = undefined
      return
    }
    const option = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
    if (!option) refuse(line, 'this line is neither `[section]` nor `key = value`')
    if (!section) refuse(line, 'a `key = value` line before the first [section]')
    key = option![1].trim().toLowerCase()
    section!.set(key, option![2].trim())
  })
  return sections
}
