// Just enough XML for view inheritance: parse an arch, locate elements with a
// small XPath subset (`//tag[@attr='v']`, `/a/b`, `[n]`), apply `position`
// directives and serialise back.

export interface XmlElement { tag: string; attrs: Array<[string, string]>; children: XmlNode[]; parent?: XmlElement }
export type XmlNode = XmlElement | string;

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const encodeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export class ArchSyntaxError extends Error {}

/** Parses one root element; text nodes are kept raw (entities untouched). */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { tag: '#root', attrs: [], children: [] };
  let cur = root;
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<\/\s*([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(text))) {
    if (m.index !== consumed) throw new ArchSyntaxError(`unexpected '<' at ${consumed}`);
    consumed = re.lastIndex;
    if (m[1]) {
      if (cur.tag !== m[1]) throw new ArchSyntaxError(`mismatched </${m[1]}>`);
      cur = cur.parent!;
    } else if (m[2]) {
      const attrs: Array<[string, string]> = [];
      for (const a of m[3].matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs.push([a[1], decode(a[2] ?? a[3] ?? '')]);
      const el: XmlElement = { tag: m[2], attrs, children: [], parent: cur };
      cur.children.push(el);
      if (!m[4]) cur = el;
    } else if (m[5] !== undefined) cur.children.push(m[5]);
  }
  if (consumed !== text.length) throw new ArchSyntaxError(`unexpected '<' at ${consumed}`);
  if (cur !== root) throw new ArchSyntaxError(`unclosed <${cur.tag}>`);
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (elements.length !== 1) throw new ArchSyntaxError('expected one root element');
  elements[0].parent = undefined;
  return elements[0];
}

export function serialize(node: XmlNode): string {
  if (typeof node === 'string') return node;
  const attrs = node.attrs.map(([k, v]) => ` ${k}="${encodeAttr(v)}"`).join('');
  if (!node.children.length) return `<${node.tag}${attrs}/>`;
  return `<${node.tag}${attrs}>${node.children.map(serialize).join('')}</${node.tag}>`;
}

export const attr = (el: XmlElement, name: string) => el.attrs.find(([k]) => k === name)?.[1];
const elements = (el: XmlElement) => el.children.filter((c): c is XmlElement => typeof c !== 'string');

function descendants(el: XmlElement): XmlElement[] {
  return elements(el).flatMap((c) => [c, ...descendants(c)]);
}

interface Step { deep: boolean; tag: string; preds: Array<(el: XmlElement, i: number) => boolean> }

function parseSteps(expr: string): Step[] | undefined {
  const steps: Step[] = [];
  const re = /(\/\/?)([\w:.*-]+)((?:\[[^\]]*\])*)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(expr))) {
    const preds = [...m[3].matchAll(/\[([^\]]*)\]/g)].map((p) => predicate(p[1]));
    if (preds.some((p) => !p)) return undefined;
    steps.push({ deep: m[1] === '//', tag: m[2], preds: preds as Step['preds'] });
    if (re.lastIndex === expr.length) return steps;
  }
  return expr === '.' ? [] : undefined;
}

function predicate(text: string): ((el: XmlElement, i: number) => boolean) | undefined {
  let m = /^\s*@([\w:.-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")\s*$/.exec(text);
  if (m) { const [name, value] = [m[1], m[2] ?? m[3]]; return (el) => attr(el, name) === value; }
  m = /^\s*@([\w:.-]+)\s*$/.exec(text);
  if (m) { const name = m[1]; return (el) => attr(el, name) !== undefined; }
  m = /^\s*(\d+)\s*$/.exec(text);
  if (m) { const n = Number(m[1]); return (_el, i) => i === n; }
  return undefined;
}

/** First element matching the expression, undefined when none; throws on unsupported syntax. */
export function xpathFirst(root: XmlElement, expr: string): XmlElement | undefined {
  const steps = parseSteps(expr.trim());
  if (!steps) throw new ArchSyntaxError(`Invalid expression ${expr}`);
  // The document node holds the root, so '/form' and '//form' both reach it.
  let set: XmlElement[] = [{ tag: '#doc', attrs: [], children: [root] }];
  for (const step of steps) {
    set = set.flatMap((ctx) => {
      const pool = step.deep ? descendants(ctx) : elements(ctx);
      const tagged = pool.filter((e) => step.tag === '*' || e.tag === step.tag);
      return tagged.filter((e, i) => step.preds.every((p) => p(e, i + 1)));
    });
  }
  return set[0];
}

/** Finds the element a spec points at: an <xpath expr>, or the first same-tag element with the same attributes. */
export function locate(root: XmlElement, spec: XmlElement): XmlElement | undefined {
  if (spec.tag === 'xpath') return xpathFirst(root, attr(spec, 'expr') ?? '');
  const wanted = spec.attrs.filter(([k]) => k !== 'position');
  return [root, ...descendants(root)].find((el) => el.tag === spec.tag && wanted.every(([k, v]) => attr(el, k) === v));
}

/** Applies one inheritance spec; returns false when its target cannot be found. */
export function applySpec(root: XmlElement, spec: XmlElement): boolean {
  const target = locate(root, spec);
  if (!target) return false;
  const position = attr(spec, 'position') ?? 'inside';
  const content = spec.children.map((c) => (typeof c === 'string' ? c : { ...c, parent: undefined }));
  const siblings = target.parent?.children;
  const at = siblings ? siblings.indexOf(target) : -1;
  switch (position) {
    case 'inside': target.children.push(...content); break;
    case 'after': siblings?.splice(at + 1, 0, ...content); break;
    case 'before': siblings?.splice(at, 0, ...content); break;
    case 'replace': siblings?.splice(at, 1, ...content); break;
    case 'attributes':
      for (const a of spec.children) {
        if (typeof a === 'string' || a.tag !== 'attribute') continue;
        const name = attr(a, 'name')!;
        const value = a.children.filter((c) => typeof c === 'string').join('');
        target.attrs = target.attrs.filter(([k]) => k !== name);
        if (value) target.attrs.push([name, value]);
      }
      break;
  }
  relink(root);
  return true;
}

function relink(el: XmlElement): void {
  for (const c of elements(el)) { c.parent = el; relink(c); }
}

/** The specs of an extension arch: children of <data>, or the root itself. */
export function specsOf(arch: XmlElement): XmlElement[] {
  return arch.tag === 'data' ? elements(arch) : [arch];
}

/** Opening tag of a spec as Odoo prints it in errors: `<xpath expr="//nope">`. */
export function openingTag(el: XmlElement): string {
  return `<${el.tag}${el.attrs.filter(([k]) => k !== 'position').map(([k, v]) => ` ${k}="${encodeAttr(v)}"`).join('')}>`;
}

/** Field names a view displays (for validation against the model). */
export function fieldNames(el: XmlElement): string[] {
  return [el, ...descendants(el)].filter((e) => e.tag === 'field').map((e) => attr(e, 'name') ?? '').filter(Boolean);
}
