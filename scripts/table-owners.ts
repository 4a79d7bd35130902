/**
 * One owner per table, checked (issue 10, item 3; the owners: core/schema/owners.ts). Scans worker/ and
 * durable-objects/ for writes (drizzle .insert/.update/.delete, raw INSERT/UPDATE/DELETE/REPLACE) and
 * fails, naming file:line, table and owner, when a file outside the owner's folder writes a table or
 * anything but the draft room writes content.html_content. Not scanned: specs and tests, and
 * worker/bench/ (it runs only under `npm run bench` and inserts raw rows as the benchmark's baseline).
 * Usage: node scripts/table-owners.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { COLUMN_OWNERS, TABLE_OWNERS } from '../core/schema/owners.ts';

const root = join(import.meta.dirname, '..');
const SCANNED = ['worker', 'durable-objects'];
const SKIPPED = /(\.spec\.ts|\.test\.ts|\.d\.ts)$|^worker\/bench\//;

interface Write {
  file: string;
  line: number;
  table: string | null;
  /** The statement's text up to its filter, to see which columns it sets. */
  statement: string;
}

/** drizzle table objects (export const keywordClusters = sqliteTable('keyword_clusters', …)) → SQL names. */
function schemaTables(): Map<string, string> {
  const byExport = new Map<string, string>();
  for (const file of ['core/schema/control.ts', 'core/schema/shard.ts']) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/export const (?<name>\w+) = sqliteTable\(\s*'(?<table>\w+)'/g)) {
      if (m.groups?.name && m.groups.table) byExport.set(m.groups.name, m.groups.table);
    }
  }
  return byExport;
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .filter((file) => !SKIPPED.test(file))
    .sort();
}

/** Blanks comments (keeping line breaks) so prose such as "the UPDATE below" is not read as SQL. */
function withoutComments(text: string): string {
  let out = '';
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === quote) quote = null;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else {
      if (ch === "'" || ch === '"' || ch === '`') quote = ch;
      out += ch;
    }
  }
  return out;
}

function statementAt(text: string, from: number): string {
  const rest = text.slice(from, from + 2000);
  const end = rest.search(/\.where\(|\bWHERE\b|\.returning\(|;/);
  return end < 0 ? rest : rest.slice(0, end);
}

function writesIn(file: string, tables: Map<string, string>): Write[] {
  const text = withoutComments(readFileSync(join(root, file), 'utf8'));
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const writes: Write[] = [];
  const write = (index: number, table: string | null) =>
    writes.push({ file, line: lineOf(index), table, statement: statementAt(text, index) });
  // A drizzle table may be qualified (shard.keywords): its last segment names it.
  const tableOf = (expression: string) => tables.get(expression.split('.').pop() ?? '') ?? null;
  for (const m of text.matchAll(/\.\s*(?:insert|update|delete)\(\s*(?<arg>[\w.]+)\s*\)/g)) {
    const table = tableOf(m.groups?.arg ?? '');
    // Map#delete(key) and friends: not a query unless a query's next step follows.
    const queryGoesOn = /^\s*\.\s*(where|set|values|returning|onConflict\w*)\(/.test(text.slice(m.index + m[0].length));
    if (table || queryGoesOn) write(m.index, table);
  }
  const verb = String.raw`\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM)\s+`;
  const target = String.raw`(?:\$\{\s*(?<interpolated>[\w.]+)\s*\}|["\`]?(?<named>\w+))`;
  const sqlWrite = new RegExp(verb + target, 'g');
  const sqlNames = new Set([...tables.values(), ...TABLE_OWNERS.keys()]);
  for (const m of text.matchAll(sqlWrite)) {
    const { interpolated, named } = m.groups ?? {};
    if (interpolated) write(m.index, tableOf(interpolated));
    // Only known tables: "UPDATE" is also an English word in strings.
    else if (named && sqlNames.has(named)) write(m.index, named);
  }
  return writes;
}

const inFolder = (file: string, folder: string) => file.startsWith(`${folder}/`);

const tables = schemaTables();
const problems: string[] = [];
for (const table of tables.values()) {
  if (!TABLE_OWNERS.has(table)) problems.push(`core/schema: table ${table} has no owner in core/schema/owners.ts`);
}
const writes = SCANNED.flatMap(tsFiles)
  .flatMap((file) => writesIn(file, tables))
  .sort((x, y) => x.file.localeCompare(y.file) || x.line - y.line);
for (const w of writes) {
  const at = `${w.file}:${w.line}`;
  if (!w.table) {
    problems.push(`${at}: writes a table it names only at run time; write each table through its owner's service`);
    continue;
  }
  const columns = COLUMN_OWNERS.filter(
    (col) => col.table === w.table && new RegExp(`\\b${col.column}\\b`).test(w.statement),
  );
  const inserting = /\.\s*insert\(|^\s*INSERT\b/i.test(w.statement);
  for (const col of columns) {
    // The table's owner gives a new row the column's first value, which the column's owner starts from.
    const seeded = 'seededOnInsert' in col && col.seededOnInsert && inserting;
    if (seeded && inFolder(w.file, TABLE_OWNERS.get(w.table) ?? '')) continue;
    if (!inFolder(w.file, col.owner))
      problems.push(`${at}: writes ${col.table}.${col.column}, owned by ${col.owner} (${col.why})`);
  }
  // A column's owner writes its column (and the row's bookkeeping beside it) in the table's rows.
  if (columns.some((col) => inFolder(w.file, col.owner))) continue;
  const owner = TABLE_OWNERS.get(w.table);
  if (!owner) problems.push(`${at}: writes ${w.table}, which has no owner in core/schema/owners.ts`);
  else if (!inFolder(w.file, owner))
    problems.push(`${at}: writes ${w.table}, owned by ${owner}: go through its service`);
}

if (problems.length) {
  for (const problem of problems) console.error(problem);
  console.error(
    `table owners: ${problems.length} problem${problems.length === 1 ? '' : 's'} (owners: core/schema/owners.ts)`,
  );
  process.exit(1);
}
console.log(`table owners: ${TABLE_OWNERS.size} tables, ${writes.length} writes, all by their owners`);
