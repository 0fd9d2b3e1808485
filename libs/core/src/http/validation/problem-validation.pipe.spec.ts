import { IsInt, Min } from 'class-validator';
import { AppError } from '../../errors/app-error';
import { ProblemValidationPipe } from './problem-validation.pipe';

class CountDto {
  @IsInt()
  @Min(1)
  count!: number;
}

describe('ProblemValidationPipe', () => {
  const pipe = new ProblemValidationPipe();

  it('answers a parameter with nothing to validate at once, not as a promise, as ValidationPipe would', () => {
    const principal = { userId: 'u1' };
    expect(pipe.transform(principal, { type: 'custom', metatype: Object })).toBe(principal);
    expect(
      pipe.transform('0b6e0d8c-1111-4111-8111-111111111111', { type: 'param', metatype: String, data: 'id' }),
    ).toBe('0b6e0d8c-1111-4111-8111-111111111111');
    // `transform: true` still turns a primitive path or query value into its declared type.
    expect(pipe.transform('42', { type: 'query', metatype: Number, data: 'limit' })).toBe(42);
    expect(pipe.transform('true', { type: 'query', metatype: Boolean, data: 'open' })).toBe(true);
  });

  it('validates a DTO and answers the instance', async () => {
    const result: unknown = await pipe.transform({ count: 3 }, { type: 'body', metatype: CountDto });
    expect(result).toBeInstanceOf(CountDto);
    expect(result).toEqual({ count: 3 });
  });

  it('refuses a bad DTO with every failing field as a pointer into its location', async () => {
    const answer = pipe.transform({ count: 0, extra: 1 }, { type: 'query', metatype: CountDto }) as Promise<unknown>;
    const refusal = await answer.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AppError);
    const { code, errors } = refusal as AppError;
    expect(code).toBe('validation_failed');
    expect(errors.map((error) => error.pointer).sort()).toEqual(['/query/count', '/query/extra']);
  });
});
