import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildOpenApiDocument } from '../../shared/domain/openapi';
import { ENTITY_TYPES, GUARANTEES, PURPOSES } from '../../shared/domain/need';
import { NEED_STATUSES } from '../../shared/domain/need-record';
import { ROUTES } from '../../lib/routes';
import { taskForceContactSchema } from '../../shared/domain/task-force';

type JsonObject = Record<string, unknown>;

const committed = JSON.parse(readFileSync(new URL('../../shared/openapi.json', import.meta.url), 'utf8')) as JsonObject;
const doc = buildOpenApiDocument();

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function asObject(value: unknown, where: string): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where} is not an object`);
  return value as JsonObject;
}

/**
 * A component schema. zod may wrap a schema that carries an id as `{ $ref: '#/$defs/Id', $defs: { Id } }`;
 * take the definition itself so these tests check the contract, not the wrapping.
 */
function componentSchema(name: string): JsonObject {
  const schemas = asObject(asObject(doc.components, 'components').schemas, 'components.schemas');
  const schema = asObject(schemas[name], name);
  const ref = schema.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/') && schema.$defs !== undefined) {
    return asObject(asObject(schema.$defs, `${name}.$defs`)[ref.slice('#/$defs/'.length)], ref);
  }
  return schema;
}

function properties(schema: JsonObject, where: string): JsonObject {
  return asObject(schema.properties, `${where}.properties`);
}

describe('the committed shared/openapi.json', () => {
  it('equals what the schemas generate', () => {
    const generated: unknown = JSON.parse(JSON.stringify(doc));
    expect(generated, 'shared/openapi.json is out of date: run `npm run openapi` and commit the result').toStrictEqual(
      committed,
    );
  });

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });
});

describe('routes and documented operations', () => {
  const documented = Object.entries(asObject(doc.paths, 'paths')).flatMap(([path, item]) =>
    Object.keys(asObject(item, path))
      .filter((key) => HTTP_METHODS.has(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
  const routed = ROUTES.map((route) => `${route.method} ${route.path}`);

  it('every route of lib/routes.ts is documented', () => {
    for (const route of routed) expect(documented, route).toContain(route);
  });

  it('every documented operation is routed', () => {
    for (const operation of documented) expect(routed, operation).toContain(operation);
  });

  it('no route is listed twice', () => {
    expect(new Set(routed).size).toBe(routed.length);
    expect(new Set(documented).size).toBe(documented.length);
  });

  it('every operation has a unique operationId and at least one response', () => {
    const ids: string[] = [];
    for (const [path, item] of Object.entries(asObject(doc.paths, 'paths'))) {
      for (const [method, operation] of Object.entries(asObject(item, path))) {
        if (!HTTP_METHODS.has(method)) continue;
        const op = asObject(operation, `${method} ${path}`);
        expect(typeof op.operationId).toBe('string');
        ids.push(op.operationId as string);
        expect(Object.keys(asObject(op.responses, `${method} ${path} responses`)).length).toBeGreaterThan(0);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('path parameters are declared for every {placeholder}', () => {
    for (const [path, item] of Object.entries(asObject(doc.paths, 'paths'))) {
      const placeholders = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, operation] of Object.entries(asObject(item, path))) {
        if (!HTTP_METHODS.has(method)) continue;
        const parameters = (asObject(operation, path).parameters ?? []) as { name: string; in: string; required?: boolean }[];
        for (const name of placeholders) {
          expect(parameters, `${method} ${path} {${name}}`).toContainEqual(expect.objectContaining({ name, in: 'path', required: true }));
        }
      }
    }
  });
});

describe('the NeedSubmission schema', () => {
  const submission = componentSchema('NeedSubmission');
  const sections = properties(submission, 'NeedSubmission');
  const section = (name: string): JsonObject => asObject(sections[name], name);

  const CONTRACT = {
    enterprise: [
      'name',
      'creditCode',
      'entityType',
      'countyCode',
      'industryCode',
      'employees',
      'annualRevenueYuan',
      'totalAssetsYuan',
      'yearsInOperation',
      'hasFixedPremises',
    ],
    contact: ['name', 'mobile'],
    need: ['amountYuan', 'termMonths', 'purpose', 'guarantee', 'firstLoan', 'description'],
    consent: ['shareWithBanks', 'textVersion', 'bankIds'],
  };

  it('has exactly the four sections, all required, nothing else allowed', () => {
    expect(submission.type).toBe('object');
    expect(Object.keys(sections)).toEqual(Object.keys(CONTRACT));
    expect(submission.required).toEqual(Object.keys(CONTRACT));
    expect(submission.additionalProperties).toBe(false);
  });

  it.each(Object.entries(CONTRACT))('%s lists exactly the contract fields, and no others', (name, fields) => {
    const schema = section(name);
    expect(schema.type).toBe('object');
    expect(Object.keys(properties(schema, name))).toEqual(fields);
    expect(schema.additionalProperties).toBe(false);
    const required = fields.filter((field) => !(name === 'need' && field === 'description') && !(name === 'consent' && field === 'bankIds'));
    expect(schema.required).toEqual(required);
  });

  it('lists the enum values', () => {
    const enterprise = properties(section('enterprise'), 'enterprise');
    const need = properties(section('need'), 'need');
    expect(asObject(enterprise.entityType, 'entityType')).toMatchObject({ type: 'string', enum: [...ENTITY_TYPES] });
    expect(asObject(need.purpose, 'purpose')).toMatchObject({ type: 'string', enum: [...PURPOSES] });
    expect(asObject(need.guarantee, 'guarantee')).toMatchObject({ type: 'string', enum: [...GUARANTEES] });
    expect(ENTITY_TYPES).toEqual(['enterprise', 'individual_business', 'farmers_cooperative', 'family_farm']);
    expect(PURPOSES).toEqual(['working_capital', 'equipment', 'expansion', 'technology', 'renewal', 'other']);
    expect(GUARANTEES).toEqual(['credit', 'collateral', 'guarantor', 'pledge', 'any']);
  });

  it('documents the field types and limits', () => {
    const enterprise = properties(section('enterprise'), 'enterprise');
    const need = properties(section('need'), 'need');
    const consent = properties(section('consent'), 'consent');
    for (const field of ['name', 'creditCode', 'countyCode', 'industryCode']) {
      expect(asObject(enterprise[field], field).type, field).toBe('string');
    }
    for (const field of ['employees', 'annualRevenueYuan', 'totalAssetsYuan', 'yearsInOperation']) {
      expect(asObject(enterprise[field], field)).toMatchObject({ type: 'integer', minimum: 0 });
    }
    expect(asObject(enterprise.hasFixedPremises, 'hasFixedPremises').type).toBe('boolean');
    expect(asObject(need.amountYuan, 'amountYuan')).toMatchObject({ type: 'integer', minimum: 1000, maximum: 500_000_000 });
    expect(asObject(need.termMonths, 'termMonths')).toMatchObject({ type: 'integer', minimum: 1, maximum: 360 });
    expect(asObject(need.firstLoan, 'firstLoan').type).toBe('boolean');
    expect(asObject(consent.shareWithBanks, 'shareWithBanks')).toMatchObject({ type: 'boolean', const: true });
    expect(asObject(consent.textVersion, 'textVersion').type).toBe('string');
    expect(asObject(consent.bankIds, 'bankIds')).toMatchObject({ type: 'array', maxItems: 100, items: { type: 'string' } });
  });
});

describe('the response schemas', () => {
  it('SubmitNeedResponse has the receipt fields', () => {
    const schema = componentSchema('SubmitNeedResponse');
    expect(Object.keys(properties(schema, 'SubmitNeedResponse'))).toEqual([
      'needId',
      'status',
      'sizeClass',
      'trackingToken',
      'statusUrl',
    ]);
  });

  it('NeedStatusResponse has no contact details or token hash, and lists every status', () => {
    const schema = componentSchema('NeedStatusResponse');
    const props = properties(schema, 'NeedStatusResponse');
    expect(Object.keys(props)).toEqual(['needId', 'status', 'source', 'sizeClass', 'submittedAt', 'enterprise', 'need', 'timeline', 'progress', 'actions', 'consentBankIds', 'taskForce']);
    expect(Object.keys(properties(asObject(props.enterprise, 'enterprise'), 'enterprise'))).toEqual([
      'name',
      'countyCode',
      'industryCode',
      'hasFixedPremises',
    ]);
    expect(asObject(props.status, 'status').enum).toEqual([...NEED_STATUSES]);
    const text = JSON.stringify(schema);
    expect(text).not.toContain('mobile');
    expect(text).not.toContain('trackingTokenHash');
    expect(text).not.toContain('creditCode');
  });

  it("NeedStatusResponse's taskForce is the task-force contact's zod shape (office, phone, address; hours optional)", () => {
    const taskForce = asObject(properties(componentSchema('NeedStatusResponse'), 'NeedStatusResponse').taskForce, 'taskForce');
    expect(Object.keys(properties(taskForce, 'taskForce'))).toEqual(Object.keys(taskForceContactSchema.shape));
    expect(taskForce.required).toEqual(['countyCode', 'office', 'phone', 'address']);
    expect(taskForce.additionalProperties).toBe(false);
    expect(Object.keys(properties(asObject(properties(taskForce, 'taskForce').office, 'office'), 'office'))).toEqual(['zh', 'en']);
  });

  it('GET /v1/counties/{countyCode}/banks answers the county and its banks, names only', () => {
    const paths = asObject(doc.paths, 'paths');
    const get = asObject(asObject(paths['/v1/counties/{countyCode}/banks'], 'county banks').get, 'get');
    expect(Object.keys(asObject(get.responses, 'responses'))).toEqual(['200', '400']);
    const props = properties(componentSchema('CountyBanksResponse'), 'CountyBanksResponse');
    expect(Object.keys(props)).toEqual(['countyCode', 'banks']);
    const bank = asObject(asObject(props.banks, 'banks').items, 'banks.items');
    expect(Object.keys(properties(bank, 'bank'))).toEqual(['bankId', 'nameZh', 'nameEn']);
  });

  it('Problem has the RFC 9457 members and bilingual field errors', () => {
    const props = properties(componentSchema('Problem'), 'Problem');
    expect(Object.keys(props)).toEqual(['type', 'title', 'status', 'detail', 'instance', 'errors']);
    const item = asObject(asObject(props.errors, 'errors').items, 'errors.items');
    const itemProps = properties(item, 'errors.items');
    expect(Object.keys(itemProps)).toEqual(['pointer', 'code', 'message']);
    expect(Object.keys(properties(asObject(itemProps.message, 'message'), 'message'))).toEqual(['zh', 'en']);
  });
});

describe('references', () => {
  it('every $ref resolves from the root of the document', () => {
    const document = buildOpenApiDocument();
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref.startsWith('#/'), ref).toBe(true);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], document);
      expect(target, ref).toBeTypeOf('object');
    }
  });
});
