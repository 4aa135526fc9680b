/**
 * Reading the index back, the ways clients do (docs/upload-protocol.md §7): the simple API
 * (PEP 503 HTML and PEP 691 JSON, picked by Accept), PyPI's JSON API, and the files themselves
 * under /packages/.
 */
import { createReadStream } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { all, first } from './form-rules.js'
import { escapeHtml, negotiate, pythonJson, rawPage, sendPage, type Page } from './http-pages.js'
import { normalizeName } from './pep440.js'
import type { Project, Registry, Release, StoredFile } from './registry.js'

const SIMPLE_JSON = 'application/vnd.pypi.simple.v1+json'
const SIMPLE_HTML = 'application/vnd.pypi.simple.v1+html'
const SIMPLE_OFFERS = [
  'text/html',
  SIMPLE_HTML,
  SIMPLE_JSON,
  'application/vnd.pypi.simple.latest+html',
  'application/vnd.pypi.simple.latest+json'
]

export interface ReadContext {
  registry: Registry
  /** `http://127.0.0.1:<port>`, for absolute file URLs. */
  origin: string
}

/** Answers a GET/HEAD of the read API; false when the path is not one of its routes. */
export function handleRead(req: IncomingMessage, res: ServerResponse, ctx: ReadContext): boolean {
  const url = new URL(req.url ?? '/', ctx.origin)
  const path = url.pathname
  let m: RegExpExecArray | null
  if (path === '/simple/' || path === '/simple') {
    if (path === '/simple') sendPage(res, redirect('/simple/'))
    else sendPage(res, simpleRoot(ctx, simpleFormat(req, url)))
    return true
  }
  if ((m = /^\/simple\/([^/]+)(\/?)$/.exec(path))) {
    const name = decodeURIComponent(m[1])
    const normalized = normalizeName(name)
    if (name !== normalized || !m[2]) sendPage(res, redirect(`/simple/${normalized}/`))
    else sendPage(res, simpleProject(ctx, normalized, simpleFormat(req, url)))
    return true
  }
  if ((m = /^\/pypi\/([^/]+)\/(?:([^/]+)\/)?json\/?$/.exec(path))) {
    sendPage(
      res,
      jsonApi(
        ctx,
        decodeURIComponent(m[1]),
        m[2] === undefined ? undefined : decodeURIComponent(m[2])
      )
    )
    return true
  }
  if ((m = /^\/packages\/([^/]+)$/.exec(path))) {
    sendFile(res, ctx.registry.file(decodeURIComponent(m[1])))
    return true
  }
  return false
}

function simpleFormat(req: IncomingMessage, url: URL): string {
  // Warehouse also takes the format from `?format=`, handy in a browser.
  const format = url.searchParams.get('format')
  if (format && SIMPLE_OFFERS.includes(format)) return format
  return negotiate(req.headers.accept, SIMPLE_OFFERS) ?? 'text/html'
}

function isJson(format: string): boolean {
  return format.endsWith('+json')
}

function contentTypeFor(format: string): string {
  if (isJson(format)) return SIMPLE_JSON
  return format === 'text/html' ? 'text/html; charset=UTF-8' : SIMPLE_HTML
}

function simpleRoot(ctx: ReadContext, format: string): Page {
  const projects = [...ctx.registry.projects.values()].sort((a, b) =>
    byCodePoint(a.normalized, b.normalized)
  )
  const serial = Math.max(0, ...projects.map(p => p.serial))
  const headers = { 'x-pypi-last-serial': String(serial) }
  if (isJson(format)) {
    const body = {
      meta: { 'api-version': '1.1', '_last-serial': serial },
      projects: projects.map(p => ({ name: p.name, '_last-serial': p.serial }))
    }
    return rawPage(200, pythonJson(body), contentTypeFor(format), undefined, headers)
  }
  const links = projects
    .map(p => `    <a href="/simple/${p.normalized}/">${escapeHtml(p.name)}</a>\n`)
    .join('')
  const body =
    '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.1">\n' +
    `    <title>Simple index</title>\n  </head>\n  <body>\n${links}  </body>\n</html>\n`
  return rawPage(200, body, contentTypeFor(format), undefined, headers)
}

function simpleProject(ctx: ReadContext, normalized: string, format: string): Page {
  const project = ctx.registry.projects.get(normalized)
  if (!project) return rawPage(404, '404 Not Found', 'text/plain; charset=UTF-8')
  const releases = ctx.registry.sortedReleases(project)
  const files = releases.flatMap(r =>
    [...r.files].sort((a, b) => byCodePoint(a.filename, b.filename))
  )
  const headers = { 'x-pypi-last-serial': String(project.serial) }
  if (isJson(format)) {
    const body = {
      meta: { 'api-version': '1.1', '_last-serial': project.serial },
      name: project.normalized,
      versions: releases.filter(r => r.files.length).map(r => r.version),
      files: files.map(f => ({
        filename: f.filename,
        url: fileUrl(ctx, f),
        hashes: { sha256: f.sha256 },
        'requires-python': requiresPython(f),
        size: f.size,
        'upload-time': f.uploadTime,
        yanked: false,
        'core-metadata': false,
        'data-dist-info-metadata': false,
        provenance: null
      })),
      'alternate-locations': []
    }
    return rawPage(200, pythonJson(body), contentTypeFor(format), undefined, headers)
  }
  const links = files
    .map(f => {
      const rp = requiresPython(f)
      const attr = rp ? ` data-requires-python="${escapeHtml(rp)}"` : ''
      return `    <a href="../../packages/${encodeURIComponent(f.filename)}#sha256=${f.sha256}"${attr}>${escapeHtml(f.filename)}</a><br />\n`
    })
    .join('')
  const name = escapeHtml(project.normalized)
  const body =
    '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.1">\n' +
    `    <title>Links for ${name}</title>\n  </head>\n  <body>\n    <h1>Links for ${name}</h1>\n${links}  </body>\n</html>\n`
  return rawPage(200, body, contentTypeFor(format), undefined, headers)
}

function jsonApi(ctx: ReadContext, name: string, version: string | undefined): Page {
  const notFound = rawPage(404, '{"message": "Not Found"}', 'application/json')
  const project = ctx.registry.project(name)
  if (!project) return notFound
  // PyPI redirects other spellings of the name to the project's own.
  if (name !== project.name) {
    const tail = version === undefined ? '' : `${encodeURIComponent(version)}/`
    return redirect(`/pypi/${encodeURIComponent(project.name)}/${tail}json`)
  }
  const release =
    version === undefined
      ? ctx.registry.latest(project)
      : ctx.registry.findRelease(project, version)
  if (!release) return notFound
  const body: Record<string, unknown> = {
    info: releaseInfo(ctx, project, release),
    last_serial: project.serial
  }
  if (version === undefined) {
    body.releases = Object.fromEntries(
      ctx.registry.sortedReleases(project).map(r => [r.version, r.files.map(f => fileInfo(ctx, f))])
    )
  }
  body.urls = release.files.map(f => fileInfo(ctx, f))
  body.vulnerabilities = []
  return rawPage(200, pythonJson(body), 'application/json', undefined, {
    'x-pypi-last-serial': String(project.serial)
  })
}

function releaseInfo(
  ctx: ReadContext,
  project: Project,
  release: Release
): Record<string, unknown> {
  const fields = release.fields
  const one = (name: string): string | null => first(fields, name) || null
  const many = (name: string): string[] | null => {
    const values = all(fields, name).filter(Boolean)
    return values.length ? values : null
  }
  const projectUrls = many('project_urls')
  const page = `${ctx.origin}/project/${project.name}/`
  return {
    author: one('author'),
    author_email: one('author_email'),
    bugtrack_url: null,
    classifiers: many('classifiers') ?? [],
    description: one('description') ?? '',
    description_content_type: one('description_content_type'),
    docs_url: null,
    download_url: one('download_url'),
    downloads: { last_day: -1, last_month: -1, last_week: -1 },
    dynamic: many('dynamic'),
    home_page: one('home_page'),
    keywords: one('keywords'),
    license: one('license'),
    license_expression: one('license_expression'),
    license_files: many('license_file'),
    maintainer: one('maintainer'),
    maintainer_email: one('maintainer_email'),
    name: project.name,
    package_url: page,
    platform: one('platform'),
    project_url: page,
    project_urls: projectUrls && Object.fromEntries(projectUrls.map(splitProjectUrl)),
    provides_extra: many('provides_extra'),
    release_url: `${page}${release.version}/`,
    requires_dist: many('requires_dist'),
    requires_python: one('requires_python'),
    summary: one('summary'),
    version: release.version,
    yanked: false,
    yanked_reason: null
  }
}

function splitProjectUrl(value: string): [string, string] {
  const comma = value.indexOf(',')
  return comma < 0
    ? ['', value.trim()]
    : [value.slice(0, comma).trim(), value.slice(comma + 1).trim()]
}

function fileInfo(ctx: ReadContext, f: StoredFile): Record<string, unknown> {
  return {
    comment_text: first(f.fields, 'comment') ?? '',
    digests: { blake2b_256: f.blake2_256, md5: f.md5, sha256: f.sha256 },
    downloads: -1,
    filename: f.filename,
    has_sig: false,
    md5_digest: f.md5,
    packagetype: f.packagetype,
    python_version: f.pythonVersion,
    requires_python: requiresPython(f),
    size: f.size,
    upload_time: f.uploadTime.replace(/\.\d+Z$/, ''),
    upload_time_iso_8601: f.uploadTime,
    url: fileUrl(ctx, f),
    yanked: false,
    yanked_reason: null
  }
}

function requiresPython(f: StoredFile): string | null {
  return first(f.fields, 'requires_python') || null
}

function fileUrl(ctx: ReadContext, f: StoredFile): string {
  return `${ctx.origin}/packages/${encodeURIComponent(f.filename)}`
}

/** Python's string order (by code point), not the locale's. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function redirect(location: string): Page {
  return rawPage(301, '', 'text/plain; charset=UTF-8', undefined, { location })
}

function sendFile(res: ServerResponse, file: StoredFile | undefined): void {
  if (!file) {
    sendPage(res, rawPage(404, '404 Not Found', 'text/plain; charset=UTF-8'))
    return
  }
  res.writeHead(200, {
    'content-type': 'application/octet-stream',
    'content-length': String(file.size),
    etag: `"${file.sha256}"`
  })
  if (res.req.method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res)
}
