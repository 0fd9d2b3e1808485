import { IsString, MaxLength, MinLength } from 'class-validator';

/** The body of the idempotency probe: one note to store. */
export class CreateNoteDto {
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  text!: string;
}
