/** The action's own version, sent in the User-Agent. A test keeps it equal to package.json's. */
export const ACTION_VERSION = '0.1.0'
const ACTION_NAME = 'pypi-publish'
export const USER_AGENT = `${ACTION_NAME}/${ACTION_VERSION} (node ${process.versions.node}; ${process.platform})`
