#!/usr/bin/env node
// A local stand-in for AWS Lambda, for compose.yaml: the two HTTP APIs that
// matter, nothing else.
//
// - Invoke API, what Kong's aws-lambda plugin calls (host/port/disable_https):
//     POST /2015-03-31/functions/<function>/invocations[?Qualifier=…]
//   Answers like Lambda: 200 with the function's result, or 200 with
//   `X-Amz-Function-Error: Unhandled` and the error. No signature check:
//   Kong signs with whatever credentials it has, and they are not looked at.
// - Runtime API, what the real `configurator-lambdas` binary polls (it runs in
//   Lambda mode because AWS_LAMBDA_RUNTIME_API is set):
//     AWS_LAMBDA_RUNTIME_API=http://<emulator>:<port>/<function>
//   so each function's processes poll their own queue. Start several
//   processes of a function for concurrency; invocations wait in the queue
//   until one is free (as many as LAMBDA_TIMEOUT_MS allows).
//
// Node 18 or later, no packages. LAMBDA_EMULATOR_PORT (9001), LAMBDA_TIMEOUT_MS
// (30000), AWS_REGION (for the ARNs it makes up).

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const PORT = Number(process.env.LAMBDA_EMULATOR_PORT ?? 9001);
const TIMEOUT_MS = Number(process.env.LAMBDA_TIMEOUT_MS ?? 30000);
const REGION = process.env.AWS_REGION ?? 'us-east-1';

const INVOKE = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const NEXT = /^\/([^/]+)\/2018-06-01\/runtime\/invocation\/next$/;
const RESULT = /^\/([^/]+)\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const INIT_ERROR = /^\/([^/]+)\/2018-06-01\/runtime\/init\/error$/;

/** Per function: invocations waiting for a poller, and pollers waiting for one. */
const functions = new Map();
/** request id -> the invocation being worked on. */
const running = new Map();

function fn(name) {
  let f = functions.get(name);
  if (!f) {
    f = { queue: [], pollers: [] };
    functions.set(name, f);
  }
  return f;
}

function log(message) {
  console.log(`${new Date().toISOString()} lambda-emulator: ${message}`);
}

function body(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res, status, payload, headers = {}) {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': data.length, ...headers });
  res.end(data);
}

/** Hands an invocation to a poller of its function. */
function deliver(poller, invocation) {
  running.set(invocation.id, invocation);
  send(poller, 200, invocation.payload, {
    'lambda-runtime-aws-request-id': invocation.id,
    'lambda-runtime-deadline-ms': String(invocation.deadline),
    'lambda-runtime-invoked-function-arn': `arn:aws:lambda:${REGION}:000000000000:function:${invocation.name}`,
    'lambda-runtime-trace-id': `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
  });
}

function finish(invocation, status, payload, headers) {
  clearTimeout(invocation.timer);
  running.delete(invocation.id);
  const f = fn(invocation.name);
  f.queue = f.queue.filter((i) => i !== invocation);
  if (!invocation.res.writableEnded) send(invocation.res, status, payload, headers);
}

async function invoke(req, res, name) {
  const payload = await body(req);
  const invocation = {
    id: randomUUID(),
    name,
    payload,
    res,
    deadline: Date.now() + TIMEOUT_MS,
  };
  invocation.timer = setTimeout(() => {
    log(`${name} ${invocation.id} timed out after ${TIMEOUT_MS} ms`);
    finish(invocation, 200, { errorMessage: `Task timed out after ${TIMEOUT_MS / 1000} seconds` }, {
      'x-amz-function-error': 'Unhandled',
    });
  }, TIMEOUT_MS);
  const f = fn(name);
  const poller = f.pollers.shift();
  if (poller) deliver(poller, invocation);
  else f.queue.push(invocation);
}

function next(res, name) {
  const f = fn(name);
  const invocation = f.queue.shift();
  if (invocation) deliver(res, invocation);
  else {
    f.pollers.push(res);
    res.on('close', () => {
      f.pollers = f.pollers.filter((p) => p !== res);
    });
  }
}

const server = createServer(async (req, res) => {
  const path = new URL(req.url, 'http://emulator').pathname;
  try {
    let m;
    if (req.method === 'POST' && (m = INVOKE.exec(path))) {
      const name = decodeURIComponent(m[1]);
      if (req.headers['x-amz-invocation-type'] && req.headers['x-amz-invocation-type'] !== 'RequestResponse') {
        return send(res, 400, { Type: 'User', Message: 'only RequestResponse invocations are emulated' });
      }
      return await invoke(req, res, name);
    }
    if (req.method === 'GET' && (m = NEXT.exec(path))) return next(res, m[1]);
    if (req.method === 'POST' && (m = RESULT.exec(path))) {
      const [, name, id, kind] = m;
      const result = await body(req);
      const invocation = running.get(id);
      if (!invocation) return send(res, 400, { errorMessage: `unknown request id ${id}` });
      if (kind === 'response') {
        finish(invocation, 200, result, { 'x-amz-executed-version': '$LATEST' });
      } else {
        log(`${name} ${id} failed: ${result.toString('utf8').slice(0, 500)}`);
        finish(invocation, 200, result, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' });
      }
      return send(res, 202, { status: 'OK' });
    }
    if (req.method === 'POST' && (m = INIT_ERROR.exec(path))) {
      log(`${m[1]} failed to start: ${(await body(req)).toString('utf8').slice(0, 500)}`);
      return send(res, 202, { status: 'OK' });
    }
    if (req.method === 'GET' && path === '/healthz') return send(res, 200, { status: 'ok' });
    send(res, 404, { Type: 'User', Message: `no such resource: ${req.method} ${path}` });
  } catch (error) {
    log(`error: ${error.stack ?? error}`);
    if (!res.headersSent) send(res, 500, { Type: 'Service', Message: 'emulator error' });
  }
});

// Runtime API polls are long: no request or keep-alive timeouts on them.
server.requestTimeout = 0;
server.keepAliveTimeout = 65000;
server.listen(PORT, () => log(`listening on :${PORT}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500));
