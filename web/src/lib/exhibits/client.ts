import { apiClient, ApiError, send, type ApiBody, type ApiResponse } from '../api.ts';

export type ExhibitList = ApiResponse<'get', '/hearings/{id}/exhibits'>;
export type Exhibit = ExhibitList['exhibits'][number];
export type Presentation = NonNullable<ExhibitList['presentation']>;
export type ExhibitSide = Exhibit['side'];
export type ExhibitStatus = Exhibit['status'];

const base = (hearingId: string) => `/hearings/${encodeURIComponent(hearingId)}/exhibits`;

/** Same-origin URL of an exhibit's file (the stamped copy unless asked otherwise). */
export function fileUrl(hearingId: string, exhibitId: string, copy: 'stamped' | 'original' = 'stamped'): string {
  return `/api${base(hearingId)}/${encodeURIComponent(exhibitId)}/file?copy=${copy}`;
}

export const exhibits = {
  list: (id: string) => apiClient.get('/hearings/{id}/exhibits', { path: { id } }),
  rule: (id: string, eid: string, ruling: ApiBody<'post', '/hearings/{id}/exhibits/{eid}/ruling'>['ruling']) =>
    apiClient.post('/hearings/{id}/exhibits/{eid}/ruling', { path: { id, eid }, body: { ruling } }),
  present: (id: string, eid: string, page: number) =>
    apiClient.post('/hearings/{id}/exhibits/{eid}/present', { path: { id, eid }, body: { page } }),
  endPresentation: (id: string) => apiClient.post('/hearings/{id}/exhibits/presentation/end', { path: { id } }),

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
    const body = (await response.json().catch(() => undefined)) as
      Partial<ApiResponse<'post', '/hearings/{id}/exhibits'>> | undefined;
    if (!body?.exhibit) throw new ApiError(response.status, 'http', 'The server answered without the exhibit.');
    return body.exhibit;
  },
};

/** Accepted by the API (it checks the bytes; this only helps the file picker). */
export const ACCEPT = 'application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg';
