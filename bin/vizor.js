#!/usr/bin/env node
// Entry point: runs the compiled CLI (npm run build produces dist/).
import { main } from '../dist/src/cli/main.js';

const code = await main(process.argv.slice(2));
process.exitCode = code;
