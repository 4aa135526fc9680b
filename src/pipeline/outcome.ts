import type { Distribution } from '../dists/distribution.js'
import type { FileResult } from '../upload/upload-all.js'
import type { RunResult } from './publish.js'

/** One file as the outcome names it. */
export interface FileOutcome {
  filename: string
  sha256: string
  size: number
}

/** What a run did: the action's outputs and the command line's `--json` alike. */
export interface RunOutcome {
  uploaded: FileOutcome[]
  skipped: FileOutcome[]
  /** Files the index holds with the local sha256, read back after the upload. */
  verified: FileOutcome[]
  projects: Array<{ name: string; version: string }>
  attestationPaths: string[]
}

const fileOutcome = (d: Distribution): FileOutcome => ({
  filename: d.filename,
  sha256: d.digests.sha256,
  size: d.size
})

export function runOutcome(result: RunResult): RunOutcome {
  const withStatus = (status: FileResult['status']): FileOutcome[] =>
    result.files.filter(f => f.status === status).map(f => fileOutcome(f.dist))
  const projects = new Map<string, { name: string; version: string }>()
  for (const d of result.dists) {
    projects.set(`${d.name}\0${d.version}`, { name: d.name, version: d.version })
  }
  return {
    uploaded: withStatus('uploaded'),
    skipped: withStatus('skipped'),
    verified: result.files.filter(f => f.verified === true).map(f => fileOutcome(f.dist)),
    projects: [...projects.values()],
    attestationPaths: result.attestationPaths
  }
}
