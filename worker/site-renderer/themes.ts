/**
 * The precompiled themes: worker/site-renderer/compile-themes.ts writes build/site-themes/ from
 * themes/** (Svelte components compiled for the server, stylesheets as strings).
 */
import type { Component } from 'svelte';
import { siteThemes as compiled } from '../../build/site-themes/index.js';
import type { SiteTheme } from '../../core/domain/enums';
import type { PageView } from './view';

export interface SiteThemeModule {
  Root: Component<{ view: PageView }>;
  css: string;
}

export const siteThemes = compiled as { baseCss: string; themes: Record<SiteTheme, SiteThemeModule> };
