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

/** What a page is made of, as the tokenizer meets it: tags (names lower-cased) and text. */
interface PageEvents {
  open?(name: string, attributes: Map<string, string>): void
  text?(text: string): void
  close?(name: string): void
}

/**
 * An index's HTML is read with htmlparser2's tokenizer, whose time is linear in the page: a
 * backtracking pattern let a page of unterminated tags block the event loop, so no time limit
 * could fire (issue 21). Its Parser is not used: it keeps open tags with `Array.unshift`, which
 * is quadratic on a page of tags never closed (a 4 MiB page of `<a href="x">` took 23 s).
 * Entities come decoded, each exactly once.
 */
function scan(html: string, events: PageEvents): void {
  const slice = (start: number, end: number): string => html.slice(start, end)
  let tag = ''
  let attribute = ''
  let value = ''
  let attributes = new Map<string, string>()
  const opened = (): void => events.open?.(tag, attributes)
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      onopentagname(start, end) {
        tag = slice(start, end).toLowerCase()
        attributes = new Map()
      },
      onattribname(start, end) {
        attribute = slice(start, end).toLowerCase()
        value = ''
      },
      onattribdata(start, end) {
        value += slice(start, end)
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
        events.close?.(slice(start, end).toLowerCase())
      },
      ontext(start, end) {
        events.text?.(slice(start, end))
      },
      ontextentity(codepoint) {
        events.text?.(String.fromCodePoint(codepoint))
      },
      oncdata() {},
      oncomment() {},
      ondeclaration() {},
      onprocessinginstruction() {},
      onend() {}
    }
  )
  tokenizer.write(html)
  tokenizer.end()
}

/** The links of a page (PEP 503's simple pages list one file per `<a>`): href and text. */
export function anchors(html: string): { href: string; text: string }[] {
  const found: { href: string; text: string }[] = []
  let open: { href: string; text: string } | undefined
  scan(html, {
    open(name, attributes) {
      if (name !== 'a') return
      const href = attributes.get('href')
      open = href === undefined ? undefined : { href, text: '' }
    },
    text(text) {
      if (open) open.text += text
    },
    close(name) {
      if (name === 'a' && open) found.push(open)
      if (name === 'a') open = undefined
    }
  })
  return found
}

/** The text of a page's first closed `<title>`, as an error page names its error. */
export function titleOf(html: string): string | undefined {
  let text: string | undefined
  let title: string | undefined
  scan(html, {
    open(name) {
      if (name === 'title' && title === undefined) text = ''
    },
    text(chunk) {
      if (text !== undefined) text += chunk
    },
    close(name) {
      if (name === 'title' && text !== undefined && title === undefined) title = text
      if (name === 'title') text = undefined
    }
  })
  return title
}
