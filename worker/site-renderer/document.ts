/** One HTML page: the theme's Svelte component rendered on the server, in a complete document. */
import { render } from 'svelte/server';
import { escapeAttribute } from '../../core/html/entities';
import type { SiteModel } from '../../core/site/model';
import { siteThemes } from './themes';
import type { PageView } from './view';

/**
 * Svelte's hydration markers (<!--[-->, <!--]-->, <!---->, <!--[!-->): the sites ship no client JS, so
 * nothing hydrates. Safe to strip: every string from a user is escaped (no literal "<!--") or
 * sanitized (comments dropped), and JSON-LD has `<` escaped.
 */
const HYDRATION_MARKERS = /<!--(?:\[[!0-9-]*|\]|[a-z0-9]*)-->/g;

export function renderDocument(model: SiteModel, view: PageView): string {
  const theme = siteThemes.themes[model.blueprint.theme] ?? siteThemes.themes.editorial;
  const { head, body } = render(theme.Root, { props: { view } });
  return [
    '<!doctype html>',
    `<html lang="${escapeAttribute(view.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    head.replace(HYDRATION_MARKERS, '').trim(),
    '</head>',
    `<body class="theme-${escapeAttribute(model.blueprint.theme)}">`,
    body.replace(HYDRATION_MARKERS, '').trim(),
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
