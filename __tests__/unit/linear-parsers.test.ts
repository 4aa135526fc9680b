/**
 * Every parser that reads an index's answer (or other outside text) finishes in time linear in it,
 * fed its worst case at the size cap of that answer. A backtracking pattern blocks the event loop,
 * so no time limit can fire (issue 21): a 139 KiB page of unterminated anchors took 15 s through
 * the old expression. The bounds are generous for slow machines yet orders of magnitude below what
 * the quadratic forms take at these sizes (hours at 64 MiB, tens of seconds at 1 MiB).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { scrubJwts } from '../../src/auth/oidc.js'
import { readSimplePage, SIMPLE_PAGE_CAP } from '../../src/index-api/simple.js'
import { oneLine, trimEndOf } from '../../src/shared/format.js'
import { anchors, titleOf } from '../../src/shared/html.js'
import { Http } from '../../src/shared/http.js'
import { indexMessage } from '../../src/upload/upload.js'

const MIB = 1024 * 1024
/** The upload answer's cap (src/upload/upload.ts) and the OIDC answer's (src/auth/oidc.ts). */
const ANSWER_CAP = MIB
const OIDC_CAP = 64 * 1024

const fill = (unit: string, bytes: number): string => unit.repeat(Math.floor(bytes / unit.length))

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now()
  const value = work()
  return { value, ms: performance.now() - started }
}

describe('the HTML simple page, read through a real socket at its 64 MiB cap', () => {
  let server: Server
  let origin: string
  const pages: Record<string, string> = {
    unterminated: fill('<a href="', SIMPLE_PAGE_CAP.bytes - 1024),
    unclosed: fill('<a href="x">', SIMPLE_PAGE_CAP.bytes - 1024),
    attributes: `<a ${fill('x="" ', SIMPLE_PAGE_CAP.bytes - 1024)}`
  }
  beforeAll(async () => {
    server = createServer((request, response) => {
      const name = (request.url ?? '').split('/')[2]
      response.writeHead(200, { 'content-type': 'text/html' })
      response.end(pages[name] ?? '')
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())))

  it.each(Object.keys(pages))(
    '%s anchors: read in seconds, nothing listed',
    async name => {
      const started = performance.now()
      const page = await readSimplePage(new Http(), `${origin}/simple/`, name)
      expect(performance.now() - started).toBeLessThan(20_000)
      expect(page.found).toBe(true)
      if (page.found) expect(page.files.size).toBeLessThanOrEqual(1)
    },
    60_000
  )
})

describe('error pages and answers at the 1 MiB answer cap', () => {
  const worst = {
    'titles never closed': fill('<title>', ANSWER_CAP),
    'one title never closed': `<title>${fill('x', ANSWER_CAP)}`,
    'anchors never closed': fill('<a href="', ANSWER_CAP),
    'comments never closed': fill('<!--', ANSWER_CAP)
  }
  it.each(Object.entries(worst))('%s: the title is read in linear time', (_, body) => {
    const { value, ms } = timed(() => titleOf(body))
    expect(value).toBeUndefined()
    expect(ms).toBeLessThan(2_000)
  })
  it.each(Object.entries(worst))('%s: the index message is found in linear time', (_, body) => {
    const response = { status: 400, statusText: 'Bad Request', headers: {}, body }
    const { value, ms } = timed(() => indexMessage(response))
    expect(value).toBe('Bad Request')
    expect(ms).toBeLessThan(2_000)
  })
  it('a page whose title follows a megabyte of unclosed tags still names its error', () => {
    const body = `${fill('<title', ANSWER_CAP / 2)}><title>400 Name taken</title>`
    expect(indexMessage({ status: 400, statusText: '', headers: {}, body })).toMatch(/Name taken/)
  })
  it('anchors of a megabyte of unclosed tags: none', () => {
    const { value, ms } = timed(() => anchors(fill('<a href="x"', ANSWER_CAP)))
    expect(value).toEqual([])
    expect(ms).toBeLessThan(2_000)
  })
})

describe('other outside text', () => {
  it('an OIDC answer of JWT openings at its 64 KiB cap is scrubbed in linear time', () => {
    const { value, ms } = timed(() => scrubJwts(fill('eyJ', OIDC_CAP), 'not-in-text'))
    expect(value).toBe(fill('eyJ', OIDC_CAP))
    expect(ms).toBeLessThan(500)
  })
  it('still scrubs a JWT echoed inside other text', () => {
    expect(scrubJwts('token was xeyJhbGci.eyJzdWIi.c2ln, ok', 'other')).toBe('token was x***, ok')
  })
  it('trims and joins megabyte runs that never reach the end in linear time', () => {
    const dots = `${fill('.', ANSWER_CAP)}x`
    const spaces = `${fill(' ', ANSWER_CAP)}x`
    const t = timed(() => [trimEndOf(dots, '.'), oneLine(spaces), oneLine(`${spaces}\n y \n`)])
    expect(t.value).toEqual([dots, 'x', 'x y'])
    expect(t.ms).toBeLessThan(500)
  })
})
