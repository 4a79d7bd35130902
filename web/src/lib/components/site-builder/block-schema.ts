/**
 * Reading a block type's JSON Schema (the metadata endpoint's z.toJSONSchema of the core block
 * schema) into form fields, so a block type the worker adds gets a form without a web change.
 */
import type { JsonSchema } from '$lib/api/site-builder-types';
import { humanize } from '$lib/format';

export type FieldKind = 'text' | 'textarea' | 'html' | 'email' | 'number' | 'select' | 'reference' | 'list';
/** A number field that names another row: which rows to offer. */
export type ReferenceKind = 'asset' | 'cluster' | 'taxonomy';

export interface BlockField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  nullable: boolean;
  options?: string[];
  reference?: ReferenceKind;
  maxLength?: number;
  min?: number;
  max?: number;
  /** The fields of one item of a list (FAQ questions). */
  itemFields?: BlockField[];
}

/** The member of an `anyOf` that carries the value (not null, not the '' an optional link allows). */
function core(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const members = schema.anyOf ?? schema.oneOf;
  if (!members) return { schema, nullable: schema.type === 'null' };
  const nullable = members.some((m) => m.type === 'null');
  const main = members.find((m) => m.type !== 'null' && m.const === undefined) ?? members[0]!;
  return { schema: { ...main, default: schema.default ?? main.default }, nullable };
}

function referenceOf(name: string): ReferenceKind | undefined {
  if (name.endsWith('asset_id')) return 'asset';
  if (name === 'cluster_id') return 'cluster';
  if (name === 'taxonomy_id') return 'taxonomy';
  return undefined;
}

const REFERENCE_LABELS: Record<ReferenceKind, string> = {
  asset: 'Image',
  cluster: 'Cluster',
  taxonomy: 'Category or tag',
};

/** "cta_href" → "Button link", "image_asset_id" → "Image", "html" → "Text". */
function labelOf(name: string, reference: ReferenceKind | undefined): string {
  if (reference) return REFERENCE_LABELS[reference];
  if (name === 'html') return 'Text';
  return humanize(name)
    .replace(/^Cta\b/, 'Button')
    .replace(/\bhref\b/i, 'link');
}

export function fieldsOf(schema: JsonSchema): BlockField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([name, prop]) => name !== 'type' && prop.const === undefined)
    .map(([name, raw]) => {
      const { schema: prop, nullable } = core(raw);
      const reference = referenceOf(name);
      const base = {
        name,
        label: labelOf(name, reference),
        // Required to the user: must not be empty (a min length, or a list that needs an item).
        required: required.has(name) && ((prop.minLength ?? 0) > 0 || (prop.minItems ?? 0) > 0),
        nullable,
        maxLength: prop.maxLength,
        min: prop.minimum,
        max: prop.maximum,
      };
      const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
      if (prop.enum) return { ...base, kind: 'select', options: prop.enum.map(String) } satisfies BlockField;
      if (type === 'array' && prop.items)
        return { ...base, kind: 'list', itemFields: fieldsOf(core(prop.items).schema) } satisfies BlockField;
      if (type === 'integer' || type === 'number') {
        return reference ? { ...base, kind: 'reference', reference } : { ...base, kind: 'number' };
      }
      if (name === 'html') return { ...base, kind: 'html' } satisfies BlockField;
      if (prop.format === 'email' || name === 'email') return { ...base, kind: 'email' } satisfies BlockField;
      const long = (prop.maxLength ?? 0) > 300 && !name.endsWith('href');
      return { ...base, kind: long ? 'textarea' : 'text' } satisfies BlockField;
    });
}

/** A new value of a schema: its default, or empty (one empty item for a list that needs one). */
export function emptyOf(schema: JsonSchema): unknown {
  const { schema: prop, nullable } = core(schema);
  if (prop.default !== undefined) return structuredClone(prop.default);
  if (prop.const !== undefined) return prop.const;
  const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
  if (nullable) return null;
  if (prop.enum) return prop.enum[0];
  if (type === 'object') {
    return Object.fromEntries(Object.entries(prop.properties ?? {}).map(([k, v]) => [k, emptyOf(v)]));
  }
  if (type === 'array') return (prop.minItems ?? 0) > 0 && prop.items ? [emptyOf(prop.items)] : [];
  if (type === 'integer' || type === 'number') return prop.minimum ?? 0;
  if (type === 'boolean') return false;
  return '';
}

/** A fresh block of a type: every field at its default, `type` set. */
export function newBlock(type: string, schema: JsonSchema): Record<string, unknown> {
  return { ...(emptyOf({ ...schema, default: undefined, type: 'object' }) as object), type };
}
