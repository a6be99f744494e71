/** The record as the API shows it (docs/api.md, "The record"). */

export type TranscriptSource = 'clerk' | 'captions' | 'import' | 'procedural';

/** An earlier wording of an entry, kept when it was corrected (staff only). */
export interface Correction {
  text: string;
  reason: string;
  by: string | null;
  at: string | null;
}

export interface TranscriptEntry {
  id: string;
  seq: number;
  speaker: string;
  speakerParticipantId: string | null;
  spokenAt: string;
  text: string;
  source: string;
  author: string | null;
  corrected: boolean;
  /** Staff only: earlier wordings, oldest first. */
  history?: Correction[];
}

export interface Seal {
  id: string;
  version: number;
  sha256: string;
  pdfSha256: string;
  sealedAt: string;
  sealedBy: string | null;
  supersedes: string | null;
  supersededBy: string | null;
}

export interface Transcript {
  entries: TranscriptEntry[];
  /** Corrections after sealing go into a draft of the next version: the seal it follows, or null. */
  draftOf: string | null;
  seals: Seal[];
}

export type SignatureKind = 'signature' | 'objection';

/** A party's signature under a sealed version, or their objection to it. */
export interface Signature {
  id: string;
  sealId: string | null;
  version: number | null;
  kind: SignatureKind;
  name: string;
  role: string;
  at: string;
  /** An objection's text. */
  text: string | null;
}

export type VerifyResult =
  | { match: false }
  | {
      match: true;
      court: string;
      case: { number: string; caption: string };
      hearing: { title: string; date: string | null };
      version: number;
      sealedAt: string;
      sealedBy: string;
      supersededBy: number | null;
      sha256: string | null;
      signatures: { name: string; role: string; at: string; kind: SignatureKind }[];
    };
