import { Type } from 'class-transformer';
import { IsArray, IsEmail, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export class EchoItemDto {
  @IsString()
  @MaxLength(20)
  name!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

/** A body with the usual kinds of rules, to exercise the validation problem format. */
export class EchoRequestDto {
  @IsString()
  @MaxLength(50)
  title!: string;

  @IsEmail()
  contact!: string;

  @IsInt()
  @Min(0)
  @Max(10)
  priority!: number;

  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => EchoItemDto)
  items?: EchoItemDto[];
}
