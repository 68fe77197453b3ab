// Odoo's email_normalize(): the lowercased bare address when the text holds exactly
// one address, else False. Like Odoo it only asks for an '@' in a candidate, so
// 'jane@' normalises to 'jane@' while 'not an email' gives nothing.

/** Candidate addresses in a header-ish string: the `<...>` part or whitespace/comma separated tokens with '@'. */
function candidates(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(',')) {
    const angle = /<([^<>]*)>/.exec(part);
    if (angle) { if (angle[1].includes('@')) out.push(angle[1].trim()); continue; }
    for (const token of part.replace(/"[^"]*"/g, ' ').split(/\s+/)) if (token.includes('@')) out.push(token);
  }
  return out;
}

export function emailNormalize(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const found = candidates(text);
  return found.length === 1 ? found[0].toLowerCase() : null;
}
