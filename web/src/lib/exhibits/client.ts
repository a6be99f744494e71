import { api, ApiError, send } from '../api.ts';

export type ExhibitSide = 'plaintiff' | 'defendant' | 'court';
export type ExhibitStatus = 'marked' | 'admitted' | 'rejected';

export interface Exhibit {
  id: string;
  label: string;
  side: ExhibitSide;
  number: number;
  title: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  stampedSha256: string;
  stampedSizeBytes: number;
  pages: number;
  status: ExhibitStatus;
  submittedBy: { kind: 'staff' | 'participant'; id: string; name: string };
  markedAt: string;
  ruledAt: string | null;
}

export interface Presentation {
  exhibitId: string;
  page: number;
}

export interface ExhibitList {
  exhibits: Exhibit[];
  presentation: Presentation | null;
  you: { canSubmit: boolean; canRule: boolean; side: ExhibitSide | null; participantId: string | null };
  maxBytes: number;
  maxPages: number;
}

const base = (hearingId: string) => `/hearings/${encodeURIComponent(hearingId)}/exhibits`;

/** Same-origin URL of an exhibit's file (the stamped copy unless asked otherwise). */
export function fileUrl(hearingId: string, exhibitId: string, copy: 'stamped' | 'original' = 'stamped'): string {
  return `/api${base(hearingId)}/${encodeURIComponent(exhibitId)}/file?copy=${copy}`;
}

export const exhibits = {
  list: (hearingId: string) => api.get<ExhibitList>(base(hearingId)),
  rule: (hearingId: string, exhibitId: string, ruling: 'admitted' | 'rejected') =>
    api.post<{ exhibit: Exhibit }>(`${base(hearingId)}/${encodeURIComponent(exhibitId)}/ruling`, { ruling }),
  present: (hearingId: string, exhibitId: string, page: number) =>
    api.post<{ presentation: Presentation }>(`${base(hearingId)}/${encodeURIComponent(exhibitId)}/present`, { page }),
  endPresentation: (hearingId: string) => api.post<{ presentation: null }>(`${base(hearingId)}/presentation/end`),

  /** Multipart upload: the title (and the clerk's side) before the file, as the API reads them. */
  async submit(hearingId: string, input: { title: string; side?: ExhibitSide; file: File }): Promise<Exhibit> {
    const form = new FormData();
    form.append('title', input.title);
    if (input.side) form.append('side', input.side);
    form.append('file', input.file, input.file.name);
    const response = await send(base(hearingId), {
      method: 'POST',
      body: form,
      headers: { Accept: 'application/json' },
    });
    const body = (await response.json().catch(() => undefined)) as { exhibit?: Exhibit } | undefined;
    if (!body?.exhibit) throw new ApiError(response.status, 'http', 'The server answered without the exhibit.');
    return body.exhibit;
  },
};

/** Accepted by the API (it checks the bytes; this only helps the file picker). */
export const ACCEPT = 'application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg';
