/**
 * What a theme component receives: every string already chosen, every link already relative to the
 * page (so a site works under /s/<slug>/, a custom hostname and the preview prefix alike), article
 * HTML already sanitized and JSON-LD already serialised safely. Themes only lay it out.
 */
export interface LinkView {
  href: string;
  label: string;
}

export interface ImageView {
  src: string;
  width: number | null;
  height: number | null;
  alt: string;
}

export interface CardView {
  title: string;
  href: string;
  excerpt: string;
  /** ISO date (the <time datetime>) and its label. */
  date: string;
  dateLabel: string;
  readingMinutes: number;
  image: ImageView | null;
}

export type BlockView =
  | { type: 'hero'; heading: string; subheading: string; cta: LinkView | null; image: ImageView | null }
  | { type: 'rich_text'; heading: string; html: string }
  | { type: 'post_list'; heading: string; cards: CardView[]; more: LinkView | null }
  | { type: 'faq'; heading: string; items: { question: string; answer: string }[] }
  | { type: 'cta'; heading: string; text: string; button: LinkView }
  | { type: 'contact'; heading: string; email: string; phone: string; address: string };

export type BodyView =
  | { kind: 'blocks'; title: string; isHome: boolean; blocks: BlockView[] }
  | {
      kind: 'list';
      title: string;
      description: string;
      cards: CardView[];
      /** Archive navigation: older posts and, off page 1, the latest ones. */
      older: LinkView | null;
      latest: LinkView | null;
      emptyText: string;
    }
  | {
      kind: 'article';
      title: string;
      html: string;
      image: ImageView | null;
      published: string;
      publishedLabel: string;
      updated: string | null;
      updatedLabel: string;
      readingMinutes: number;
      hub: LinkView | null;
      categories: LinkView[];
      tags: LinkView[];
    }
  | { kind: 'notFound'; title: string; home: LinkView; blog: LinkView };

export interface PageView {
  lang: string;
  siteName: string;
  tagline: string;
  footerText: string;
  homeHref: string;
  stylesheet: string;
  feedHref: string;
  logo: ImageView | null;
  nav: (LinkView & { current: boolean })[];
  /** Empty on the home page; the last one is the current page. */
  breadcrumbs: LinkView[];
  head: {
    title: string;
    description: string;
    canonical: string;
    ogType: 'website' | 'article';
    ogImage: string | null;
    /** <script type="application/ld+json"> elements, `<` escaped inside (built by json-ld.ts). */
    jsonLdHtml: string;
    noindex: boolean;
  };
  body: BodyView;
}
