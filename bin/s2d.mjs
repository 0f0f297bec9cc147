#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx so `npm ci` is the only set-up step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
// Exit explicitly: a command is over when main returns, whatever sockets or timers a library left open.
process.exit(await main(process.argv.slice(2)));
