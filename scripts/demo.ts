/**
 * The main job, end to end on loopback: start a local PyPI-compatible index, run the bundled action
 * (`node dist/index.js`) the way GitHub's runner does, and show what it reported and what the index
 * now holds. Run with `npm run demo`.
 */
import { cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { FIXTURE_DISTS_DIR, fixtureProjects } from '../__tests__/support/fixtures.js'
import { startIndexServer } from '../__tests__/support/index-server.js'
import { runAction } from '../__tests__/support/run-action.js'

const TOKEN = 'pypi-demo-token-0123456789abcdef'

async function main(): Promise<void> {
  const index = await startIndexServer({ tokens: [TOKEN] })
  const work = await mkdtemp(path.join(tmpdir(), 'pypi-publish-demo-'))
  try {
    // A download-artifact style tree: one folder per artifact, stray files beside them.
    const packagesDir = path.join(work, 'dist')
    for (const project of fixtureProjects.filter(p => p.filenamesFollowPypiRules)) {
      await cp(path.join(FIXTURE_DISTS_DIR, project.dir), path.join(packagesDir, project.dir), {
        recursive: true
      })
    }
    await cp(path.join(FIXTURE_DISTS_DIR, 'SHA256SUMS'), path.join(packagesDir, 'SHA256SUMS'))

    console.log(`Local index: ${index.url}`)
    console.log(`Publishing ${packagesDir} through dist/index.js …\n`)
    const run = await runAction({
      password: TOKEN,
      'repository-url': index.url,
      'packages-dir': packagesDir
    })
    console.log(run.stdout.trimEnd())
    if (run.stderr.trim()) console.error(run.stderr.trimEnd())
    console.log(`\nExit code: ${run.exitCode}`)
    console.log('\nOutputs:')
    for (const [name, value] of Object.entries(run.outputs)) console.log(`  ${name} = ${value}`)
    console.log('\nJob summary (markdown/HTML):\n' + run.summary)
    console.log('Files on the index now:')
    for (const file of index.files()) {
      console.log(`  ${file.project} ${file.version}  ${file.filename}  sha256 ${file.sha256}`)
    }
    if (run.exitCode !== 0) throw new Error(`the action failed with exit code ${run.exitCode}`)
    if (index.files().length === 0) throw new Error('nothing reached the index')
  } finally {
    await index.close()
    await rm(work, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
