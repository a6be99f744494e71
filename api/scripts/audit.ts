/**
 * `npm audit --omit=dev` with a verdict: exit 1 when a dependency Gavel ships has a high or critical
 * advisory. When the registry's advisory endpoint does not answer (a mirror or proxy that serves
 * only packages), it says so loudly and exits 0, or 1 with GAVEL_AUDIT_STRICT=1.
 */
import { spawnSync } from 'node:child_process';

const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const say = (line: string) => process.stdout.write(`audit: ${line}\n`);

interface Report {
  message?: string;
  statusCode?: number;
  error?: { summary?: string };
  metadata?: { vulnerabilities?: Record<string, number>; dependencies?: { prod?: number; total?: number } };
  vulnerabilities?: Record<string, { severity: string; via: Array<string | { title?: string; url?: string }> }>;
}

let report: Report;
try {
  report = JSON.parse(run.stdout) as Report;
} catch {
  say(`npm audit printed no report (exit ${String(run.status)}): ${run.stderr.trim().split('\n').at(-1) ?? ''}`);
  process.exit(1);
}

if (!report.metadata) {
  const why = report.message ?? report.error?.summary ?? 'no metadata in the report';
  say(`NO VERDICT: the registry's advisory endpoint did not answer (${why}).`);
  say('Run `make audit` where https://registry.npmjs.org/-/npm/v1/security/advisories/bulk is reachable.');
  process.exit(process.env.GAVEL_AUDIT_STRICT === '1' ? 1 : 0);
}

const counts = report.metadata.vulnerabilities ?? {};
say(
  `production dependencies: ${String(report.metadata.dependencies?.prod ?? '?')}; advisories: ` +
    ['critical', 'high', 'moderate', 'low', 'info'].map((s) => `${s} ${String(counts[s] ?? 0)}`).join(', '),
);
const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, v]) =>
  ['high', 'critical'].includes(v.severity),
);
for (const [name, v] of serious) {
  const titles = v.via.map((x) => (typeof x === 'string' ? `via ${x}` : `${x.title ?? ''} ${x.url ?? ''}`.trim()));
  say(`${v.severity.toUpperCase()} ${name}: ${titles.join('; ')}`);
}
process.exit(serious.length > 0 ? 1 : 0);
