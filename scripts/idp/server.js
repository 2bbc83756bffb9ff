// Local OpenID Provider for Configurator development and end-to-end tests.
//
// Built on oidc-provider. Everything is in memory (sessions, grants, tokens);
// only the signing keys can optionally be persisted (IDP_KEYS_FILE).
// NOT for production use: fixed users, passwords equal to the user names,
// fixed cookie signing keys.
//
// See README.md for the environment variables.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import Provider, { errors } from 'oidc-provider';

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------

function envString(name, fallback) {
  const value = process.env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

function envSeconds(name, fallback) {
  const raw = envString(name, undefined);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    fail(`${name} must be a positive integer number of seconds (got ${JSON.stringify(raw)})`);
  }
  return value;
}

function fail(message) {
  console.error(`configurator-idp: ${message}`);
  process.exit(1);
}

const PORT = (() => {
  const raw = envString('IDP_PORT', '9400');
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    fail(`IDP_PORT must be a TCP port number (got ${JSON.stringify(raw)})`);
  }
  return port;
})();

const ISSUER = envString('IDP_ISSUER', `http://localhost:${PORT}`).replace(/\/+$/, '');
const CLIENT_ID = envString('IDP_CLIENT_ID', 'configurator-bff');
const CLIENT_SECRET = envString('IDP_CLIENT_SECRET', 'configurator-local-secret');
const APP_BASE_PATH = (() => {
  let base = envString('IDP_APP_BASE_PATH', '/dev/configurator');
  if (!base.startsWith('/')) base = `/${base}`;
  return base.replace(/\/+$/, '');
})();
const APP_ORIGINS = envString('IDP_APP_ORIGINS', 'http://localhost:8080,http://localhost:8081')
  .split(',')
  .map((origin) => origin.trim().replace(/\/+$/, ''))
  .filter(Boolean);
const ACCESS_TOKEN_TTL = envSeconds('IDP_ACCESS_TOKEN_TTL', 300);
const REFRESH_TOKEN_TTL = envSeconds('IDP_REFRESH_TOKEN_TTL', 86400);
const SESSION_TTL = envSeconds('IDP_SESSION_TTL', 28800);
const AUDIENCE = envString('IDP_AUDIENCE', 'configurator-api');
// Service clients (client credentials grant): "id:secret,id:secret".
const SERVICE_CLIENTS_RAW = envString(
  'IDP_SERVICE_CLIENTS',
  'orders-service:orders-service-secret,billing-service:billing-service-secret',
);
const KEYS_FILE = envString('IDP_KEYS_FILE', undefined);
const TOKEN_LOG = envString('IDP_TOKEN_LOG', undefined);

let issuerUrl;
try {
  issuerUrl = new URL(ISSUER);
} catch {
  fail(`IDP_ISSUER is not an absolute URL: ${JSON.stringify(ISSUER)}`);
}
if (issuerUrl.pathname !== '/' || issuerUrl.search || issuerUrl.hash) {
  fail(`IDP_ISSUER must be a bare origin such as http://localhost:${PORT} (got ${JSON.stringify(ISSUER)})`);
}

if (APP_ORIGINS.length === 0) fail('IDP_APP_ORIGINS must list at least one origin');
for (const origin of APP_ORIGINS) {
  let parsed;
  try {
    parsed = new URL(origin);
  } catch {
    fail(`IDP_APP_ORIGINS contains an invalid origin: ${JSON.stringify(origin)}`);
  }
  if (parsed.origin !== origin) {
    fail(`IDP_APP_ORIGINS entries must be bare origins like http://localhost:8080 (got ${JSON.stringify(origin)})`);
  }
}

// IDP_SERVICE_CLIENTS: comma-separated client_id:secret pairs. Both parts are
// limited to URL-unreserved characters: RFC 6749 (2.3.1) form-encodes them
// inside HTTP Basic credentials, and `curl -u id:secret` does not, so any
// other character would authenticate differently depending on the client.
const SERVICE_CLIENTS = (() => {
  const token = /^[A-Za-z0-9._~-]+$/;
  const clients = [];
  const seen = new Set();
  SERVICE_CLIENTS_RAW.split(',').forEach((rawEntry, index) => {
    const entry = rawEntry.trim();
    const where = `IDP_SERVICE_CLIENTS entry ${index + 1}`;
    if (entry === '') {
      fail(`${where} is empty (expected client_id:secret pairs separated by commas, got ${JSON.stringify(SERVICE_CLIENTS_RAW)})`);
    }
    const parts = entry.split(':');
    if (parts.length !== 2) {
      fail(`${where} must be client_id:secret with exactly one colon (got ${JSON.stringify(entry)})`);
    }
    const [clientId, secret] = parts;
    if (!token.test(clientId)) {
      fail(`${where}: the client id must be non-empty and use only A-Z a-z 0-9 . _ ~ - (got ${JSON.stringify(clientId)})`);
    }
    if (!token.test(secret)) {
      fail(`${where} (${clientId}): the secret must be non-empty and use only A-Z a-z 0-9 . _ ~ -`);
    }
    if (clientId === CLIENT_ID) {
      fail(`${where}: ${clientId} is already the BFF's client id (IDP_CLIENT_ID); pick another service client id`);
    }
    if (seen.has(clientId)) {
      fail(`${where}: client id ${clientId} is listed twice`);
    }
    seen.add(clientId);
    clients.push({ clientId, secret });
  });
  return clients;
})();

// Resource indicators must be absolute URIs (RFC 8707); the audience value
// itself ("configurator-api") is not one, so it is wrapped in a URN unless it
// already is an absolute URI. The `aud` claim of access tokens is AUDIENCE.
const API_RESOURCE = (() => {
  try {
    return new URL(AUDIENCE).href === AUDIENCE ? AUDIENCE : `urn:${AUDIENCE}`;
  } catch {
    return `urn:${AUDIENCE}`;
  }
})();
const API_SCOPE = 'api';

const INTERACTION_TTL = 600;
const AUTHORIZATION_CODE_TTL = 60;
const ID_TOKEN_TTL = 3600;

// ---------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------

const USERS = new Map(
  [
    { username: 'alice', name: 'Alice Admin', groups: ['kafka-admins'] },
    { username: 'oscar', name: 'Oscar Operator', groups: ['kafka-operators'] },
    { username: 'victor', name: 'Victor Viewer', groups: ['kafka-viewers'] },
  ].map((user) => [
    user.username,
    {
      ...user,
      password: user.username,
      email: `${user.username}@example.com`,
      emailVerified: true,
    },
  ]),
);

// A service token's `sub` is its client id: none may look like a user's.
for (const { clientId } of SERVICE_CLIENTS) {
  if (USERS.has(clientId)) {
    fail(`IDP_SERVICE_CLIENTS: ${clientId} is a user name; a service client's id (its tokens' sub) must not be one`);
  }
}

function userClaims(user) {
  return {
    sub: user.username,
    name: user.name,
    preferred_username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    groups: [...user.groups],
  };
}

function safeEqual(a, b) {
  const left = crypto.createHash('sha256').update(String(a)).digest();
  const right = crypto.createHash('sha256').update(String(b)).digest();
  return crypto.timingSafeEqual(left, right);
}

function authenticate(username, password) {
  const user = USERS.get(username);
  // Always compare to keep timing roughly uniform for unknown users.
  const ok = safeEqual(password, user ? user.password : '\0no-such-user\0');
  return user && ok ? user : undefined;
}

async function findAccount(_ctx, sub) {
  const user = USERS.get(sub);
  if (!user) return undefined;
  return {
    accountId: user.username,
    // The provider filters these by granted scopes / requested claims.
    async claims() {
      return userClaims(user);
    },
  };
}

// ---------------------------------------------------------------------------
// Signing keys
// ---------------------------------------------------------------------------

function jwkThumbprint(jwk) {
  // RFC 7638: required members only, lexicographic order, no whitespace.
  const members = jwk.kty === 'RSA'
    ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
    : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return crypto.createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function generateKeys() {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    .export({ format: 'jwk' });
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    .export({ format: 'jwk' });
  // RS256 first: the provider picks the first usable key per algorithm and
  // RS256 is the algorithm used for ID tokens and JWT access tokens.
  return {
    keys: [
      { ...rsa, kid: jwkThumbprint(rsa), alg: 'RS256', use: 'sig' },
      { ...ec, kid: jwkThumbprint(ec), alg: 'ES256', use: 'sig' },
    ],
  };
}

function loadOrCreateKeys() {
  if (!KEYS_FILE) {
    return { jwks: generateKeys(), source: 'generated in memory' };
  }

  const file = path.resolve(KEYS_FILE);
  if (fs.existsSync(file)) {
    let jwks;
    try {
      jwks = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      fail(`could not read IDP_KEYS_FILE ${file}: ${err.message}`);
    }
    if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
      fail(`IDP_KEYS_FILE ${file} must contain a JWKS object like {"keys": [...]}`);
    }
    if (!jwks.keys.some((key) => key && key.kty === 'RSA' && key.d)) {
      fail(`IDP_KEYS_FILE ${file} must contain at least one private RSA key (needed for RS256)`);
    }
    jwks.keys = jwks.keys.map((key) => (key.kid ? key : { ...key, kid: jwkThumbprint(key) }));
    return { jwks, source: `loaded from ${file}` };
  }

  const jwks = generateKeys();
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(jwks, null, 2)}\n`, { mode: 0o600 });
  } catch (err) {
    fail(`could not write IDP_KEYS_FILE ${file}: ${err.message}`);
  }
  return { jwks, source: `generated and saved to ${file}` };
}

const { jwks, source: keySource } = loadOrCreateKeys();

// ---------------------------------------------------------------------------
// HTML helpers
// ---------------------------------------------------------------------------

function escapeHtml(value) {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const PAGE_STYLE = `
  :root { color-scheme: light dark; }
  * { box-sizing: border-box; }
  body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
    font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
    background: #f3f4f6; color: #111827; }
  main { width: min(24rem, calc(100vw - 2rem)); background: #fff; padding: 2rem;
    border-radius: .75rem; box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06); }
  h1 { font-size: 1.35rem; margin: 0 0 .25rem; }
  .sub { margin: 0 0 1.5rem; color: #4b5563; font-size: .95rem; }
  label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
  input { width: 100%; padding: .6rem .75rem; font: inherit; color: inherit; background: inherit;
    border: 1px solid #9ca3af; border-radius: .375rem; }
  input:focus-visible, button:focus-visible { outline: 3px solid #2563eb; outline-offset: 2px; }
  button { margin-top: 1.5rem; width: 100%; padding: .65rem; font: inherit; font-weight: 600;
    color: #fff; background: #1d4ed8; border: 0; border-radius: .375rem; cursor: pointer; }
  button:hover { background: #1e40af; }
  .error { margin: 0 0 1rem; padding: .6rem .75rem; border-radius: .375rem;
    background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
  .hint { margin: 1.5rem 0 0; font-size: .875rem; color: #4b5563; }
  .hint ul { margin: .25rem 0 0; padding-left: 1.25rem; }
  code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
  @media (prefers-color-scheme: dark) {
    body { background: #111827; color: #f9fafb; }
    main { background: #1f2937; }
    .sub, .hint { color: #d1d5db; }
    .error { background: #450a0a; color: #fecaca; border-color: #7f1d1d; }
  }
`;

function page({ title, body, script }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<main>
${body}
</main>${script ? `\n<script>${script}</script>` : ''}
</body>
</html>
`;
}

// Restrictive CSP for the IdP's own pages. `form-action` is deliberately not
// set: browsers apply it to the redirects that follow a form submission and
// the login form ends up redirecting to the app's callback URL.
function contentSecurityPolicy(script) {
  const scriptSrc = script
    ? `'sha256-${crypto.createHash('sha256').update(script).digest('base64')}'`
    : "'none'";
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${scriptSrc}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function sendHtml(res, status, html, script) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', contentSecurityPolicy(script));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.end(html);
}

const DEMO_USERS_HINT = `<div class="hint">Demo users (password = user name):
<ul>
${[...USERS.values()].map((u) => `<li><code>${escapeHtml(u.username)}</code> — ${escapeHtml(u.name)} (${escapeHtml(u.groups.join(', '))})</li>`).join('\n')}
</ul></div>`;

function loginPage({ uid, username = '', error }) {
  const action = `/interaction/${encodeURIComponent(uid)}/login`;
  return page({
    title: 'Sign in — Configurator local SSO',
    body: `<h1>Sign in</h1>
<p class="sub">Configurator local SSO</p>
${error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}" autocomplete="on"${error ? ' aria-describedby="login-error"' : ''}>
<label for="username">User name</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${escapeHtml(username)}"${username ? '' : ' autofocus'}>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${username ? ' autofocus' : ''}>
<button type="submit">Sign in</button>
</form>
${DEMO_USERS_HINT}`,
  });
}

function messagePage(title, message) {
  return page({
    title: `${title} — Configurator local SSO`,
    body: `<h1>${escapeHtml(title)}</h1>
<p class="sub">Configurator local SSO</p>
<p>${escapeHtml(message)}</p>`,
  });
}

// ---------------------------------------------------------------------------
// Provider
// ---------------------------------------------------------------------------

const redirectUris = APP_ORIGINS.map((origin) => `${origin}${APP_BASE_PATH}/auth/callback`);
const postLogoutRedirectUris = APP_ORIGINS.map((origin) => `${origin}${APP_BASE_PATH}/`);

const LOGOUT_SCRIPT = "document.getElementById('op.logoutForm').submit();";

const configuration = {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      client_name: 'Configurator',
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: postLogoutRedirectUris,
      id_token_signed_response_alg: 'RS256',
    },
    // Services (issue #16): client credentials only, no user, no browser.
    // The secret goes in HTTP Basic; oidc-provider takes it in the form body
    // (client_secret_post) just as well, for every client_secret_basic client.
    ...SERVICE_CLIENTS.map(({ clientId, secret }) => ({
      client_id: clientId,
      client_secret: secret,
      client_name: clientId,
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
    })),
  ],

  jwks,

  findAccount,

  responseTypes: ['code'],

  scopes: ['openid', 'profile', 'email', 'groups'],
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  // Put the claims of the granted scopes into the ID token, too.
  conformIdTokenClaims: false,

  // Claims copied into JWT access tokens of users; the API authorises them on
  // `groups`. Client credentials tokens (kind ClientCredentials, no
  // accountId) get none: their `sub` and `client_id` are the client id and
  // they carry no `groups`, so a service never passes for a user.
  async extraTokenClaims(_ctx, token) {
    if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
    const user = USERS.get(token.accountId);
    if (!user) return undefined;
    return {
      groups: [...user.groups],
      preferred_username: user.username,
      name: user.name,
      email: user.email,
    };
  },

  pkce: {
    required: () => true,
  },

  // Confidential client, no offline_access scope needed.
  async issueRefreshToken(_ctx, client) {
    return client.grantTypeAllowed('refresh_token');
  },
  rotateRefreshToken: true,

  features: {
    devInteractions: { enabled: false },
    // Service clients (SERVICE_CLIENTS) get API tokens for themselves.
    clientCredentials: { enabled: true },
    // Only the client a token was issued to may revoke or introspect it.
    revocation: {
      enabled: true,
      async allowedPolicy(_ctx, client, token) {
        if (token.clientId !== client.clientId) {
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        }
        return true;
      },
    },
    introspection: {
      enabled: true,
      async allowedPolicy(_ctx, client, token) {
        return token.clientId === client.clientId;
      },
    },
    claimsParameter: { enabled: false },
    resourceIndicators: {
      enabled: true,
      async defaultResource() {
        return API_RESOURCE;
      },
      async useGrantedResource() {
        return true;
      },
      async getResourceServerInfo(_ctx, resourceIndicator) {
        if (resourceIndicator !== API_RESOURCE) {
          throw new errors.InvalidTarget(`unknown resource indicator (use ${API_RESOURCE})`);
        }
        return {
          scope: API_SCOPE,
          audience: AUDIENCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: ACCESS_TOKEN_TTL,
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
    rpInitiatedLogout: {
      enabled: true,
      // Auto-submit the confirmation form (logout=yes ends the whole IdP
      // session) so "Log out" in the app needs no extra click here.
      async logoutSource(ctx, form) {
        const formWithLogout = form.replace(
          '</form>',
          '<input type="hidden" name="logout" value="yes"/><button type="submit">Continue</button></form>',
        );
        ctx.type = 'html';
        ctx.set('Content-Security-Policy', contentSecurityPolicy(LOGOUT_SCRIPT));
        ctx.body = page({
          title: 'Signing out — Configurator local SSO',
          body: `<h1>Signing out…</h1>
<p class="sub">Configurator local SSO</p>
<noscript><p>JavaScript is disabled: press Continue to finish signing out.</p></noscript>
${formWithLogout}`,
          script: LOGOUT_SCRIPT,
        });
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.set('Content-Security-Policy', contentSecurityPolicy());
        ctx.body = messagePage('Signed out', 'You have been signed out of the Configurator local SSO.');
      },
    },
  },

  interactions: {
    url(_ctx, interaction) {
      return `/interaction/${interaction.uid}`;
    },
  },

  cookies: {
    // Fixed, public dev secret: this IdP is for local development only.
    keys: ['configurator-local-idp-dev-cookie-key-not-secret'],
  },

  ttl: {
    AccessToken(_ctx, token) {
      return token.resourceServer?.accessTokenTTL ?? ACCESS_TOKEN_TTL;
    },
    AuthorizationCode: AUTHORIZATION_CODE_TTL,
    IdToken: ID_TOKEN_TTL,
    Interaction: INTERACTION_TTL,
    Session: SESSION_TTL,
    Grant: REFRESH_TOKEN_TTL,
    // Absolute lifetime: a rotated refresh token keeps the remaining
    // lifetime of the one it replaces.
    RefreshToken(ctx) {
      const rotated = ctx?.oidc?.entities?.RotatedRefreshToken;
      if (rotated) return Math.max(1, rotated.remainingTTL);
      return REFRESH_TOKEN_TTL;
    },
  },

  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.set('Content-Security-Policy', contentSecurityPolicy());
    ctx.body = page({
      title: 'Error — Configurator local SSO',
      body: `<h1>Something went wrong</h1>
<p class="sub">Configurator local SSO</p>
${Object.entries(out).map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`).join('\n')}`,
    });
  },
};

const provider = new Provider(ISSUER, configuration);
provider.proxy = false;

provider.on('server_error', (_ctx, err) => {
  console.error('configurator-idp: server_error', err);
});

// Append every successful token endpoint response to IDP_TOKEN_LOG.
if (TOKEN_LOG) {
  const tokenPath = provider.pathFor('token');
  provider.use(async (ctx, next) => {
    await next();
    if (
      ctx.method === 'POST'
      && ctx.path === tokenPath
      && ctx.status === 200
      && ctx.body
      && typeof ctx.body === 'object'
      && typeof ctx.body.access_token === 'string'
    ) {
      const entry = {
        issued_at: new Date().toISOString(),
        grant_type: ctx.oidc?.params?.grant_type,
        access_token: ctx.body.access_token,
        refresh_token: ctx.body.refresh_token,
        id_token: ctx.body.id_token,
      };
      try {
        fs.appendFileSync(TOKEN_LOG, `${JSON.stringify(entry)}\n`);
      } catch (err) {
        console.error(`configurator-idp: could not append to IDP_TOKEN_LOG ${TOKEN_LOG}: ${err.message}`);
      }
    }
  });
}

// ---------------------------------------------------------------------------
// Interactions (login form, automatic consent)
// ---------------------------------------------------------------------------

const MAX_FORM_BYTES = 16 * 1024;

function readForm(req) {
  return new Promise((resolve, reject) => {
    const type = String(req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      reject(Object.assign(new Error('expected an application/x-www-form-urlencoded body'), { status: 415 }));
      req.resume();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(Object.assign(new Error('request body too large'), { status: 413 }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

async function autoConsent(req, res, interaction) {
  const { prompt: { details }, params, session, grantId } = interaction;

  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });

  if (!grant) {
    throw new errors.SessionNotFound('grant not found');
  }

  if (details.missingOIDCScope) {
    grant.addOIDCScope(details.missingOIDCScope.join(' '));
  }
  if (details.missingOIDCClaims) {
    grant.addOIDCClaims(details.missingOIDCClaims);
  }
  if (details.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  // First-party client: always grant the API's scope for the API audience.
  grant.addResourceScope(API_RESOURCE, API_SCOPE);

  const savedGrantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { consent: { grantId: savedGrantId } },
    { mergeWithLastSubmission: true },
  );
}

async function handleInteraction(req, res, url) {
  const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?\/?$/.exec(url.pathname);
  if (!match) {
    sendHtml(res, 404, messagePage('Not found', 'There is nothing here.'));
    return;
  }
  const [, uid, loginSuffix] = match;

  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) {
    throw new errors.SessionNotFound('interaction uid mismatch');
  }
  const promptName = interaction.prompt.name;

  if (req.method === 'GET' || req.method === 'HEAD') {
    if (loginSuffix) {
      res.statusCode = 303;
      res.setHeader('Location', `/interaction/${encodeURIComponent(uid)}`);
      res.end();
      return;
    }
    if (promptName === 'login') {
      const loginHint = typeof interaction.params.login_hint === 'string'
        ? interaction.params.login_hint
        : '';
      sendHtml(res, 200, loginPage({ uid, username: loginHint }));
      return;
    }
    if (promptName === 'consent') {
      await autoConsent(req, res, interaction);
      return;
    }
    throw new Error(`unsupported interaction prompt ${promptName}`);
  }

  if (req.method === 'POST' && loginSuffix) {
    if (promptName !== 'login') {
      throw new errors.InvalidRequest('this interaction does not expect a login');
    }
    const form = await readForm(req);
    const username = (form.get('username') || '').trim();
    const password = form.get('password') || '';
    const user = authenticate(username, password);
    if (!user) {
      sendHtml(res, 200, loginPage({ uid, username, error: 'Invalid user name or password' }));
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId: user.username } },
      { mergeWithLastSubmission: false },
    );
    return;
  }

  res.statusCode = 405;
  res.setHeader('Allow', loginSuffix ? 'GET, POST' : 'GET');
  res.end();
}

function sendInteractionError(res, err) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof errors.SessionNotFound) {
    sendHtml(res, 400, messagePage(
      'Sign-in expired',
      'This sign-in request has expired or was already completed. Go back to Configurator and sign in again.',
    ));
    return;
  }
  const status = Number.isInteger(err.status) && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error('configurator-idp: interaction error', err);
  sendHtml(res, status, messagePage(
    'Sign-in failed',
    status === 500 ? 'An unexpected error occurred.' : (err.error_description || err.message),
  ));
}

// ---------------------------------------------------------------------------
// HTTP server
// ---------------------------------------------------------------------------

const providerCallback = provider.callback();

// Browser-facing endpoints set cookies and build URLs from the Host header;
// a browser that reached us under another host name (127.0.0.1 vs localhost)
// is sent to the issuer's host so that cookies and URLs stay consistent.
const BROWSER_PATHS = [provider.pathFor('authorization'), provider.pathFor('end_session'), '/interaction/'];

function wrongHost(req, url) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (!BROWSER_PATHS.some((p) => url.pathname === p || (p.endsWith('/') && url.pathname.startsWith(p)))) {
    return false;
  }
  const host = String(req.headers.host || '').toLowerCase();
  return host !== '' && host !== issuerUrl.host.toLowerCase();
}

const server = http.createServer((req, res) => {
  let url;
  try {
    url = new URL(req.url, 'http://idp.invalid');
  } catch {
    res.statusCode = 400;
    res.end();
    return;
  }

  if (wrongHost(req, url)) {
    res.statusCode = 302;
    res.setHeader('Location', `${issuerUrl.origin}${url.pathname}${url.search}`);
    res.end();
    return;
  }

  if (url.pathname === '/interaction' || url.pathname.startsWith('/interaction/')) {
    handleInteraction(req, res, url).catch((err) => sendInteractionError(res, err));
    return;
  }

  providerCallback(req, res);
});

server.on('error', (err) => {
  if (err.code === 'EADDRINUSE') {
    fail(`port ${PORT} is already in use (set IDP_PORT to use another port)`);
  }
  if (err.code === 'EACCES') {
    fail(`not allowed to listen on port ${PORT}`);
  }
  fail(`server error: ${err.message}`);
});

// No host argument: listen on every interface so that both ::1 and
// 127.0.0.1 answer (clients may resolve "localhost" to either).
server.listen(PORT, () => {
  console.log(`IdP ready on http://localhost:${PORT} (issuer ${ISSUER})`);
  console.log(`  client ${CLIENT_ID}, audience ${AUDIENCE} (resource ${API_RESOURCE}), signing keys ${keySource}`);
  console.log(`  redirect URIs: ${redirectUris.join(' ')}`);
  console.log(`  service clients (client_credentials): ${SERVICE_CLIENTS.map((c) => c.clientId).join(' ')}`);
  if (TOKEN_LOG) console.log(`  logging issued tokens to ${TOKEN_LOG}`);
});

let shuttingDown = false;
function shutdown(signal) {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`IdP stopping (${signal})`);
  server.close(() => process.exit(0));
  server.closeAllConnections?.();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
