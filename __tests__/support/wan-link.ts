/**
 * A WAN-like way to the local index: HTTPS with a self-signed certificate made for the run, behind
 * a link that adds a round trip and limits bandwidth. Loopback hides both, and both are what users
 * on GitHub's runners feel: the TLS handshake and every request pay the round trip, and a large
 * upload is bounded by the link, not by the client's hashing.
 *
 *   client ──TCP──▶ link (delay each way + bandwidth, shared by all connections)
 *          ──TCP──▶ TLS terminator (the certificate) ──TCP──▶ the index (plain HTTP)
 *
 * The delay sits under TLS, so the handshake's round trips are delayed too.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import path from 'node:path'
import { createServer as createTlsServer } from 'node:tls'

export interface WanLink {
  /** `https://127.0.0.1:<port>`: the index's origin, through the link. */
  origin: string
  /** The certificate (PEM file) the clients must trust. */
  certFile: string
  close(): Promise<void>
}

export interface WanOptions {
  /** Round trip added, ms (half each way). */
  rttMs: number
  /** Bandwidth of each direction, bits per second. */
  bitsPerSecond: number
  /** Folder for the key and certificate. */
  dir: string
  /** Ask every client for a certificate issued by this CA (PEM file), and refuse others. */
  clientCa?: string
}

/** A self-signed certificate for 127.0.0.1 (subjectAltName IP), valid one day. */
export function makeCertificate(dir: string): { keyFile: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem')
  const certFile = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE'
    ],
    { stdio: 'ignore' }
  )
  return { keyFile, certFile }
}

/**
 * One direction of the link, shared by every connection: chunks leave in order, each after the
 * ones before it have been serialised at the link's rate, and arrive half a round trip later. One
 * queue and one timer deliver them, so they can never overtake each other (timers of different
 * durations may fire out of order, which would scramble a TLS stream). A sender is paused while
 * more than a bandwidth-delay product is queued, as TCP's window would hold it back.
 */
class Direction {
  private freeAt = 0
  private queued = 0
  private readonly queue: Array<{ at: number; deliver: () => void }> = []
  private timer: NodeJS.Timeout | undefined
  private readonly bytesPerMs: number
  private readonly limit: number
  private readonly paused = new Set<Socket>()

  constructor(
    bitsPerSecond: number,
    private readonly oneWayMs: number
  ) {
    this.bytesPerMs = bitsPerSecond / 8 / 1000
    this.limit = Math.max(256 * 1024, this.bytesPerMs * oneWayMs * 2)
  }

  carry(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      this.freeAt = Math.max(performance.now(), this.freeAt) + chunk.length / this.bytesPerMs
      this.queued += chunk.length
      if (this.queued > this.limit) {
        from.pause()
        this.paused.add(from)
      }
      this.push(this.freeAt + this.oneWayMs, () => {
        this.queued -= chunk.length
        if (!to.destroyed) to.write(chunk)
      })
    })
    // The end travels behind the last byte.
    from.on('end', () => this.push(this.freeAt + this.oneWayMs, () => to.end()))
  }

  private push(at: number, deliver: () => void): void {
    this.queue.push({ at, deliver })
    if (this.timer === undefined) this.schedule()
  }

  private schedule(): void {
    const head = this.queue[0]
    if (!head) {
      this.timer = undefined
      return
    }
    this.timer = setTimeout(
      () => {
        const now = performance.now()
        while (this.queue.length > 0 && this.queue[0].at <= now + 0.5) this.queue.shift()?.deliver()
        if (this.queued <= this.limit) {
          for (const socket of this.paused) socket.resume()
          this.paused.clear()
        }
        this.schedule()
      },
      Math.max(0, head.at - performance.now())
    )
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return (server.address() as AddressInfo).port
}

export async function startWanLink(
  target: { host: string; port: number },
  options: WanOptions
): Promise<WanLink> {
  const { keyFile, certFile } = makeCertificate(options.dir)
  const sockets = new Set<Socket>()
  const track = (socket: Socket): Socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }
  const pair = (a: Socket, b: Socket): void => {
    a.on('close', () => b.destroy())
    b.on('close', () => a.destroy())
  }

  const tls = createTlsServer(
    {
      key: readFileSync(keyFile),
      cert: readFileSync(certFile),
      ...(options.clientCa
        ? { requestCert: true, rejectUnauthorized: true, ca: readFileSync(options.clientCa) }
        : {})
    },
    clear => {
      const upstream = track(connect(target.port, target.host))
      track(clear)
      clear.pipe(upstream)
      upstream.pipe(clear)
      pair(clear, upstream)
    }
  )
  tls.on('tlsClientError', () => undefined)
  const tlsPort = await listen(tls)

  const oneWay = options.rttMs / 2
  const up = new Direction(options.bitsPerSecond, oneWay)
  const down = new Direction(options.bitsPerSecond, oneWay)
  const link = createServer(client => {
    const inner = track(connect(tlsPort, '127.0.0.1'))
    track(client)
    up.carry(client, inner)
    down.carry(inner, client)
    pair(client, inner)
  })
  const port = await listen(link)

  return {
    origin: `https://127.0.0.1:${port}`,
    certFile,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await Promise.all(
        [link, tls].map(s => new Promise<void>(resolve => s.close(() => resolve())))
      )
    }
  }
}
