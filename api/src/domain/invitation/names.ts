/**
 * Whether a typed full name is the name the court invited, ignoring case, spacing and the width of
 * characters (a full-width "Ｚｈａｎｇ" is "Zhang"): "zhang  san" is "Zhang San" and "张 三" is "张三".
 * Anything else (another spelling, a nickname, a missing part) is not.
 */
export function sameName(typed: string, invited: string): boolean {
  const key = (s: string) => s.normalize('NFKC').replace(/\s+/gu, '').toLocaleLowerCase('und');
  const a = key(typed);
  return a.length > 0 && a === key(invited);
}
