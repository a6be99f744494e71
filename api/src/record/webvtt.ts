import { DomainError } from '../platform/http/errors.ts';

export interface Segment {
  speaker: string;
  /** Seconds from the start of the captions. */
  start: number;
  text: string;
}

const TIMING = /^\s*((?:\d+:)?\d{2}:\d{2}[.,]\d{3})\s+-->\s+((?:\d+:)?\d{2}:\d{2}[.,]\d{3})/;
const invalid = (message: string) => new DomainError(400, 'invalid_webvtt', message);

function seconds(stamp: string): number {
  const parts = stamp.replace(',', '.').split(':').map(Number);
  return parts.reduce((acc, p) => acc * 60 + p, 0);
}

const decode = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');

/**
 * Cues of a WebVTT file as transcript segments: the speaker from a `<v Name>` voice span (else
 * "Speaker"), other markup dropped, its entities decoded.
 */
export function parseWebVtt(body: string, maxCues = 5000): Segment[] {
  const text = body.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  if (!/^WEBVTT(?:[ \t].*)?(?:\n|$)/.test(text)) throw invalid('A WebVTT file starts with the line "WEBVTT".');
  const out: Segment[] = [];
  for (const block of text.split(/\n{2,}/).slice(1)) {
    const lines = block.split('\n');
    const at = lines.findIndex((l) => l.includes('-->'));
    if (at < 0 || /^(NOTE|STYLE|REGION)\b/.test(lines[0] ?? '')) continue;
    const timing = TIMING.exec(lines[at]!);
    if (!timing) throw invalid(`A cue timing is not valid: "${lines[at]!.slice(0, 80)}".`);
    let speaker = 'Speaker';
    const cue = lines
      .slice(at + 1)
      .join('\n')
      .replace(/<v(?:\.[^\s>]*)?\s+([^>]+)>/g, (_m, name: string) => {
        speaker = decode(name.trim()) || speaker;
        return '';
      })
      .replace(/<[^>]*>/g, '');
    const cueText = decode(cue).trim();
    if (!cueText) continue;
    out.push({ speaker, start: seconds(timing[1]!), text: cueText });
    if (out.length > maxCues) throw invalid(`At most ${maxCues} cues can be imported at once.`);
  }
  if (out.length === 0) throw invalid('The file has no cues with text.');
  for (const s of out) {
    if (s.text.length > 10000) throw invalid('A cue has more than 10,000 characters.');
    if (s.speaker.length > 200) throw invalid('A speaker name has more than 200 characters.');
  }
  return out;
}
