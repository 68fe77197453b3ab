/** Rows of an import, from its one source: jsonBody, fileBody (`;` CSV) or fileUrl (CSV or JSON). */

export interface ImportRow {
  email?: string;
  /** Read-only: JSON rows are the request's own objects, which the call log and the process keep as sent. */
  attributes?: Readonly<Record<string, unknown>>;
}

/** jsonBody items are used as they are (no copy of ~100,000 rows); other shapes are reduced to a row. */
export function rowsFromJson(items: unknown): readonly ImportRow[] {
  if (!Array.isArray(items)) throw new Error('JSON import source is not an array');
  return items.every(isImportRow) ? items : items.map(toImportRow);
}

function isImportRow(item: unknown): item is ImportRow {
  if (typeof item !== 'object' || item === null) return false;
  const { email, attributes } = item as Record<string, unknown>;
  return (email === undefined || typeof email === 'string') && (attributes === undefined || (typeof attributes === 'object' && attributes !== null));
}

/** A non-string e-mail counts as none; attributes that are no object match no attribute name. */
function toImportRow(item: unknown): ImportRow {
  const o = (item ?? {}) as { email?: unknown; attributes?: unknown };
  return {
    ...(typeof o.email === 'string' ? { email: o.email } : {}),
    attributes: (o.attributes ?? {}) as Readonly<Record<string, unknown>>,
  };
}

/** Brevo documents `;` as the separator; a header line without one is read as `,`-separated. */
export function rowsFromCsv(text: string): readonly ImportRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const sep = lines[0].includes(';') ? ';' : ',';
  const header = splitLine(lines[0], sep).map((h) => h.trim().toUpperCase());
  return lines.slice(1).map((line) => {
    const cells = splitLine(line, sep);
    const row: { email?: string; attributes: Record<string, unknown> } = { attributes: {} };
    header.forEach((name, i) => {
      const cell = cells[i] ?? '';
      if (name === 'EMAIL') {
        if (cell !== '') row.email = cell;
      } else row.attributes[name] = cell;
    });
    return row;
  });
}

/** Minimal CSV: double-quoted cells may hold the separator and "" escapes. */
function splitLine(line: string, sep: string): string[] {
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === sep) cells.push(cur), (cur = '');
    else cur += ch;
  }
  cells.push(cur);
  return cells.map((c) => c.trim());
}

export async function rowsFromUrl(url: string): Promise<readonly ImportRow[]> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fileUrl answered ${res.status}`);
  const text = await res.text();
  return text.trimStart().startsWith('[') ? rowsFromJson(JSON.parse(text)) : rowsFromCsv(text);
}
