import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/http/errors.ts';
import { parseWebVtt } from './webvtt.ts';

const vtt = (...cues: string[]) => ['WEBVTT', ...cues].join('\n\n');

/** The error code and message a body is refused with. */
function refusal(body: string, maxCues?: number): { status: number; code: string; message: string } {
  try {
    parseWebVtt(body, maxCues);
  } catch (e) {
    if (e instanceof DomainError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('parseWebVtt', () => {
  it('reads each cue’s start in seconds, its speaker from a voice span, and its text', () => {
    expect(
      parseWebVtt(
        vtt(
          '00:00:01.500 --> 00:00:04.000\n<v Judge Li>Please be seated.',
          'cue-2\n01:02:03.250 --> 01:02:05.000 align:start\n<v.loud Counsel Wang>Thank you, <i>Your Honour</i>.',
        ),
      ),
    ).toEqual([
      { speaker: 'Judge Li', start: 1.5, text: 'Please be seated.' },
      { speaker: 'Counsel Wang', start: 3723.25, text: 'Thank you, Your Honour.' },
    ]);
  });

  it('calls a cue without a voice "Speaker", keeps its lines, and decodes its entities', () => {
    expect(parseWebVtt(vtt('00:05.000 --> 00:06.000\nA &lt;b&gt; &amp; c\nsecond&nbsp;line'))).toEqual([
      { speaker: 'Speaker', start: 5, text: 'A <b> & c\nsecond line' },
    ]);
  });

  it('takes a byte-order mark, CRLF line ends, a comma before the milliseconds and a header text', () => {
    const body = '\uFEFFWEBVTT - court captions\r\n\r\n00:00:02,000 --> 00:00:03,000\r\n<v 张三>原告到庭。\r\n';
    expect(parseWebVtt(body)).toEqual([{ speaker: '张三', start: 2, text: '原告到庭。' }]);
  });

  it('passes over notes, styles, regions and cues with no text', () => {
    const body = vtt(
      'NOTE a comment --> with an arrow',
      'STYLE\n::cue { color: red }',
      '00:00:01.000 --> 00:00:02.000\n<i></i>  ',
      '00:00:03.000 --> 00:00:04.000\nOn the record.',
    );
    expect(parseWebVtt(body)).toEqual([{ speaker: 'Speaker', start: 3, text: 'On the record.' }]);
  });

  it('refuses a file that does not start with WEBVTT, or whose header runs on', () => {
    for (const body of ['', 'WEBVTX\n\n00:01.000 --> 00:02.000\nx', 'WEBVTTX\n\n00:01.000 --> 00:02.000\nx'])
      expect(refusal(body), JSON.stringify(body)).toMatchObject({ status: 400, code: 'invalid_webvtt' });
  });

  it('refuses a broken cue timing, naming it', () => {
    expect(refusal(vtt('00:01 --> 00:02\nHello')).message).toBe('A cue timing is not valid: "00:01 --> 00:02".');
  });

  it('refuses a file with no cue that has text', () => {
    expect(refusal('WEBVTT\n').message).toBe('The file has no cues with text.');
    expect(refusal(vtt('NOTE only a note')).message).toBe('The file has no cues with text.');
  });

  it('refuses more cues than asked for, a cue over 10,000 characters, and a speaker over 200', () => {
    const cue = (i: number) => `00:00:0${i}.000 --> 00:00:0${i + 1}.000\nCue ${i}`;
    expect(parseWebVtt(vtt(cue(1), cue(2)), 2)).toHaveLength(2);
    expect(refusal(vtt(cue(1), cue(2), cue(3)), 2).message).toBe('At most 2 cues can be imported at once.');
    expect(refusal(vtt(`00:01.000 --> 00:02.000\n${'x'.repeat(10_001)}`)).message).toBe(
      'A cue has more than 10,000 characters.',
    );
    expect(parseWebVtt(vtt(`00:01.000 --> 00:02.000\n${'x'.repeat(10_000)}`))[0]!.text).toHaveLength(10_000);
    expect(refusal(vtt(`00:01.000 --> 00:02.000\n<v ${'N'.repeat(201)}>Hello`)).message).toBe(
      'A speaker name has more than 200 characters.',
    );
  });
});
