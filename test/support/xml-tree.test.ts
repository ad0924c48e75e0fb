import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elementChildren, findAll, hasClasses, parseXml, textOf } from './xml-tree.ts';

describe('parseXml', () => {
  it('builds the tree of a well-formed document with decoded text and attributes', () => {
    const root = parseXml(
      `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"><!-- c --><g class="mark-rect role-mark x"><path d="M0"/><path d='M1'/></g><text a="&lt;b&gt; &amp; &#65;&#x42;">1 &lt; 2 &gt; 0</text></svg>`,
    );
    assert.equal(root.name, 'svg');
    assert.equal(root.attributes.width, '10');
    const [g] = findAll(root, (el) => el.name === 'g' && hasClasses(el, 'mark-rect', 'role-mark'));
    assert.equal(elementChildren(g).length, 2);
    const [text] = findAll(root, (el) => el.name === 'text');
    assert.equal(text.attributes.a, '<b> & AB');
    assert.equal(textOf(text), '1 < 2 > 0');
  });

  const malformed: [string, string][] = [
    ['a tag closed out of order', '<a><b></a></b>'],
    ['an element never closed', '<a><b></b>'],
    ['a closing tag with nothing open', '<a></a></b>'],
    ['an unquoted attribute', '<a x=1></a>'],
    ['an attribute given twice', '<a x="1" x="2"></a>'],
    ['a raw < in an attribute value', '<a x="<script>"></a>'],
    ['a bare &', '<a>fish & chips</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a raw < in text', '<a>1 < 2</a>'],
    ['text outside the root', '<a></a>tail'],
    ['two roots', '<a></a><b></b>'],
    ['attributes run together', '<a x="1"y="2"></a>'],
    ['no root at all', '   '],
  ];
  for (const [what, xml] of malformed) {
    it(`rejects ${what}`, () => {
      assert.throws(() => parseXml(xml));
    });
  }
});
