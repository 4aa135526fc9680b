/**
 * PyPI's (Warehouse's) own words, kept in one place so a test can compare against exactly what
 * the real index says. Texts are built the way Warehouse builds them (Python `repr()` quoting,
 * "See <url> for more information." tails), as of the 2026 sources of warehouse/forklift.
 */

export const HELP_URL = 'https://pypi.org/help/'
export const CORE_METADATA_URL = 'https://packaging.python.org/specifications/core-metadata'
export const LOCAL_VERSION_URL =
  'https://packaging.python.org/en/latest/specifications/version-specifiers/#local-version-identifiers'
export const STORAGE_LIMITS_URL =
  'https://docs.pypi.org/project-management/storage-limits#requesting-a-file-size-limit-increase'

/** Python's `repr()` of a str: single quotes unless the text holds one and no double quote. */
export function pyRepr(text: string | undefined | null): string {
  if (text === undefined || text === null) return 'None'
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0
    if (ch === '\\') out += '\\\\'
    else if (ch === quote) out += `\\${quote}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}

export const texts = {
  wrongUsername:
    'Username/Password authentication is no longer supported. Migrate to API Tokens or Trusted ' +
    `Publishers instead. See ${HELP_URL}#apitoken and ${HELP_URL}#trusted-publishers`,
  invalidAuth: `Invalid or non-existent authentication information. See ${HELP_URL}#invalid-auth for more information.`,
  invalidApiToken: (why: string) => `Invalid API Token: ${why}`,
  tokenExpired: 'token is expired',
  scopedTokenWrongProject: (project: string) =>
    `project-scoped token is not valid for project: ${pyRepr(project)}`,
  userNotAllowed: (user: string, project: string) =>
    `The user '${user}' isn't allowed to upload to project '${project}'. ` +
    `See ${HELP_URL}#project-name for more information.`,
  tokenNotAllowed: (project: string) =>
    `The given token isn't allowed to upload to project '${project}'. ` +
    `See ${HELP_URL}#project-name for more information.`,
  nonUserCannotCreate:
    'Non-user identities cannot create new projects. This was probably caused by successfully ' +
    'using a pending publisher but specifying the project name incorrectly (either in the ' +
    "publisher or in your project's metadata). Please ensure that both match. " +
    'See: https://docs.pypi.org/trusted-publishers/troubleshooting/',
  unknownProtocolVersion: 'Unknown protocol version.',
  fieldIsTuple: (field: string) => `${field}: Should not be a tuple.`,
  preRegistrationGone:
    'Project pre-registration is no longer required or supported, upload your files instead.',
  docUploadGone:
    'Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.',
  missingTrailingSlash:
    'An upload was attempted to /legacy but the expected upload URL is /legacy/ (with a trailing slash)',
  noFile: 'Upload payload does not have a file.',
  nonPrintableFilename:
    'Cannot upload a file with non-printable characters (ordinals 0-31) or the DEL character (ordinal 127) in the name.',
  slashInFilename: "Cannot upload a file with '/' or '\\' in the name.",
  extensionForFiletype: (extension: string, filetype: string) =>
    `Invalid file extension: Extension ${extension} is invalid for filetype ${filetype}. ` +
    'See https://www.python.org/dev/peps/pep-0527 for more information.',
  unknownExtension:
    'Invalid file extension: Use .tar.gz, .whl or .zip extension. See ' +
    'https://www.python.org/dev/peps/pep-0527 and https://peps.python.org/pep-0715/ for more information',
  invalidDistributionFile: (why?: string) =>
    why === undefined ? 'Invalid distribution file.' : `Invalid distribution file. ${why}`,
  fileTooLarge: (project: string, limitBytes: number) =>
    `File too large. Limit for project ${pyRepr(project)} is ${Math.floor(limitBytes / 1048576)} MB. ` +
    `See ${STORAGE_LIMITS_URL} for more information.`,
  digestMismatch: 'The digest supplied does not match a digest calculated from the uploaded file.',
  fileExists: (filename: string, blake2: string) =>
    `File already exists (${pyRepr(filename)}, with blake2_256 hash ${pyRepr(blake2)}). ` +
    `See ${HELP_URL}#file-name-reuse for more information.`,
  filenameReused:
    'This filename was previously used by a file that has since been deleted. Use a different ' +
    `version. See ${HELP_URL}#file-name-reuse for more information.`,
  oneSdistPerRelease: 'Only one sdist may be uploaded per release.',
  invalidSdistFilename: (filename: string) => `Invalid source distribution filename: ${filename}`,
  startFilenameWith: (project: string, expected: string) =>
    `Start filename for ${pyRepr(project)} with ${pyRepr(expected)}.`,
  sdistFilenameShouldBe: (filename: string, expected: string) =>
    `Filename ${pyRepr(filename)} is invalid, should be ${pyRepr(expected)}.`,
  wheelNameNotNormalized: (filename: string, expected: string, actual: string) =>
    `Filename ${pyRepr(filename)} should contain the normalized project name ${pyRepr(expected)}, ` +
    `not ${pyRepr(actual)}.`,
  wheelVersionMismatch: (expected: string, actual: string) =>
    `Version in filename should be ${pyRepr(expected)} not ${pyRepr(actual)}.`,
  unsupportedPlatformTag: (filename: string, tag: string) =>
    `Binary wheel '${filename}' has an unsupported platform tag '${tag}'.`,
  invalidAttestations: (why: string) => `Invalid attestations supplied during upload: ${why}`,
  /** Warehouse's metadata errors end in this tail (a "." is added first when missing). */
  withMetadataTail: (error: string, url = CORE_METADATA_URL) =>
    `${error}${error.endsWith('.') ? '' : '.'} See ${url} for more information.`
}
