/**
 * What the test index holds: projects, their releases and files, the filenames of deleted files
 * (PyPI never lets a filename be used twice) and the API tokens it accepts. Memory only; the file
 * bytes live on disk under the storage directory.
 */
import {
  compareVersions,
  isPrerelease,
  normalizeName,
  parseVersion,
  type Version
} from './pep440.js'

export interface StoredFile {
  /** PEP 503-normalized project name. */
  project: string
  /** Normalized (PEP 440) version of the release. */
  version: string
  filename: string
  /** Where the bytes are on disk. */
  path: string
  size: number
  sha256: string
  blake2_256: string
  md5: string
  /** `bdist_wheel` or `sdist`. */
  packagetype: string
  /** The `pyversion` form field (`source` for sdists). */
  pythonVersion: string
  /** ISO 8601. */
  uploadTime: string
  /** Every non-file form field of the upload, in the order received. */
  fields: Array<[string, string]>
}

export interface Release {
  /** Normalized version, as first uploaded. */
  version: string
  parsed: Version
  /** Form fields of the release's first upload: PyPI keeps a release's metadata from it. */
  fields: Array<[string, string]>
  files: StoredFile[]
}

export interface Project {
  /** The display name, from the latest upload's `Name`. */
  name: string
  normalized: string
  /** The user whose token created it; undefined when a trusted publisher did. */
  owner?: string
  releases: Release[]
  /** Bumped on every change (the simple API's `_last-serial`). */
  serial: number
}

/** An API token the index accepts, with what PyPI could attach to one. */
export interface TokenGrant {
  token: string
  /** The account the token belongs to; projects it creates are owned by it. Default `test-user`. */
  user?: string
  /** Project-scoped token: only these projects (any spelling; compared normalized). */
  projects?: string[]
  /** Epoch milliseconds after which PyPI says "Invalid API Token: token is expired". */
  expiresAt?: number
  /**
   * Minted by trusted publishing: no user behind it, may upload attestations, and may create only
   * the projects in `projects` (a pending publisher); any other new project is refused.
   */
  trustedPublisher?: boolean
}

export const DEFAULT_USER = 'test-user'

export class Registry {
  readonly projects = new Map<string, Project>()
  readonly tokens = new Map<string, TokenGrant>()
  readonly deletedFilenames = new Set<string>()
  private serial = 0
  private readonly inUploadOrder: StoredFile[] = []
  // Indexes for the per-upload look-ups, so an upload's checks do not grow with the files stored.
  private readonly byFilename = new Map<string, StoredFile>()
  private readonly byBlake2 = new Map<string, StoredFile[]>()

  /** Files in upload order. */
  files(): StoredFile[] {
    return [...this.inUploadOrder]
  }

  project(name: string): Project | undefined {
    return this.projects.get(normalizeName(name))
  }

  /** The release whose version equals `version` under PEP 440 (so `1.0` finds `1.0.0`). */
  release(project: Project, version: Version): Release | undefined {
    return project.releases.find(r => compareVersions(r.parsed, version) === 0)
  }

  /** The stored file with this name. */
  file(filename: string): StoredFile | undefined {
    return this.byFilename.get(filename)
  }

  /** A stored file with this name, or (when given) the first with these exact contents. */
  findFile(filename: string, blake2_256?: string): StoredFile | undefined {
    const byName = this.byFilename.get(filename)
    return byName ?? (blake2_256 ? this.byBlake2.get(blake2_256)?.[0] : undefined)
  }

  hasSdist(project: Project | undefined, version: Version): boolean {
    const release = project && this.release(project, version)
    return !!release?.files.some(f => f.packagetype === 'sdist')
  }

  add(file: StoredFile, displayName: string, version: Version, owner: string | undefined): void {
    let project = this.projects.get(file.project)
    if (!project) {
      project = { name: displayName, normalized: file.project, owner, releases: [], serial: 0 }
      this.projects.set(file.project, project)
    }
    project.name = displayName
    let release = this.release(project, version)
    if (!release) {
      release = { version: file.version, parsed: version, fields: file.fields, files: [] }
      project.releases.push(release)
    }
    release.files.push(file)
    this.inUploadOrder.push(file)
    this.byFilename.set(file.filename, file)
    const sameBytes = this.byBlake2.get(file.blake2_256)
    if (sameBytes) sameBytes.push(file)
    else this.byBlake2.set(file.blake2_256, [file])
    project.serial = ++this.serial
  }

  /** Removes a file; its name stays used, as on PyPI. */
  remove(filename: string): StoredFile | undefined {
    for (const project of this.projects.values()) {
      for (const release of project.releases) {
        const index = release.files.findIndex(f => f.filename === filename)
        if (index < 0) continue
        const [file] = release.files.splice(index, 1)
        this.inUploadOrder.splice(this.inUploadOrder.indexOf(file), 1)
        this.byFilename.delete(filename)
        const sameBytes = this.byBlake2.get(file.blake2_256) ?? []
        sameBytes.splice(sameBytes.indexOf(file), 1)
        if (!sameBytes.length) this.byBlake2.delete(file.blake2_256)
        this.deletedFilenames.add(filename)
        project.serial = ++this.serial
        return file
      }
    }
    return undefined
  }

  /** Releases sorted by PEP 440. */
  sortedReleases(project: Project): Release[] {
    return [...project.releases].sort((a, b) => compareVersions(a.parsed, b.parsed))
  }

  /** PyPI's "latest": the highest final release with files, else the highest of any. */
  latest(project: Project): Release | undefined {
    const withFiles = this.sortedReleases(project).filter(r => r.files.length)
    const finals = withFiles.filter(r => !isPrerelease(r.parsed))
    return finals.at(-1) ?? withFiles.at(-1)
  }

  findRelease(project: Project, versionText: string): Release | undefined {
    const parsed = parseVersion(versionText)
    return parsed && this.release(project, parsed)
  }
}
