import { startRenderer } from './check/description/readme-renderer.js'

// The description check's Python needs ~300 ms to import readme_renderer: start it before the
// rest of the action is even loaded, so that time overlaps start-up, discovery and hashing.
const renderer = startRenderer()
const { run } = await import('./action/main.js')
await run({ renderer })
