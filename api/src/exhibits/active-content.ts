import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFRef,
  PDFStream,
  PDFString,
  type PDFContext,
  type PDFDocument,
  type PDFObject,
} from 'pdf-lib';

/**
 * Keys that carry or point at active content wherever they appear: scripts run on open, close, page
 * view or keystroke (OpenAction, AA), document scripts and embedded files in the Names tree
 * (JavaScript, EmbeddedFiles), a file specification's embedded file (EF), associated files (AF),
 * XFA forms and rich media.
 */
const ACTIVE_KEYS = ['OpenAction', 'AA', 'JavaScript', 'EmbeddedFiles', 'EF', 'AF', 'XFA', 'RichMediaContent'].map(
  (k) => PDFName.of(k),
);
/** Keys whose value is an action (or, for Next, a list of them). */
const ACTION_KEYS = ['A', 'PA', 'Next'].map((k) => PDFName.of(k));
/** Actions that only move within the document, open a web or mail link, or page: all others go. */
const SAFE_ACTIONS = new Set(['GoTo', 'URI', 'Named']);
const SAFE_URI = /^\s*(https?|mailto):/i;
/** Annotations that play, embed or attach something. */
const ACTIVE_ANNOTATIONS = new Set(['FileAttachment', 'Sound', 'Movie', 'Screen', 'RichMedia', '3D']);

const S = PDFName.of('S');
const URI = PDFName.of('URI');
const ANNOTS = PDFName.of('Annots');
const SUBTYPE = PDFName.of('Subtype');
const NEXT = PDFName.of('Next');

const nameOf = (o: PDFObject | undefined) => (o instanceof PDFName ? o.decodeText() : undefined);
const textOf = (o: PDFObject | undefined) =>
  o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined;

/** An action dictionary (one with /S), or undefined for anything else (a structure element's /A, say). */
function actionOf(ctx: PDFContext, value: PDFObject | undefined): PDFDict | undefined {
  const action = value instanceof PDFRef ? ctx.lookup(value) : value;
  return action instanceof PDFDict && action.has(S) ? action : undefined;
}

function unsafe(ctx: PDFContext, action: PDFDict): boolean {
  const kind = nameOf(action.get(S));
  if (!kind || !SAFE_ACTIONS.has(kind)) return true;
  return kind === 'URI' && !SAFE_URI.test(textOf(ctx.lookup(action.get(URI))) ?? '');
}

function scrubDict(ctx: PDFContext, dict: PDFDict): void {
  for (const key of ACTIVE_KEYS) dict.delete(key);
  for (const key of ACTION_KEYS) {
    const value = dict.get(key);
    if (value === undefined) continue;
    const action = actionOf(ctx, value);
    if (action) {
      if (unsafe(ctx, action)) dict.delete(key);
      continue;
    }
    const list = value instanceof PDFRef ? ctx.lookup(value) : value;
    if (key === NEXT && list instanceof PDFArray) {
      const kept = list.asArray().filter((a) => {
        const each = actionOf(ctx, a);
        return each !== undefined && !unsafe(ctx, each);
      });
      if (kept.length) dict.set(key, ctx.obj(kept));
      else dict.delete(key);
    }
  }
  const annots = dict.get(ANNOTS);
  const list = annots instanceof PDFRef ? ctx.lookup(annots) : annots;
  if (list instanceof PDFArray) {
    const kept = list.asArray().filter((a) => {
      const annot = a instanceof PDFRef ? ctx.lookup(a) : a;
      return !(annot instanceof PDFDict && ACTIVE_ANNOTATIONS.has(nameOf(annot.get(SUBTYPE)) ?? ''));
    });
    if (kept.length !== list.size()) dict.set(ANNOTS, ctx.obj(kept));
  }
  for (const [, v] of dict.entries()) scrubDirect(ctx, v);
}

/** Direct (inline) dictionaries and arrays; indirect objects are each visited on their own. */
function scrubDirect(ctx: PDFContext, o: PDFObject): void {
  if (o instanceof PDFDict) scrubDict(ctx, o);
  else if (o instanceof PDFStream) scrubDict(ctx, o.dict);
  else if (o instanceof PDFArray) for (const v of o.asArray()) scrubDirect(ctx, v);
}

/** Deletes every object the trailer no longer reaches: removed scripts, embedded files and forms. */
function dropUnreachable(ctx: PDFContext): void {
  const reached = new Set<string>();
  const stack: PDFObject[] = [ctx.trailerInfo.Root, ctx.trailerInfo.Info].filter((o): o is PDFObject => !!o);
  while (stack.length) {
    const o = stack.pop()!;
    if (o instanceof PDFRef) {
      if (reached.has(o.tag)) continue;
      reached.add(o.tag);
      const target = ctx.lookup(o);
      if (target) stack.push(target);
    } else if (o instanceof PDFDict) stack.push(...o.values());
    else if (o instanceof PDFStream) stack.push(...o.dict.values());
    else if (o instanceof PDFArray) stack.push(...o.asArray());
  }
  for (const [ref] of ctx.enumerateIndirectObjects()) if (!reached.has(ref.tag)) ctx.delete(ref);
}

/**
 * Takes out of a party's PDF everything a viewer could run or open: document, page, field and
 * annotation scripts, launch, form-submission and other actions, javascript: links, embedded and
 * attached files, XFA forms and rich media. Pages, text, images and plain links stay.
 */
export function removeActiveContent(doc: PDFDocument): void {
  const ctx = doc.context;
  for (const [, o] of ctx.enumerateIndirectObjects()) scrubDirect(ctx, o);
  dropUnreachable(ctx);
}
