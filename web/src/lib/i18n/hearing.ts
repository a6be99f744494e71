import type { Translation } from './en.ts';

// Messages of the live hearing: pre-join, lobby, hearing room, judge's bench, chat. Keys start with 'live.' ('hearing.status.*' is in the core dictionary).
export const hearingEn = {};

export const hearingZhCN: Translation<typeof hearingEn> = {};
