/**
 * The record as the screens show it: the API's answers and the socket's events, read by entries.ts
 * into one shape (a person as a name, corrections as earlier wordings).
 */
import type { ApiResponse } from '../api.ts';

type ApiSignature = ApiResponse<'get', '/hearings/{id}/transcript/signatures'>['signatures'][number];

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

export type SignatureKind = ApiSignature['kind'];

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

/** The court's PDF signature, as checked on an uploaded file (absent when only a hash was given). */
export interface CourtSignatureState {
  valid: boolean;
  wholeDocument: boolean;
  byThisCourt: boolean;
  problem: string | null;
}

/** The record log's inclusion proof for the PDF, recomputed by the server; null when it is not in the log. */
export interface LogInclusion {
  leafIndex: number;
  treeSize: number;
  verified: boolean;
}

export interface VerifyEvidence {
  courtSignature: CourtSignatureState | null;
  log: LogInclusion | null;
}

export type VerifyResult = VerifyEvidence &
  (
    | { match: false }
    | {
        match: true;
        court: string;
        /** The court's IANA zone: the sealing time is shown on its clock. */
        timeZone: string;
        pages: number | null;
        /** Address of the first page as drawn at sealing, or null. */
        firstPage: string | null;
        case: { number: string; caption: string };
        hearing: { title: string; date: string | null };
        version: number;
        sealedAt: string;
        sealedBy: string;
        supersededBy: number | null;
        sha256: string | null;
        signatures: { name: string; role: string; at: string; kind: SignatureKind }[];
      }
  );
