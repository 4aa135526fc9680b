/**
 * Fulcio and Rekor on 127.0.0.1, for signing attestations offline. The certificate authority and
 * the transparency log are @sigstore/mock's (a real CA issuing real X.509 certificates for the
 * submitted key, a log returning signed entries); @sigstore/mock wires them to nock, which does
 * not work here, so this serves its handler functions from a real HTTP server instead.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler
} from '@sigstore/mock'

export interface SigstoreRequest {
  service: 'fulcio' | 'rekor'
  path: string
  body: string
}

export interface SigstoreStandIn {
  fulcioUrl: string
  rekorUrl: string
  requests: SigstoreRequest[]
  /** When set, that service answers every request with this status and message. */
  failure: { service: 'fulcio' | 'rekor'; status: number; message: string } | undefined
  close(): Promise<void>
}

export async function startSigstoreStandIn(): Promise<SigstoreStandIn> {
  const keyPair = (): { publicKey: KeyObject; privateKey: KeyObject } =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  const ca = await initializeCA(keyPair(), await initializeCTLog(keyPair()))
  const fulcio = fulcioHandler(ca)

  const state: Pick<SigstoreStandIn, 'requests' | 'failure'> = { requests: [], failure: undefined }
  // The log names its host in its checkpoints, so it is made once the port is known.
  const server = createServer()
  const origin = await listen(server)
  const rekor = rekorHandler(await initializeTLog(origin, keyPair()))

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
      const service = path === fulcio.path ? 'fulcio' : path === rekor.path ? 'rekor' : undefined
      if (req.method !== 'POST' || !service) {
        res.writeHead(404, { 'Content-Type': 'application/json' })
        res.end('{"message":"not found"}')
        return
      }
      state.requests.push({ service, path, body })
      if (state.failure?.service === service) {
        res.writeHead(state.failure.status, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ code: state.failure.status, message: state.failure.message }))
        return
      }
      const handler = service === 'fulcio' ? fulcio : rekor
      handler.fn(body).then(
        ({ statusCode, response, contentType }) => {
          res.writeHead(statusCode, { 'Content-Type': contentType ?? 'text/plain' })
          res.end(
            typeof response === 'string'
              ? response
              : Buffer.from(response.buffer, response.byteOffset, response.byteLength)
          )
        },
        (error: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' })
          res.end(String(error))
        }
      )
    })
  })

  return Object.assign(state, {
    fulcioUrl: origin,
    rekorUrl: origin,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  })
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}
