import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  copyFragment,
  draftFragment,
  draftToHtml,
  htmlToBlocks,
  htmlToDraft,
  replaceDraftWithHtml,
  wordCount,
} from './index';

const fresh = () => {
  const doc = new Y.Doc();
  return { doc, fragment: draftFragment(doc) };
};

const roundTrip = (html: string) => {
  const { fragment } = fresh();
  htmlToDraft(fragment, html);
  return draftToHtml(fragment);
};

/** A section the way the AI writes it (DESIGN §8 generate_content: sections[].html). */
const SECTION =
  '<p>Raised beds warm up early. <strong>Drainage</strong> is <em>better</em>, ' +
  'and <a href="https://example.com/soil">good soil</a> matters.</p>\n' +
  '<ul><li>Start small</li><li>Compare <strong>two</strong> options</li></ul>\n' +
  '<table><thead><tr><th>Option</th><th>Cost</th></tr></thead>' +
  '<tbody><tr><td>Cedar</td><td>High</td></tr><tr><td>Pine</td><td>Low</td></tr></tbody></table>';

describe('htmlToDraft writes what y-prosemirror writes for Tiptap', () => {
  it('puts each block in the `default` XmlFragment as an element named like the node', () => {
    const { doc, fragment } = fresh();
    htmlToDraft(fragment, `<h2>Why raised beds</h2>${SECTION}`);
    expect(doc.getXmlFragment('default')).toBe(fragment);
    expect(fragment.toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual([
      'heading',
      'paragraph',
      'bulletList',
      'table',
    ]);
    const heading = fragment.get(0) as Y.XmlElement;
    expect(heading.getAttribute('level')).toBe(2); // a number, as ProseMirror's attrs
    const list = fragment.get(2) as Y.XmlElement;
    const item = list.get(0) as Y.XmlElement;
    expect(item.nodeName).toBe('listItem');
    expect((item.get(0) as Y.XmlElement).nodeName).toBe('paragraph'); // listItem: paragraph block*
    const table = fragment.get(3) as Y.XmlElement;
    const headerRow = table.get(0) as Y.XmlElement;
    const th = headerRow.get(0) as Y.XmlElement;
    expect([headerRow.nodeName, th.nodeName, th.getAttribute('colspan'), th.getAttribute('rowspan')]).toEqual([
      'tableRow',
      'tableHeader',
      1,
      1,
    ]);
    expect((th.get(0) as Y.XmlElement).nodeName).toBe('paragraph'); // cells hold blocks
    expect(((table.get(1) as Y.XmlElement).get(0) as Y.XmlElement).nodeName).toBe('tableCell');
  });

  it('keeps text in one XmlText per run, marks as formatting attributes', () => {
    const { fragment } = fresh();
    htmlToDraft(fragment, '<p>a <strong>b <em>c</em></strong> <a href="https://x.test/">d</a> <code>e</code><br>f</p>');
    const p = fragment.get(0) as Y.XmlElement;
    expect(p.toArray().map((n) => (n instanceof Y.XmlText ? 'text' : (n as Y.XmlElement).nodeName))).toEqual([
      'text',
      'hardBreak',
      'text',
    ]);
    expect((p.get(0) as Y.XmlText).toDelta()).toEqual([
      { insert: 'a ' },
      { insert: 'b ', attributes: { bold: {} } },
      { insert: 'c', attributes: { bold: {}, italic: {} } },
      { insert: ' ' },
      { insert: 'd', attributes: { link: { href: 'https://x.test/' } } },
      { insert: ' ' },
      { insert: 'e', attributes: { code: {} } },
    ]);
    expect((p.get(2) as Y.XmlText).toDelta()).toEqual([{ insert: 'f' }]);
  });

  it('reads a new-tab link as the editor (Tiptap via y-prosemirror) writes it, and only _blank', () => {
    const { fragment } = fresh();
    const p = new Y.XmlElement('paragraph');
    fragment.insert(0, [p]);
    const t = new Y.XmlText();
    p.insert(0, [t]);
    t.insert(0, 'tab', { link: { href: 'https://x.test/', target: '_blank', rel: null, class: null } });
    t.insert(3, ' same', { link: { href: 'https://y.test/', target: null, rel: null, class: null } });
    t.insert(8, ' top', { link: { href: 'https://z.test/', target: '_top' } });
    expect(draftToHtml(fragment)).toBe(
      '<p><a href="https://x.test/" rel="noopener noreferrer" target="_blank">tab</a>' +
        '<a href="https://y.test/"> same</a><a href="https://z.test/"> top</a></p>',
    );
  });

  it('appends: a second call adds after the first (the AI writing section by section)', () => {
    const { fragment } = fresh();
    expect(htmlToDraft(fragment, '<h2>One</h2><p>first</p>')).toBe(2);
    expect(htmlToDraft(fragment, '<h2>Two</h2><p>second</p>')).toBe(2);
    expect(draftToHtml(fragment)).toBe('<h2>One</h2><p>first</p><h2>Two</h2><p>second</p>');
  });

  it('syncs to another document unchanged (the layout is plain Yjs)', () => {
    const { doc, fragment } = fresh();
    htmlToDraft(fragment, SECTION);
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    expect(draftToHtml(draftFragment(other))).toBe(draftToHtml(fragment));
  });
});

describe('round trips', () => {
  const canonical = [
    '<h2>Heading</h2><h3>Sub</h3><h4>Subsub</h4>',
    '<p>Plain, <strong>bold</strong>, <em>italic</em>, <strong><em>both</em></strong> and <code>code</code>.</p>',
    '<p><a href="https://example.com/a?b=1&amp;c=2"><strong>bold link</strong> rest of link</a> after</p>',
    '<p><a href="https://example.com/" rel="noopener noreferrer" target="_blank">new tab</a> and ' +
      '<a href="/same">not</a></p>',
    '<p>line one<br>line two</p>',
    '<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>',
    '<ol><li>first</li><li><p>para one</p><p>para two</p></li></ol>',
    '<blockquote><p>quoted</p></blockquote>',
    '<pre><code>const a = 1 &lt; 2;\n  indented();</code></pre>',
    '<hr>',
    '<img src="https://cdn.example.com/a.png" alt="A &quot;quoted&quot; alt">',
    '<img src="/media/accounts/1/sites/2/img.png" alt="">',
    '<table><thead><tr><th>Option</th><th>Cost</th></tr></thead>' +
      '<tbody><tr><td>Cedar</td><td>High</td></tr></tbody></table>',
    '<table><tbody><tr><td>no</td><td>header</td></tr></tbody></table>',
    '<p>Special: AT&amp;T, 1 &lt; 2 &gt; 0, \u00a0nbsp, “quotes”, emoji 🌱</p>',
    '<p></p>',
  ];

  it.each(canonical)('html → draft → html is the identity on the projection format: %s', (html) => {
    expect(roundTrip(html)).toBe(html);
  });

  it('the projection is a fixed point: projecting the projection changes nothing', () => {
    const messy =
      `<h1>Title</h1><div>loose <b>text</b></div><p>a<p>b<ul><li>x<li>y</ul>${SECTION}` +
      '<figure><img src="https://x/y.png" alt="y"><figcaption>Caption</figcaption></figure>';
    const once = roundTrip(messy);
    expect(roundTrip(once)).toBe(once);
  });

  it('normalizes what the editor would normalize', () => {
    expect(roundTrip('<h1>Title</h1>')).toBe('<h2>Title</h2>');
    expect(roundTrip('  loose <b>text</b>  ')).toBe('<p>loose <strong>text</strong></p>');
    expect(roundTrip('<p>  many   spaces\n and\tlines  </p>')).toBe('<p>many spaces and lines</p>');
    expect(roundTrip('<ul><li><p>wrapped</p></li></ul>')).toBe('<ul><li>wrapped</li></ul>');
    expect(roundTrip('<ul><li><ul><li>only nested</li></ul></li></ul>')).toBe(
      '<ul><li><ul><li>only nested</li></ul></li></ul>',
    );
    expect(roundTrip('<blockquote>bare quote</blockquote>')).toBe('<blockquote><p>bare quote</p></blockquote>');
    expect(roundTrip('<p>before<img src="https://x/i.png" alt="i">after</p>')).toBe(
      '<p>before</p><img src="https://x/i.png" alt="i"><p>after</p>',
    );
    expect(roundTrip('<figure><img src="https://x/y.png" alt="y"><figcaption>Caption</figcaption></figure>')).toBe(
      '<img src="https://x/y.png" alt="y"><p>Caption</p>',
    );
    expect(roundTrip('<pre>\nkeeps  spacing\n</pre>')).toBe('<pre><code>keeps  spacing\n</code></pre>');
    expect(roundTrip('<table><tr><td>1<td>2</table>')).toBe(
      '<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>',
    );
    expect(roundTrip('<li>stray item</li><td>stray cell</td>')).toBe('<p>stray item</p><p>stray cell</p>');
    expect(roundTrip('<p>a<br> b <br>c</p>')).toBe('<p>a<br>b<br>c</p>');
  });

  it('sanitizes on the way in', () => {
    const html =
      '<p onclick="x()">ok<script>alert(1)</script> <a href="javascript:alert(1)">bad link</a> ' +
      '<img src="data:image/png;base64,AA" alt="x"></p><style>p{}</style><iframe src="https://evil"></iframe>';
    expect(roundTrip(html)).toBe('<p>ok bad link</p>');
    expect(JSON.stringify(htmlToBlocks(html))).not.toMatch(/script|javascript|data:|onclick/);
  });
});

describe('draftToHtml reads any document the editor can write', () => {
  it('projects unknown nodes by their content, drops unknown marks and unsafe URLs written straight into Yjs', () => {
    const { doc, fragment } = fresh();
    doc.transact(() => {
      const list = new Y.XmlElement('taskList');
      const item = new Y.XmlElement('taskItem');
      const p = new Y.XmlElement('paragraph');
      const t = new Y.XmlText();
      p.insert(0, [t]);
      item.insert(0, [p]);
      list.insert(0, [item]);
      const p2 = new Y.XmlElement('paragraph');
      const t2 = new Y.XmlText();
      p2.insert(0, [t2]);
      const img = new Y.XmlElement('image');
      img.setAttribute('src', 'javascript:alert(1)');
      const h = new Y.XmlElement('heading');
      h.setAttribute('level', '9' as never);
      h.insert(0, [new Y.XmlText('deep heading')]);
      fragment.insert(0, [list, p2, img, h]);
      t.insert(0, 'task text');
      t2.insert(0, 'struck', { strike: {} });
      t2.insert(6, ' evil', { link: { href: 'javascript:alert(1)' } });
      t2.insert(11, ' <script>', { 'comment--abcdEFGH': { id: 1 }, bold: {} });
    });
    expect(draftToHtml(fragment)).toBe(
      '<p>task text</p><p>struck evil<strong> &lt;script&gt;</strong></p><h2>deep heading</h2>',
    );
  });

  it('reads an inline image (Image configured inline) by splitting its paragraph', () => {
    const { doc, fragment } = fresh();
    doc.transact(() => {
      const p = new Y.XmlElement('paragraph');
      const img = new Y.XmlElement('image');
      img.setAttribute('src', 'https://x/a.png');
      img.setAttribute('alt', 'a');
      p.insert(0, [new Y.XmlText('before'), img, new Y.XmlText('after')]);
      fragment.insert(0, [p]);
    });
    expect(draftToHtml(fragment)).toBe('<p>before</p><img src="https://x/a.png" alt="a"><p>after</p>');
  });
});

describe('wordCount', () => {
  it('counts words across blocks, cells and line breaks', () => {
    const { fragment } = fresh();
    htmlToDraft(
      fragment,
      '<h2>Two words</h2><p>three<br>more words</p><ul><li>a</li><li>b c</li></ul>' +
        '<table><tr><td>x</td><td>y</td></tr></table>',
    );
    expect(wordCount(fragment)).toBe(2 + 3 + 3 + 2);
  });

  it('is 0 for an empty draft', () => {
    expect(wordCount(fresh().fragment)).toBe(0);
  });
});

describe('replacing and copying', () => {
  it('replaceDraftWithHtml swaps the content in one change that converges', () => {
    const a = fresh();
    htmlToDraft(a.fragment, '<p>old</p>');
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc));
    // b edits concurrently while a replaces
    draftFragment(b).insert(draftFragment(b).length, [new Y.XmlElement('paragraph')]);
    replaceDraftWithHtml(a.fragment, '<h2>New</h2><p>content</p>');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a.doc));
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b));
    expect(draftToHtml(draftFragment(b))).toBe(draftToHtml(a.fragment));
    expect(draftToHtml(a.fragment)).toContain('<h2>New</h2><p>content</p>');
  });

  it('copyFragment copies every node and attribute, known or not', () => {
    const src = fresh();
    htmlToDraft(src.fragment, SECTION);
    const custom = new Y.XmlElement('callout');
    custom.setAttribute('tone', 'warning');
    src.fragment.insert(0, [custom]);
    const dst = fresh();
    htmlToDraft(dst.fragment, '<p>to be replaced</p>');
    copyFragment(dst.fragment, src.fragment);
    expect(dst.fragment.toString()).toBe(src.fragment.toString());
  });
});
