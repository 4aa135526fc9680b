/** The size of the action's source, as `wc -l` counts it: the figure issue 18's budget is set in. */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'

export interface SourceSize {
  files: number
  lines: number
  /** The longest module, relative to the folder measured. */
  largest: { file: string; lines: number }
  /** Modules over 400 lines. */
  over400: string[]
}

export async function measureSource(dir: string): Promise<SourceSize> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const sizes: Array<{ file: string; lines: number }> = []
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue
    const full = path.join(entry.parentPath, entry.name)
    const text = await readFile(full, 'utf8')
    sizes.push({ file: path.relative(dir, full), lines: text.split('\n').length - 1 })
  }
  sizes.sort((a, b) => b.lines - a.lines)
  return {
    files: sizes.length,
    lines: sizes.reduce((sum, s) => sum + s.lines, 0),
    largest: sizes[0] ?? { file: '—', lines: 0 },
    over400: sizes.filter(s => s.lines > 400).map(s => s.file)
  }
}
