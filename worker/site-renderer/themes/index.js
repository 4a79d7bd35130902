// The entry of the compiled themes (build/site-themes/index.js): each theme's root component and stylesheet.
import EditorialRoot from './editorial/Root.svelte.js';
import editorialCss from './editorial/site.css.js';
import baseCss from './shared/base.css.js';
import StudioRoot from './studio/Root.svelte.js';
import studioCss from './studio/site.css.js';

export const siteThemes = {
  baseCss,
  themes: {
    editorial: { Root: EditorialRoot, css: editorialCss },
    studio: { Root: StudioRoot, css: studioCss },
  },
};
