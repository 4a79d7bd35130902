/**
 * Every module of the product, as the sidebar lists them. Modules whose screens are not built
 * yet carry `planned`: the sidebar still links to them and their page (routes/(app)/[...module=planned])
 * is a plain "not available yet" page (no API status text for customers).
 * When a module ships, give it a real route and drop `planned`.
 */
import type { Permission } from '$core/access';
import type { IconName } from '$lib/components/Icon.svelte';

export interface PlannedModule {
  /** One sentence: what the module will do. */
  summary: string;
  /** What users will be able to do, as a short list. */
  capabilities: string[];
  /** The API prefix it will be served from (probed to show whether the back end is live). */
  api: string;
}

export interface NavItem {
  label: string;
  href: string;
  icon: IconName;
  /** Hidden unless /me grants this permission. */
  permission?: Permission;
  /** Current only on exactly this path (a module's overview, whose pages live below it). */
  exact?: boolean;
  planned?: PlannedModule;
}

export interface NavGroup {
  label: string | null;
  items: NavItem[];
}

export const NAVIGATION: NavGroup[] = [
  { label: null, items: [{ label: 'Dashboard', href: '/', icon: 'dashboard' }] },
  {
    label: 'Planner',
    items: [
      { label: 'Overview', href: '/planner', icon: 'dashboard', exact: true },
      { label: 'Keywords', href: '/planner/keywords', icon: 'key' },
      { label: 'Clusters', href: '/planner/clusters', icon: 'clusters' },
      { label: 'Ideas', href: '/planner/ideas', icon: 'idea' },
    ],
  },
  {
    label: 'Writer',
    items: [
      {
        label: 'Tasks',
        href: '/writer/tasks',
        icon: 'tasks',
      },
      {
        label: 'Content',
        href: '/writer/content',
        icon: 'document',
      },
      {
        label: 'Images',
        href: '/writer/images',
        icon: 'image',
      },
      {
        label: 'Review',
        href: '/writer/review',
        icon: 'review',
      },
    ],
  },
  {
    label: 'Grow',
    items: [
      {
        label: 'Linker',
        href: '/linker',
        icon: 'link',
      },
      {
        label: 'Optimizer',
        href: '/optimizer',
        icon: 'gauge',
      },
      {
        label: 'Publisher',
        href: '/publisher',
        icon: 'send',
      },
      {
        label: 'Site Builder',
        href: '/site-builder',
        icon: 'layout',
      },
      {
        label: 'Automation',
        href: '/automation',
        icon: 'zap',
      },
      {
        label: 'Integration',
        href: '/integration',
        icon: 'plug',
      },
      { label: 'Billing', href: '/billing', icon: 'card', permission: 'billing:read' },
    ],
  },
  {
    label: 'Settings',
    items: [
      { label: 'Sites', href: '/settings/sites', icon: 'globe' },
      { label: 'Sectors', href: '/settings/sectors', icon: 'layers' },
      { label: 'Users', href: '/settings/users', icon: 'users', permission: 'users:manage' },
      { label: 'Site access', href: '/settings/site-access', icon: 'shield', permission: 'users:manage' },
      { label: 'AI', href: '/settings/ai', icon: 'sparkles', permission: 'settings:manage' },
      { label: 'Prompts', href: '/settings/prompts', icon: 'message', permission: 'settings:manage' },
      { label: 'Authors', href: '/settings/authors', icon: 'pencil', permission: 'settings:manage' },
      { label: 'Strategies', href: '/settings/strategies', icon: 'filter', permission: 'settings:manage' },
      { label: 'AI calls', href: '/settings/ai-calls', icon: 'activity', permission: 'system:status' },
      { label: 'Status', href: '/settings/status', icon: 'gauge', permission: 'system:status' },
      { label: 'Account', href: '/settings/account', icon: 'building' },
    ],
  },
  {
    label: 'Developer',
    items: [{ label: 'Console', href: '/admin', icon: 'settings', permission: 'system:admin' }],
  },
];

/** Planned modules by path without the leading slash ("planner/keywords"), for the route matcher. */
export const PLANNED_MODULES = new Map(
  NAVIGATION.flatMap((g) => g.items)
    .filter((item): item is NavItem & { planned: PlannedModule } => Boolean(item.planned))
    .map((item) => [item.href.slice(1), item]),
);

/** Whether the nav item is the current page (Dashboard and `exact` items only on their own path). */
export function isCurrent(href: string, pathname: string, exact = false): boolean {
  return href === '/' || exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
}
