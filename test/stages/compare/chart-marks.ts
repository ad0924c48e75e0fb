/**
 * Reading the marks back out of a Vega SVG: Vega writes each mark set as a `<g>` whose classes
 * are `mark-<type> role-mark <name>_marks`, with one child element per drawn item (a `<path>` per
 * rect or symbol, a `<text>` per label). Counting those children checks that a chart drew one
 * item per datum, with no browser.
 */
import { elementChildren, findAll, hasClasses, parseXml, textOf, type XmlElement } from '../../support/xml-tree.ts';

/** The drawn items of every `type` mark set of an SVG whose name contains `name` (any name when omitted). */
export function markItems(svg: string | XmlElement, type: string, name?: string): XmlElement[] {
  const root = typeof svg === 'string' ? parseXml(svg) : svg;
  const groups = findAll(root, (el) => el.name === 'g' && hasClasses(el, `mark-${type}`, 'role-mark') && (name === undefined || (el.attributes.class ?? '').includes(name)));
  return groups.flatMap(elementChildren);
}

/** The texts of every `text` element of an SVG whose group has the class `role` (e.g. `role-axis-label`, `role-legend-label`). */
export function guideTexts(svg: string | XmlElement, role: string): string[] {
  const root = typeof svg === 'string' ? parseXml(svg) : svg;
  return findAll(root, (el) => el.name === 'g' && hasClasses(el, role)).flatMap((g) => findAll(g, (el) => el.name === 'text').map(textOf));
}
