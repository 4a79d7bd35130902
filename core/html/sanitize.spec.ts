import { describe, expect, it } from 'vitest';
import { deriveExcerpt, htmlToText, safeUrl, sanitizeHtml } from './sanitize';

describe('sanitizeHtml', () => {
  it('keeps the allowed article markup as it is', () => {
    const html =
      '<h2>Intro</h2><p>Some <strong>bold</strong>, <em>em</em>, <b>b</b>, <i>i</i> and <code>x</code>.</p>' +
      '<ul><li>one</li><li>two</li></ul><ol><li>first</li></ol><blockquote>quote</blockquote>' +
      '<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>' +
      '<figure><img src="https://cdn.example.com/a.png" alt="A"><figcaption>cap</figcaption></figure>' +
      '<h3>Sub</h3><h4>Subsub</h4><p>line<br>break</p><hr><pre>a &lt; b</pre>' +
      '<p><a href="https://example.com/x?a=1&amp;b=2" rel="nofollow noopener">link</a></p>';
    expect(sanitizeHtml(html)).toBe(html);
  });

  it('removes script, style and other active content with everything inside', () => {
    expect(sanitizeHtml('<p>a</p><script>alert(1)</script><style>p{}</style><p>b</p>')).toBe('<p>a</p><p>b</p>');
    expect(sanitizeHtml('<p>x<SCRIPT type="text/javascript">document.write("<p>no</p>")</SCRIPT>y</p>')).toBe(
      '<p>xy</p>',
    );
    expect(sanitizeHtml('<iframe src="https://evil"></iframe><object data="x"><p>in</p></object>ok')).toBe('ok');
    expect(sanitizeHtml('<svg><svg><script>1</script></svg><p>still svg</p></svg><p>after</p>')).toBe('<p>after</p>');
    expect(sanitizeHtml('<template><p>t</p></template><noscript><p>n</p></noscript>x')).toBe('x');
    expect(sanitizeHtml('<p>unclosed<script>alert(1)')).toBe('<p>unclosed</p>');
  });

  it('drops event handlers, style, class, ids and data attributes', () => {
    expect(sanitizeHtml('<p onclick="x()" style="color:red" class="c" id="i" data-x="1">t</p>')).toBe('<p>t</p>');
    expect(sanitizeHtml('<img src="https://x/y.png" onerror="alert(1)" alt="a" width="9">')).toBe(
      '<img src="https://x/y.png" alt="a">',
    );
    expect(sanitizeHtml('<a href="https://x" onmouseover=alert(1) target=_top>t</a>')).toBe(
      '<a href="https://x">t</a>',
    );
  });

  it('keeps a new-tab link as one, always with noopener noreferrer', () => {
    expect(sanitizeHtml('<a href="https://x" target="_BLANK">t</a>')).toBe(
      '<a href="https://x" rel="noopener noreferrer" target="_blank">t</a>',
    );
    expect(sanitizeHtml('<a href="https://x" rel="nofollow" target=_blank>t</a>')).toBe(
      '<a href="https://x" rel="nofollow noopener noreferrer" target="_blank">t</a>',
    );
  });

  it('refuses javascript:, data: and other schemes, however they are disguised', () => {
    const bad = [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java&#x09;script:alert(1)',
      'javascript&colon;alert(1)',
      '&#106;avascript:alert(1)',
      'jav&#x0A;ascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html;base64,PHNjcmlwdD4=',
      'file:///etc/passwd',
    ];
    for (const href of bad) {
      expect(sanitizeHtml(`<a href="${href}">t</a>`), href).toBe('t');
      expect(sanitizeHtml(`<img src="${href}">`), href).toBe('');
    }
    expect(sanitizeHtml('<a href="mailto:a@b.c">m</a>')).toBe('<a href="mailto:a@b.c">m</a>');
    expect(sanitizeHtml('<img src="mailto:a@b.c">')).toBe('');
    expect(sanitizeHtml('<a href="/relative/path#x">r</a>')).toBe('<a href="/relative/path#x">r</a>');
  });

  it('re-serializes attributes so quotes cannot break out', () => {
    expect(sanitizeHtml(`<img src='https://x/a.png' alt='a" onerror="alert(1)'>`)).toBe(
      '<img src="https://x/a.png" alt="a&quot; onerror=&quot;alert(1)">',
    );
    expect(sanitizeHtml('<a href=https://x/?q=<b>>t</a>')).toBe('<a href="https://x/?q=&lt;b">&gt;t</a>');
    expect(sanitizeHtml('<p title="x>y">z</p>')).toBe('<p>z</p>');
  });

  it('escapes stray angle brackets and ampersands in text but keeps entities', () => {
    expect(sanitizeHtml('<p>1 < 2 & 3 > 2 &amp; &nbsp; &#169; &copy</p>')).toBe(
      '<p>1 &lt; 2 &amp; 3 &gt; 2 &amp; &nbsp; &#169; &amp;copy</p>',
    );
    expect(sanitizeHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('drops comments, doctypes and CDATA', () => {
    expect(sanitizeHtml('<!DOCTYPE html><!-- <script>x</script> --><p>a</p><![CDATA[<b>x</b>]]>')).toBe(
      '<p>a</p>x]]&gt;',
    );
    expect(sanitizeHtml('<p>a<!-- unterminated <script>')).toBe('<p>a</p>');
  });

  it('unwraps unknown elements, keeping their text, and maps headings into h2–h4', () => {
    expect(sanitizeHtml('<div><span>a</span></div><div>b</div>')).toBe('\na\n\nb\n');
    expect(sanitizeHtml('<h1>Title</h1><h5>x</h5><h6>y</h6>')).toBe('<h2>Title</h2><h4>x</h4><h4>y</h4>');
    expect(sanitizeHtml('<p>a <u>b</u> <font color=red>c</font></p>')).toBe('<p>a b c</p>');
  });

  it('always returns balanced markup', () => {
    expect(sanitizeHtml('<p><strong>open')).toBe('<p><strong>open</strong></p>');
    expect(sanitizeHtml('<ul><li>a<li>b</ul>')).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(sanitizeHtml('<p>a<p>b')).toBe('<p>a</p><p>b</p>');
    expect(sanitizeHtml('<p>a<h2>b</h2>')).toBe('<p>a</p><h2>b</h2>');
    expect(sanitizeHtml('</strong>x</em><em>y')).toBe('x<em>y</em>');
    expect(sanitizeHtml('<a href="https://a">1<a href="https://b">2</a>')).toBe(
      '<a href="https://a">1</a><a href="https://b">2</a>',
    );
    expect(sanitizeHtml('<table><tr><td>1<td>2<tr><td>3</table>')).toBe(
      '<table><tr><td>1</td><td>2</td></tr><tr><td>3</td></tr></table>',
    );
  });

  it('drops an unterminated tag at the end, as a browser does', () => {
    expect(sanitizeHtml('<p>ok</p><img src="https://x" onerror="')).toBe('<p>ok</p>');
  });

  it('lets the caller rewrite or drop image sources', () => {
    const html = '<p><img src="/media/a.png" alt="a" data-image-id="7"><img src="/media/unknown.png"></p>';
    const out = sanitizeHtml(html, {
      imgSrc: (src, attrs) => (attrs['data-image-id'] === '7' ? 'https://wp.example/uploads/a.png' : null),
    });
    expect(out).toBe('<p><img src="https://wp.example/uploads/a.png" alt="a"></p>');
    // A rewritten src is checked like any other.
    expect(sanitizeHtml('<img src="/x">', { imgSrc: () => 'javascript:alert(1)' })).toBe('');
  });
});

describe('safeUrl', () => {
  it('accepts http(s), relative and (for links) mailto', () => {
    expect(safeUrl('https://a.b/c', 'src')).toBe('https://a.b/c');
    expect(safeUrl('//cdn.b/c', 'src')).toBe('//cdn.b/c');
    expect(safeUrl('mailto:x@y', 'href')).toBe('mailto:x@y');
    expect(safeUrl('mailto:x@y', 'src')).toBeNull();
    expect(safeUrl('/\\evil.com', 'href')).toBeNull();
  });
});

describe('htmlToText and deriveExcerpt', () => {
  it('turns HTML into plain text', () => {
    expect(htmlToText('<h2>A</h2><p>b &amp; c<br>d</p><script>x</script>')).toBe('A b & c d');
  });

  it('uses the first real paragraph, cut at a word boundary', () => {
    const html = `<h2>Heading</h2><p>Short.</p><p>${'word '.repeat(100)}</p>`;
    const excerpt = deriveExcerpt(html, 100);
    expect(excerpt.length).toBeLessThanOrEqual(100);
    expect(excerpt.endsWith('word…')).toBe(true);
    expect(deriveExcerpt('<p>Growing tomatoes in pots is <strong>easy</strong>.</p>')).toBe(
      'Growing tomatoes in pots is easy.',
    );
  });
});
