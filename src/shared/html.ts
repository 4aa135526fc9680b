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
