/**
 * The webhook body reader: every element's text is an exact slice of the body, equal to the element once parsed, and
 * a body is refused exactly when JSON.parse refuses it. Checked on generated bodies (seeded, so failures replay).
 */
import { expect } from 'chai';
import { MalformedJsonError, parseJsonBody } from '../../src/inbound/json-body.js';
import { prng as random } from '../helpers/prng.js';


// Characters that trip up a scanner: quotes, backslashes, brackets and commas inside strings, controls, non-ASCII.
const TRICKY = ['"', '\\', '[', ']', '{', '}', ',', ':', ' ', '\n', '\t', '\u0001', 'é', '€', '😀', '\u2028', 'a', '\\"', '\\\\'];

function generator(seed: number) {
  const next = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const text = () => Array.from({ length: Math.floor(next() * 8) }, () => pick(TRICKY)).join('');
  const space = () => pick(['', '', ' ', '\n  ', '\t', ' \r\n ']);
  const value = (depth: number): unknown => {
    const kind = depth > 3 ? Math.floor(next() * 4) : Math.floor(next() * 6);
    if (kind === 0) return text();
    if (kind === 1) return pick([0, -1.5, 1e21, 1763800000, 3.14159]);
    if (kind === 2) return pick([true, false, null]);
    if (kind === 3) return `${text()}@example.com`;
    if (kind === 4) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [text(), value(depth + 1)]));
  };
  /** JSON text of a value, with random whitespace wherever JSON allows it. */
  const render = (v: unknown): string => {
    if (Array.isArray(v)) return `[${space()}${v.map((item) => `${space()}${render(item)}${space()}`).join(',')}${space()}]`;
    if (v && typeof v === 'object') {
      return `{${Object.entries(v).map(([k, item]) => `${space()}${JSON.stringify(k)}${space()}:${space()}${render(item)}${space()}`).join(',')}}`;
    }
    return JSON.stringify(v);
  };
  return { next, pick, value, render, space };
}

describe('json body: events and their text as received', () => {
  it('cuts generated batches into exact slices equal to what JSON.parse reads', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const g = generator(seed);
      const elements = Array.from({ length: Math.floor(g.next() * 6) }, () => g.value(0));
      const body = `${g.space()}${g.render(elements)}${g.space()}`;
      const parsed = parseJsonBody(body);
      expect(parsed.batch, body).to.equal(true);
      expect(parsed.items.map((i) => i.value), body).to.deep.equal(JSON.parse(body));
      let from = 0;
      for (const item of parsed.items) {
        expect(JSON.parse(item.text), body).to.deep.equal(item.value);
        expect(item.text, body).to.equal(item.text.trim());
        // In order, and verbatim: each text is found in the body after the previous one.
        const at = body.indexOf(item.text, from);
        expect(at, `${body} / ${item.text}`).to.be.at.least(from);
        from = at + item.text.length;
      }
    }
  });

  it('keeps a single event as one item, its text trimmed', () => {
    const parsed = parseJsonBody(' \n{"event": "opened", "email": "a@example.com"}\t');
    expect(parsed).to.deep.equal({ batch: false, items: [{ value: { event: 'opened', email: 'a@example.com' }, text: '{"event": "opened", "email": "a@example.com"}' }] });
    expect(parseJsonBody('[]')).to.deep.equal({ batch: true, items: [] });
    expect(parseJsonBody(' [ ] ')).to.deep.equal({ batch: true, items: [] });
  });

  it('refuses exactly what JSON.parse refuses', () => {
    const bodies = ['', ' ', '[', '[1,]', '[,1]', '[1 2]', '{"a":1]', '[{"a":"\\"}]', '[1]]', '[1] x', 'nul', '{"a":1}{}', '\ufeff[1]', '[\u00a01]'];
    for (let seed = 1; seed <= 300; seed++) {
      // Generated near-misses: a valid batch with one character removed or inserted.
      const g = generator(seed);
      const body = g.render(Array.from({ length: 1 + Math.floor(g.next() * 3) }, () => g.value(0)));
      const at = Math.floor(g.next() * body.length);
      bodies.push(body.slice(0, at) + body.slice(at + 1), body.slice(0, at) + g.pick(['"', ',', ']', '}', '\\', 'x']) + body.slice(at));
    }
    for (const body of bodies) {
      let parses = true;
      try {
        JSON.parse(body);
      } catch {
        parses = false;
      }
      if (!parses) {
        expect(() => parseJsonBody(body), body).to.throw(MalformedJsonError);
        continue;
      }
      const parsed = parseJsonBody(body);
      expect(parsed.batch ? parsed.items.map((i) => i.value) : parsed.items[0].value, body).to.deep.equal(JSON.parse(body));
      for (const item of parsed.items) expect(JSON.parse(item.text), body).to.deep.equal(item.value);
    }
  });
});
