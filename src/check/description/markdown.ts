/**
 * Markdown and plain text as PyPI renders them, decided without Python.
 *
 * readme_renderer's plain-text renderer escapes the text and never returns None (its sanitizer
 * only fails on bad arguments, never on input), so PyPI accepts any plain text. Its Markdown
 * renderer (comrak in readme_renderer 45.0, cmarkgfm before) parses any input; it returns None —
 * which PyPI refuses — only when the rendered HTML is empty. For a description that is not blank
 * (blank ones are reported as missing before this), that happens when every line is blank or a
 * link reference definition (`[label]: https://…`), which renders to nothing.
 */

/**
 * One link reference definition on one line (CommonMark §4.7): up to three spaces, a label with
 * something other than whitespace and no unescaped brackets, a colon, a destination (`<…>` or
 * text without spaces), an optional title, nothing else. `[^x]:` is a footnote (GFM), not a
 * link definition, so it is left out: what is not matched here is taken to render, so a doubt
 * never refuses a description PyPI accepts.
 */
const LINK_DEFINITION =
  /^ {0,3}\[(?!\^)(?=[^\]]*\S)(?:[^\\[\]]|\\.){1,999}\]:[ \t]*(?:<[^<>\n]*>|[^\s<>()]+)(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?[ \t]*$/

/** True when PyPI renders this Markdown to nothing, and so refuses it. */
export function markdownRendersNothing(text: string): boolean {
  return text.split(/\r\n|\r|\n/).every(line => line.trim() === '' || LINK_DEFINITION.test(line))
}
