import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../../', import.meta.url));

/** Text that is not a word in any language: the product's name and typographic marks. */
const allowed = new Set(['Gavel', '·', '—', '–', '…', '/', '×', '|', ':', '(', ')', '%', '-']);

/** Attributes a user reads or a screen reader speaks. */
const spokenAttributes = new Set([
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  'title',
  'placeholder',
  'alt',
  'label',
]);

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return svelteFiles(path);
    return name.endsWith('.svelte') ? [path] : [];
  });
}

/** A literal is user-visible text with a letter in it that is not on the allow-list. */
export function isLiteral(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '' || allowed.has(trimmed)) return false;
  return /\p{L}/u.test(trimmed);
}

/** The string literals an expression can show as it is: itself, a branch of `?:` or `??`/`||`, a template's text. */
function stringsShown(expression: unknown): string[] {
  if (!expression || typeof expression !== 'object') return [];
  const e = expression as { type: string; value?: unknown; [key: string]: unknown };
  if (e.type === 'Literal') return typeof e.value === 'string' && isLiteral(e.value) ? [e.value] : [];
  if (e.type === 'ConditionalExpression') return [...stringsShown(e.consequent), ...stringsShown(e.alternate)];
  if (e.type === 'LogicalExpression') return stringsShown(e.right);
  if (e.type === 'TemplateLiteral') {
    const quasis = e.quasis as { value: { cooked: string } }[];
    return quasis.map((q) => q.value.cooked).filter((text) => isLiteral(text));
  }
  return [];
}

type Node = { type: string; start: number; data?: string; name?: string; value?: unknown; [key: string]: unknown };

/** Every text literal in one component's markup (script and style are not markup). */
export function findLiterals(code: string): { text: string; line: number }[] {
  const ast = parse(code, { modern: true }) as unknown as { fragment: Node };
  const found: { text: string; line: number }[] = [];
  const lineOf = (offset: number) => code.slice(0, offset).split('\n').length;

  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'Text' && typeof n.data === 'string' && isLiteral(n.data)) {
      found.push({ text: n.data.trim(), line: lineOf(n.start) });
    }
    if (n.type === 'Attribute' && typeof n.name === 'string' && spokenAttributes.has(n.name)) {
      const parts = Array.isArray(n.value) ? (n.value as Node[]) : [n.value as Node];
      for (const part of parts) {
        if (part.type === 'Text' && typeof part.data === 'string' && isLiteral(part.data)) {
          found.push({ text: `${n.name}="${part.data.trim()}"`, line: lineOf(part.start) });
        }
        if (part.type === 'ExpressionTag') {
          for (const text of stringsShown(part.expression))
            found.push({ text: `${n.name}=${text}`, line: lineOf(part.start) });
        }
      }
      return;
    }
    if (n.type === 'ExpressionTag') {
      // `{'Close'}` or `{busy ? 'Saving' : 'Save'}` is a literal too, only in braces.
      for (const text of stringsShown(n.expression)) found.push({ text, line: lineOf(n.start) });
      return;
    }
    // An ordinary attribute's value (class, href, type) and script are not read by a user.
    if (n.type === 'Attribute' || n.type === 'Script' || n.type === 'StyleSheet') return;
    for (const [key, value] of Object.entries(n)) {
      if (key === 'metadata' || key === 'parent') continue;
      if (value && typeof value === 'object') visit(value);
    }
  };
  visit(ast.fragment);
  return found;
}

describe('component text literals', () => {
  it('flags text and spoken attributes that bypass the messages', () => {
    const literals = findLiterals(
      '<p>Hello</p><p>{t("x")}</p><img alt="Seal" src="a.png" /><input placeholder={t("y")} class="wide" />' +
        '<span>·</span><b>Gavel</b><i>{busy ? "Saving" : t("z")}</i><a title={`Open ${name}`} href="/x">{n}</a>',
    );
    expect(literals.map((l) => l.text)).toEqual(['Hello', 'alt="Seal"', 'Saving', 'title=Open ']);
  });

  it('finds none in any component', () => {
    const found = svelteFiles(source).flatMap((file) =>
      findLiterals(readFileSync(file, 'utf8')).map((l) => `${relative(source, file)}:${String(l.line)} ${l.text}`),
    );
    expect(found).toEqual([]);
  });
});
