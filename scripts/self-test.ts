/**
 * The helpers of .github/workflows/self-test.yml, which runs the action (`uses: ./`) on Linux,
 * macOS and Windows runners against this repository's own test index:
 *
 *   node .build/scripts/self-test.js stage <packages-dir>   lay out the fixtures the index accepts,
 *                                                          one folder per project as download-artifact does
 *   node .build/scripts/self-test.js serve <ready-file>     start the index on 127.0.0.1 and keep it up;
 *                                                          `url=…` and `token=…` lines go to <ready-file> once it listens
 *   node .build/scripts/self-test.js check                  compare the action's outputs (env UPLOADED,
 *                                                          VERIFIED, PROJECTS) and the index's simple pages
 *                                                          (env SIMPLE_URL) with the fixtures
 */
import { createHash } from 'node:crypto'
import { cp, readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  FIXTURE_DISTS_DIR,
  fixtureDistPaths,
  fixtureProjects
} from '../__tests__/support/fixtures.js'
import { startIndexServer } from '../__tests__/support/index-server.js'

/** Not a secret: it opens only this job's throw-away index on loopback. */
const TOKEN = 'pypi-self-test-token'
const published = fixtureProjects.filter(p => p.filenamesFollowPypiRules)

async function stage(packagesDir: string): Promise<void> {
  for (const project of published) {
    await cp(path.join(FIXTURE_DISTS_DIR, project.dir), path.join(packagesDir, project.dir), {
      recursive: true
    })
  }
  console.log(`Staged ${fixtureDistPaths(published).length} files in ${packagesDir}`)
}

async function serve(readyFile: string): Promise<void> {
  const index = await startIndexServer({ tokens: [TOKEN], checkArchives: true })
  // Written whole, then renamed: the step polling for the file never reads half of it.
  await writeFile(
    `${readyFile}.part`,
    `url=${index.url}\nsimple-url=${index.simpleUrl}\ntoken=${TOKEN}\n`
  )
  await rename(`${readyFile}.part`, readyFile)
  console.log(`Test index listening at ${index.url}`)
  // Stays up until the runner ends the job's processes.
}

interface FileOutput {
  filename: string
  sha256: string
  size: number
}

async function check(): Promise<void> {
  const problems: string[] = []
  const expected = new Map<string, string>()
  for (const file of fixtureDistPaths(published)) {
    expected.set(
      path.basename(file),
      createHash('sha256')
        .update(await readFile(file))
        .digest('hex')
    )
  }
  for (const name of ['UPLOADED', 'VERIFIED'] as const) {
    const files = JSON.parse(process.env[name] ?? '[]') as FileOutput[]
    const seen = new Map(files.map(f => [f.filename, f.sha256]))
    for (const [filename, sha256] of expected) {
      if (seen.get(filename) !== sha256)
        problems.push(`${name.toLowerCase()} lacks ${filename} with sha256 ${sha256}`)
    }
    if (files.length !== expected.size)
      problems.push(`${name.toLowerCase()} lists ${files.length} files, expected ${expected.size}`)
  }
  const projects = JSON.parse(process.env.PROJECTS ?? '[]') as Array<{
    name: string
    version: string
  }>
  for (const project of published) {
    if (!projects.some(p => p.version === project.version)) {
      problems.push(`projects lacks ${project.name} ${project.version}`)
    }
  }
  const simpleUrl = process.env.SIMPLE_URL ?? ''
  for (const project of published) {
    const page = await (await fetch(`${simpleUrl}${project.normalizedName}/`)).text()
    for (const filename of [project.sdist, ...project.wheels]) {
      if (!page.includes(`${filename}#sha256=${expected.get(filename)}`)) {
        problems.push(`the index's page for ${project.normalizedName} lacks ${filename}`)
      }
    }
  }
  for (const problem of problems) console.error(problem)
  if (problems.length > 0) throw new Error(`${problems.length} problem(s)`)
  console.log(`The outputs and the index agree on all ${expected.size} files.`)
}

const [command, arg] = process.argv.slice(2)
const run =
  command === 'stage' && arg
    ? stage(arg)
    : command === 'serve' && arg
      ? serve(arg)
      : command === 'check'
        ? check()
        : Promise.reject(new Error('usage: self-test.js stage <dir> | serve <ready-file> | check'))
run.catch((error: unknown) => {
  console.error(
    `self-test ${command ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`
  )
  process.exitCode = 1
})
