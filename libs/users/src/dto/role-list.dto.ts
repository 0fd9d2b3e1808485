import { ApiProperty } from '@nestjs/swagger';
import { RoleDescriptionDto } from './role-description.dto';

export class RoleListDto {
  @ApiProperty({ type: [RoleDescriptionDto] })
  value!: RoleDescriptionDto[];
}
