import type { Translation } from './en.ts';

// Messages of the admin screens. Keys start with 'admin.' so features never collide.
export const adminEn = {};

export const adminZhCN: Translation<typeof adminEn> = {};
