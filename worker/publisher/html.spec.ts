import { describe, expect, it } from 'vitest';
import { prepareArticleHtml, type ArticleImage } from './html';
import { sniffImageType } from './publish';
import { safeFilename } from './wordpress-client';

const img = (
  imageId: number,
  afterSection: number | null,
  r2Key = `accounts/1/sites/2/images/${imageId}.png`,
): ArticleImage => ({
  imageId,
  r2Key,
  url: `https://wp.example/uploads/${imageId}.png`,
  alt: `alt ${imageId}`,
  afterSection,
});

describe('prepareArticleHtml', () => {
  it('rewrites images found by /media/<r2 key>, bare key or data-image-id', () => {
    const html =
      '<p><img src="/media/accounts/1/sites/2/images/1.png" alt="one"></p>' +
      '<p><img src="https://app.example/media/accounts/1/sites/2/images/2.png"></p>' +
      '<p><img src="accounts/1/sites/2/images/3.png"></p>' +
      '<p><img src="/whatever.png" data-image-id="4" alt="four"></p>';
    const out = prepareArticleHtml(html, [img(1, 0), img(2, 0), img(3, 0), img(4, 0)]);
    expect(out.rewritten.sort()).toEqual([1, 2, 3, 4]);
    expect(out.inserted).toEqual([]);
    expect(out.html).toBe(
      '<p><img src="https://wp.example/uploads/1.png" alt="one"></p>' +
        '<p><img src="https://wp.example/uploads/2.png"></p>' +
        '<p><img src="https://wp.example/uploads/3.png"></p>' +
        '<p><img src="https://wp.example/uploads/4.png" alt="four"></p>',
    );
  });

  it('inserts images the HTML does not show at the end of their section', () => {
    const html = '<p>intro</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p><h2>C</h2><p>c</p>';
    const out = prepareArticleHtml(html, [img(1, 0), img(2, 1), img(3, 7), img(4, null)]);
    expect(out.inserted).toEqual([1, 2, 3, 4]);
    const fig = (n: number) => `<figure><img src="https://wp.example/uploads/${n}.png" alt="alt ${n}"></figure>`;
    expect(out.html).toBe(
      `<p>intro</p><h2>A</h2><p>a</p>${fig(1)}<h2>B</h2><p>b</p>${fig(2)}<h2>C</h2><p>c</p>${fig(3)}${fig(4)}`,
    );
  });

  it('keeps external images, drops internal ones that match nothing, and sanitizes', () => {
    const html =
      '<p><img src="https://cdn.example/x.png"><img src="/media/other/account.png">' +
      '<img src="x" onerror="alert(1)"></p><script>1</script>';
    const out = prepareArticleHtml(html, []);
    expect(out.html).toBe('<p><img src="https://cdn.example/x.png"></p>');
    expect(out.dropped).toEqual(['/media/other/account.png', 'x']);
  });

  it(
    'recognises an image placed in the draft by its folder, whatever file of it the node shows, ' +
      'and adds no second copy',
    () => {
      const folder = (id: number) => `accounts/1/sites/2/images/${id}/`;
      const placed = (id: number, after: number) => img(id, after, `${folder(id)}job-new.png`);
      const html =
        `<h2>A</h2><p>a</p><img src="/media/${folder(1)}job-old.png" alt="edited">` +
        `<h2>B</h2><p>b</p><img src="/media/${folder(2)}job-new.png" alt="two">`;
      const out = prepareArticleHtml(html, [placed(1, 0), placed(2, 1), placed(3, 0)]);
      expect(out.rewritten.sort()).toEqual([1, 2]);
      expect(out.inserted).toEqual([3]);
      expect(out.html).toBe(
        '<h2>A</h2><p>a</p><img src="https://wp.example/uploads/1.png" alt="edited">' +
          '<figure><img src="https://wp.example/uploads/3.png" alt="alt 3"></figure>' +
          '<h2>B</h2><p>b</p><img src="https://wp.example/uploads/2.png" alt="two">',
      );
      // Another image's folder (another content, account or site) is not this content's image.
      const foreign = prepareArticleHtml(
        '<p><img src="/media/accounts/1/sites/2/images/99/job.png">' +
          '<img src="/media/accounts/9/sites/2/images/1/job.png"></p>',
        [placed(1, 0)],
      );
      expect(foreign.rewritten).toEqual([]);
      expect(foreign.dropped).toEqual([
        '/media/accounts/1/sites/2/images/99/job.png',
        '/media/accounts/9/sites/2/images/1/job.png',
      ]);
    },
  );

  it('rewrites the featured image where the body shows it, and never inserts it', () => {
    const featured = { ...img(5, null), featured: true };
    expect(prepareArticleHtml('<p>x</p>', [featured])).toEqual({
      html: '<p>x</p>',
      rewritten: [],
      inserted: [],
      dropped: [],
    });
    const shown = prepareArticleHtml(`<p>x</p><img src="/media/${featured.r2Key}" alt="f">`, [featured]);
    expect(shown.html).toBe('<p>x</p><img src="https://wp.example/uploads/5.png" alt="f">');
    expect(shown.rewritten).toEqual([5]);
  });

  it('escapes alt text of inserted images', () => {
    const out = prepareArticleHtml('<p>x</p>', [{ ...img(1, null), alt: '"><script>alert(1)</script>' }]);
    expect(out.html).toBe(
      '<p>x</p><figure><img src="https://wp.example/uploads/1.png" ' +
        'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"></figure>',
    );
  });
});

describe('sniffImageType', () => {
  it('knows PNG, JPEG, GIF and WebP by their bytes, nothing else', () => {
    expect(sniffImageType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffImageType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffImageType(new TextEncoder().encode('GIF89a...'))).toBe('image/gif');
    expect(sniffImageType(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffImageType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageType(new TextEncoder().encode('<html><script>'))).toBeNull();
  });
});

describe('safeFilename', () => {
  it('keeps filenames WordPress accepts in Content-Disposition', () => {
    expect(safeFilename('grow-tomatoes-12.png', 'png')).toBe('grow-tomatoes-12.png');
    expect(safeFilename('a"b;c\r\n.png', 'png')).toBe('a-b-c-.png');
    expect(safeFilename('../../etc/passwd', 'png')).toBe('passwd.png');
    expect(safeFilename('', 'jpg')).toBe('image.jpg');
  });
});
