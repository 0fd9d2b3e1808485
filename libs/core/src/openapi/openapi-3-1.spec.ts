import type { OpenAPIObject } from '@nestjs/swagger';
import { upgradeSchema, upgradeToOpenApi31 } from './openapi-3-1';

type Schema = Record<string, unknown>;

const upgraded = (schema: Schema): Schema => {
  const copy = structuredClone(schema);
  upgradeSchema(copy);
  return copy;
};

describe('upgradeSchema', () => {
  it.each<[string, Schema, Schema]>([
    ['nullable scalar', { type: 'string', nullable: true }, { type: ['string', 'null'] }],
    [
      'nullable enum also admits null',
      { type: 'string', enum: ['a'], nullable: true },
      { type: ['string', 'null'], enum: ['a', null] },
    ],
    ['nullable reference', { $ref: '#/x', nullable: true }, { anyOf: [{ $ref: '#/x' }, { type: 'null' }] }],
    [
      'nullable reference with siblings drops the synthetic object type',
      { description: 'd', type: 'object', nullable: true, allOf: [{ $ref: '#/x' }] },
      { description: 'd', anyOf: [{ $ref: '#/x' }, { type: 'null' }] },
    ],
    [
      'nullable allOf of several keeps them together',
      { nullable: true, allOf: [{ $ref: '#/a' }, { $ref: '#/b' }] },
      { anyOf: [{ allOf: [{ $ref: '#/a' }, { $ref: '#/b' }] }, { type: 'null' }] },
    ],
    [
      'nullable oneOf',
      { nullable: true, oneOf: [{ type: 'string' }] },
      { oneOf: [{ type: 'string' }, { type: 'null' }] },
    ],
    ['nullable type list', { type: ['string', 'integer'], nullable: true }, { type: ['string', 'integer', 'null'] }],
    ['nullable: false', { type: 'string', nullable: false }, { type: 'string' }],
  ])('%s', (_, schema, expected) => {
    expect(upgraded(schema)).toEqual(expected);
  });

  it.each<[string, Schema, Schema]>([
    [
      'exclusive minimum',
      { type: 'number', minimum: 0, exclusiveMinimum: true },
      { type: 'number', exclusiveMinimum: 0 },
    ],
    [
      'exclusive maximum',
      { type: 'number', maximum: 9, exclusiveMaximum: true },
      { type: 'number', exclusiveMaximum: 9 },
    ],
    ['inclusive bound', { type: 'number', minimum: 0, exclusiveMinimum: false }, { type: 'number', minimum: 0 }],
    ['exclusive without a bound', { type: 'number', exclusiveMaximum: true }, { type: 'number' }],
    ['already 3.1', { type: 'number', exclusiveMinimum: 1 }, { type: 'number', exclusiveMinimum: 1 }],
  ])('%s', (_, schema, expected) => {
    expect(upgraded(schema)).toEqual(expected);
  });

  it.each<[string, Schema, Schema]>([
    ['scalar example', { type: 'string', example: 'x' }, { type: 'string', examples: ['x'] }],
    ['object example', { type: 'object', example: { a: 1 } }, { type: 'object', examples: [{ a: 1 }] }],
    ['example on a reference', { allOf: [{ $ref: '#/x' }], example: 1 }, { allOf: [{ $ref: '#/x' }], examples: [1] }],
    ['existing examples win', { type: 'string', example: 'x', examples: ['y'] }, { type: 'string', examples: ['y'] }],
  ])('%s', (_, schema, expected) => {
    expect(upgraded(schema)).toEqual(expected);
  });

  it('upgrades nested subschemas', () => {
    const schema = {
      type: 'object',
      properties: { tags: { type: 'array', items: { type: 'string', nullable: true } } },
      additionalProperties: { type: 'integer', nullable: true },
    };
    expect(upgraded(schema)).toEqual({
      type: 'object',
      properties: { tags: { type: 'array', items: { type: ['string', 'null'] } } },
      additionalProperties: { type: ['integer', 'null'] },
    });
  });

  it('treats property names as names, and example payloads as data', () => {
    const schema = {
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: 'string', example: 'x' } },
      example: { input: { type: 'string', nullable: true } },
    };
    expect(upgraded(schema)).toEqual({
      type: 'object',
      properties: { nullable: { type: 'boolean' }, example: { type: 'string', examples: ['x'] } },
      examples: [{ input: { type: 'string', nullable: true } }],
    });
  });
});

describe('upgradeToOpenApi31', () => {
  const document = {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/things': {
        get: {
          parameters: [{ name: 'top', in: 'query', example: 5, schema: { type: 'integer', nullable: true } }],
          responses: {
            200: { description: 'ok', content: { 'application/json': { schema: { type: 'string', example: 'a' } } } },
          },
        },
      },
    },
    components: { schemas: { Thing: { type: 'object', properties: { id: { type: 'string', nullable: true } } } } },
  } as unknown as OpenAPIObject;

  it('upgrades component, parameter and response schemas, leaving the input as it was', () => {
    expect(upgradeToOpenApi31(document)).toEqual({
      openapi: '3.1.0',
      info: { title: 't', version: '1' },
      paths: {
        '/things': {
          get: {
            // A parameter's own `example` is still valid 3.1; only its schema changes.
            parameters: [{ name: 'top', in: 'query', example: 5, schema: { type: ['integer', 'null'] } }],
            responses: {
              200: {
                description: 'ok',
                content: { 'application/json': { schema: { type: 'string', examples: ['a'] } } },
              },
            },
          },
        },
      },
      components: { schemas: { Thing: { type: 'object', properties: { id: { type: ['string', 'null'] } } } } },
    });
    expect(document.openapi).toBe('3.0.0');
  });
});
