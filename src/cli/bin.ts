#!/usr/bin/env node
/**
 * The `iso8583` executable: wires {@link run} to the process streams and exit status.
 *
 * Why: keeps all behaviour in `main.ts`, where tests can reach it.
 */
import { run } from './main.js';

run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: (text) => {
    process.stdout.write(text);
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
}).then(
  (status) => {
    process.exitCode = status;
  },
  () => {
    process.stderr.write('iso8583: error UNEXPECTED: could not complete the command\n');
    process.exitCode = 1;
  },
);
