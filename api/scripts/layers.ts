/**
 * Counts the imports in api/src that run back up the layers (domain → platform → features → the app),
 * and the pairs of feature folders that import each other. Prints figures; judges nothing.
 *
 *   node api/scripts/layers.ts [api/src]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? 'api/src');
const PLATFORM = new Set(['platform']);
const APP = new Set(['app.ts', 'server.ts', 'cli.ts', 'features.ts', 'runtime.ts', 'seed.ts', 'migrate-cli.ts']);
const RANK = { domain: 0, platform: 1, feature: 2, app: 3 } as const;
type Layer = keyof typeof RANK;

const top = (file: string) => relative(root, file).split('/')[0] ?? '';
function layer(file: string): Layer {
  const t = top(file);
  if (t === 'domain') return 'domain';
  if (PLATFORM.has(t)) return 'platform';
  if (APP.has(t)) return 'app';
  return 'feature';
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return files(p);
    return d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

let imports = 0;
const upward: string[] = [];
const featureEdges = new Set<string>();
for (const f of files(root)) {
  const text = readFileSync(f, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = resolve(dirname(f), m[1]!);
    if (!target.startsWith(root)) continue;
    imports++;
    const [from, to] = [layer(f), layer(target)];
    if (RANK[to] > RANK[from]) upward.push(`${relative(root, f)} → ${relative(root, target)}`);
    if (from === 'feature' && to === 'feature' && top(f) !== top(target)) featureEdges.add(`${top(f)}>${top(target)}`);
  }
}
const mutual = [...featureEdges].filter((e) => {
  const [a, b] = e.split('>');
  return a! < b! && featureEdges.has(`${b}>${a}`);
});
console.log(`imports within api/src (tests excluded): ${imports}`);
console.log(`imports that run back up the layers: ${upward.length}`);
for (const u of upward) console.log(`  ${u}`);
console.log(`pairs of feature folders that import each other: ${mutual.length}`);
console.log(`  ${mutual.map((e) => e.replace('>', ' ⇄ ')).join(', ')}`);
