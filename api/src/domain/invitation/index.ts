export { normaliseAccessCode } from './access-code.ts';
export { sameName } from './names.ts';
