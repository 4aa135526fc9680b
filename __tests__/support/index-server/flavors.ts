/**
 * Indexes other than PyPI say a few things differently (docs/upload-protocol.md §2, §4): how
 * "this file is already there" reads, and how a missing or wrong password is refused. A flavor
 * picks those; every other rule stays PyPI's so tests stay predictable.
 */
import { escapeHtml, pythonJson, rawPage, statusPage, type Page } from './http-pages.js'
import { texts } from './warehouse-texts.js'

export type Flavor = 'pypi' | 'pypiserver' | 'nexus' | 'artifactory' | 'gitlab' | 'gitea' | 'gcp'

export const FLAVORS: readonly Flavor[] = [
  'pypi',
  'pypiserver',
  'nexus',
  'artifactory',
  'gitlab',
  'gitea',
  'gcp'
]

export interface ExistingFile {
  filename: string
  /** blake2b-256 of the upload being refused (PyPI quotes it). */
  blake2_256: string
  project: string
  version: string
  accept?: string
}

/** The refusal of a filename that is already taken, and the words a person would read in it. */
export function alreadyExists(flavor: Flavor, file: ExistingFile): { page: Page; message: string } {
  const { filename } = file
  switch (flavor) {
    case 'pypi': {
      const message = texts.fileExists(filename, file.blake2_256)
      return { page: statusPage(400, message, { accept: file.accept }), message }
    }
    case 'pypiserver': {
      // Bottle's error page: status 409 with the generic reason, the message in the body.
      const message = `Package '${filename}' already exists!\n  You may start server with \`--overwrite\` option.`
      const body =
        '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html>\n<head>\n<title>Error: 409 Conflict</title>\n' +
        `</head>\n<body>\n<h1>Error: 409 Conflict</h1>\n<pre>${escapeHtml(message)}</pre>\n</body>\n</html>\n`
      return { page: rawPage(409, body, 'text/html; charset=UTF-8'), message }
    }
    case 'nexus': {
      // Nexus puts its message in the reason phrase.
      const message = 'Repository does not allow updating assets: pypi-hosted'
      return { page: rawPage(400, message, 'text/plain; charset=UTF-8', message), message }
    }
    case 'artifactory': {
      const message =
        `Not enough permissions to overwrite artifact 'pypi-local:${file.project}/${file.version}/${filename}' ` +
        "(user 'deployer' needs DELETE permission)."
      const body = pythonJson({ errors: [{ status: 403, message }] }, 2)
      return { page: rawPage(403, body, 'application/json'), message }
    }
    case 'gitlab': {
      const message = '400 Bad request - Validation failed: File name has already been taken'
      return { page: rawPage(400, JSON.stringify({ message }), 'application/json'), message }
    }
    case 'gitea': {
      const message = 'package file already exists'
      return { page: rawPage(400, `${message}\n`, 'text/plain; charset=utf-8'), message }
    }
    case 'gcp': {
      const message = `failed to upload package: the file ${filename} already exists in the repository`
      return { page: rawPage(400, `${message}\n`, 'text/plain; charset=utf-8'), message }
    }
  }
}

/**
 * A missing or unknown credential. PyPI answers 403 with its own text (it never challenges);
 * self-hosted indexes challenge with 401 and WWW-Authenticate.
 */
export function badCredentialsPage(flavor: Flavor, accept?: string): Page {
  if (flavor === 'pypi') return statusPage(403, texts.invalidAuth, { accept })
  return statusPage(401, undefined, {
    accept,
    headers: { 'www-authenticate': `Basic realm="${flavor}"` }
  })
}

/** PyPI accepts API tokens only, under the `__token__` user; other indexes have real users. */
export function usernameAllowed(flavor: Flavor, username: string): boolean {
  return flavor !== 'pypi' || username === '__token__'
}

/** Only PyPI turns an identical re-upload into a no-op 200; the others refuse any taken name. */
export function identicalReuploadIsNoop(flavor: Flavor): boolean {
  return flavor === 'pypi'
}
