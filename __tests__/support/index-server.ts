/**
 * The local PyPI-compatible index for tests, the demo and benchmarks. Start one with
 * `startIndexServer()`, upload to `server.url`, read back through `server.simpleUrl` or the JSON
 * API, and inspect `server.files()` / `server.requests`. The parts live in ./index-server/.
 */
export {
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_TOKEN,
  startIndexServer,
  type IndexServer,
  type IndexServerOptions,
  type RecordedRequest,
  type RouteHandler
} from './index-server/server.js'
export { basicPassword, sendEndlessBody, sendTrickle, type Fault } from './index-server/faults.js'
export { FLAVORS, type Flavor } from './index-server/flavors.js'
export { DEFAULT_USER, type StoredFile, type TokenGrant } from './index-server/registry.js'
export {
  canonicalVersion,
  compareVersions,
  normalizeName,
  normalizeVersion,
  parseVersion,
  type Version
} from './index-server/pep440.js'
export { pyRepr, texts as warehouseTexts } from './index-server/warehouse-texts.js'
