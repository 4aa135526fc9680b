/**
 * A loopback TCP relay in front of the index that notes when the first byte of the first upload
 * request (a POST) arrives. The index records requests but not their arrival times, so the moment
 * is taken here, on the benchmark's own clock (performance.now()), at the byte level: nothing in
 * the client or the index has to report it.
 */
import { createServer, connect, type Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface FirstByteProxy {
  /** `http://127.0.0.1:<port>`: the index's origin, through the relay. */
  origin: string
  /** performance.now() when the first POST's first byte arrived; undefined until then. */
  firstPostAt(): number | undefined
  close(): Promise<void>
}

const POST = Buffer.from('POST ', 'latin1')

export async function startFirstByteProxy(target: {
  host: string
  port: number
}): Promise<FirstByteProxy> {
  let firstPostAt: number | undefined
  const sockets = new Set<Socket>()
  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }

  const server = createServer(client => {
    // Taken before anything else is done with the chunk.
    client.on('data', (chunk: Buffer) => {
      if (firstPostAt === undefined && startsARequest(chunk)) firstPostAt = performance.now()
    })
    const upstream = connect(target.port, target.host)
    track(client)
    track(upstream)
    client.pipe(upstream)
    upstream.pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    origin: `http://127.0.0.1:${port}`,
    firstPostAt: () => firstPostAt,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

/**
 * An HTTP/1.1 client writes a request only after the previous answer on that connection, so each
 * request starts a fresh chunk, and an upload's starts with `POST `. A GET sent before the upload
 * does not match, so it is not taken for the upload.
 */
function startsARequest(chunk: Buffer): boolean {
  return chunk.length >= POST.length && chunk.subarray(0, POST.length).equals(POST)
}
