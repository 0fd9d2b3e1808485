import { constraintCode, flattenValidationErrors } from './validation-errors';

describe('flattenValidationErrors', () => {
  it('gives one entry per failed constraint, with pointers through nested objects and arrays', () => {
    const errors = flattenValidationErrors(
      [
        { property: 'title', constraints: { isString: 'title must be a string', maxLength: 'too long' } },
        {
          property: 'items',
          children: [
            { property: '0', children: [{ property: 'quantity', constraints: { min: 'quantity must be >= 1' } }] },
          ],
        },
        { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' } },
      ],
      'body',
    );
    expect(errors).toEqual([
      { pointer: '/body/title', detail: 'title must be a string', code: 'is_string' },
      { pointer: '/body/title', detail: 'too long', code: 'max_length' },
      { pointer: '/body/items/0/quantity', detail: 'quantity must be >= 1', code: 'min' },
      { pointer: '/body/extra', detail: 'property extra should not exist', code: 'unknown_field' },
    ]);
  });

  it('escapes "/" and "~" in names (RFC 6901)', () => {
    const [error] = flattenValidationErrors([{ property: 'a/b~c', constraints: { isInt: 'x' } }], 'query');
    expect(error?.pointer).toBe('/query/a~1b~0c');
  });

  it('points at the whole body when the body itself is wrong', () => {
    const [error] = flattenValidationErrors([{ property: '', constraints: { unknownValue: 'not an object' } }], 'body');
    expect(error).toEqual({ pointer: '/body', detail: 'not an object', code: 'invalid_type' });
  });

  it.each([
    ['isUuid', 'is_uuid'],
    ['whitelistValidation', 'unknown_field'],
    ['isDefined', 'required'],
    ['maxLength', 'max_length'],
    ['isISO8601', 'is_iso8601'],
  ])('derives the stable code of %s', (constraint, code) => {
    expect(constraintCode(constraint)).toBe(code);
  });
});
