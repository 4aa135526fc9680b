/**
 * The committed sample distributions (built by real backends, see __tests__/fixtures/README.md),
 * described once so tests, interop checks and the demo never hard-code their paths or names.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type FixtureBackend = 'setuptools' | 'hatchling' | 'flit_core'

export interface FixtureProject {
  /** Folder name under `fixtures/projects/` and under `fixtures/dists/`. */
  dir: string
  /** The project name as written in pyproject.toml. */
  name: string
  /** PEP 503 normalized name (lowercase, runs of `-_.` → `-`), as the simple index uses it. */
  normalizedName: string
  version: string
  backend: FixtureBackend
  backendVersion: string
  /** `Metadata-Version` of every file of the project. */
  metadataVersion: string
  /** `Summary` as written (the setuptools one holds non-ASCII characters). */
  summary: string
  /**
   * `Name` exactly as the backend wrote it into each kind of file. They can differ: setuptools 66
   * writes `Sample.Setup_Tools` into PKG-INFO but `Sample.Setup-Tools` into the wheel's METADATA.
   */
  metadataName: { sdist: string; wheel: string }
  /** Basename of the one sdist. */
  sdist: string
  /** Basenames of the wheels (multi-wheel-sample has two tags of one version). */
  wheels: readonly string[]
  /**
   * Whether the filenames pass PyPI's filename rules. setuptools 66 keeps the non-normalized
   * `Sample.Setup_Tools` in both filenames, which PyPI refuses today (the sdist "should be
   * 'sample_setup_tools-1.2.3.tar.gz'", the wheel "should contain the normalized project name").
   */
  filenamesFollowPypiRules: boolean
}

const THIS_PACKAGE_NAME = 'pypi-publish'

/**
 * Walks up from this module to the folder whose package.json is this project's. The same code then
 * works from `__tests__/support/fixtures.ts` (jest) and from the compiled
 * `.build/__tests__/support/fixtures.js`, where a fixed `../..` would land in `.build/`.
 */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && readPackageName(manifest) === THIS_PACKAGE_NAME) return dir
    if (dirname(dir) === dir) {
      throw new Error(`no package.json named "${THIS_PACKAGE_NAME}" above ${start}`)
    }
  }
}

function readPackageName(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name
  } catch {
    return undefined
  }
}

export const REPO_ROOT = findRepoRoot(dirname(fileURLToPath(import.meta.url)))
export const FIXTURES_DIR = join(REPO_ROOT, '__tests__', 'fixtures')
/** Sources of the sample projects, one folder each. */
export const FIXTURE_PROJECTS_DIR = join(FIXTURES_DIR, 'projects')
/**
 * Built files, laid out like an actions/download-artifact download (one subfolder per artifact),
 * with a `.gitignore` and a `SHA256SUMS` beside them that are not distributions.
 */
export const FIXTURE_DISTS_DIR = join(FIXTURES_DIR, 'dists')
/** The stray non-distribution files in FIXTURE_DISTS_DIR, relative to it. */
export const FIXTURE_STRAY_FILES: readonly string[] = ['.gitignore', 'SHA256SUMS']

export const fixtureProjects: readonly FixtureProject[] = [
  {
    dir: 'setuptools-sample',
    name: 'Sample.Setup_Tools',
    normalizedName: 'sample-setup-tools',
    version: '1.2.3',
    backend: 'setuptools',
    backendVersion: '66.1.1',
    metadataVersion: '2.1',
    summary:
      'Échantillon de démonstration — a setuptools sample with non-ASCII text: naïve café, Zürich, 東京 ✓',
    metadataName: { sdist: 'Sample.Setup_Tools', wheel: 'Sample.Setup-Tools' },
    sdist: 'Sample.Setup_Tools-1.2.3.tar.gz',
    wheels: ['Sample.Setup_Tools-1.2.3-py3-none-any.whl'],
    filenamesFollowPypiRules: false
  },
  {
    dir: 'hatch-sample',
    name: 'hatch-sample',
    normalizedName: 'hatch-sample',
    version: '0.4.0',
    backend: 'hatchling',
    backendVersion: '1.12.2',
    metadataVersion: '2.1',
    summary: 'A hatchling sample distribution for pypi-publish tests',
    metadataName: { sdist: 'hatch-sample', wheel: 'hatch-sample' },
    sdist: 'hatch_sample-0.4.0.tar.gz',
    wheels: ['hatch_sample-0.4.0-py3-none-any.whl'],
    filenamesFollowPypiRules: true
  },
  {
    dir: 'flit-sample',
    name: 'flit_sample',
    normalizedName: 'flit-sample',
    version: '3.1.0',
    backend: 'flit_core',
    backendVersion: '3.8.0',
    metadataVersion: '2.1',
    summary: 'A flit sample distribution for pypi-publish tests.',
    metadataName: { sdist: 'flit_sample', wheel: 'flit_sample' },
    sdist: 'flit_sample-3.1.0.tar.gz',
    wheels: ['flit_sample-3.1.0-py3-none-any.whl'],
    filenamesFollowPypiRules: true
  },
  {
    dir: 'multi-wheel-sample',
    name: 'multi-wheel-sample',
    normalizedName: 'multi-wheel-sample',
    version: '2.0.0',
    backend: 'hatchling',
    backendVersion: '1.12.2',
    metadataVersion: '2.1',
    summary: 'One release, several files: a pypi-publish test fixture',
    metadataName: { sdist: 'multi-wheel-sample', wheel: 'multi-wheel-sample' },
    sdist: 'multi_wheel_sample-2.0.0.tar.gz',
    wheels: [
      'multi_wheel_sample-2.0.0-py2.py3-none-any.whl',
      'multi_wheel_sample-2.0.0-py3-none-any.whl'
    ],
    filenamesFollowPypiRules: true
  }
]

/** Looks a project up by its folder name; throws on a typo rather than returning undefined. */
export function fixtureProject(dir: string): FixtureProject {
  const project = fixtureProjects.find(p => p.dir === dir)
  if (!project) throw new Error(`unknown fixture project "${dir}"`)
  return project
}

/** Basenames of all files of a project: the sdist first, then the wheels. */
export function fixtureFilenames(project: FixtureProject): string[] {
  return [project.sdist, ...project.wheels]
}

/**
 * Absolute paths of the built files of the given projects (all of them by default), sdist first
 * within each project. Pass `fixtureProjects.filter(p => p.filenamesFollowPypiRules)` for a set a
 * PyPI-like index accepts as is.
 */
export function fixtureDistPaths(projects: readonly FixtureProject[] = fixtureProjects): string[] {
  return projects.flatMap(p => fixtureFilenames(p).map(f => join(FIXTURE_DISTS_DIR, p.dir, f)))
}
