// fc-local's bootstrap for nodejs* functions.
//
// Serves the custom-runtime HTTP protocol on 127.0.0.1:$FC_CUSTOM_LISTEN_PORT and calls the
// user's code in the working directory (the unpacked code, also in FC_FUNC_CODE_PATH):
//   POST /initialize  -> initializer(context[, callback])       (x-fc-function-initializer)
//   POST /invoke      -> handler(event: Buffer, context[, callback])  (x-fc-function-handler)
// A handler declaring three parameters is called in callback form; otherwise its return value
// (or the value its promise resolves to) is the result. callback(err) is a handled error;
// throwing or rejecting is an unhandled one. Success: 200 with the result. Failure: 404 with
// `x-fc-status: 404`, `x-fc-error-type` and {"errorMessage", "errorType", "stackTrace"}.
// With `x-fc-local-http-contract: fc2` (an FC 2.0 HTTP trigger) the event is the HTTP event and
// the handler is FC 2.0's handler(request, response, context): request is a readable stream of
// the body with headers, path, queries, method, clientIP and url; response has setStatusCode,
// setHeader, deleteHeader and send(body); the answer is the event-style result.
// Node.js built-in modules only.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { Readable } = require('stream');
const { pathToFileURL } = require('url');

const HANDLED = 'HandledInvocationError';
const UNHANDLED = 'UnhandledInvocationError';

const port = Number(process.env.FC_CUSTOM_LISTEN_PORT || process.env.FC_SERVER_PORT || 9000);
const codePath = process.env.FC_FUNC_CODE_PATH || process.cwd();
const handlers = new Map();

function emit(line) {
  process.stdout.write(line + '\n');
}

class LoadError extends Error {
  constructor(errorType, message) {
    super(message);
    this.errorType = errorType;
  }
}

// Loads `file.function` from the code directory: file.js / file.cjs with require, file.mjs
// (or an ES module .js) with import().
async function loadHandler(handler) {
  if (handlers.has(handler)) {
    return handlers.get(handler);
  }
  const dot = handler.lastIndexOf('.');
  if (dot <= 0 || dot === handler.length - 1) {
    throw new LoadError('InvalidHandleName', `Invalid handler '${handler}'`);
  }
  const moduleName = handler.slice(0, dot);
  const functionName = handler.slice(dot + 1);
  const base = path.resolve(codePath, moduleName);
  let exported;
  try {
    if (fs.existsSync(base + '.mjs')) {
      exported = await import(pathToFileURL(base + '.mjs').href);
    } else {
      try {
        exported = require(base);
      } catch (error) {
        if (error && error.code === 'ERR_REQUIRE_ESM') {
          exported = await import(pathToFileURL(require.resolve(base)).href);
        } else {
          throw error;
        }
      }
    }
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new LoadError('UserCodeSyntaxError', `${error.name}: ${error.message}`);
    }
    if (error && (error.code === 'MODULE_NOT_FOUND' || error.code === 'ERR_MODULE_NOT_FOUND')) {
      throw new LoadError('ImportModuleError', `Unable to import module '${moduleName}': ${error.message}`);
    }
    throw new LoadError('UserCodeError', `Module initialization error: ${error && error.message}`);
  }
  let fn = exported ? exported[functionName] : undefined;
  if (typeof fn !== 'function' && exported && exported.default) {
    fn = exported.default[functionName];
  }
  if (typeof fn !== 'function') {
    throw new LoadError('HandlerNotFound', `Handler '${functionName}' is missing on module '${moduleName}'`);
  }
  handlers.set(handler, fn);
  return fn;
}

function toInt(value) {
  const number = parseInt(value, 10);
  return Number.isNaN(number) ? 0 : number;
}

function makeLogger(requestId) {
  const line = (level) => (...args) => {
    const text = args.map((arg) => (typeof arg === 'string' ? arg : require('util').inspect(arg))).join(' ');
    emit(`${new Date().toISOString()} ${requestId} [${level}] ${text}`);
  };
  return {
    debug: line('DEBUG'),
    info: line('INFO'),
    log: line('INFO'),
    warn: line('WARN'),
    error: line('ERROR'),
  };
}

function makeContext(headers) {
  const requestId = headers['x-fc-request-id'] || '';
  const qualifier = headers['x-fc-qualifier'] || 'LATEST';
  const versionId = headers['x-fc-version-id'] || 'LATEST';
  return {
    requestId,
    credentials: {
      accessKeyId: headers['x-fc-access-key-id'],
      accessKeySecret: headers['x-fc-access-key-secret'],
      securityToken: headers['x-fc-security-token'],
    },
    function: {
      name: headers['x-fc-function-name'] || process.env.FC_FUNCTION_NAME || '',
      handler: headers['x-fc-function-handler'] || process.env.FC_FUNCTION_HANDLER || '',
      memory: toInt(headers['x-fc-function-memory']),
      timeout: toInt(headers['x-fc-function-timeout']),
      initializer: headers['x-fc-function-initializer'],
      initializationTimeout: toInt(headers['x-fc-initialization-timeout']),
      qualifier,
      versionId,
    },
    service: { name: headers['x-fc-service-name'] || process.env.FC_SERVICE_NAME || undefined, logProject: undefined, logStore: undefined, qualifier, versionId },
    region: headers['x-fc-region'] || process.env.FC_REGION || '',
    accountId: headers['x-fc-account-id'] || process.env.FC_ACCOUNT_ID || '',
    retryCount: toInt(headers['x-fc-retry-count']),
    tracing: {},
    logger: makeLogger(requestId),
    waitsForEmptyEventLoopBeforeCallback: false,
  };
}

// Result conversion: null/undefined -> empty, Buffer -> raw, string -> as is,
// object -> JSON.stringify, number/boolean -> toString().
function toBody(data) {
  if (data === null || data === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data);
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (typeof data === 'object') return Buffer.from(JSON.stringify(data), 'utf8');
  return Buffer.from(String(data), 'utf8');
}

function errorBody(error, handled) {
  if (error instanceof LoadError) {
    return { errorMessage: error.message, errorType: error.errorType };
  }
  if (error instanceof Error) {
    return {
      errorMessage: error.message,
      errorType: error.name,
      stackTrace: String(error.stack || '').split('\n'),
    };
  }
  // callback('text') / throw 'text': not an Error object.
  return { errorMessage: error, errorType: handled ? 'FunctionHandledError' : 'FunctionUnhandledError' };
}

// Calls fn in callback or promise form; resolves to {ok, data} or {handled, error}.
function call(fn, args, callbackArity) {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome) => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    const callback = (error, data) => {
      if (error !== null && error !== undefined) {
        settle({ handled: true, error });
      } else {
        settle({ ok: true, data });
      }
    };
    const usesCallback = fn.length >= callbackArity;
    let returned;
    try {
      returned = usesCallback ? fn(...args, callback) : fn(...args);
    } catch (error) {
      settle({ handled: false, error });
      return;
    }
    if (returned && typeof returned.then === 'function') {
      returned.then(
        (data) => {
          if (!usesCallback) settle({ ok: true, data });
        },
        (error) => settle({ handled: false, error }),
      );
    } else if (!usesCallback) {
      settle({ ok: true, data: returned });
    }
  });
}

// Calls an FC 2.0 HTTP handler on the HTTP event; resolves when it sends its answer.
function callHttp(fn, event, context) {
  const e = JSON.parse(event.toString('utf8') || '{}');
  const http = (e.requestContext || {}).http || {};
  const raw = e.isBase64Encoded ? Buffer.from(e.body || '', 'base64') : Buffer.from(e.body || '', 'utf8');
  const queries = e.queryParameters || {};
  const query = new URLSearchParams(queries).toString();
  const headers = {};
  for (const [name, value] of Object.entries(e.headers || {})) headers[name.toLowerCase()] = value;
  const rawPath = e.rawPath || '/';
  const request = Object.assign(Readable.from([raw]), {
    headers,
    path: decodeURIComponent(rawPath),
    queries,
    method: http.method || 'GET',
    clientIP: http.sourceIp || '127.0.0.1',
    url: rawPath + (query ? `?${query}` : ''),
  });
  return new Promise((resolve) => {
    const state = { statusCode: 200, headers: {} };
    const response = {
      setStatusCode(code) { state.statusCode = Number(code); },
      setHeader(name, value) { state.headers[name] = String(value); },
      deleteHeader(name) { delete state.headers[name]; },
      send(body) {
        const data = { ...state, body: toBody(body).toString('base64'), isBase64Encoded: true };
        resolve({ ok: true, data });
      },
    };
    try {
      const returned = fn(request, response, context);
      if (returned && typeof returned.then === 'function') {
        returned.catch((error) => resolve({ handled: false, error }));
      }
    } catch (error) {
      resolve({ handled: false, error });
    }
  });
}

function answer(response, status, body, errorType) {
  const headers = { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length };
  if (errorType) {
    headers['x-fc-status'] = '404';
    headers['x-fc-error-type'] = errorType;
  }
  response.writeHead(status, headers);
  response.end(body);
}

async function run(phase, handler, headers, event, response, isInvoke) {
  const context = makeContext(headers);
  const requestId = context.requestId;
  emit(`FC ${phase} Start RequestId: ${requestId}`);
  let outcome;
  try {
    const fn = await loadHandler(handler || '');
    if (isInvoke && headers['x-fc-local-http-contract'] === 'fc2') {
      outcome = await callHttp(fn, event, context);
    } else {
      outcome = isInvoke ? await call(fn, [event, context], 3) : await call(fn, [context], 2);
    }
  } catch (error) {
    outcome = { handled: false, error };
  }
  if (outcome.ok) {
    emit(`FC ${phase} End RequestId: ${requestId}`);
    answer(response, 200, isInvoke ? toBody(outcome.data) : Buffer.alloc(0), null);
    return;
  }
  const body = errorBody(outcome.error, outcome.handled);
  if (outcome.error instanceof Error && !(outcome.error instanceof LoadError)) {
    emit(String(outcome.error.stack || outcome.error));
  } else {
    emit(`${body.errorType}: ${typeof body.errorMessage === 'string' ? body.errorMessage : JSON.stringify(body.errorMessage)}`);
  }
  const kind = outcome.handled ? 'Handled' : 'Unhandled';
  emit(`FC ${phase} End RequestId: ${requestId}, Error: ${kind} function error`);
  answer(response, 404, Buffer.from(JSON.stringify(body), 'utf8'), outcome.handled ? HANDLED : UNHANDLED);
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const event = Buffer.concat(chunks);
    const route = (request.url || '').split('?')[0];
    if (request.method === 'POST' && route === '/invoke') {
      run('Invoke', request.headers['x-fc-function-handler'], request.headers, event, response, true);
    } else if (request.method === 'POST' && route === '/initialize') {
      run('Initialize', request.headers['x-fc-function-initializer'], request.headers, event, response, false);
    } else {
      answer(response, 404, Buffer.from('not found'), null);
    }
  });
});
server.listen(port, '127.0.0.1');
