#!/usr/bin/env node
// Runs vizor's TftpServer in its own process for the benchmark: tftp-server.mjs ROOT ADDRESS PORT.
// Prints "ready PORT" on stdout once bound; stops on SIGTERM.
import { TftpServer } from '../../dist/src/boot/tftp/index.js';
import { createLogger } from '../../dist/src/log/index.js';

const [root, address = '127.0.0.1', port = '0'] = process.argv.slice(2);
const server = new TftpServer({ root, address, port: Number(port), log: createLogger('warn'), maxBlksize: 1468, maxWindowsize: 64 });
await server.start();
process.stdout.write(`ready ${server.address().port}\n`);
process.on('SIGTERM', () => void server.stop().then(() => process.exit(0)));
