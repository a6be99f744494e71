import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { sendText, textFrame } from './framed.ts';

/** A real ws server on a free port, and a client connected to it, with the server's side of both. */
async function pair(serverOptions: { perMessageDeflate: boolean }) {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http, ...serverOptions });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as { port: number }).port;
  const accepted = new Promise<{ ws: WebSocket; connection: Socket }>((resolve) =>
    wss.on('connection', (ws, request) => resolve({ ws, connection: request.socket })),
  );
  const client = new WebSocket(`ws://127.0.0.1:${port}`);
  const received: string[] = [];
  client.on('message', (data, isBinary) => received.push(`${isBinary ? 'binary' : 'text'}:${String(data)}`));
  await new Promise((resolve, reject) => client.once('open', resolve).once('error', reject));
  const server = await accepted;
  opened.push(async () => {
    client.terminate();
    for (const c of wss.clients) c.terminate();
    await new Promise((resolve) => wss.close(resolve));
    await new Promise((resolve) => http.close(resolve));
  });
  const until = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return received;
  };
  return { ...server, client, until };
}

const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

// Lengths on either side of the frame header's three length forms (7-bit, 16-bit, 64-bit).
const texts = ['', 'a', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(65_535), 'w'.repeat(65_536), '法庭记录 — 第一条'];

describe('a text message framed once for many sockets', () => {
  it('arrives as the same text messages, in order with what ws sends itself', async () => {
    const { ws, connection, until } = await pair({ perMessageDeflate: false });
    expect(ws.extensions).toBe('');
    const expected: string[] = [];
    texts.forEach((t, i) => {
      sendText(ws, connection, Buffer.from(t));
      ws.send(`between ${i}`);
      expected.push(`text:${t}`, `text:between ${i}`);
    });
    expect(await until(expected.length)).toEqual(expected);
  });

  it('is the bytes of an unmasked final text frame, built once per message', () => {
    const body = Buffer.from('{"type":"event"}');
    const frame = textFrame(body);
    expect([...frame.subarray(0, 2)]).toEqual([0x81, body.length]);
    expect(frame.subarray(2).equals(body)).toBe(true);
    expect(textFrame(body)).toBe(frame);

    const long = Buffer.alloc(300, 'q');
    const longFrame = textFrame(long);
    expect([...longFrame.subarray(0, 4)]).toEqual([0x81, 126, 300 >> 8, 300 & 0xff]);
    expect(longFrame.length).toBe(304);
  });

  it('leaves the framing to ws when compression was negotiated, so nothing overtakes a message it is compressing', async () => {
    const { ws, connection, until } = await pair({ perMessageDeflate: true });
    expect(ws.extensions).toContain('permessage-deflate');
    // Compression is asynchronous: ws queues what is sent after a compressed message until it is done.
    const big = 'record '.repeat(20_000);
    ws.send(big);
    sendText(ws, connection, Buffer.from('after the big one'));
    expect(await until(2)).toEqual([`text:${big}`, 'text:after the big one']);
  });
});
