// Waits until the local vizor answers GET /readyz with 200; vizor.service runs it as
// ExecStartPost, so the unit counts as started only once vizor is ready (vizor has no
// sd_notify). Reads http.host/http.port from the same configuration as the service.
// Usage: node wait-ready.mjs [--config FILE] [--timeout SECONDS]
import { loadConfig } from '../dist/src/config/index.js';

const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const timeoutMs = Number(arg('--timeout') ?? 90) * 1000;
const { config } = loadConfig({ explicitFile: arg('--config') });
// A wildcard listen address is reached over loopback.
const host = { '0.0.0.0': '127.0.0.1', '::': '::1' }[config.http.host] ?? config.http.host;
const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}/readyz`;

const deadline = Date.now() + timeoutMs;
let last = 'no answer yet';
while (Date.now() < deadline) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (res.status === 200) {
      console.log(`vizor is ready (${url})`);
      process.exit(0);
    }
    last = `HTTP ${res.status}`;
  } catch (err) {
    last = err.cause?.code ?? err.message;
  }
  await new Promise((r) => setTimeout(r, 500));
}
console.error(`vizor did not become ready within ${timeoutMs / 1000} s: ${url}: ${last}`);
process.exit(1);
