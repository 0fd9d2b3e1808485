import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  /** Always `ok` when the process can answer at all. */
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}
