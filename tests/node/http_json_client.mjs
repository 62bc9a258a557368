// The API as HTTP/JSON from clients that are not ours: Node's fetch runs the
// foundation scenario, @apidevtools/swagger-parser validates the served
// OpenAPI document, and a client generated from it by swagger-typescript-api
// (fetch, JavaScript) calls the server.
//
//   node http_json_client.mjs SERVER_BINARY
//
// Exits non-zero (with the failed assertion) if the API does not behave.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(join(process.env.KOKEMUS_NODE_TOOLS, 'package.json'));
const SwaggerParser = require('@apidevtools/swagger-parser');
const { generateApi } = require('swagger-typescript-api');

const [serverBinary] = process.argv.slice(2);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const [grpcPort, webPort] = [await freePort(), await freePort()];
const base = `http://127.0.0.1:${webPort}`;
const dir = mkdtempSync(join(tmpdir(), 'kokemus-http-'));
const adminKey = execFileSync(serverBinary, ['--database', join(dir, 'k.db'), '--issue_admin_key', 'node'],
                              { encoding: 'utf8' }).trim();
const server = spawn(serverBinary, ['--listen', `127.0.0.1:${grpcPort}`, '--web_listen', `127.0.0.1:${webPort}`,
                                    '--database', join(dir, 'k.db'), '--plaintext'],
                     { stdio: ['ignore', 'ignore', 'inherit'] });
const stopped = new Promise((resolve) => server.on('exit', (code) => resolve(code)));

let checks = 0;
const check = (fn) => { fn(); checks += 1; };
async function call(method, path, { key, body } = {}) {
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

try {
  // The listener is up when the OpenAPI document answers.
  let document = null;
  for (let i = 0; i < 100 && !document; i += 1) {
    document = await fetch(`${base}/v1/openapi.json`).then((r) => r.json(), () => null);
    if (!document) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(document, 'the server never answered /v1/openapi.json');
  const validated = await SwaggerParser.validate(structuredClone(document));
  check(() => assert.equal(validated.openapi, '3.0.3'));

  // The foundation scenario over JSON.
  const exchange = { displayName: 'Päijät-Häme', wellbeingRegion: 'PH', contactEmail: 'pankki@example.fi',
                     postalAddress: 'Vesijärvenkatu 11, 15140 Lahti' };
  const ph = await call('POST', '/v1/exchanges?exchangeId=ph', { key: adminKey, body: exchange });
  check(() => assert.deepEqual([ph.status, ph.json.exchange.name, ph.json.exchange.defaultLanguage],
                               [200, 'exchanges/ph', 'fi']));
  await call('POST', '/v1/exchanges?exchangeId=vantaa', { key: adminKey, body: { ...exchange, wellbeingRegion: 'VK' } });
  const made = await call('POST', '/v1/exchanges/ph/apiKeys', {
    key: adminKey,
    body: { displayName: 'Koordinaattori', role: 'ACCESS_ROLE_COORDINATOR',
            expireTime: new Date(Date.now() + 3600e3).toISOString() },
  });
  check(() => assert.match(made.json.key, /^kok_[a-z0-9-]+_[A-Za-z0-9_-]{43}$/));
  const key = made.json.key;
  const expert = {
    displayName: 'Kaisa K.', phone: '040 123 4567', homeMunicipality: '398', languages: ['fi'],
    experienceAreas: ['EXPERIENCE_AREA_SUBSTANCE_USE'], roles: ['ROLE_CO_TEACHER'],
    paymentMethod: 'PAYMENT_METHOD_FEE_DECLINED',
  };
  for (const id of ['kaisa', 'matti', 'liisa']) {
    const created = await call('POST', `/v1/exchanges/ph/experts?expertId=${id}`, { key, body: expert });
    check(() => assert.deepEqual([created.status, created.json.expert.name, created.json.expert.phone],
                                 [200, `exchanges/ph/experts/${id}`, '+358401234567']));
  }
  const got = await call('GET', '/v1/exchanges/ph/experts/kaisa', { key });
  check(() => assert.deepEqual([got.status, got.type, got.json.expert.state], [200, 'application/json', 'STATE_ACTIVE']));

  const first = await call('GET', '/v1/exchanges/ph/experts?pageSize=2', { key });
  const second = await call('GET', `/v1/exchanges/ph/experts?pageSize=2&pageToken=${first.json.nextPageToken}`, { key });
  check(() => assert.deepEqual(
    [...first.json.experts, ...second.json.experts].map((e) => e.name).sort(),
    ['exchanges/ph/experts/kaisa', 'exchanges/ph/experts/liisa', 'exchanges/ph/experts/matti']));
  check(() => assert.equal(second.json.nextPageToken, undefined));

  const patched = await call('PATCH', '/v1/exchanges/ph/experts/kaisa?updateMask=displayName',
                             { key, body: { displayName: 'Kaisa Koskinen' } });
  check(() => assert.deepEqual([patched.status, patched.json.expert.displayName, patched.json.expert.phone],
                               [200, 'Kaisa Koskinen', '+358401234567']));

  const bad = await call('POST', '/v1/exchanges/ph/organizations?organizationId=x', {
    key,
    body: { displayName: 'X', businessId: '0112038-8', sector: 'SECTOR_NGO', kind: 'ORGANIZATION_KIND_OTHER',
            municipality: '398' },
  });
  check(() => assert.equal(bad.status, 400));
  check(() => assert.deepEqual(bad.json.details, [{
    '@type': 'type.googleapis.com/google.rpc.BadRequest',
    fieldViolations: [{
      field: 'organization.business_id',
      description: 'not a Finnish business id (Y-tunnus) of the form 1234567-8 with a valid check digit',
    }],
  }]));
  const noOrg = await call('GET', '/v1/exchanges/ph/organizations/x', { key });
  check(() => assert.deepEqual([noOrg.status, noOrg.json.code], [404, 5]));

  const elsewhere = await call('GET', '/v1/exchanges/vantaa/experts/kaisa', { key });
  check(() => assert.deepEqual([elsewhere.status, elsewhere.json.code], [404, 5]));
  const anonymous = await call('GET', '/v1/exchanges/ph/experts/kaisa');
  check(() => assert.deepEqual([anonymous.status, anonymous.json.code], [401, 16]));

  // A client generated from the served document calls the server.
  const specPath = join(dir, 'openapi.json');
  writeFileSync(specPath, JSON.stringify(document));
  await generateApi({ input: specPath, output: join(dir, 'client'), fileName: 'client.ts',
                      httpClientType: 'fetch', toJS: true, moduleNameFirstTag: true, silent: true });
  const { Api } = await import(pathToFileURL(join(dir, 'client', 'client.js')).href);
  const api = new Api({ baseUrl: base, securityWorker: (k) => ({ headers: { Authorization: `Bearer ${k}` } }) });
  api.setSecurityData(key);
  const viaClient = await api.registryService.getExpert('ph', 'kaisa');
  check(() => assert.deepEqual([viaClient.status, viaClient.data.expert.displayName], [200, 'Kaisa Koskinen']));
  const page = await api.registryService.listExperts('ph', { pageSize: 1 });
  check(() => assert.equal(page.data.experts.length, 1));
  const refused = await api.registryService.getExpert('vantaa', 'kaisa').then(() => null, (e) => e);
  check(() => assert.deepEqual([refused?.status, refused?.error?.code], [404, 5]));
  console.log(`HTTP/JSON clients: ${checks} checks passed`);
} finally {
  server.kill('SIGTERM');
  const code = await stopped;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exit code after SIGTERM');
}
