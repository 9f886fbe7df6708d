// A tiny HTTP server for guest tests, run inside a lab namespace as its own process
// (node recorder-main.js HOST PORT ROOT): serves the files under ROOT, answers the callback
// routes the test guest calls (/answers/<token>/stage/<name>, /answers/<token>/done,
// /guest/..., /report/...) with 200, everything else with 404, and prints one JSON line
// per request ({"method","url","status"}) so the test can read them in order.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';

const [host, portText, root] = process.argv.slice(2);
if (!host || !portText || !root) {
  console.error('usage: recorder-main.js HOST PORT ROOT');
  process.exit(2);
}

/** Routes the guest reports to; no file backs them. */
const CALLBACK = /^\/(answers\/[A-Za-z0-9_-]+\/(stage\/[^/]+|done)|guest\/[^/]+|report(\/.*)?)$/;

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const path = decodeURIComponent(url.split('?')[0] ?? '/');
  const reply = (status: number, body: Buffer | string): void => {
    console.log(JSON.stringify({ method: req.method, url, status }));
    res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (CALLBACK.test(path)) {
    reply(200, 'ok\n');
    return;
  }
  // normalize() keeps ".." from leaving ROOT
  const file = join(root, normalize(`/${path}`));
  readFile(file).then((body) => reply(200, body), () => reply(404, 'not found\n'));
});
server.listen(Number(portText), host, () => {
  console.log(JSON.stringify({ listening: `http://${host}:${portText}/` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
