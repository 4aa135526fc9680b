/** A distribution is built once by `inspect` and passed along: nobody re-reads or re-hashes it. */

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
  /** Absolute; `filename` is its basename, as sent in the `content` part. */
  path: string
  filename: string
  kind: DistKind
  filetype: 'bdist_wheel' | 'sdist'
  /** Wheel: the python tag of the filename (e.g. `py2.py3`); sdist: `source`. */
  pyversion: string
  size: number
  digests: Digests
  /** The file as hashed: the upload refuses a file changed since, rather than send stale digests. */
  onDisk?: FileIdentity
  /** `Name`, `Version` and `Metadata-Version` from the core metadata, as written. */
  name: string
  version: string
  metadataVersion: string
  metadata: CoreMetadata
  /** PyPI's refusals of the archive itself (archive-rules.ts); the check counts them as policies. */
  archiveProblems?: Problem[]
  /** Metadata as upload form fields (lowercased, `-` → `_`, specials mapped, too-new fields dropped). */
  metadataFields: FormField[]
}

/** Core metadata (METADATA / PKG-INFO): headers in file order, names as written; the body. */
export interface CoreMetadata {
  headers: Array<{ name: string; value: string }>
  description?: string
}

/** The union of the space-separated words of `S`: rule ids stay checked and take few lines. */
type Words<S extends string> = S extends `${infer W} ${infer Rest}` ? W | Words<Rest> : S

/** Every rule id, by the stage that finds it: a typo is a compile error, and reports rely on them. */
export type RuleId = Words<
  | 'packages-dir file-name unreadable-folder duplicate-filename' // discover
  | 'invalid-wheel invalid-sdist unreadable unsupported-file changed-while-read' // inspect
  | 'metadata-encoding metadata-missing-field metadata-too-large sdist-layout sdist-metadata'
  | 'sdist-sparse sdist-too-large wheel-metadata wheel-record'
  | 'archive-type wheel-contents compression-method compression-ratio zip-framing' // archive-rules
  | 'entry-points license-file zip-ambiguous'
  | 'metadata-version name version local-version field-too-new license classifier' // check
  | 'summary dynamic wheel-filename wheel-platform wheel-name wheel-version sdist-format'
  | 'sdist-name sdist-version sdist-filename file-size one-sdist'
  | 'one-release tag-project tag-version' // check/guards
  | 'description-content-type description-missing description-render' // check/description
  | 'description-render-version description-unchecked'
>

/** A problem found before any upload; all are collected, then shown at once. */
export interface Problem {
  /** Path (or filename) of the file; the message is in PyPI's words where it has them. */
  file: string
  rule: RuleId
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

  /** One problem about one file. */
  static of(file: string, rule: RuleId, message: string, hint: string): DistributionError {
    return new DistributionError([{ file, rule, message, hint }])
  }
}

/** The fix for an archive PyPI or pip would not take as it is. */
export const rebuildHint = (kind: 'wheel' | 'sdist'): string =>
  `Rebuild the ${kind} (\`python -m build --${kind}\`) and publish that file as written: tools ` +
  'that rewrite, append to or stream archives, or a copy cut short on the way (artifact ' +
  'upload/download, caches), give files PyPI and pip refuse.'
