/**
 * Compiles the site themes (worker/site-renderer/themes/**\/*.svelte) into server-side JavaScript in
 * build/site-themes/ (git-ignored), which worker/site-renderer/themes.ts imports. The worker is
 * bundled by wrangler's esbuild, which has no Svelte plugin, so the components are precompiled
 * (Svelte's `generate: 'server'`) rather than compiled at bundle time. Run by wrangler's [build]
 * command (dev, deploy, the bench's tree) and by the vitest configs' global setup (unit specs, workerd
 * tests); it lives beside the themes so the bench's copy of worker/ can run it. Idempotent and quick.
 *
 * Usage: node worker/site-renderer/compile-themes.mjs (plain JavaScript: any Node the machine has runs it)
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'svelte/compiler';

const here = dirname(fileURLToPath(import.meta.url));
const THEMES_DIR = join(here, 'themes');
export const THEMES_OUT_DIR = resolve(here, '../../build/site-themes');

/** @param {string} dir @returns {string[]} */
function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Compiles every component and copies every stylesheet (as a string module); returns the file count. */
/**
 * Writes a file only when its content changed (wrangler dev does not reload for nothing), through a
 * temporary file and a rename, so a test run or a dev server reading the folder while another
 * process compiles (several people share a working tree) never sees half a file.
 * @param {string} target @param {string} code
 */
function writeIfChanged(target, code) {
  if (existsSync(target) && readFileSync(target, 'utf8') === code) return;
  mkdirSync(dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, code);
  renameSync(temporary, target);
}

/** @returns {number} */
export function compileThemes(outDir = THEMES_OUT_DIR) {
  const files = filesUnder(THEMES_DIR);
  for (const file of files) {
    const rel = relative(THEMES_DIR, file);
    let code;
    if (file.endsWith('.svelte')) {
      const result = compile(readFileSync(file, 'utf8'), {
        filename: rel,
        generate: 'server',
        runes: true,
        // Themes style through their site.css (one cacheable file, no inline <style>).
        css: 'external',
      });
      // Components import each other as './X.svelte'; the compiled modules are './X.svelte.js'.
      code = result.js.code.replace(/(from\s+['"][^'"]+\.svelte)(['"])/g, '$1.js$2');
    } else if (file.endsWith('.css')) {
      code = `export default ${JSON.stringify(readFileSync(file, 'utf8'))};\n`;
    } else if (file.endsWith('.js')) {
      code = readFileSync(file, 'utf8');
    } else {
      continue;
    }
    writeIfChanged(join(outDir, `${rel}.js`.replace(/\.js\.js$/, '.js')), code);
  }
  return files.length;
}

/** vitest's globalSetup hook (vitest.config.ts, vitest.unit.config.ts): the specs import the compiled themes. */
export function setup() {
  compileThemes();
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = compileThemes();
  console.log(`site themes: ${count} files compiled to ${relative(process.cwd(), THEMES_OUT_DIR)}`);
}
