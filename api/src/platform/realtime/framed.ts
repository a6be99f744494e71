import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import * as ws from 'ws';

/**
 * One event sent to many sockets, framed once.
 *
 * A server's frames are never masked (RFC 6455 §5.1), so a text message has the same bytes on the
 * wire for every socket. `ws.send` frames it again for each socket (a fresh header, a corked write of
 * header and body through the stream machinery, a `writev`); with a thousand watchers that framing
 * was a third of the time it took to hand one transcript entry to every socket. `ws` exposes its
 * framing as `Sender.frame` for exactly this kind of broadcast; the frame is built once per message
 * and each socket gets a single write of the same buffer.
 */
interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
}
// Exported by ws beside WebSocket; its type declarations leave it out.
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT = 0x1;
const frames = new WeakMap<Buffer, Buffer>();

/** The whole frame (header and body) of one unfragmented, uncompressed text message. */
export function textFrame(text: Buffer): Buffer {
  let frame = frames.get(text);
  if (!frame) {
    frame = Buffer.concat(Sender.frame(text, { fin: true, opcode: TEXT, mask: false, readOnly: true, rsv1: false }));
    frames.set(text, frame);
  }
  return frame;
}

/**
 * Sends `text` (UTF-8 bytes shared by many sockets) as one text message on `socket`, whose connection is
 * `connection`. When an extension was negotiated (compression: its frames differ per socket, and ws
 * may hold messages back while it compresses), ws frames and sends it itself, so nothing overtakes a
 * message it has queued. Without one, ws writes every frame straight to the connection as it is sent
 * (its sender queues only for compression), so writing the frame there keeps the order of messages.
 */
export function sendText(socket: WebSocket, connection: Socket, text: Buffer): void {
  if (socket.extensions !== '') socket.send(text, { binary: false });
  else connection.write(textFrame(text));
}
