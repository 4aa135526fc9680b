/**
 * Guards the committed sample distributions: they exist, they are intact, they say what the
 * fixture table says, and the sample projects still build to the same files. Python's own zipfile,
 * tarfile and email parsers are the reference here, independent of the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative, sep } from 'node:path'
import { promisify } from 'node:util'
import {
  FIXTURE_DISTS_DIR,
  FIXTURE_PROJECTS_DIR,
  FIXTURE_STRAY_FILES,
  REPO_ROOT,
  fixtureDistPaths,
  fixtureFilenames,
  fixtureProject,
  fixtureProjects
} from '../support/fixtures.js'

const run = promisify(execFile)
const PYTHON = '/usr/bin/python3'

/** What Python reads from one distribution: its core metadata and the results of its checks. */
interface Inspection {
  path: string
  /** Paths of the core metadata files at the expected place (exactly one is right). */
  metadataFiles: string[]
  headers: Record<string, string | null>
  /** Members whose CRC failed (zip) or that could not be read to the end (tar, gzip). */
  corrupt: string[]
  /** Wheel only: files whose RECORD hash differs, and files missing from RECORD. */
  recordMismatches: string[]
  unrecorded: string[]
}

const INSPECT_PY = String.raw`
import base64, csv, email.parser, gzip, hashlib, io, json, sys, tarfile, zipfile

def record_problems(zf, record_name):
    mismatches, listed = [], set()
    for row in csv.reader(io.StringIO(zf.read(record_name).decode("utf-8"))):
        name, digest = row[0], row[1]
        listed.add(name)
        if not digest:
            continue
        algo, _, expected = digest.partition("=")
        actual = base64.urlsafe_b64encode(hashlib.new(algo, zf.read(name)).digest()).rstrip(b"=").decode()
        if actual != expected:
            mismatches.append(name)
    unrecorded = [n for n in zf.namelist() if not n.endswith("/") and n not in listed]
    return mismatches, unrecorded

def inspect(path):
    result = {"path": path, "corrupt": [], "recordMismatches": [], "unrecorded": []}
    if path.endswith(".whl"):
        with zipfile.ZipFile(path) as zf:
            bad = zf.testzip()  # what python -m zipfile -t does: read every member, check its CRC
            if bad:
                result["corrupt"].append(bad)
            found = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")]
            records = [n for n in zf.namelist() if n.count("/") == 1 and n.endswith(".dist-info/RECORD")]
            if len(records) == 1:
                result["recordMismatches"], result["unrecorded"] = record_problems(zf, records[0])
            text = zf.read(found[0]).decode("utf-8") if found else ""
    else:
        try:
            gzip.open(path).read()  # reads to the end, so gzip checks its CRC and length
        except Exception as e:
            result["corrupt"].append(f"gzip: {e}")
        with tarfile.open(path) as tf:
            for member in tf.getmembers():
                if member.isfile():
                    tf.extractfile(member).read()
            found = [n for n in tf.getnames() if n.count("/") == 1 and n.endswith("/PKG-INFO")]
            text = tf.extractfile(found[0]).read().decode("utf-8") if found else ""
    result["metadataFiles"] = found
    headers = email.parser.HeaderParser().parsestr(text)
    result["headers"] = {k: headers.get(k) for k in ("Metadata-Version", "Name", "Version", "Summary")}
    return result

def inspect_or_report(path):
    try:
        return inspect(path)
    except Exception as e:  # a broken archive is a finding, not a crash of the whole check
        return {"path": path, "corrupt": [repr(e)], "recordMismatches": [], "unrecorded": [],
                "metadataFiles": [], "headers": {}}

print(json.dumps([inspect_or_report(p) for p in sys.argv[1:]]))
`

async function inspectWithPython(paths: string[]): Promise<Map<string, Inspection>> {
  const { stdout } = await run(PYTHON, ['-c', INSPECT_PY, ...paths], {
    env: { ...process.env, PYTHONIOENCODING: 'utf-8' }
  })
  return new Map((JSON.parse(stdout) as Inspection[]).map(i => [i.path, i]))
}

/** Every file under `dir`, as `/`-separated paths relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter(e => e.isFile())
    .map(e => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort()
}

async function sha256Of(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex')
}

function distRelativePath(path: string): string {
  return relative(FIXTURE_DISTS_DIR, path).split(sep).join('/')
}

describe('committed fixture distributions', () => {
  let inspections: Map<string, Inspection>

  beforeAll(async () => {
    inspections = await inspectWithPython(fixtureDistPaths())
  })

  it('holds exactly the expected files, laid out one folder per project', async () => {
    const expected = [...FIXTURE_STRAY_FILES, ...fixtureDistPaths().map(distRelativePath)].sort()
    expect(await listFiles(FIXTURE_DISTS_DIR)).toEqual(expected)
  })

  it('finds the repository root from the helper module', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      name: string
    }
    expect(manifest.name).toBe('pypi-publish')
    expect(distRelativePath(fixtureDistPaths([fixtureProject('flit-sample')])[0])).toBe(
      'flit-sample/flit_sample-3.1.0.tar.gz'
    )
  })

  it('lists every distribution with its digest in SHA256SUMS', async () => {
    const sums = await readFile(join(FIXTURE_DISTS_DIR, 'SHA256SUMS'), 'utf8')
    const listed = sums
      .trim()
      .split('\n')
      .map(line => {
        const [digest, file] = line.split(/ {2}/)
        return { file, digest }
      })
    const actual = await Promise.all(
      fixtureDistPaths().map(async p => ({ file: distRelativePath(p), digest: await sha256Of(p) }))
    )
    const byFile = (a: { file: string }, b: { file: string }): number =>
      a.file < b.file ? -1 : a.file > b.file ? 1 : 0
    expect(listed.sort(byFile)).toEqual(actual.sort(byFile))
  })

  it('keeps a dists/.gitignore that ignores nothing, and git does not ignore the fixtures', async () => {
    const gitignore = await readFile(join(FIXTURE_DISTS_DIR, '.gitignore'), 'utf8')
    const patterns = gitignore.split('\n').filter(l => l.trim() !== '' && !l.startsWith('#'))
    expect(patterns).toEqual([])

    // check-ignore exits 1 when none of the paths is ignored; it prints the ones that are.
    const ignored = await run('git', ['check-ignore', ...fixtureDistPaths()], {
      cwd: REPO_ROOT
    }).then(
      r => r.stdout,
      (e: { code?: number; stdout?: string }) => (e.code === 1 ? '' : `git failed: ${e.stdout}`)
    )
    expect(ignored).toBe('')
  })

  it('leaves no build leftovers in the sample projects', async () => {
    const leftovers = (await listFiles(FIXTURE_PROJECTS_DIR)).filter(f =>
      /(^|\/)(build|dist|__pycache__|[^/]+\.egg-info)\//.test(f)
    )
    expect(leftovers).toEqual([])
  })

  describe.each(fixtureProjects.map(p => [p.dir, p] as const))('%s', (_dir, project) => {
    it('has an intact sdist whose PKG-INFO names the project and version', () => {
      const sdist = inspections.get(join(FIXTURE_DISTS_DIR, project.dir, project.sdist))
      expect(sdist).toBeDefined()
      expect(sdist?.corrupt).toEqual([])
      expect(sdist?.metadataFiles).toEqual([`${project.sdist.replace(/\.tar\.gz$/, '')}/PKG-INFO`])
      expect(sdist?.headers).toEqual({
        'Metadata-Version': project.metadataVersion,
        Name: project.metadataName.sdist,
        Version: project.version,
        Summary: project.summary
      })
    })

    it.each(project.wheels.map(w => [w]))(
      'has an intact wheel %s whose METADATA and RECORD agree',
      wheel => {
        const inspection = inspections.get(join(FIXTURE_DISTS_DIR, project.dir, wheel))
        expect(inspection).toBeDefined()
        expect(inspection?.corrupt).toEqual([])
        expect(inspection?.recordMismatches).toEqual([])
        expect(inspection?.unrecorded).toEqual([])
        expect(inspection?.metadataFiles).toHaveLength(1)
        expect(inspection?.headers).toEqual({
          'Metadata-Version': project.metadataVersion,
          Name: project.metadataName.wheel,
          Version: project.version,
          Summary: project.summary
        })
      }
    )

    it('has names that normalize to the recorded normalized name', () => {
      const normalize = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-')
      expect(normalize(project.name)).toBe(project.normalizedName)
      expect(normalize(project.metadataName.sdist)).toBe(project.normalizedName)
      expect(normalize(project.metadataName.wheel)).toBe(project.normalizedName)
    })
  })

  it('passes twine check --strict (descriptions render, metadata is complete)', async () => {
    const { stdout } = await run(
      PYTHON,
      ['-m', 'twine', 'check', '--strict', ...fixtureDistPaths()],
      {
        env: { ...process.env, NO_COLOR: '1' }
      }
    )
    expect(stdout.match(/PASSED/g)).toHaveLength(fixtureDistPaths().length)
  })
})

describe('scripts/build-fixtures.sh', () => {
  // flit_core normalizes timestamps (SOURCE_DATE_EPOCH) and permissions in both files, so a
  // rebuild is byte-for-byte comparable: a project edited without rebuilding fails here.
  const project = fixtureProject('flit-sample')
  let outDir: string

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'fixtures-rebuild-'))
  })
  afterAll(async () => {
    await rm(outDir, { recursive: true, force: true })
  })

  it('rebuilds flit-sample into the same files', async () => {
    await run(join(REPO_ROOT, 'scripts', 'build-fixtures.sh'), ['--out', outDir, project.dir])

    expect(await listFiles(join(outDir, project.dir))).toEqual(fixtureFilenames(project).sort())
    for (const filename of fixtureFilenames(project)) {
      const rebuilt = await sha256Of(join(outDir, project.dir, filename))
      const committed = await sha256Of(join(FIXTURE_DISTS_DIR, project.dir, filename))
      expect({ filename, sha256: rebuilt }).toEqual({ filename, sha256: committed })
    }
  })
})
