import { ProblemTypeDto } from './problem-type.dto';

export class ProblemTypeListDto {
  value!: ProblemTypeDto[];
}
