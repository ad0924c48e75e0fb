/**
 * A small, strict XML reader for checking generated SVG without a dependency: it builds the
 * element tree and throws on anything that is not well-formed — a tag closed out of order or
 * never closed, an attribute without quotes or given twice, a raw `<` inside a value, an `&` that
 * is not a character or predefined entity reference, text or a second element outside the root.
 * It does not read DTDs, CDATA sections or namespaces (Vega's SVG has none); the browser test
 * parses the same files with the browser's own DOMParser.
 */

/** An element: its name, its attributes and its children (elements and text, in order). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlNode[];
}

/** A child node: an element, or decoded text. */
export type XmlNode = XmlElement | string;

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITY = /&(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  for (let i = raw.indexOf('&'); i >= 0; i = raw.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(raw)) throw new Error(`bare "&" near offset ${where + i}`);
  }
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (_all, ref: string) =>
    ref.startsWith('#x') ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : PREDEFINED[ref],
  );
}

/** Parse a whole XML document; returns its root element or throws saying what is wrong and where. */
export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}`);
  };
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? text.length : lt;
    if (end > i) {
      const raw = text.slice(i, end);
      if (raw.includes(']]>')) fail('"]]>" in text');
      const content = decode(raw, i);
      if (stack.length > 0) stack[stack.length - 1].children.push(content);
      else if (content.trim() !== '') fail('text outside the root element');
    }
    if (lt < 0) break;
    i = lt;
    if (text.startsWith('<!--', i)) {
      const close = text.indexOf('-->', i + 4);
      if (close < 0) fail('unterminated comment');
      i = close + 3;
    } else if (text.startsWith('<?', i)) {
      if (root || stack.length > 0) fail('processing instruction after the root started');
      const close = text.indexOf('?>', i + 2);
      if (close < 0) fail('unterminated processing instruction');
      i = close + 2;
    } else if (text.startsWith('</', i)) {
      const name = NAME.exec(text.slice(i + 2))?.[0] ?? fail('bad closing tag');
      const open = stack.pop() ?? fail(`closing </${name}> with nothing open`);
      if (open.name !== name) fail(`</${name}> closes <${open.name}>`);
      i += 2 + name.length;
      while (/\s/.test(text[i] ?? '')) i++;
      if (text[i] !== '>') fail(`bad closing tag </${name}`);
      i++;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0] ?? fail('bad tag name');
      if (!stack.length && root) fail('a second root element');
      const element: XmlElement = { name, attributes: {}, children: [] };
      i += 1 + name.length;
      for (;;) {
        const space = /^\s*/.exec(text.slice(i))![0].length;
        i += space;
        if (text.startsWith('/>', i) || text[i] === '>') break;
        if (space === 0) fail(`attributes of <${name}> not separated by space`);
        const attr = NAME.exec(text.slice(i))?.[0] ?? fail(`bad attribute in <${name}>`);
        i += attr.length;
        if (text[i] !== '=') fail(`attribute ${attr} of <${name}> has no value`);
        const quote = text[i + 1];
        if (quote !== '"' && quote !== "'") fail(`attribute ${attr} of <${name}> is not quoted`);
        const close = text.indexOf(quote, i + 2);
        if (close < 0) fail(`unterminated value of ${attr}`);
        const raw = text.slice(i + 2, close);
        if (raw.includes('<')) fail(`"<" in the value of ${attr}`);
        if (attr in element.attributes) fail(`attribute ${attr} given twice in <${name}>`);
        element.attributes[attr] = decode(raw, i + 2);
        i = close + 1;
      }
      if (stack.length > 0) stack[stack.length - 1].children.push(element);
      else root = element;
      if (text.startsWith('/>', i)) i += 2;
      else {
        stack.push(element);
        i += 1;
      }
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].name}> never closed`);
  return root ?? fail('no root element');
}

/** Every element of a tree (the root first, depth-first) that satisfies `test`. */
export function findAll(root: XmlElement, test: (el: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (el: XmlElement) => {
    if (test(el)) out.push(el);
    for (const child of el.children) if (typeof child !== 'string') visit(child);
  };
  visit(root);
  return out;
}

/** True when the element's `class` attribute holds every given class. */
export function hasClasses(el: XmlElement, ...classes: string[]): boolean {
  const own = new Set((el.attributes.class ?? '').split(/\s+/));
  return classes.every((c) => own.has(c));
}

/** The element children of an element. */
export function elementChildren(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** The text of an element and its descendants, concatenated. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
