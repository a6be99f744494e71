/** Control characters other than tab and line breaks: they cannot be printed in the record. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this matches
export const UNPRINTABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const UNPRINTABLE_ALL = new RegExp(UNPRINTABLE.source, 'g');
