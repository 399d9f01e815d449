/**
 * A mail's HTML body for the console's sandboxed frame. The guarantees are the browser's: the frame has `sandbox`
 * (no script, no form, no top navigation) and the response its own CSP (default-src 'none': no script, no remote
 * image, font or stylesheet). This removes, in addition, what could still act without script: a <meta> refresh
 * (the frame navigating itself to a stranger's site), <base>, <link>, and embedded documents. Nothing else is
 * changed: organizers see the mail as sent.
 */
export function mailFrameHtml(body: string): string {
  const cleaned = body
    .replace(/<script\b[\s\S]*?(<\/script\s*>|$)/gi, '')
    .replace(/<(meta|base|link)\b[^>]*>/gi, '')
    .replace(/<(iframe|frame|frameset|object|embed|portal)\b[\s\S]*?(<\/\1\s*>|$)/gi, '');
  return `<!DOCTYPE html><meta charset="utf-8">${cleaned}`;
}
