import Ajv2019 from 'ajv/dist/2019';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');

/**
 * The formats compose-go defines for the Compose schema (schema/schema.go): a Go duration, a port spec
 * ("[ip:]host[-range]:container[-range][/proto]"), an exposed port ("port[-range][/proto]"), a CIDR.
 */
const COMPOSE_FORMATS: Record<string, RegExp> = {
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  ports: /^((\[?[0-9a-fA-F:.]*\]?:)?([0-9]+(-[0-9]+)?)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  expose: /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9]{1,3}(\.[0-9]{1,3}){3}\/[0-9]{1,2}|[0-9a-fA-F:]+\/[0-9]{1,3})$/,
};

function composeValidator() {
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  // The schema marks its parts with draft-04 "id" annotations: annotations only, as compose-go reads them.
  ajv.removeKeyword('id');
  ajv.addKeyword('id');
  for (const [name, re] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, re);
  // Its $schema names draft 2019-09 with a trailing "#", which ajv's 2019 meta-schema id lacks.
  const { $schema: _draft, ...schema } = JSON.parse(readFileSync(join(__dirname, 'compose-spec.json'), 'utf8'));
  return ajv.compile(schema);
}

/** The kubernetes-models class of a manifest's apiVersion and kind (KEDA's from @kubernetes-models/keda). */
function k8sModel(apiVersion: string, kind: string): new (doc: unknown) => { validate(): void } {
  const path = apiVersion.startsWith('keda.sh/')
    ? `@kubernetes-models/keda/${apiVersion}/${kind}`
    : `kubernetes-models/${apiVersion}/${kind}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module path is computed from the document kind
  return (require(path) as Record<string, new (doc: unknown) => { validate(): void }>)[kind];
}

const k8sDocs = () =>
  parseAllDocuments(readFileSync(join(ROOT, 'infra', 'k8s', 'densebench.yaml'), 'utf8'))
    .map((d) => d.toJS() as { apiVersion: string; kind: string; metadata: { name: string } } | null)
    .filter((d): d is NonNullable<typeof d> => d !== null);

describe('deployment files against their published schemas', () => {
  const compose = () => parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });

  it('docker-compose.yml is a valid Compose file', () => {
    const validate = composeValidator();
    const ok = validate(compose());
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the Compose schema refuses a broken service (the check can fail)', () => {
    const validate = composeValidator();
    const doc = compose();
    doc.services.api.ports = ['3000:3000/http'];
    doc.services.redis.healthcheck.interval = 'two seconds';
    doc.services.results.restart_policy = 'always';
    expect(validate(doc)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/services/api/ports/0', '/services/redis/healthcheck/interval', '/services/results']),
    );
  });

  it('every object of infra/k8s is valid for its kind', () => {
    const docs = k8sDocs();
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'Secret', 'Job', 'Deployment', 'Service', 'Deployment', 'Deployment', 'ScaledObject']);
    for (const d of docs) {
      const Model = k8sModel(d.apiVersion, d.kind);
      expect(Model).toBeDefined();
      expect(() => new Model(d).validate()).not.toThrow();
    }
  });

  it('the Kubernetes schemas refuse a broken Deployment and ScaledObject (the check can fail)', () => {
    const docs = k8sDocs();
    const deployment = structuredClone(docs.find((d) => d.kind === 'Deployment')) as any;
    deployment.spec.template.spec.containers[0].ports = [{ containerPort: 'http' }];
    expect(() => new (k8sModel('apps/v1', 'Deployment'))(deployment).validate()).toThrow(/containerPort must be integer/);
    const scaled = structuredClone(docs.find((d) => d.kind === 'ScaledObject')) as any;
    delete scaled.spec.scaleTargetRef;
    expect(() => new (k8sModel('keda.sh/v1alpha1', 'ScaledObject'))(scaled).validate()).toThrow(/scaleTargetRef/);
  });
});
