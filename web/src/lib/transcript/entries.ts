import type {
  Correction,
  Seal,
  Signature,
  Transcript,
  TranscriptEntry,
  VerifyEvidence,
  VerifyResult,
} from './types.ts';

// The API is read defensively: a newer server may add fields, and events from Gavel itself
// (procedural notes) carry `authorId` rather than `author`. Nothing here ever builds HTML.

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A person as the API names them: a plain name, or `{ name }`. */
export function nameOf(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (isRecord(v)) return str(v['name']) ?? str(v['displayName']);
  return null;
}

function parseCorrection(raw: unknown): Correction | null {
  if (!isRecord(raw)) return null;
  // `previousText` is the wording this correction replaced; `text` what it became.
  const text = str(raw['previousText']) ?? str(raw['text']);
  if (text === null) return null;
  return {
    text,
    reason: str(raw['reason']) ?? '',
    by: nameOf(raw['by'] ?? raw['correctedBy'] ?? raw['author']),
    at: str(raw['at'] ?? raw['correctedAt'] ?? raw['createdAt']),
  };
}

export function parseEntry(raw: unknown): TranscriptEntry | null {
  if (!isRecord(raw)) return null;
  const id = str(raw['id']);
  const seq = num(raw['seq']);
  const text = str(raw['text']);
  if (id === null || seq === null || text === null) return null;
  const history = Array.isArray(raw['history'])
    ? raw['history'].map(parseCorrection).filter((c): c is Correction => c !== null)
    : undefined;
  return {
    id,
    seq,
    speaker: str(raw['speaker']) ?? '',
    speakerParticipantId: str(raw['speakerParticipantId']),
    spokenAt: str(raw['spokenAt']) ?? str(raw['createdAt']) ?? '',
    text,
    source: str(raw['source']) ?? 'clerk',
    author: nameOf(raw['author']),
    corrected: raw['corrected'] === true || (history !== undefined && history.length > 0),
    ...(history !== undefined ? { history } : {}),
  };
}

export function parseSeal(raw: unknown): Seal | null {
  if (!isRecord(raw)) return null;
  const id = str(raw['id']);
  const version = num(raw['version']);
  if (id === null || version === null) return null;
  return {
    id,
    version,
    sha256: str(raw['sha256']) ?? '',
    pdfSha256: str(raw['pdfSha256']) ?? '',
    sealedAt: str(raw['sealedAt']) ?? '',
    sealedBy: nameOf(raw['sealedBy']),
    supersedes: str(raw['supersedes']),
    supersededBy: str(raw['supersededBy']),
  };
}

export function parseTranscript(raw: unknown): Transcript {
  const r = isRecord(raw) ? raw : {};
  const entries = Array.isArray(r['entries']) ? r['entries'].map(parseEntry) : [];
  const seals = Array.isArray(r['seals']) ? r['seals'].map(parseSeal) : [];
  return {
    entries: sortEntries(entries.filter((e): e is TranscriptEntry => e !== null)),
    draftOf: str(r['draftOf']),
    seals: seals.filter((s): s is Seal => s !== null).sort((a, b) => a.version - b.version),
  };
}

export function parseSignature(raw: unknown): Signature | null {
  if (!isRecord(raw)) return null;
  const kind = raw['kind'] === 'objection' ? 'objection' : raw['kind'] === 'signature' ? 'signature' : null;
  const at = str(raw['at'] ?? raw['signedAt'] ?? raw['createdAt']);
  if (kind === null || at === null) return null;
  const seal = raw['seal'];
  return {
    id: str(raw['id']) ?? `${kind}:${at}:${nameOf(raw['name']) ?? ''}`,
    sealId: str(raw['sealId']) ?? (isRecord(seal) ? str(seal['id']) : null),
    version: num(raw['version']) ?? (isRecord(seal) ? num(seal['version']) : null),
    kind,
    name: nameOf(raw['name'] ?? raw['fullName'] ?? raw['participant']) ?? '',
    role: str(raw['role']) ?? (isRecord(raw['participant']) ? str(raw['participant']['role']) : null) ?? '',
    at,
    text: str(raw['text']),
  };
}

export function parseSignatures(raw: unknown): Signature[] {
  const list = isRecord(raw) && Array.isArray(raw['signatures']) ? raw['signatures'] : Array.isArray(raw) ? raw : [];
  return list
    .map(parseSignature)
    .filter((s): s is Signature => s !== null)
    .sort((a, b) => a.at.localeCompare(b.at));
}

function parseEvidence(raw: Record<string, unknown>): VerifyEvidence {
  const sig = raw['courtSignature'];
  const log = raw['log'];
  return {
    courtSignature: isRecord(sig)
      ? {
          valid: sig['valid'] === true,
          wholeDocument: sig['wholeDocument'] === true,
          byThisCourt: sig['byThisCourt'] === true,
          problem: str(sig['problem']),
        }
      : null,
    log:
      isRecord(log) && num(log['leafIndex']) !== null
        ? { leafIndex: num(log['leafIndex'])!, treeSize: num(log['treeSize']) ?? 0, verified: log['verified'] === true }
        : null,
  };
}

export function parseVerify(raw: unknown): VerifyResult {
  if (!isRecord(raw)) return { match: false, courtSignature: null, log: null };
  const evidence = parseEvidence(raw);
  if (raw['match'] !== true) return { match: false, ...evidence };
  const firstPage = str(raw['firstPage']);
  const c = isRecord(raw['case']) ? raw['case'] : {};
  const h = isRecord(raw['hearing']) ? raw['hearing'] : {};
  const superseded = raw['supersededBy'];
  return {
    match: true,
    ...evidence,
    court: str(raw['court']) ?? '',
    timeZone: str(raw['timeZone']) ?? 'UTC',
    pages: num(raw['pages']),
    // Only an address of this API's own (the image is served from the same origin).
    firstPage: firstPage && /^\/api\/verify\/[0-9a-f]{64}\/first-page\.png$/.test(firstPage) ? firstPage : null,
    case: { number: str(c['number']) ?? str(raw['case']) ?? '', caption: str(c['caption']) ?? '' },
    hearing: {
      title: str(h['title']) ?? str(raw['hearing']) ?? '',
      date: str(h['date'] ?? h['scheduledStart'] ?? h['heldOn']),
    },
    version: num(raw['version']) ?? 0,
    sealedAt: str(raw['sealedAt']) ?? '',
    sealedBy: nameOf(raw['sealedBy']) ?? '',
    supersededBy: num(superseded) ?? (isRecord(superseded) ? num(superseded['version']) : null),
    sha256: str(raw['sha256']),
    signatures: (Array.isArray(raw['signatures']) ? raw['signatures'] : []).flatMap((s) => {
      const p = parseSignature(s);
      return p ? [{ name: p.name, role: p.role, at: p.at, kind: p.kind }] : [];
    }),
  };
}

export function sortEntries(entries: TranscriptEntry[]): TranscriptEntry[] {
  return [...entries].sort((a, b) => a.seq - b.seq);
}

/** How far an entry has been corrected: more history is newer. */
const revision = (e: TranscriptEntry) => e.history?.length ?? (e.corrected ? 1 : 0);

/**
 * The list to show: what was loaded over REST, with what the socket pushed (the snapshot's latest entries
 * and the events since). An entry known both ways keeps the more corrected version, and on a tie the
 * pushed one. `asked` is the pushed list's text of each entry when the load was asked for: a push whose
 * text changed since then came after the load was asked for and wins however the two count corrections
 * (a push carries no history, so a third correction counts 1 against a loaded history of 2). If it was
 * committed before the load read the record and only delivered after, the push that follows it is newer
 * still and puts the loaded text back.
 */
export function mergeEntries(
  loaded: TranscriptEntry[],
  pushed: TranscriptEntry[],
  asked?: ReadonlyMap<string, string>,
): TranscriptEntry[] {
  const byId = new Map(loaded.map((e) => [e.id, e]));
  for (const e of pushed) {
    const known = byId.get(e.id);
    const later = asked !== undefined && known !== undefined && asked.get(e.id) !== e.text && e.text !== known.text;
    if (!known || later || revision(e) >= revision(known)) {
      // A push to everyone carries no history; keep the staff view's history when it had one.
      byId.set(
        e.id,
        known?.history && !e.history && revision(e) === revision(known) ? { ...e, history: known.history } : e,
      );
    }
  }
  return sortEntries([...byId.values()]);
}

/** Adds or replaces one entry in place (the socket's list). */
export function upsertEntry(list: TranscriptEntry[], entry: TranscriptEntry): void {
  const i = list.findIndex((e) => e.id === entry.id);
  if (i === -1) list.push(entry);
  else list[i] = entry;
}

/** The current sealed version: the newest that nothing supersedes. */
export function currentSeal(seals: Seal[]): Seal | null {
  const live = seals.filter((s) => !s.supersededBy);
  return (live.length ? live : seals).reduce<Seal | null>((a, s) => (a && a.version > s.version ? a : s), null);
}

/** The first 12 hex digits, as the PDF's stamp shows them. */
export const shortHash = (sha256: string) => sha256.slice(0, 12);

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;

/** A pasted hash, tolerant of spaces, case and a `sha256:` prefix; null when it is not one. */
export function normaliseHash(input: string): string | null {
  const h = input
    .trim()
    .toLowerCase()
    .replace(/^sha-?256:/, '')
    .replace(/\s+/g, '');
  return SHA256_PATTERN.test(h) ? h : null;
}

/** A NUL byte is refused by the API; the clerk is told before sending. */
// eslint-disable-next-line no-control-regex -- the NUL byte is exactly what is looked for
export const hasNul = (text: string) => /\u0000/.test(text);

/** The longest entry the API takes; the clerk is told before sending. */
export const MAX_ENTRY_LENGTH = 10_000;
