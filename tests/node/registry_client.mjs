// A gRPC client that is not ours: Node.js @grpc/grpc-js with the protos
// loaded at run time by @grpc/proto-loader, against the real kokemus-server.
//
//   node registry_client.mjs SERVER_BINARY API_DIR GOOGLEAPIS_DIR
//
// Exits non-zero (with the failed assertion) if the API does not behave.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(process.env.KOKEMUS_NODE_TOOLS, 'package.json'));
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const protobuf = require('protobufjs');

const [serverBinary, apiDir, googleapisDir] = process.argv.slice(2);

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const dir = mkdtempSync(join(tmpdir(), 'kokemus-node-'));
// The operator's first key, then the server in plaintext on loopback.
const adminKey = execFileSync(serverBinary, ['--database', join(dir, 'k.db'), '--issue_admin_key', 'node'],
                              { encoding: 'utf8' }).trim();
// The protos import googleapis' annotations (field_behavior, resource).
const definition = protoLoader.loadSync(['kokemus/v1/registry_service.proto', 'kokemus/v1/access_service.proto'], {
  includeDirs: [apiDir, googleapisDir], keepCase: false, enums: String, longs: String, defaults: false,
});
const server = spawn(serverBinary, ['--listen', `127.0.0.1:${port}`, '--database', join(dir, 'k.db'),
                                    '--plaintext'], { stdio: ['ignore', 'ignore', 'inherit'] });
const stopped = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
const kokemus = grpc.loadPackageDefinition(definition).kokemus.v1;
const client = new kokemus.RegistryService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
const access = new kokemus.AccessService(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
let key = adminKey;
const callOn = (stub, method, request, withKey = true) => new Promise((resolve, reject) => {
  const metadata = new grpc.Metadata();
  if (withKey) metadata.add('authorization', `Bearer ${key}`);
  stub[method](request, metadata, { deadline: Date.now() + 10000 },
               (err, res) => (err ? reject(err) : resolve(res)));
});
const call = (method, request) => callOn(client, method, request);

try {
  await new Promise((resolve, reject) => client.waitForReady(Date.now() + 10000, (e) => (e ? reject(e) : resolve())));

  const ex = await call('CreateExchange', {
    exchangeId: 'ph', exchange: { displayName: 'Päijät-Häme', wellbeingRegion: 'PH' },
  });
  assert.equal(ex.exchange.name, 'exchanges/ph');
  assert.equal(ex.exchange.defaultLanguage, 'fi');

  // No key: UNAUTHENTICATED, and nothing else said.
  const anonymous = await callOn(client, 'ListExchanges', {}, false).then(() => null, (e) => e);
  assert.equal(anonymous?.code, grpc.status.UNAUTHENTICATED);

  // The administrator makes the exchange's coordinator key; it works from then on.
  const made = await callOn(access, 'CreateApiKey', {
    parent: 'exchanges/ph',
    apiKey: { displayName: 'Koordinaattori', role: 'ACCESS_ROLE_COORDINATOR',
              expireTime: { seconds: String(Math.floor(Date.now() / 1000) + 3600) } },
  });
  assert.match(made.key, /^kok_[a-z0-9-]+_[A-Za-z0-9_-]{43}$/);
  key = made.key;

  const created = await call('CreateExpert', {
    parent: 'exchanges/ph', expertId: 'kaisa',
    expert: {
      displayName: 'Kaisa K.', phone: '040 123 4567', homeMunicipality: '398', languages: ['fi'],
      experienceAreas: ['EXPERIENCE_AREA_SUBSTANCE_USE'], roles: ['ROLE_CO_TEACHER'],
      paymentMethod: 'PAYMENT_METHOD_FEE_DECLINED',
    },
  });
  assert.equal(created.expert.name, 'exchanges/ph/experts/kaisa');
  assert.equal(created.expert.phone, '+358401234567');
  assert.equal(created.expert.state, 'STATE_ACTIVE');

  const listed = await call('ListExperts', { parent: 'exchanges/ph' });
  assert.deepEqual(listed.experts.map((e) => e.name), ['exchanges/ph/experts/kaisa']);

  // A bad request: INVALID_ARGUMENT with google.rpc.BadRequest in the status details.
  const err = await call('CreateOrganization', {
    parent: 'exchanges/ph', organizationId: 'x',
    organization: { displayName: 'X', businessId: '0112038-8', sector: 'SECTOR_NGO',
                    kind: 'ORGANIZATION_KIND_OTHER', municipality: '398' },
  }).then(() => null, (e) => e);
  assert.ok(err, 'CreateOrganization with a bad business id must fail');
  assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
  const root = protobuf.loadSync([join(googleapisDir, 'google/rpc/status.proto'),
                                  join(googleapisDir, 'google/rpc/error_details.proto')]);
  const Status = root.lookupType('google.rpc.Status');
  const BadRequest = root.lookupType('google.rpc.BadRequest');
  const status = Status.decode(err.metadata.get('grpc-status-details-bin')[0]);
  assert.equal(status.details[0].type_url ?? status.details[0].typeUrl,
               'type.googleapis.com/google.rpc.BadRequest');
  const bad = BadRequest.decode(status.details[0].value);
  assert.deepEqual(bad.fieldViolations.map((v) => [v.field, v.description]), [[
    'organization.business_id',
    'not a Finnish business id (Y-tunnus) of the form 1234567-8 with a valid check digit',
  ]]);

  const missing = await call('GetExpert', { name: 'exchanges/ph/experts/nobody' }).then(() => null, (e) => e);
  assert.equal(missing.code, grpc.status.NOT_FOUND);
  console.log('node @grpc/grpc-js client: 8 checks passed');
} finally {
  client.close();
  access.close();
  server.kill('SIGTERM');
  const code = await stopped;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(code, 0, 'server exit code after SIGTERM');
}
