/**
 * The site's one stylesheet (assets/site.css): the shared base, the theme's CSS and the accent colour
 * from the blueprint's config. The accent is adjusted for contrast (WCAG AA 4.5:1): text in the accent
 * colour is darkened on a light background until it passes, and text on an accent fill is white or
 * near-black, whichever reads better.
 */
import type { SiteTheme } from '../../core/domain/enums';
import { siteThemes } from './themes';

type Rgb = [number, number, number];

function parseHex(hex: string): Rgb {
  const match = /^#([0-9a-f]{6})$/i.exec(hex);
  const value = match ? Number.parseInt(match[1] ?? '1f6f43', 16) : 0x1f6f43;
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

const toHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

function luminance([r, g, b]: Rgb): number {
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 17, 17];

/** The accent's CSS variables: the colour as chosen, a readable text variant, and the ink on a fill. */
export function accentVariables(accent: string): string {
  const base = parseHex(accent);
  let text = base;
  for (let step = 0; step < 20 && contrast(text, WHITE) < 4.5; step++) {
    text = text.map((c) => c * 0.85) as Rgb;
  }
  const fill = contrast(base, WHITE) >= 4.5 ? base : text;
  const onFill = contrast(fill, WHITE) >= contrast(fill, INK) ? WHITE : INK;
  return `:root{--accent:${toHex(fill)};--accent-text:${toHex(text)};--on-accent:${toHex(onFill)}}`;
}

export function siteStylesheet(theme: SiteTheme, accent: string): string {
  const themeCss = siteThemes.themes[theme]?.css ?? siteThemes.themes.editorial.css;
  return `${accentVariables(accent)}\n${siteThemes.baseCss}\n${themeCss}`;
}
