'use strict';
/*
 * Load of GetFunction calls with the official Node.js SDK `@alicloud/fc20230330` (pinned in
 * package.json), for `cargo xtask bench`: `--in-flight` async loops on the one event loop, each
 * calling `getFunction` until the end. After a warm-up second every call's latency is kept; the
 * last line is `RESULT calls=N seconds=S p50_us=P p99_us=Q`.
 *
 *     [NODE_PATH=DIR/node_modules] node bench_fc3_node.js --endpoint http://127.0.0.1:PORT \
 *         --access-key-id ID --access-key-secret SECRET --in-flight 16 --seconds 5
 */

const { fc3Client, peerArgs } = require('./common');

const FUNCTION = 'bench';
const WARM_UP_MS = 1000;

function summary(latencies, seconds) {
  latencies.sort((a, b) => a - b);
  const pick = (q) => latencies.length
    ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
  return `RESULT calls=${latencies.length} seconds=${seconds.toFixed(3)} ` +
    `p50_us=${Math.round(pick(0.5) * 1000)} p99_us=${Math.round(pick(0.99) * 1000)}`;
}

async function main() {
  const values = peerArgs({
    'in-flight': { type: 'string', default: '1' },
    seconds: { type: 'string', default: '5' },
  });
  const { FC, client } = fc3Client({
    endpoint: values.endpoint,
    accessKeyId: values['access-key-id'],
    accessKeySecret: values['access-key-secret'],
  });
  const seconds = Number(values.seconds);
  const start = performance.now();
  const measuredFrom = start + WARM_UP_MS;
  const end = measuredFrom + seconds * 1000;
  const kept = [];
  const worker = async () => {
    const request = new FC.GetFunctionRequest({});
    for (;;) {
      const began = performance.now();
      if (began >= end) return;
      await client.getFunction(FUNCTION, request);
      if (began >= measuredFrom) kept.push(performance.now() - began);
    }
  };
  await Promise.all(Array.from({ length: Number(values['in-flight']) }, worker));
  console.log(summary(kept, seconds));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exitCode = 1;
});
