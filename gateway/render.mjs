#!/usr/bin/env node
// Renders gateway/kong.yaml into the file Kong loads (DB-less).
//
//   node gateway/render.mjs <template> <output>
//
// Every placeholder declared in the template's header comment is replaced by
// the JSON encoding of its value, read from the environment variable of the
// same name and typed as declared (string, string? = empty or unset means
// null, integer, boolean). JSON scalars are valid YAML flow scalars, so a
// PEM's line breaks survive. Terraform does the same with templatefile() and
// jsonencode(); the contract test (lambdas/api/tests/kong_contract.rs) renders
// the template the same way with compose.yaml's values.
//
// IDP_RSA_PUBLIC_KEY may be left unset: the IdP's JWKS is then fetched (from
// IDP_JWKS_URI, or from the jwks_uri of IDP_ISSUER's discovery document),
// retrying for up to a minute, and its one RSA key is converted to PEM.
//
// The ingest services' consumers (issue #16) are inserted below the template's
// INGEST_CONSUMERS marker line, one JSON flow mapping a line: the services
// named in INGEST_SERVICES (comma- or space-separated client ids; set but
// empty: none), each with its key from INGEST_API_KEY_<NAME> (the client id
// upper-cased, every other character `_`: INGEST_API_KEY_ORDERS_SERVICE).
// With INGEST_SERVICES unset, the local IdP's demo clients orders-service and
// billing-service (scripts/idp/server.js), keyed local-only-<name>-key unless
// their INGEST_API_KEY_<NAME> is set: a Compose-only default, like the BFF's.
//
// Node 18 or later, no packages. Exits non-zero with a message naming the
// variable on any missing or malformed value, or any undeclared placeholder.

import { createPublicKey } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

const DECLARATION = /^#\s+([A-Z][A-Z0-9_]*)\s+(string\??|integer|boolean)\s+\S/;
const PLACEHOLDER = /\$\{([^}]*)\}/g;

function fail(message) {
  console.error(`render: ${message}`);
  process.exit(1);
}

/** name -> type, from the template's header comment. */
export function declarations(template) {
  const declared = new Map();
  for (const line of template.split('\n')) {
    if (!line.startsWith('#')) break;
    const m = DECLARATION.exec(line);
    if (m) declared.set(m[1], m[2]);
  }
  return declared;
}

/** The typed value of `raw` (a string from the environment, or undefined). */
export function typed(name, type, raw) {
  const value = raw === undefined ? '' : raw.trim();
  switch (type) {
    case 'string':
      if (value === '') throw new Error(`${name} must be set`);
      return raw;
    case 'string?':
      return value === '' || value === 'null' ? null : raw;
    case 'integer':
      if (!/^-?\d+$/.test(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw ?? '')}`);
      return Number(value);
    case 'boolean':
      if (value !== 'true' && value !== 'false') {
        throw new Error(`${name} must be true or false, got ${JSON.stringify(raw ?? '')}`);
      }
      return value === 'true';
    default:
      throw new Error(`${name}: unknown type ${type}`);
  }
}

/** Replaces each placeholder with the JSON encoding of values[name]. */
export function render(template, values) {
  const declared = declarations(template);
  const body = template;
  if (body.includes('%{')) throw new Error('the template contains %{, which Terraform would read as a directive');
  return body.replace(PLACEHOLDER, (_, name) => {
    if (!declared.has(name)) throw new Error(`undeclared placeholder \${${name}}`);
    if (!(name in values)) throw new Error(`no value for ${name}`);
    return JSON.stringify(values[name]);
  });
}

/** The line of the template's `consumers` the ingest consumers go below. */
export const INGEST_MARKER = '  # INGEST_CONSUMERS';
/** The acl group the ingest routes admit (besides the BFF's). */
export const INGEST_GROUP = 'ingest';
/** The local IdP's service clients (IDP_SERVICE_CLIENTS' default). */
export const DEMO_SERVICES = ['orders-service', 'billing-service'];
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const RESERVED = ['configurator-bff', 'configurator-idp', 'configurator-anonymous'];

/** The environment variable holding a service's key. */
export function ingestKeyVariable(name) {
  return `INGEST_API_KEY_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** [{ name, key }] of the ingest services, from the environment. */
export function ingestServices(env) {
  const demo = env.INGEST_SERVICES === undefined;
  const names = demo ? DEMO_SERVICES : env.INGEST_SERVICES.split(/[\s,]+/).filter(Boolean);
  const variables = new Set();
  return names.map((name) => {
    if (!SERVICE_NAME.test(name)) throw new Error(`INGEST_SERVICES: ${JSON.stringify(name)} is not a client id`);
    if (RESERVED.includes(name)) throw new Error(`INGEST_SERVICES: ${name} is one of the gateway's own consumers`);
    const variable = ingestKeyVariable(name);
    if (variables.has(variable)) throw new Error(`INGEST_SERVICES: two services share ${variable}`);
    variables.add(variable);
    let key = (env[variable] ?? '').trim() === '' ? undefined : env[variable];
    if (key === undefined && demo) key = `local-only-${name}-key`;
    if (key === undefined) throw new Error(`${variable} must be set (the key of ${name})`);
    return { name, key };
  });
}

/** `rendered` with one consumer per service inserted below INGEST_MARKER. */
export function withIngestConsumers(rendered, services, bffKey) {
  const lines = rendered.split('\n');
  const at = lines.indexOf(INGEST_MARKER);
  if (at < 0 || lines.indexOf(INGEST_MARKER, at + 1) >= 0) {
    throw new Error(`the template needs the line ${JSON.stringify(INGEST_MARKER)} exactly once`);
  }
  const keys = new Set([bffKey]);
  const consumers = services.map(({ name, key }) => {
    if (keys.has(key)) throw new Error(`the key of ${name} is the BFF's or another service's; each needs its own`);
    keys.add(key);
    const consumer = { username: name, keyauth_credentials: [{ key }], acls: [{ group: INGEST_GROUP }] };
    return `  - ${JSON.stringify(consumer)}`;
  });
  lines.splice(at + 1, 0, ...consumers);
  return lines.join('\n');
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}

/** PEM of the issuer's single RSA signing key. */
async function idpPublicKey(env) {
  let lastError;
  for (let attempt = 0; attempt < 60; attempt++) {
    try {
      let jwksUri = env.IDP_JWKS_URI;
      if (!jwksUri) {
        const issuer = (env.IDP_ISSUER ?? '').replace(/\/+$/, '');
        jwksUri = (await fetchJson(`${issuer}/.well-known/openid-configuration`)).jwks_uri;
      }
      const { keys = [] } = await fetchJson(jwksUri);
      const rsa = keys.filter((k) => k.kty === 'RSA' && (k.use ?? 'sig') === 'sig' && (k.alg ?? 'RS256') === 'RS256');
      if (rsa.length !== 1) {
        // Kong's jwt plugin keys credentials by `iss`: one key per issuer.
        fail(`${jwksUri} has ${rsa.length} RS256 signing keys; exactly one is needed (see gateway/README.md, key rotation)`);
      }
      const { kty, n, e } = rsa[0];
      return createPublicKey({ key: { kty, n, e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  fail(`cannot read the IdP's signing key: ${lastError?.message ?? lastError}`);
}

async function main() {
  const [templatePath, outputPath] = process.argv.slice(2);
  if (!templatePath || !outputPath) fail('usage: node render.mjs <template> <output>');
  const template = readFileSync(templatePath, 'utf8');
  const env = { ...process.env };
  if (!env.IDP_RSA_PUBLIC_KEY) env.IDP_RSA_PUBLIC_KEY = await idpPublicKey(env);

  const values = {};
  try {
    for (const [name, type] of declarations(template)) values[name] = typed(name, type, env[name]);
    if (values.REDIS_PASSWORD != null && !/^\{vault:\/\/[^}]+\}$/.test(values.REDIS_PASSWORD)) {
      throw new Error('REDIS_PASSWORD must be a vault reference such as {vault://env/configurator-redis-password}, never the password');
    }
    const rendered = withIngestConsumers(render(template, values), ingestServices(env), values.BFF_API_KEY);
    // Write then rename, so Kong never reads half a file.
    writeFileSync(`${outputPath}.tmp`, rendered, { mode: 0o644 });
    renameSync(`${outputPath}.tmp`, outputPath);
  } catch (error) {
    fail(error.message);
  }
  console.log(`render: wrote ${outputPath} (${Object.keys(values).length} values)`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
