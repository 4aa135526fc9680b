/**
 * A streaming sink in place of an index: it reads every upload to its end, counting the bytes,
 * and answers 200; a simple-page GET is answered 404 (a project the index does not know). It
 * parses, hashes and stores nothing. Case (b) runs the large wheel against the full local index,
 * whose own multipart parsing and three digests (~4 CPU-seconds for 537 MB, on the same two cores
 * as the client) bound both clients; against the sink, the wall time is the clients' own work,
 * as it is against PyPI, whose CPUs are not the runner's. This is how issue 12 first measured it.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SinkIndex {
  /** The upload URL (`…/legacy/`). */
  url: string
  /** The simple index URL, which knows no project. */
  simpleUrl: string
  /** Body bytes of each POST, in order. */
  posts(): number[]
  close(): Promise<void>
}

export async function startSinkIndex(): Promise<SinkIndex> {
  const posts: number[] = []
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      req.resume()
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
      return
    }
    let bytes = 0
    req.on('data', (chunk: Buffer) => (bytes += chunk.length))
    req.on('end', () => {
      posts.push(bytes)
      res.writeHead(200, { 'content-type': 'text/plain' }).end('OK')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/legacy/`,
    simpleUrl: `${origin}/simple/`,
    posts: () => [...posts],
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
