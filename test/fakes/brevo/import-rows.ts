/** Rows of an import, from its one source: jsonBody, fileBody (`;` CSV) or fileUrl (CSV or JSON). */

export interface ImportRow {
  email?: string;
  attributes: Record<string, unknown>;
}

export function rowsFromJson(items: unknown): ImportRow[] {
  if (!Array.isArray(items)) throw new Error('JSON import source is not an array');
  return items.map((item) => {
    const o = (item ?? {}) as { email?: unknown; attributes?: unknown };
    return {
      ...(typeof o.email === 'string' ? { email: o.email } : {}),
      attributes: { ...((o.attributes as Record<string, unknown>) ?? {}) },
    };
  });
}

/** Brevo documents `;` as the separator; a header line without one is read as `,`-separated. */
export function rowsFromCsv(text: string): ImportRow[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return [];
  const sep = lines[0].includes(';') ? ';' : ',';
  const header = splitLine(lines[0], sep).map((h) => h.trim().toUpperCase());
  return lines.slice(1).map((line) => {
    const cells = splitLine(line, sep);
    const row: ImportRow = { attributes: {} };
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

export async function rowsFromUrl(url: string): Promise<ImportRow[]> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fileUrl answered ${res.status}`);
  const text = await res.text();
  return text.trimStart().startsWith('[') ? rowsFromJson(JSON.parse(text)) : rowsFromCsv(text);
}
