/**
 * Turns a file on disk into a `Distribution`: its kind from the name, its core metadata from the
 * archive, its digests and size from the same bytes (a small wheel read once, whole) or from one
 * streaming pass run at the same time as the metadata read. Every failure is a
 * `DistributionError` whose Problem names the file and says what to do.
 */

import { resolve, basename } from 'node:path'
import { ChangedWhileReadError, computeDigests, digestsOf } from './digests.js'
import {
  DistributionError,
  type DistKind,
  type Distribution,
  type Problem,
  type RuleId
} from '../dists/distribution.js'
import { distKindOf, parseWheelFilename } from '../dists/filename.js'
import { sdistArchiveProblems, wheelArchiveProblems } from './archive-rules.js'
import { getHeader, metadataToFormFields, parseCoreMetadata } from './metadata.js'
import { readSdist } from './tar.js'
import { READ_WHOLE_UP_TO, ReadBuffers, readWholeFile } from './whole-file.js'
import { isZipFile, readWheel, type ArchiveMember } from './zip.js'

/** How many files are inspected at once: enough to overlap I/O and hashing, few enough for CI. */
export const INSPECT_CONCURRENCY = 4

function problem(path: string, rule: RuleId, message: string, hint?: string): DistributionError {
  return new DistributionError([{ file: path, rule, message, ...(hint ? { hint } : {}) }])
}

/** Wheels are `.whl`; sdists are `.tar.gz` (PEP 625: PyPI takes no other sdist format). */
function kindOf(path: string): DistKind {
  const kind = distKindOf(basename(path))
  if (kind === 'wheel' || kind === 'sdist') return kind
  const filename = basename(path)
  throw problem(
    path,
    'unsupported-file',
    `${filename} is neither a wheel (.whl) nor an sdist (.tar.gz).`,
    'Publish only what `python -m build` writes: a .tar.gz sdist and .whl wheels.'
  )
}

/** The `pyversion` form field: the wheel's python tag as written (e.g. `py2.py3`). */
function pythonTagOf(path: string): string {
  const parsed = parseWheelFilename(basename(path))
  if (!parsed) {
    throw problem(
      path,
      'wheel-filename',
      `${basename(path)} is not a valid wheel filename ({name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl).`,
      'Keep the filename the build backend gave the wheel; renaming it breaks installers and the index.'
    )
  }
  return parsed.pythonTag
}

/** File-system failures (missing file, no permission, a folder) as problems, not crashes. */
function asProblem(path: string, error: unknown): DistributionError {
  if (error instanceof DistributionError) return error
  if (error instanceof ChangedWhileReadError) {
    return problem(
      path,
      'changed-while-read',
      `${basename(path)} changed while it was being checked (${error.why}).`,
      'Another step is still writing to this folder: let the build finish before this step starts, then run again.'
    )
  }
  const code = (error as NodeJS.ErrnoException).code
  const why =
    code === 'ENOENT'
      ? 'the file does not exist (any more)'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a folder, not a file'
          : (error as Error).message
  return problem(
    path,
    'unreadable',
    `${basename(path)} cannot be read: ${why}.`,
    'Check that the build step wrote the file where this step looks for it, and that nothing removes it in between.'
  )
}

/**
 * ignoreBOM keeps a byte order mark in the text, where Python keeps it too. One decoder serves
 * every file: without `stream`, each decode starts afresh, even after a failure.
 */
const metadataDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** Decodes METADATA / PKG-INFO bytes: the spec says UTF-8, and anything else is refused. */
function decodeMetadata(path: string, member: ArchiveMember): string {
  let text: string
  try {
    text = metadataDecoder.decode(member.data)
  } catch {
    throw problem(
      path,
      'metadata-encoding',
      `${basename(path)}: ${member.entryName} is not valid UTF-8.`,
      'Core metadata must be UTF-8; rebuild with a current build backend.'
    )
  }
  if (text.startsWith('\uFEFF')) {
    // Python's email parser (pip, twine, PyPI) then reads the first line as body, not as a header,
    // and so sees no headers at all: installers would find no name, version or requirements.
    throw problem(
      path,
      'metadata-encoding',
      `${basename(path)}: ${member.entryName} starts with a UTF-8 byte order mark, so Python's email parser (pip, twine) reads no headers in it.`,
      'Write core metadata as UTF-8 without a byte order mark; rebuild with a current build backend.'
    )
  }
  return text
}

export async function inspectDistribution(
  file: string,
  buffers = new ReadBuffers()
): Promise<Distribution> {
  const path = resolve(file)
  const filename = basename(path)
  const kind = kindOf(path)
  const pyversion = kind === 'wheel' ? pythonTagOf(path) : 'source'

  const [read, digestPass] = await readArchiveAndDigests(path, kind, buffers).catch(
    (error: unknown) => {
      throw asProblem(path, error)
    }
  )

  const member = read.metadata
  const metadata = parseCoreMetadata(decodeMetadata(path, member))
  // PyPI checks the License-File values the form carries (only sent from Metadata-Version 2.4).
  const metadataFields = metadataToFormFields(metadata)
  const licenseFiles = metadataFields.filter(([name]) => name === 'license_file').map(([, v]) => v)
  const archiveProblems =
    'alsoZip' in read
      ? sdistArchiveProblems(path, read.archive, licenseFiles, read.alsoZip)
      : wheelArchiveProblems(path, read.archive, licenseFiles)
  const required = { 'Metadata-Version': '', Name: '', Version: '' }
  const missing: string[] = []
  for (const header of Object.keys(required) as Array<keyof typeof required>) {
    const value = getHeader(metadata, header)?.trim()
    // setuptools writes "UNKNOWN" when it could not find the name or version: as good as missing.
    if (!value || value === 'UNKNOWN') missing.push(header)
    else required[header] = value
  }
  if (missing.length > 0) {
    throw problem(
      path,
      'metadata-missing-field',
      `${filename}: ${member.entryName} has no ${missing.join(', ')} (or only "UNKNOWN").`,
      'Set the project name and version in pyproject.toml ([project] name, version) and rebuild; an "UNKNOWN" value means the backend could not find them.'
    )
  }

  return {
    path,
    filename,
    kind,
    filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
    pyversion,
    size: digestPass.size,
    digests: digestPass.digests,
    onDisk: digestPass.onDisk,
    name: required.Name,
    version: required.Version,
    metadataVersion: required['Metadata-Version'],
    metadata,
    metadataFields,
    ...(archiveProblems.length > 0 ? { archiveProblems } : {})
  }
}

function readArchive(path: string, kind: DistKind, read?: { bytes: Buffer; size: number }) {
  return kind === 'wheel' ? readWheel(path, { read }) : readSdistAndKind(path)
}

/**
 * The archive's contents and the file's digests. A small wheel is read once, whole, and both come
 * from those bytes; other files are read twice at once (the archive where it is needed, the
 * digests in one streaming pass). Either way an archive problem is reported before a change
 * to the file while it was read.
 */
async function readArchiveAndDigests(
  path: string,
  kind: DistKind,
  buffers: ReadBuffers
): Promise<[Awaited<ReturnType<typeof readArchive>>, Awaited<ReturnType<typeof computeDigests>>]> {
  const whole = kind === 'wheel' ? readWholeFile(path, READ_WHOLE_UP_TO, buffers) : undefined
  if (whole) {
    try {
      const read = await readArchive(path, kind, { bytes: whole.bytes, size: whole.onDisk.size })
      if (whole.changes.length > 0) {
        throw new ChangedWhileReadError(path, whole.changes.join(', '))
      }
      const digests = await digestsOf(whole.bytes)
      return [read, { digests, size: whole.bytes.length, onDisk: whole.onDisk }]
    } finally {
      // Nothing read from the bytes points into them (readWheel copies what it returns).
      buffers.give(whole.memory)
    }
  }
  // Both read the file: start them together. allSettled, so a failing metadata read never leaves
  // the digest stream running unobserved (or an unhandled rejection behind).
  const [archiveRead, digestPass] = await Promise.allSettled([
    readArchive(path, kind),
    computeDigests(path)
  ])
  if (archiveRead.status === 'rejected') throw archiveRead.reason
  if (digestPass.status === 'rejected') throw digestPass.reason
  return [archiveRead.value, digestPass.value]
}

/** The sdist's contents, and whether it also opens as a zip (PyPI refuses such files). */
async function readSdistAndKind(
  path: string
): Promise<Awaited<ReturnType<typeof readSdist>> & { alsoZip: boolean }> {
  const [contents, alsoZip] = await Promise.all([readSdist(path), isZipFile(path)])
  return { ...contents, alsoZip }
}

/**
 * Inspects every file, at most `concurrency` at a time, and collects every problem instead of
 * stopping at the first. `dists` keeps the order of `paths` (minus the files with problems).
 */
export async function inspectAll(
  paths: string[],
  options: {
    concurrency?: number
    /** Told of each file that inspected without a problem, as soon as it did. */
    onInspected?: (dist: Distribution) => void
  } = {}
): Promise<{ dists: Distribution[]; problems: Problem[] }> {
  const concurrency = options.concurrency ?? INSPECT_CONCURRENCY
  const results: Array<Distribution | Problem[]> = new Array(paths.length)
  // Shared by the workers, and gone with this run.
  const buffers = new ReadBuffers()
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const index = next++
      try {
        const dist = await inspectDistribution(paths[index], buffers)
        results[index] = dist
        if (options.onInspected) {
          options.onInspected(dist)
          // Small files are read synchronously, so without a turn of the event loop between
          // them the whole set would run as one chain of microtasks, and whatever onInspected
          // started (the index's page, asked for ahead) would not even connect until the end.
          await new Promise(resolve => setImmediate(resolve))
        }
      } catch (error) {
        results[index] = asProblem(resolve(paths[index]), error).problems
      }
    }
  }
  const workers = Math.max(1, Math.min(concurrency, paths.length))
  await Promise.all(Array.from({ length: workers }, worker))

  const dists: Distribution[] = []
  const problems: Problem[] = []
  for (const result of results) {
    if (Array.isArray(result)) problems.push(...result)
    else dists.push(result)
  }
  return { dists, problems }
}
