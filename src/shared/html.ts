import { Tokenizer } from 'htmlparser2'

/**
 * Text made safe inside HTML: the five characters that could open markup or end an attribute.
 * One rule for the job summary (which escapes what it did not write) and the Redactor (which
 * looks for a secret as an HTML page would echo it).
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

type Element = { attributes: Map<string, string>; text: string }

/**
 * The closed `<tag>` elements of a page, in order, with their attributes (names lower-cased) and
 * text; one opened inside another restarts it.
 *
 * An index's HTML is read with htmlparser2's tokenizer, whose time is linear in the page: a
 * backtracking pattern let a page of unterminated tags block the event loop, so no time limit
 * could fire (issue 21). Its Parser is not used: it keeps open tags with `Array.unshift`, which
 * is quadratic on a page of tags never closed (a 4 MiB page of `<a href="x">` took 23 s).
 * Entities come decoded, each exactly once.
 */
function elements(html: string, tag: string): Element[] {
  const found: Element[] = []
  let open: Element | undefined
  let name = ''
  let attribute = ''
  let value = ''
  let attributes = new Map<string, string>()
  const text = (chunk: string): void => {
    if (open) open.text += chunk
  }
  const opened = (): void => {
    if (name === tag) open = { attributes, text: '' }
  }
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        name = html.slice(start, end).toLowerCase()
        attributes = new Map()
      },
      onattribname(start, end) {
        attribute = html.slice(start, end).toLowerCase()
        value = ''
      },
      onattribdata(start, end) {
        value += html.slice(start, end)
      },
      onattribentity(codepoint) {
        value += String.fromCodePoint(codepoint)
      },
      onattribend() {
        if (!attributes.has(attribute)) attributes.set(attribute, value)
      },
      onopentagend: opened,
      onselfclosingtag: opened,
      onclosetag(start, end) {
        if (html.slice(start, end).toLowerCase() !== tag) return
        if (open) found.push(open)
        open = undefined
      },
      ontext: (start, end) => text(html.slice(start, end)),
      ontextentity: codepoint => text(String.fromCodePoint(codepoint)),
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {}
    }
  )
  tokenizer.write(html)
  tokenizer.end()
  return found
}

/** The links of a page (PEP 503's simple pages list one file per `<a>`): href and text. */
export function anchors(html: string): { href: string; text: string }[] {
  return elements(html, 'a').flatMap(({ attributes, text }) => {
    const href = attributes.get('href')
    return href === undefined ? [] : [{ href, text }]
  })
}

/** The text of a page's first closed `<title>`, as an error page names its error. */
export function titleOf(html: string): string | undefined {
  return elements(html, 'title')[0]?.text
}
