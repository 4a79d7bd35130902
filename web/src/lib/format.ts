/** Display helpers shared by the templates and pages. */

const dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const numberFormat = new Intl.NumberFormat();
const clockFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const usdFormat = new Intl.NumberFormat(undefined, {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

export function formatDate(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '—' : dateFormat.format(d);
}

export function formatDateTime(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '—' : dateTimeFormat.format(d);
}

/** A time today as "14:03"; another day with its date. */
export function formatClock(value: string | number | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toDateString() === new Date().toDateString() ? clockFormat.format(d) : dateTimeFormat.format(d);
}

/** AI cost in US dollars: fractions of a cent matter here, so up to 4 decimals ("$0.0012"). */
export function formatUsd(amount: number | null | undefined): string {
  return amount === null || amount === undefined ? '—' : usdFormat.format(amount);
}

export function formatNumber(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : numberFormat.format(n);
}

/** "in_article" → "In article", "site-builder" → "Site builder". */
export function humanize(value: string): string {
  const s = value.replace(/[_-]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

export function formatPrice(cents: number): string {
  if (cents === 0) return 'Free';
  return new Intl.NumberFormat(undefined, { style: 'currency', currency: 'USD' }).format(cents / 100) + '/mo';
}

/** Platform names as their owners write them. */
export function hostingLabel(hosting: string): string {
  return (
    (
      { wordpress: 'WordPress', igny8_sites: 'IGNY8 Sites', shopify: 'Shopify', multi: 'Multiple platforms' } as Record<
        string,
        string
      >
    )[hosting] ?? humanize(hosting)
  );
}
