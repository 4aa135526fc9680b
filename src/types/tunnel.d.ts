/** The part of `tunnel` (the CONNECT agent @actions/http-client uses) that src/shared/http.ts uses. */
declare module 'tunnel' {
  import type { Agent } from 'node:http'

  interface TunnelOptions {
    maxSockets?: number
    proxy: { host: string; port: number; proxyAuth?: string }
  }
  export function httpOverHttp(options: TunnelOptions): Agent
  export function httpsOverHttp(options: TunnelOptions): Agent
  export function httpOverHttps(options: TunnelOptions): Agent
  export function httpsOverHttps(options: TunnelOptions): Agent
}
