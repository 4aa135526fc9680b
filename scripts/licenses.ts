// Writes dist/licenses.txt (and dist/cli/licenses.txt) from the webpack stats of the bundles.
// Why not ncc's own --license: it writes one file per chunk, each over the last, so a bundle that
// keeps a dynamic import (cacache loads p-map lazily) ships the notice of that chunk alone and
// drops undici's, @actions/*'s, @sigstore's and every other bundled package's.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, sep } from 'node:path'

interface StatsModule {
  identifier?: string
  modules?: StatsModule[]
}

/** The package folder (…/node_modules/name or …/node_modules/@scope/name) a bundled file came from. */
function packageDir(identifier: string): string | undefined {
  // The identifier is the loader chain and then the resource: take the resource, drop ncc's hash.
  const resource = identifier.slice(identifier.lastIndexOf('!') + 1).split('|')[0]
  const marker = `${sep}node_modules${sep}`
  const at = resource.lastIndexOf(marker)
  if (at < 0) return undefined
  const parts = resource.slice(at + marker.length).split(sep)
  const depth = parts[0].startsWith('@') ? 2 : 1
  return join(resource.slice(0, at + marker.length), ...parts.slice(0, depth))
}

function collect(modules: StatsModule[], into: Set<string>): void {
  for (const m of modules) {
    if (m.modules) collect(m.modules, into)
    const dir = m.identifier ? packageDir(m.identifier) : undefined
    if (dir) into.add(dir)
  }
}

function notice(dir: string): string {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string
    version: string
    license?: string
  }
  const file = readdirSync(dir).find(f => /^(licen[cs]e|copying)/i.test(f))
  const text = file
    ? readFileSync(join(dir, file), 'utf8').trim()
    : '(no license file in the package)'
  return `${pkg.name} ${pkg.version}\n${pkg.license ?? 'UNKNOWN'}\n${text}\n`
}

for (const [stats, out] of process.argv.slice(2).map(a => a.split('='))) {
  const dirs = new Set<string>()
  collect((JSON.parse(readFileSync(stats, 'utf8')) as { modules: StatsModule[] }).modules, dirs)
  const notices = [...new Set([...dirs].map(notice))].sort()
  writeFileSync(join(out, 'licenses.txt'), notices.join('\n'))
  rmSync(stats)
  console.log(`${join(out, 'licenses.txt')}: ${notices.length} bundled packages`)
}
