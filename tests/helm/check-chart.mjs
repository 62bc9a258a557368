// Checks the Helm chart helm/kokemus as the test command runs it:
//   node check-chart.mjs HELM CHART_DIR
// - helm lint --strict with the defaults' required database and every example;
// - helm template of every example, each rendered object validated against the
//   Kubernetes schemas of `kubernetes-models` (CRDs by their required fields);
// - assertions on the rendered output: gRPC probes, no container as root,
//   resources on every container, the database Secret referenced not inlined,
//   no service account token, termination grace longer than the drain;
// - the values schema rejects unknown keys and a render without a database.
// Prints "N checks passed" and exits 0, or the first failure and exits 1.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(join(process.env.KOKEMUS_NODE_TOOLS, 'package.json'));
const YAML = require('yaml');
const [helm, chart] = process.argv.slice(2);
const home = mkdtempSync(join(tmpdir(), 'kokemus-helm-'));
const env = { ...process.env, HELM_CACHE_HOME: home, HELM_CONFIG_HOME: home, HELM_DATA_HOME: home };
let checks = 0;
const check = (what, fn) => {
  try {
    fn();
    checks += 1;
  } catch (e) {
    console.error(`FAILED: ${what}\n${e.message}`);
    process.exit(1);
  }
};

const run = (args) => spawnSync(helm, args, { env, encoding: 'utf8' });
const render = (args) => {
  const r = run(['template', 'kokemus', chart, '--namespace', 'kokemus', ...args]);
  assert.equal(r.status, 0, r.stderr);
  return YAML.parseAllDocuments(r.stdout).map((d) => d.toJS()).filter(Boolean);
};

// Core kinds validated by kubernetes-models' schemas.
const models = {
  'apps/v1/Deployment': 'kubernetes-models/apps/v1/Deployment',
  'v1/Service': 'kubernetes-models/v1/Service',
  'v1/ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1/Secret': 'kubernetes-models/v1/Secret',
  'v1/ServiceAccount': 'kubernetes-models/v1/ServiceAccount',
  'batch/v1/Job': 'kubernetes-models/batch/v1/Job',
  'batch/v1/CronJob': 'kubernetes-models/batch/v1/CronJob',
  'autoscaling/v2/HorizontalPodAutoscaler': 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
  'policy/v1/PodDisruptionBudget': 'kubernetes-models/policy/v1/PodDisruptionBudget',
  'networking.k8s.io/v1/NetworkPolicy': 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
};
const crds = {
  'monitoring.coreos.com/v1/ServiceMonitor': ['spec.selector', 'spec.endpoints'],
  'monitoring.coreos.com/v1/PrometheusRule': ['spec.groups'],
  'postgresql.cnpg.io/v1/Cluster': ['spec.instances', 'spec.storage.size'],
};
const get = (obj, path) => path.split('.').reduce((o, k) => (o == null ? o : o[k]), obj);

function validate(obj) {
  const key = `${obj.apiVersion}/${obj.kind}`;
  if (models[key]) {
    const mod = require(models[key]);
    const Model = mod[obj.kind] ?? mod.default;
    new Model(obj).validate();
  } else if (crds[key]) {
    for (const path of crds[key]) assert.ok(get(obj, path) != null, `${key} lacks ${path}`);
  } else {
    assert.fail(`unexpected kind ${key}`);
  }
}

function podSpecs(objects) {
  return objects
    .filter((o) => o.kind === 'Deployment' || o.kind === 'Job')
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec }));
}

const examples = readdirSync(join(chart, 'examples')).filter((f) => f.endsWith('.yaml')).sort();
check('there are example values files', () => assert.ok(examples.length >= 3));

for (const example of examples) {
  const values = ['-f', join(chart, 'examples', example)];
  check(`helm lint --strict ${example}`, () => {
    const r = run(['lint', '--strict', chart, ...values]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
  const objects = render(values);
  check(`${example}: every object validates`, () => objects.forEach(validate));
  check(`${example}: probes are gRPC against the health service`, () => {
    const deployment = objects.find((o) => o.kind === 'Deployment');
    for (const c of deployment.spec.template.spec.containers) {
      assert.ok(c.readinessProbe?.grpc?.port, `${c.name} readiness is not grpc`);
      assert.ok(c.livenessProbe?.grpc?.port, `${c.name} liveness is not grpc`);
    }
    assert.ok(deployment.spec.template.spec.containers[0].ports.some((p) => p.name === 'grpc'));
  });
  check(`${example}: no container runs as root; restricted security context`, () => {
    for (const { owner, spec } of podSpecs(objects)) {
      assert.equal(spec.securityContext.runAsNonRoot, true, owner);
      assert.equal(spec.securityContext.seccompProfile.type, 'RuntimeDefault', owner);
      for (const c of spec.containers) {
        const sc = c.securityContext;
        assert.equal(sc.runAsNonRoot, true, `${owner} ${c.name}`);
        assert.notEqual(sc.runAsUser, 0, `${owner} ${c.name}`);
        assert.equal(sc.readOnlyRootFilesystem, true, `${owner} ${c.name}`);
        assert.equal(sc.allowPrivilegeEscalation, false, `${owner} ${c.name}`);
        assert.deepEqual(sc.capabilities.drop, ['ALL'], `${owner} ${c.name}`);
      }
    }
  });
  check(`${example}: every container has requests and limits`, () => {
    for (const { owner, spec } of podSpecs(objects)) {
      for (const c of spec.containers) {
        for (const k of ['requests', 'limits']) {
          assert.ok(c.resources?.[k]?.cpu && c.resources?.[k]?.memory, `${owner} ${c.name} ${k}`);
        }
      }
    }
  });
  check(`${example}: the database URL comes from a Secret, never inline`, () => {
    for (const { owner, spec } of podSpecs(objects)) {
      const db = spec.containers[0].env.find((e) => e.name === 'KOKEMUS_DATABASE');
      assert.ok(db?.valueFrom?.secretKeyRef?.name, `${owner} does not reference a Secret`);
      assert.equal(db.value, undefined, `${owner} inlines the URL`);
    }
    const text = JSON.stringify(objects.filter((o) => o.kind !== 'Secret'));
    assert.ok(!/postgres(ql)?:\/\//.test(text), 'a URL appears outside a Secret');
  });
  check(`${example}: no service account token, grace longer than the drain`, () => {
    for (const { owner, spec } of podSpecs(objects)) {
      assert.equal(spec.automountServiceAccountToken, false, owner);
    }
    const sa = objects.find((o) => o.kind === 'ServiceAccount');
    assert.equal(sa.automountServiceAccountToken, false);
    const d = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    const args = d.containers[0].args.join(' ');
    const grace = Number(/--shutdown_grace=(\d+)s/.exec(args)[1]);
    const drain = Number(/--drain_delay=(\d+)s/.exec(args)[1]);
    const preStop = d.containers[0].lifecycle.preStop.exec.command;
    assert.deepEqual(preStop, ['/bin/sleep', '5']);
    // The readiness probe (period x failures) sees NOT_SERVING within the drain.
    const probe = d.containers[0].readinessProbe;
    assert.ok(drain >= probe.periodSeconds * probe.failureThreshold, `drain ${drain}s`);
    assert.ok(d.terminationGracePeriodSeconds > Number(preStop[1]) + drain + grace);
  });
  check(`${example}: the migration job is a pre-install/pre-upgrade hook`, () => {
    const job = objects.find((o) => o.kind === 'Job');
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.deepEqual(job.spec.template.spec.containers[0].command,
                     ['kokemus-server', '--migrate_only']);
  });
}

check('TLS example: probes use the plaintext health port, the TLS Secret is mounted', () => {
  const objects = render(['-f', join(chart, 'examples', 'helsinki.yaml')]);
  const c = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
  assert.equal(c.readinessProbe.grpc.port, 50052);
  assert.ok(c.args.includes('--tls_client_ca_file=/etc/kokemus/tls/ca.crt'));
  const volumes = objects.find((o) => o.kind === 'Deployment').spec.template.spec.volumes;
  assert.ok(volumes.some((v) => v.secret?.secretName === 'kokemus-tls'));
});

check('an inline URL goes into a hook Secret the pods reference', () => {
  const objects = render(['--set', 'database.url=postgresql://k@db/kokemus',
                          '--set', 'tls.plaintextBehindMesh=true']);
  const secret = objects.find((o) => o.kind === 'Secret');
  assert.equal(secret.stringData.url, 'postgresql://k@db/kokemus');
  assert.equal(secret.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
  const env = objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env;
  assert.equal(env[0].valueFrom.secretKeyRef.name, secret.metadata.name);
});

check('the schema rejects unknown keys', () => {
  const r = run(['template', 'k', chart, '--set', 'database.existingSecret=x', '--set', 'replicas=3']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /additional properties 'replicas' not allowed|replicas/);
});

check('plaintext only when asked for: without TLS or the mesh opt-in no render', () => {
  const r = run(['template', 'k', chart, '--set', 'database.existingSecret=db']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /set tls.enabled \(with tls.existingSecret\), or tls.plaintextBehindMesh/);
  const plain = render(['--set', 'database.existingSecret=db', '--set', 'tls.plaintextBehindMesh=true']);
  const args = plain.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args;
  assert.ok(args.includes('--plaintext'));
  assert.ok(args.includes('--rate_limit=50'));
  assert.ok(args.includes('--default_deadline=30s'));
  assert.ok(args.includes('--failed_auth_burst=50'));
  const meshed = render(['-f', join(chart, 'examples', 'paijat-hame.yaml')]);
  assert.ok(meshed.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args
    .includes('--failed_auth_burst=0'));
  const tls = render(['-f', join(chart, 'examples', 'helsinki.yaml')]);
  assert.ok(!tls.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args
    .includes('--plaintext'));
});

check('the key pepper comes from its Secret as a file', () => {
  const objects = render(['-f', join(chart, 'examples', 'national.yaml')]);
  const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
  assert.ok(pod.containers[0].args.includes('--key_pepper_file=/etc/kokemus/keys/pepper'));
  const volume = pod.volumes.find((v) => v.name === 'key-pepper');
  assert.equal(volume.secret.secretName, 'kokemus-key-pepper');
  assert.deepEqual(volume.secret.items, [{ key: 'pepper', path: 'pepper' }]);
  assert.ok(pod.containers[0].volumeMounts.some((m) => m.mountPath === '/etc/kokemus/keys'));
});

check('e-mail goes through the configured relay, its password a file from its Secret', () => {
  const objects = render(['-f', join(chart, 'examples', 'paijat-hame.yaml')]);
  const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
  const args = pod.containers[0].args;
  for (const arg of ['--smtp_url=smtp://smtp.phhyky.fi:587', '--smtp_from=kokemus@phhyky.fi',
    '--smtp_username=kokemus', '--smtp_password_file=/etc/kokemus/smtp/password',
    '--smtp_require_tls']) {
    assert.ok(args.includes(arg), arg);
  }
  assert.ok(!args.some((a) => a.startsWith('--sms_url')));
  const volume = pod.volumes.find((v) => v.name === 'smtp-password');
  assert.equal(volume.secret.secretName, 'kokemus-smtp');
  assert.deepEqual(volume.secret.items, [{ key: 'password', path: 'password' }]);
  assert.ok(pod.containers[0].volumeMounts.some((m) => m.mountPath === '/etc/kokemus/smtp'));
  // Without a relay nothing is sent: no flag at all.
  const plain = render(['-f', join(chart, 'examples', 'national.yaml')]);
  assert.ok(!plain.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args
    .some((a) => a.startsWith('--smtp')));
});

check('the web listener and its public address, reachable from the ingress only', () => {
  const objects = render(['-f', join(chart, 'examples', 'paijat-hame.yaml')]);
  const pod = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
  const args = pod.containers[0].args;
  assert.ok(args.includes('--web_listen=0.0.0.0:8080'));
  assert.ok(args.includes('--web_base_url=https://kokemus.phhyky.fi'));
  assert.ok(pod.containers[0].ports.some((p) => p.name === 'web' && p.containerPort === 8080));
  const service = objects.find((o) => o.kind === 'Service');
  assert.ok(service.spec.ports.some((p) => p.name === 'web' && p.targetPort === 'web'));
  const policy = objects.find((o) => o.kind === 'NetworkPolicy');
  assert.deepEqual(policy.spec.ingress[0].ports.map((p) => p.port), ['grpc', 'web']);
  // Delivery may leave the pod: SMTP and HTTPS.
  assert.ok(policy.spec.egress.some((e) => e.to[0].ipBlock?.cidr === '0.0.0.0/0' &&
    e.ports.map((p) => p.port).join() === '25,465,587,443'));
  const plain = render(['-f', join(chart, 'examples', 'national.yaml')]);
  assert.ok(!plain.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].args
    .some((a) => a.startsWith('--web')));
});

check('the retention rule runs nightly as a CronJob of the server image', () => {
  const objects = render(['-f', join(chart, 'examples', 'paijat-hame.yaml')]);
  const cron = objects.find((o) => o.kind === 'CronJob');
  assert.equal(cron.spec.schedule, '30 1 * * *');
  assert.equal(cron.spec.concurrencyPolicy, 'Forbid');
  const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
  assert.deepEqual(c.command, ['kokemus-server', '--apply_retention']);
  assert.equal(c.env[0].valueFrom.secretKeyRef.name, 'kokemus-db');
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
});

check('audit checkpoints: an hourly CronJob with the pepper, writing to its own volume', () => {
  const objects = render(['-f', join(chart, 'examples', 'national.yaml')]);
  const cron = objects.find((o) => o.kind === 'CronJob' && o.metadata.name.endsWith('-audit-checkpoint'));
  assert.equal(cron.spec.schedule, '17 * * * *');
  const spec = cron.spec.jobTemplate.spec.template.spec;
  assert.deepEqual(spec.containers[0].command, ['kokemus-server', '--audit_checkpoint_dir=/checkpoints',
                                                '--key_pepper_file=/etc/kokemus/keys/pepper']);
  assert.equal(spec.volumes.find((v) => v.name === 'key-pepper').secret.secretName, 'kokemus-key-pepper');
  assert.equal(spec.volumes.find((v) => v.name === 'checkpoints').persistentVolumeClaim.claimName,
               'kokemus-audit-checkpoints');
  // The retention job seals its erasures' records with the same key.
  const retention = objects.find((o) => o.kind === 'CronJob' && o.metadata.name.endsWith('-retention'));
  assert.deepEqual(retention.spec.jobTemplate.spec.template.spec.containers[0].args,
                   ['--key_pepper_file=/etc/kokemus/keys/pepper']);
  const r = run(['template', 'k', chart, '-f', join(chart, 'examples', 'paijat-hame.yaml'),
                 '--set', 'auditCheckpoints.enabled=true']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /auditCheckpoints.enabled needs auditCheckpoints.existingClaim/);
});

check('a render without a database fails with the reason', () => {
  const r = run(['template', 'k', chart]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /set database.existingSecret/);
});

console.log(`helm chart: ${checks} checks passed`);
