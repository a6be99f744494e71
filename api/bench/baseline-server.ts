/**
 * The baselines, each in a process of its own like the API: `fastify` answers GET / with
 * {hello:'world'} and POST /bare with {ok:true}; `ws` accepts websockets on /ws and, on
 * POST /broadcast, sends the request body as one text frame to every open socket.
 * Usage: node api/bench/baseline-server.ts fastify|ws <port>; prints "ready" when listening.
 */
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';

const [kind, portArg] = process.argv.slice(2);
const port = Number(portArg);

if (kind === 'fastify') {
  const app = Fastify();
  app.get('/', async () => ({ hello: 'world' }));
  app.post('/bare', async () => ({ ok: true }));
  await app.listen({ port, host: '127.0.0.1' });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else if (kind === 'ws') {
  const sockets = new Set<WebSocket>();
  const server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/broadcast') {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // The same work as Gavel's fan-out minus everything else: one string, one send per socket.
      const text = Buffer.concat(chunks).toString('utf8');
      for (const s of sockets) s.send(text);
      res.writeHead(204).end();
    });
  });
  const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 64 * 1024 });
  wss.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  process.on('SIGTERM', () => {
    for (const s of sockets) s.terminate();
    server.close(() => process.exit(0));
  });
} else {
  process.stderr.write('usage: baseline-server.ts fastify|ws <port>\n');
  process.exit(2);
}
process.stdout.write('ready\n');
