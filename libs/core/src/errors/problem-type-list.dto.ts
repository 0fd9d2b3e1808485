import { ApiProperty } from '@nestjs/swagger';
import { ProblemTypeDto } from './problem-type.dto';

export class ProblemTypeListDto {
  // Explicit: the plugin's inferred array type differs between the CLI build and ts-jest.
  @ApiProperty({ type: [ProblemTypeDto] })
  value!: ProblemTypeDto[];
}
