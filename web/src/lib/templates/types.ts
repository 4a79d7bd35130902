/**
 * The config objects the four templates take. Pages build these (page-local config) from shared
 * pieces in $lib/config/snippets, as the seed's "Configuration System" describes: one table,
 * form or dashboard implementation, many pages.
 */
import type { Snippet } from 'svelte';
import type { z } from 'zod';
import type { ListSource, Query } from '$lib/api/client';
import type { BadgeTone } from '$lib/components/Badge.svelte';
import type { IconName } from '$lib/components/Icon.svelte';

// ------------------------------------------------------------------ forms

export interface Option {
  value: string | number;
  label: string;
  disabled?: boolean;
  /** Small text beside the option (checkbox lists). */
  hint?: string;
}

export type FieldType = 'text' | 'email' | 'password' | 'url' | 'number' | 'textarea' | 'select' | 'checkboxes';
export type FormValues = Record<string, unknown>;

export interface FieldConfig {
  name: string;
  label: string;
  type: FieldType;
  placeholder?: string;
  hint?: string;
  autocomplete?: AutoFill;
  required?: boolean;
  rows?: number;
  /** Bounds and step of a number field. */
  min?: number;
  max?: number;
  step?: number;
  options?: Option[];
  /** Optional select: a first choice meaning "none" (sent as null or left out). */
  emptyOption?: string;
  disabled?: (values: FormValues) => boolean;
  hidden?: (values: FormValues) => boolean;
  /** What an empty text becomes before validation: left out (default for optional fields) or null. */
  empty?: 'omit' | 'null' | 'keep';
}

export interface FormConfig<S extends z.ZodType = z.ZodType> {
  fields: FieldConfig[];
  /** The shared core/validation schema the API runs too: checked before sending. */
  schema?: S;
  initial?: FormValues;
  /** Values sent with every submit that have no field (e.g. the current site_id). */
  fixed?: FormValues;
  submitLabel: string;
  /** Sends the parsed values; may return a message to show when it worked. */
  submit: (data: z.output<S>) => Promise<string | void>;
  /** Show the values without a way to change them (the role can't). */
  readonly?: boolean;
  readonlyNote?: string;
  /** Clear the fields after a successful submit (e.g. "change password"). */
  resetOnSuccess?: boolean;
}

export interface FormSection {
  id: string;
  title: string;
  description?: string;
  form?: FormConfig<any>;
  /** Anything else in the section (read-only facts, a custom control). */
  content?: Snippet;
  /** A new value re-creates the section's form with its current `initial` (e.g. after a reset). */
  version?: unknown;
}

export interface FormPageConfig {
  title: string;
  description?: string;
  sections: FormSection[];
}

// ------------------------------------------------------------------ tables

/** How a cell shows a value; pages that need more pass a Svelte snippet instead. */
export type Cell =
  | { kind: 'text'; text: string; sub?: string | null; strong?: boolean; mono?: boolean }
  | { kind: 'badge'; text: string; tone: BadgeTone }
  | { kind: 'badges'; items: { text: string; tone: BadgeTone }[]; empty: string }
  | { kind: 'date'; value: string | null; relative?: boolean }
  /** Text that goes somewhere (a cluster's keywords, an article): plain text when `href` is null. */
  | { kind: 'link'; text: string; href: string | null; sub?: string | null; strong?: boolean };

export interface Column<Row> {
  key: string;
  label: string;
  /** The API's `ordering` field for this column: set it and the header becomes a sort button. */
  sortKey?: string;
  cell?: (row: Row) => Cell;
  snippet?: Snippet<[Row]>;
  align?: 'left' | 'right';
  /** The card title on phones. */
  primary?: boolean;
  class?: string;
}

/** A closed set of values: one select, sent as `key=value`. */
export interface SelectFilter {
  kind?: 'select';
  key: string;
  label: string;
  options: Option[];
  allLabel: string;
}

/** A numeric range: two number inputs, sent as `minKey=` and `maxKey=` (either may be empty). */
export interface RangeFilter {
  kind: 'range';
  key: string;
  label: string;
  minKey: string;
  maxKey: string;
  min?: number;
  max?: number;
}

export type Filter = SelectFilter | RangeFilter;

export interface ConfirmSpec {
  title: string;
  body: string;
  confirmLabel: string;
  danger?: boolean;
}

export interface RowAction<Row> {
  id: string;
  label: string | ((row: Row) => string);
  icon?: IconName;
  danger?: boolean;
  visible?: (row: Row) => boolean;
  confirm?: (row: Row) => ConfirmSpec;
  /** Returns a message to show; the table reloads afterwards unless `reload` is false. */
  run: (row: Row) => Promise<string | void> | string | void;
  reload?: boolean;
}

/**
 * What a bulk action acts on: the rows checked on this page, or every row the list's filter matches
 * ("Select all N matching"). `selection` is the request body's part (core/validation/selection.ts).
 */
export interface BulkTarget {
  /** How many rows: the checked ones, or the list's whole count. */
  count: number;
  /** true: every matching row, on every page. */
  all: boolean;
  selection: { ids: number[] } | { filter: Query; expected_count: number };
}

export interface BulkAction<Row> {
  id: string;
  label: string;
  icon?: IconName;
  /** Destructive: shown apart from the other actions (never next to "Generate"), and should confirm. */
  danger?: boolean;
  /** A menu of values (e.g. "Set status" → Active, Pending…): `run` gets the chosen one. */
  choices?: Option[];
  /** The API takes a filter selection: offered for "all N matching" too, not only this page's rows. */
  acrossPages?: boolean;
  /** `target` is always given by the table; callers that run an action themselves may leave it out. */
  confirm?: (rows: Row[], choice?: string, target?: BulkTarget) => ConfirmSpec;
  run: (rows: Row[], choice?: string, target?: BulkTarget) => Promise<string | void>;
}

export interface TableConfig<Row> {
  title: string;
  description?: string;
  /** Paginated list ({count, results}), a typed route: `listOf(api…)`; null shows `unavailable` instead of fetching. */
  endpoint: ListSource<Row> | null;
  unavailable?: { title: string; body: string };
  /** Fixed query parameters (e.g. site_id) added to page, page_size, search, filters and ordering. */
  query?: Query;
  columns: Column<Row>[];
  filters?: Filter[];
  search?: { label: string; placeholder: string };
  defaultOrdering?: string;
  rowKey: (row: Row) => number | string;
  /** Names the row in accessible labels ("Select Green Thumb", "Actions for Green Thumb"). */
  rowLabel: (row: Row) => string;
  rowActions?: RowAction<Row>[];
  bulkActions?: BulkAction<Row>[];
  noun: { one: string; many: string };
  empty: { title: string; body: string };
}

// ------------------------------------------------------------------ dashboard and system pages

export interface Kpi {
  label: string;
  value: string;
  hint?: string;
  icon?: IconName;
  href?: string;
  meter?: { used: number; limit: number | null };
}

export type StepState = 'done' | 'current' | 'todo' | 'later';

export interface WorkflowStep {
  label: string;
  description: string;
  state: StepState;
  href?: string;
  action?: string;
}

export interface DashboardConfig {
  title: string;
  description?: string;
  kpis: Kpi[];
  steps?: { title: string; description?: string; items: WorkflowStep[] };
  chart?: { title: string; description?: string };
}

export type StatusTone = 'ok' | 'warning' | 'error' | 'neutral' | 'pending';

export interface StatusCard {
  label: string;
  value: string;
  detail?: string;
  tone: StatusTone;
  icon?: IconName;
}

export interface LogEntry {
  at?: string;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface SystemPageConfig {
  title: string;
  description?: string;
  badge?: string;
  statuses: StatusCard[];
  logs?: { title: string; entries: LogEntry[]; empty: string };
}
