#!/usr/bin/env node
'use strict';
/*
 * Runs an FC 3.0 (API version 2023-03-30) scenario against fc-local with the official Node.js
 * SDK `@alicloud/fc20230330` (pinned in package.json; a client fc-rs did not write). Its signer,
 * `@alicloud/openapi-util`, signs only `host`, `content-type` and the `x-acs-*` headers, so this
 * is the peer that shows fc-local taking the SDK's unsigned `x-fc-*` headers. Every check prints
 * one line (`ok   label` or `FAIL label detail`); the last line is `N passed, M failed` and the
 * exit status is 1 when M > 0.
 *
 * Install as for fc2_node_scenario.js, then run:
 *     [NODE_PATH=DIR/node_modules] node fc-local/tests/peer/node/fc3_node_scenario.js \
 *         --endpoint http://127.0.0.1:PORT --access-key-id ID --access-key-secret SECRET
 */

const path = require('path');
const { Readable } = require('stream');
const { RESULTS, check, fc3Client, loadSdk, makeZip, peerArgs } = require('./common');

const PRINTED = 'fc3-node-peer printed this line';
const HANDLER = 'import json\n' +
  'def handler(event, context):\n' +
  `    print('${PRINTED}')\n` +
  "    return json.dumps({'got': json.loads(event or b'{}')})\n";

async function scenario(FC, Util, client, prefix, created) {
  const name = `${prefix}fn`;
  const zipFile = makeZip({ 'index.py': HANDLER }).toString('base64');
  const input = new FC.CreateFunctionInput({
    functionName: name,
    runtime: 'python3.10',
    handler: 'index.handler',
    memorySize: 128,
    timeout: 10,
    description: 'from the Node.js SDK',
    code: new FC.InputCodeLocation({ zipFile }),
  });
  const createdFn = await client.createFunction(new FC.CreateFunctionRequest({ body: input }));
  created.push(name);
  check('CreateFunction answers 200 with the function', createdFn.statusCode === 200 &&
    createdFn.body.functionName === name, createdFn.statusCode);

  const got = await client.getFunction(name, new FC.GetFunctionRequest({}));
  check('GetFunction returns the description', got.body.description === 'from the Node.js SDK',
    got.body.description);

  const headers = new FC.InvokeFunctionHeaders({ xFcInvocationType: 'Sync', xFcLogType: 'Tail' });
  const invoked = await client.invokeFunctionWithOptions(name,
    new FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from('{"n": 7}')]) }),
    headers, new Util.RuntimeOptions({}));
  const chunks = [];
  for await (const chunk of invoked.body) chunks.push(chunk);
  const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  check('InvokeFunction (unsigned x-fc-* headers) runs the code', answer.got && answer.got.n === 7,
    JSON.stringify(answer));
  const log = Buffer.from(invoked.headers['x-fc-log-result'] || '', 'base64').toString('utf8');
  check('x-fc-log-type: Tail returns the log', log.includes(PRINTED), log);

  const asyncHeaders = new FC.InvokeFunctionHeaders({ xFcInvocationType: 'Async' });
  const queued = await client.invokeFunctionWithOptions(name,
    new FC.InvokeFunctionRequest({ body: Readable.from([Buffer.from('{}')]) }),
    asyncHeaders, new Util.RuntimeOptions({}));
  check('an Async invocation is accepted with 202', queued.statusCode === 202, queued.statusCode);

  await client.updateFunction(name, new FC.UpdateFunctionRequest({
    body: new FC.UpdateFunctionInput({ memorySize: 256 }),
  }));
  const updated = await client.getFunction(name, new FC.GetFunctionRequest({}));
  check('UpdateFunction changes the memory size', updated.body.memorySize === 256,
    updated.body.memorySize);

  const listed = await client.listFunctions(new FC.ListFunctionsRequest({ prefix, limit: 10 }));
  check('ListFunctions finds it by prefix',
    (listed.body.functions || []).some((f) => f.functionName === name));

  let missing;
  try {
    await client.getFunction(`${prefix}missing`, new FC.GetFunctionRequest({}));
  } catch (err) {
    missing = err;
  }
  check('a missing function is FunctionNotFound', missing && missing.code === 'FunctionNotFound',
    missing && missing.code);

  await client.deleteFunction(name);
  created.pop();
  let gone;
  try {
    await client.getFunction(name, new FC.GetFunctionRequest({}));
  } catch (err) {
    gone = err;
  }
  check('DeleteFunction removes it', gone && gone.code === 'FunctionNotFound', gone && gone.code);
}

async function main() {
  const values = peerArgs({
    region: { type: 'string', default: 'cn-hangzhou' },
  });
  for (const option of ['endpoint', 'access-key-id', 'access-key-secret']) {
    if (!values[option]) {
      console.error(`usage: node ${path.basename(__filename)} --endpoint http://127.0.0.1:PORT ` +
        '--access-key-id ID --access-key-secret SECRET');
      return 2;
    }
  }
  const created = [];
  let client;
  try {
    const Util = loadSdk('@alicloud/tea-util');
    let FC;
    ({ FC, client } = fc3Client({
      endpoint: values.endpoint,
      accessKeyId: values['access-key-id'],
      accessKeySecret: values['access-key-secret'],
      regionId: values.region,
    }));
    await scenario(FC, Util, client, `node3-${Date.now() % 1000000}-`, created);
  } catch (err) {
    console.error(err && err.stack ? err.stack : err);
    check('scenario ran to the end', false, err && err.message);
  } finally {
    for (const name of created) {
      if (client) await client.deleteFunction(name).catch(() => {});
    }
  }
  console.log(`${RESULTS.passed} passed, ${RESULTS.failed} failed`);
  return RESULTS.failed ? 1 : 0;
}

main().then((status) => process.exit(status));
