import { sanitizeHtml } from '../../core/html/sanitize';
import { folderOfImageKey } from '../../core/media/image-keys';

/**
 * The article HTML as it goes to WordPress: sanitized (core/html/sanitize.ts), with every image of
 * the content pointing at its WordPress media URL. An image is recognised in the HTML by
 * `data-image-id="<images.id>"`, by a src whose path is `/media/<r2_key>` (how the app serves R2
 * objects) or the bare R2 key, or by a src in the image's own folder of R2
 * (`…/media/accounts/<a>/sites/<s>/images/<id>/<any file>`): the draft room places generated images
 * with their file's key, and a node may still show an earlier file of the same image (one job's
 * file, while the row holds another's); it is the same image, published with its saved file.
 *
 * In-article images the HTML does not show are inserted after their section: `after_section` k
 * (0-based) puts the image at the end of the k-th H2 section, i.e. before the (k+1)-th `<h2>`;
 * none, or past the last section, puts it at the end. This stays although generated images are now
 * placed into the draft, where editors see them: content written before that, and an image whose
 * placement failed (best effort), would otherwise lose its pictures; an image nobody wants is
 * deleted (which takes it out of the draft too). The featured image is never inserted (WordPress
 * shows it as the post's featured image) but is rewritten where an editor put it in the body.
 */
export interface ArticleImage {
  imageId: number;
  r2Key: string;
  url: string;
  alt: string;
  afterSection: number | null;
  /** The post's featured image: rewritten if the HTML shows it, never inserted. */
  featured?: boolean;
}

export interface PreparedHtml {
  html: string;
  /** Image ids found in the HTML and rewritten. */
  rewritten: number[];
  /** In-article image ids the HTML did not show, inserted after their section. */
  inserted: number[];
  /** Internal image srcs that match no image of this content (dropped: they would break in WordPress). */
  dropped: string[];
}

const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function pathOf(src: string): string {
  let path = src;
  try {
    path = new URL(src, 'https://relative.invalid').pathname;
  } catch {
    /* keep as written */
  }
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** Whether a src path is a file in the image's folder (any generation of the same image). */
function inImageFolder(path: string, r2Key: string): boolean {
  const folder = folderOfImageKey(r2Key);
  return folder !== null && folderOfImageKey(path) === folder;
}

export function prepareArticleHtml(rawHtml: string, images: ArticleImage[]): PreparedHtml {
  const rewritten = new Set<number>();
  const dropped: string[] = [];
  const byId = new Map(images.map((img) => [img.imageId, img]));
  const find = (src: string, attrs: Readonly<Record<string, string>>): ArticleImage | undefined => {
    const byAttr = Number(attrs['data-image-id']);
    if (byId.has(byAttr)) return byId.get(byAttr);
    const path = pathOf(src).replace(/^\/+/, '');
    const sameFile = (img: ArticleImage) => {
      const key = img.r2Key.replace(/^\/+/, '');
      return path === key || path.endsWith(`media/${key}`);
    };
    return images.find(sameFile) ?? images.find((img) => inImageFolder(path, img.r2Key));
  };
  const sanitized = sanitizeHtml(rawHtml, {
    imgSrc: (src, attrs) => {
      const image = find(src, attrs);
      if (image) {
        rewritten.add(image.imageId);
        return image.url;
      }
      if (/^https?:\/\//i.test(src)) return src; // an external image: WordPress can show it as it is
      dropped.push(src);
      return null;
    },
  });

  const missing = images.filter((img) => !img.featured && !rewritten.has(img.imageId));
  let html = sanitized;
  if (missing.length) {
    const h2At: number[] = [];
    for (let at = html.indexOf('<h2>'); at >= 0; at = html.indexOf('<h2>', at + 4)) h2At.push(at);
    const inserts = new Map<number, string[]>();
    for (const img of missing) {
      const boundary =
        img.afterSection !== null && img.afterSection >= 0 && img.afterSection + 1 < h2At.length
          ? h2At[img.afterSection + 1]!
          : html.length;
      const figure = `<figure><img src="${escapeAttr(img.url)}" alt="${escapeAttr(img.alt)}"></figure>`;
      inserts.set(boundary, [...(inserts.get(boundary) ?? []), figure]);
    }
    for (const at of [...inserts.keys()].sort((a, b) => b - a)) {
      html = html.slice(0, at) + inserts.get(at)!.join('') + html.slice(at);
    }
    // One more pass: what goes out is exactly what the allow-list permits.
    html = sanitizeHtml(html);
  }
  return { html, rewritten: [...rewritten], inserted: missing.map((m) => m.imageId), dropped };
}
