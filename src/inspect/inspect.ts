/**
 * Turns a file on disk into a `Distribution`: its kind from the name, its core metadata from the
 * archive, its digests and size from one streaming pass run beside the archive read. Every
 * failure is a `DistributionError` whose Problem names the file and says what to do.
 */

import { resolve, basename } from 'node:path'
import type { DistKind, Distribution, Problem } from '../dists/distribution.js'
import { DistributionError } from '../dists/distribution.js'
import { distKindOf, parseWheelFilename } from '../dists/filename.js'
import { sdistArchiveProblems, wheelArchiveProblems } from './archive-rules.js'
import { computeDigests } from './digests.js'
import {
  getHeader,
  metadataToFormFields,
  parseCoreMetadata,
  strictUtf8,
  type ArchiveMember
} from './metadata.js'
import { readSdist } from './sdist.js'
import { readWheel } from './wheel.js'
import { isZipFile } from './zip.js'

/** How many files are inspected at once: enough to overlap I/O and hashing, few enough for CI. */
const INSPECT_CONCURRENCY = 4

const problem = DistributionError.of
const REQUIRED = ['Metadata-Version', 'Name', 'Version']

/**
 * Wheels are `.whl`, named well enough to give the `pyversion` form field: the python tag as
 * written (e.g. `py2.py3`); sdists are `.tar.gz` (PEP 625: PyPI takes no other sdist format).
 */
function kindOf(path: string): { kind: DistKind; pyversion: string } {
  const kind = distKindOf(basename(path))
  if (kind === 'sdist') return { kind, pyversion: 'source' }
  if (kind !== 'wheel') {
    throw problem(
      path,
      'unsupported-file',
      `${basename(path)} is neither a wheel (.whl) nor an sdist (.tar.gz).`,
      'Publish only what `python -m build` writes: a .tar.gz sdist and .whl wheels.'
    )
  }
  const parsed = parseWheelFilename(basename(path))
  if (parsed) return { kind, pyversion: parsed.pythonTag }
  throw problem(
    path,
    'wheel-filename',
    `${basename(path)} is not a valid wheel filename ({name}-{version}(-{build})?-{python tag}-{abi tag}-{platform tag}.whl).`,
    'Keep the filename the build backend gave the wheel; renaming it breaks installers and the index.'
  )
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'the file does not exist (any more)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file'
}

/** File-system failures (missing file, no permission, a folder) as problems, not crashes. */
function asProblem(path: string, error: unknown): DistributionError {
  if (error instanceof DistributionError) return error
  const why = FS_ERRORS[(error as NodeJS.ErrnoException).code ?? ''] ?? (error as Error).message
  return problem(
    path,
    'unreadable',
    `${basename(path)} cannot be read: ${why}.`,
    'Check that the build step wrote the file where this step looks for it, and that nothing removes it in between.'
  )
}

/** Decodes METADATA / PKG-INFO bytes: the spec says UTF-8, and anything else is refused. */
function decodeMetadata(path: string, member: ArchiveMember): string {
  const text = strictUtf8(member.data)
  if (text !== undefined && !text.startsWith('\uFEFF')) return text
  // With a byte order mark, Python's email parser (pip, twine, PyPI) reads the first line as body.
  const [why, fix] =
    text === undefined
      ? ['is not valid UTF-8', 'Core metadata must be UTF-8']
      : [
          "starts with a UTF-8 byte order mark, so Python's email parser (pip, twine) reads no headers in it",
          'Write core metadata as UTF-8 without a byte order mark'
        ]
  const message = `${basename(path)}: ${member.entryName} ${why}.`
  throw problem(path, 'metadata-encoding', message, `${fix}; rebuild with a current build backend.`)
}

/** The archive as read, with PyPI's archive rules applied to it (they need the License-Files). */
async function readArchive(path: string, kind: DistKind) {
  if (kind === 'wheel') {
    const { metadata, archive } = await readWheel(path)
    return {
      metadata,
      rules: (licenses: string[]) => wheelArchiveProblems(path, archive, licenses)
    }
  }
  const [{ metadata, archive }, alsoZip] = await Promise.all([readSdist(path), isZipFile(path)])
  return {
    metadata,
    rules: (licenses: string[]) => sdistArchiveProblems(path, archive, licenses, alsoZip)
  }
}

export async function inspectDistribution(file: string): Promise<Distribution> {
  const path = resolve(file)
  const filename = basename(path)
  const { kind, pyversion } = kindOf(path)

  // Both read the file at once. allSettled, so a failing archive read never leaves the digest
  // pass unobserved; an archive problem is reported before a change to the file.
  const [read, hashed] = await Promise.allSettled([readArchive(path, kind), computeDigests(path)])
  if (read.status === 'rejected') throw asProblem(path, read.reason)
  if (hashed.status === 'rejected') throw asProblem(path, hashed.reason)

  const member = read.value.metadata
  const metadata = parseCoreMetadata(decodeMetadata(path, member))
  // PyPI checks the License-File values the form carries (only sent from Metadata-Version 2.4).
  const metadataFields = metadataToFormFields(metadata)
  const licenseFiles = metadataFields.filter(([name]) => name === 'license_file').map(([, v]) => v)
  const archiveProblems = read.value.rules(licenseFiles)
  // setuptools writes "UNKNOWN" when it could not find the name or version: as good as missing.
  const required = REQUIRED.map(header => getHeader(metadata, header)?.trim() ?? '')
  const missing = REQUIRED.filter((_, i) => required[i] === '' || required[i] === 'UNKNOWN')
  if (missing.length > 0) {
    throw problem(
      path,
      'metadata-missing-field',
      `${filename}: ${member.entryName} has no ${missing.join(', ')} (or only "UNKNOWN").`,
      'Set the project name and version in pyproject.toml ([project] name, version) and rebuild; an "UNKNOWN" value means the backend could not find them.'
    )
  }

  const { size, digests, onDisk } = hashed.value
  const [metadataVersion, name, version] = required
  return {
    path,
    filename,
    kind,
    filetype: kind === 'wheel' ? 'bdist_wheel' : 'sdist',
    pyversion,
    size,
    digests,
    onDisk,
    name,
    version,
    metadataVersion,
    metadata,
    metadataFields,
    ...(archiveProblems.length > 0 ? { archiveProblems } : {})
  }
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
  const results: Array<Distribution | Problem[]> = []
  const queue = paths.entries() // one iterator for all workers: each path is taken once
  const worker = async (): Promise<void> => {
    for (const [index, path] of queue) {
      try {
        const dist = (results[index] = await inspectDistribution(path))
        options.onInspected?.(dist)
      } catch (error) {
        results[index] = asProblem(resolve(path), error).problems
      }
    }
  }
  const workers = Math.max(1, Math.min(options.concurrency ?? INSPECT_CONCURRENCY, paths.length))
  await Promise.all(Array.from({ length: workers }, worker))
  return {
    dists: results.filter((r): r is Distribution => !Array.isArray(r)),
    problems: results.filter(Array.isArray).flat()
  }
}
