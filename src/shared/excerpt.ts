/** The mark of a cut. The Redactor (redact.ts) treats it as an end of text: keep them the same. */
export const CUT_MARK = '…'

/**
 * At most `max` characters (UTF-16 units) of text from outside (an index's answer, a program's
 * output), with the cut marked by `…`. The mark matters beyond looks: a secret cut in half leaves
 * only its first characters, which the Redactor can recognise only where a cut is marked (or at
 * the very end of the text), and an excerpt is often quoted inside a longer message.
 * A surrogate pair is never split, so the excerpt stays valid text.
 */
export function excerpt(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end--
  return text.slice(0, end) + CUT_MARK
}
