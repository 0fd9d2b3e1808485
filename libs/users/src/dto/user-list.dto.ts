import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from './user.dto';

export class UserListDto {
  @ApiProperty({ type: [UserDto] })
  value!: UserDto[];
  /** Absolute URL of the next page; absent on the last page. */
  nextLink?: string;
}
