import pkg from '../../package.json' with { type: 'json' }

/** The action's own version, sent in the User-Agent. */
export const ACTION_VERSION: string = pkg.version
export const USER_AGENT = `pypi-publish/${ACTION_VERSION} (node ${process.versions.node}; ${process.platform})`
