import { getProxyUrl } from '@actions/http-client/lib/proxy'

/**
 * The proxy a request to `url` goes through, by the rules every Actions toolkit client follows
 * (https_proxy/HTTPS_PROXY or http_proxy/HTTP_PROXY by the target's scheme, lower case first;
 * NO_PROXY; loopback never proxied). Only @actions/http-client's proxy module is used: its client
 * loads undici eagerly, which costs every run ~40 ms of start-up for a dispatcher we never use.
 * Username and password come back decoded.
 */
export function proxyUrlFor(url: URL | string): URL | undefined {
  const proxy = getProxyUrl(typeof url === 'string' ? new URL(url) : url)
  return proxy?.hostname ? proxy : undefined
}
