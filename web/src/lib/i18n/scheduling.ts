import type { Translation } from './en.ts';

// Messages of the scheduling screens. Keys start with 'scheduling.' so features never collide.
export const schedulingEn = {};

export const schedulingZhCN: Translation<typeof schedulingEn> = {};
