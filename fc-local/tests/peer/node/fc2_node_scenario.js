#!/usr/bin/env node
'use strict';
/*
 * Runs an FC 2.0 (API version 2016-08-15) scenario against fc-local with the official classic
 * Node SDK `@alicloud/fc2` (pinned in package.json; a client fc-rs did not write). The SDK signs
 * with the classic `Authorization: FC <ak>:<sig>` scheme. Every check prints one line
 * (`ok   label` or `FAIL label detail`); the last line is `N passed, M failed` and the exit
 * status is 1 when M > 0. An unexpected exception is one failed check, with its stack printed.
 *
 * Install the SDK, either next to this script:
 *     npm install --prefix fc-local/tests/peer/node
 * or into any directory DIR (then point NODE_PATH at DIR/node_modules, or at DIR):
 *     cp fc-local/tests/peer/node/package.json DIR/ && npm install --prefix DIR
 * Run (Node 20, no flags):
 *     [NODE_PATH=DIR/node_modules] node fc-local/tests/peer/node/fc2_node_scenario.js \
 *         --endpoint http://127.0.0.1:PORT --access-key-id ID --access-key-secret SECRET \
 *         [--account-id 1234567890] [--region cn-hangzhou]
 */

const path = require('path');

const { RESULTS, check, loadSdk, makeZip, peerArgs } = require('./common');

/** The status, code and request id of a failed SDK call (the SDK keeps the status and the
 * request id only in its message: "... failed with 412. requestid: ID, message: ..."). */
function failure(err) {
  const match = /failed with (\d+)\. requestid: ([^,]*), message:/.exec(err.message || '');
  return {
    status: match ? Number(match[1]) : undefined,
    requestId: match && match[2] !== 'undefined' ? match[2] : undefined,
    code: err.code,
    text: `${err.code} ${err.message}`,
  };
}

/** Runs `call`, which must fail; answers its failure, or undefined when it succeeded. */
async function expectFailure(call) {
  try {
    await call();
  } catch (err) {
    return failure(err);
  }
  return undefined;
}

function text(data) {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return typeof data === 'string' ? data : JSON.stringify(data);
}

const PRINTED = 'fc2-node-peer printed this line';
const HANDLER = 'def handler(event, context):\n' +
  `    print('${PRINTED}')\n` +
  "    return 'v1'\n";

function functionInput(name, description) {
  return {
    functionName: name,
    description,
    runtime: 'python3.10',
    handler: 'index.handler',
    memorySize: 512,
    timeout: 30,
    code: { zipFile: makeZip({ 'index.py': HANDLER }).toString('base64') },
  };
}

async function scenario(client, prefix, state) {
  const service = `${prefix}svc`;
  const first = `${prefix}fn-a`;
  const second = `${prefix}fn-b`;

  // 1. service
  const created = await client.createService(service, { description: 'fc2 node peer' });
  state.service = service;
  check('createService answers the service name', created.data.serviceName === service,
    JSON.stringify(created.data));
  const gotService = await client.getService(service);
  check('getService has an etag header', Boolean(gotService.headers.etag),
    JSON.stringify(gotService.headers));

  // 2. function
  const made = await client.createFunction(service, functionInput(first, 'first'));
  state.functions.push(first);
  check('createFunction answers the function name', made.data.functionName === first,
    JSON.stringify(made.data));
  const got = await client.getFunction(service, first);
  check('getFunction keeps the configuration',
    got.data.functionName === first && got.data.runtime === 'python3.10' &&
    got.data.handler === 'index.handler' && got.data.description === 'first',
    JSON.stringify(got.data));
  check('getFunction has an etag header', Boolean(got.headers.etag));

  // 3. invocation
  const plain = await client.invokeFunction(service, first, 'ping',
    { 'x-fc-invocation-type': 'Sync' });
  check("invokeFunction (Sync) answers 'v1'", text(plain.data) === 'v1', JSON.stringify(plain.data));
  const tailed = await client.invokeFunction(service, first, 'ping', { 'x-fc-log-type': 'Tail' });
  const encoded = tailed.headers['x-fc-log-result'] || '';
  const log = Buffer.from(encoded, 'base64').toString('utf8');
  check("invokeFunction with Tail answers 'v1'", text(tailed.data) === 'v1',
    JSON.stringify(tailed.data));
  check('x-fc-log-result decodes to text with the printed line', log.includes(PRINTED),
    JSON.stringify(log));

  // 4. paging
  await client.createFunction(service, functionInput(second, 'second'));
  state.functions.push(second);
  const page = await client.listFunctions(service, { limit: 1 });
  const names = (page.data.functions || []).map((f) => f.functionName);
  check('listFunctions limit=1 returns one function and a nextToken',
    names.length === 1 && Boolean(page.data.nextToken), JSON.stringify(page.data));
  if (page.data.nextToken) {
    const rest = await client.listFunctions(service, { limit: 1, nextToken: page.data.nextToken });
    const all = names.concat((rest.data.functions || []).map((f) => f.functionName)).sort();
    check('listFunctions nextToken pages to the other function',
      JSON.stringify(all) === JSON.stringify([first, second]), JSON.stringify(rest.data));
  }

  // 5. conditional update
  const etag = (await client.getFunction(service, first)).headers.etag;
  const updated = await client.updateFunction(service, first, { description: 'updated' },
    { 'if-match': etag });
  check('updateFunction with If-Match of the current etag changes the description',
    updated.data.description === 'updated', JSON.stringify(updated.data));
  check('updateFunction answers a new etag',
    Boolean(updated.headers.etag) && updated.headers.etag !== etag,
    `${etag} -> ${updated.headers.etag}`);
  const stale = await expectFailure(() => client.updateFunction(service, first,
    { description: 'stale write' }, { 'if-match': etag }));
  check('updateFunction with a stale etag is PreconditionFailed (412)',
    stale && stale.code === 'PreconditionFailed' && stale.status === 412,
    stale ? stale.text : 'it succeeded');
  const after = await client.getFunction(service, first);
  check('the rejected update changed nothing', after.data.description === 'updated',
    JSON.stringify(after.data.description));

  // 6. missing function
  const missing = await expectFailure(() => client.getFunction(service, `${prefix}missing`));
  check('a missing function is FunctionNotFound (404) with a request id',
    missing && missing.code === 'FunctionNotFound' && missing.status === 404 &&
    Boolean(missing.requestId), missing ? missing.text : 'it succeeded');

  // 7. deletion
  for (const name of [first, second]) {
    await client.deleteFunction(service, name);
    state.functions = state.functions.filter((f) => f !== name);
    const gone = await expectFailure(() => client.getFunction(service, name));
    check(`deleteFunction ${name} removes it`, gone && gone.code === 'FunctionNotFound',
      gone ? gone.text : 'still there');
  }
  await client.deleteService(service);
  state.service = undefined;
  const goneService = await expectFailure(() => client.getService(service));
  check('deleteService removes the service',
    goneService && goneService.code === 'ServiceNotFound',
    goneService ? goneService.text : 'still there');
}

/** Best-effort removal of what an interrupted scenario left behind. */
async function cleanUp(client, state) {
  if (!state.service) return;
  for (const name of state.functions) {
    await client.deleteFunction(state.service, name).catch(() => {});
  }
  await client.deleteService(state.service).catch(() => {});
}

async function main() {
  const values = peerArgs({
    'account-id': { type: 'string', default: '1234567890' },
    region: { type: 'string', default: 'cn-hangzhou' },
  });
  for (const name of ['endpoint', 'access-key-id', 'access-key-secret']) {
    if (!values[name]) {
      console.error(`usage: node ${path.basename(__filename)} --endpoint http://127.0.0.1:PORT ` +
        '--access-key-id ID --access-key-secret SECRET');
      return 2;
    }
  }
  const state = { service: undefined, functions: [] };
  let client;
  try {
    const FCClient = loadSdk('@alicloud/fc2');
    client = new FCClient(values['account-id'], {
      accessKeyID: values['access-key-id'],
      accessKeySecret: values['access-key-secret'],
      region: values.region,
      endpoint: values.endpoint.replace(/\/+$/, ''),
      timeout: 60000,
    });
    await scenario(client, `node-${Date.now() % 1000000}-`, state);
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    check('scenario ran to the end', false, err && err.message);
    if (client) await cleanUp(client, state);
  }
  console.log(`${RESULTS.passed} passed, ${RESULTS.failed} failed`);
  return RESULTS.failed ? 1 : 0;
}

main().then((status) => process.exit(status));
