import { IsOptional, IsUUID } from 'class-validator';

/** The page reads its own query in the browser; the server only has to let it through. */
export class AppPageQueryDto {
  /** The request the page opens. */
  @IsOptional()
  @IsUUID()
  workflow?: string;
}
