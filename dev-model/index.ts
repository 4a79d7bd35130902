/**
 * Entry for `node --test dev-model/`: Node resolves the directory through package.json "main" to
 * this file, which loads every *.test.ts here so they all run (and report) in one test process.
 * Running the *.test.ts files directly with a glob runs the same tests.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'))
  .sort();
for (const f of files) await import(pathToFileURL(join(dir, f)).href);
