'use strict';
/*
 * What the Node.js peer scenarios share: one line per check and the tally, loading a pinned
 * SDK, and a stored ZIP archive built in memory.
 */

const path = require('path');
const { parseArgs } = require('util');
const { createRequire } = require('module');

const RESULTS = { passed: 0, failed: 0 };

function check(label, condition, detail) {
  if (condition) {
    RESULTS.passed += 1;
    console.log(`ok   ${label}`);
  } else {
    RESULTS.failed += 1;
    console.log(`FAIL ${label}${detail === undefined ? '' : ' ' + String(detail)}`);
  }
}

/** The package `name`, from the usual resolution (this dir's node_modules, NODE_PATH) or from
 * each NODE_PATH entry taken as an `npm install --prefix` directory. */
function loadSdk(name) {
  const tried = [];
  const bases = [__filename].concat((process.env.NODE_PATH || '').split(path.delimiter)
    .filter(Boolean).map((dir) => path.join(path.resolve(dir), 'package.json')));
  for (const base of bases) {
    try {
      return createRequire(base)(name);
    } catch (err) {
      if (err.code !== 'MODULE_NOT_FOUND') throw err;
      tried.push(path.dirname(base));
    }
  }
  throw new Error(`${name} not found (from ${tried.join(', ')}); run ` +
    '`npm install --prefix DIR` with this package.json and set NODE_PATH=DIR/node_modules');
}

/** The command line of a peer script: `--endpoint`, `--access-key-id`, `--access-key-secret`
 * and the script's own `options` (as `util.parseArgs` takes them). */
function peerArgs(options = {}) {
  return parseArgs({
    options: {
      endpoint: { type: 'string' },
      'access-key-id': { type: 'string' },
      'access-key-secret': { type: 'string' },
      ...options,
    },
  }).values;
}

/** The FC 3.0 SDK (`@alicloud/fc20230330`) and a client of it for `endpoint`
 * (`http://127.0.0.1:PORT`) with the given keys. */
function fc3Client({ endpoint, accessKeyId, accessKeySecret, regionId = 'cn-hangzhou' }) {
  const FC = loadSdk('@alicloud/fc20230330');
  const OpenApi = loadSdk('@alicloud/openapi-client');
  const url = new URL(endpoint);
  const client = new FC.default(new OpenApi.Config({
    accessKeyId,
    accessKeySecret,
    endpoint: url.host,
    protocol: url.protocol.replace(':', ''),
    regionId,
  }));
  return { FC, client };
}

// A stored (uncompressed) ZIP archive with CRC-32: local headers, central directory, end record.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function makeZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const nameBuf = Buffer.from(name, 'utf8');
    const data = Buffer.from(text, 'utf8');
    const common = Buffer.alloc(26);
    // version needed 1.0, flags 0, method 0 (stored), time 00:00, date 1980-01-01
    common.writeUInt16LE(10, 0);
    common.writeUInt16LE(0x21, 8);
    common.writeUInt32LE(crc32(data), 10);
    common.writeUInt32LE(data.length, 14);
    common.writeUInt32LE(data.length, 18);
    common.writeUInt16LE(nameBuf.length, 22);
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), common, nameBuf, data]);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x0314, 4); // made by: Unix, spec 2.0
    common.copy(central, 6);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file
    central.writeUInt32LE(offset, 42);
    locals.push(local);
    centrals.push(central, nameBuf);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(locals.length, 8);
  end.writeUInt16LE(locals.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat(locals.concat([directory, end]));
}


module.exports = { RESULTS, check, fc3Client, loadSdk, makeZip, peerArgs };
