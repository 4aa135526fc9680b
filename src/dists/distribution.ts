/**
 * A distribution is one value, built once by `inspect` and passed along the pipeline:
 * nobody downstream re-reads or re-hashes the file.
 */

export type DistKind = 'wheel' | 'sdist'

/** Hex digests from one streaming pass over the file. */
export interface Digests {
  sha256: string
  blake2_256: string
  md5: string
}

/** What identifies a file's content on disk without reading it again. */
export interface FileIdentity {
  size: number
  mtimeMs: number
  ino: number
  dev: number
}

/** One form field of the upload request, in the order it is sent. Repeated names are allowed. */
export type FormField = readonly [name: string, value: string]

export interface Distribution {
  /** Absolute path on disk. */
  path: string
  /** Basename, as sent in the `content` part. */
  filename: string
  kind: DistKind
  /** `bdist_wheel` or `sdist`, the `filetype` form field. */
  filetype: 'bdist_wheel' | 'sdist'
  /** Wheel: the python tag of the filename (e.g. `py3`, `py2.py3`); sdist: `source`. */
  pyversion: string
  size: number
  digests: Digests
  /**
   * The file as it was when it was hashed (size, mtime, inode): the upload compares it with the
   * file it opens, so a file changed since the checks is refused instead of sent with stale digests.
   */
  onDisk?: FileIdentity
  /** `Name` from the core metadata, as written. */
  name: string
  /** `Version` from the core metadata, as written. */
  version: string
  metadataVersion: string
  /** Parsed core metadata, kept for the checks. */
  metadata: CoreMetadata
  /**
   * PyPI's refusals of the archive itself (archive-rules.ts), found while reading it; the check
   * counts them as PyPI policies.
   */
  archiveProblems?: Problem[]
  /** Metadata as upload form fields (lowercased, `-` → `_`, specials mapped, too-new fields dropped). */
  metadataFields: FormField[]
}

/** Core metadata (METADATA / PKG-INFO) as parsed: headers in file order, names as written. */
export interface CoreMetadata {
  headers: Array<{ name: string; value: string }>
  /** The message body (or the `Description` header), if any. */
  description?: string
}

/**
 * Every rule a Problem can name, by the stage that finds it: a typo in a rule id is a compile
 * error, and tests and reports can rely on the ids staying what they are.
 */
export type RuleId =
  // discover: the packages folder and the names in it
  | 'packages-dir'
  | 'file-name'
  | 'unreadable-folder'
  // dedupe: the same filename twice
  | 'duplicate-filename'
  // inspect: reading the archive and its metadata
  | 'invalid-wheel'
  | 'invalid-sdist'
  | 'unreadable'
  | 'unsupported-file'
  | 'changed-while-read'
  | 'metadata-encoding'
  | 'metadata-missing-field'
  | 'metadata-too-large'
  | 'sdist-layout'
  | 'sdist-metadata'
  | 'sdist-sparse'
  | 'sdist-too-large'
  | 'wheel-metadata'
  | 'wheel-record'
  // inspect/archive-rules: what PyPI checks inside archives
  | 'archive-type'
  | 'wheel-contents'
  | 'compression-method'
  | 'compression-ratio'
  | 'zip-framing'
  | 'entry-points'
  | 'license-file'
  // check: the metadata
  | 'metadata-version'
  | 'name'
  | 'version'
  | 'local-version'
  | 'field-too-new'
  | 'license'
  | 'classifier'
  | 'summary'
  | 'dynamic'
  // check: filenames, size, the release
  | 'wheel-filename'
  | 'wheel-platform'
  | 'wheel-name'
  | 'wheel-version'
  | 'sdist-format'
  | 'sdist-name'
  | 'sdist-version'
  | 'sdist-filename'
  | 'file-size'
  | 'one-sdist'
  // check/guards: the release against the run
  | 'one-release'
  | 'tag-project'
  | 'tag-version'
  // check/description: the long description
  | 'description-content-type'
  | 'description-missing'
  | 'description-render'
  | 'description-render-version'
  | 'description-unchecked'

/**
 * A problem found in a file before any upload. Problems are values: the check collects every one
 * across all files, then the run stops and shows them all at once.
 */
export interface Problem {
  /** Path (or filename) of the file the problem is in. */
  file: string
  /** Short rule id, e.g. `metadata-version`, `wheel-filename`, `local-version`. */
  rule: RuleId
  /** What is wrong, in the index's terms where PyPI has words for it. */
  message: string
  /** What to do about it. */
  hint?: string
}

/** A problem that stops the run; thrown by discover/inspect, collected by check. */
export class DistributionError extends Error {
  constructor(
    readonly problems: Problem[],
    message = problems.map(p => `${p.file}: ${p.message}`).join('\n')
  ) {
    super(message)
    this.name = 'DistributionError'
  }
}
