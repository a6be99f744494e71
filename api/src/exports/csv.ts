/**
 * One CSV line (RFC 4180). A cell that a spreadsheet would run as a formula gets a leading
 * apostrophe, so opening an export can never execute what a participant typed as their name.
 */
export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
