import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentPrincipal, type Principal } from '@flowgate/auth';
import { MeDto } from './dto/me.dto';
import { RoleListDto } from './dto/role-list.dto';
import { ProfileService } from './profile.service';

@ApiTags('Identity')
@Controller({ version: '1' })
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get('me')
  @Authenticated()
  @ApiOperation({
    summary: 'Who am I',
    description: 'Profile, effective roles and where each comes from, step-up state.',
  })
  @ApiOkResponse({ type: MeDto, description: 'The caller.' })
  me(@CurrentPrincipal() principal: Principal): MeDto {
    return this.profile.me(principal);
  }

  @Get('roles')
  @Authenticated()
  @ApiOperation({ summary: 'List roles', description: 'The role hierarchy: what each role implies.' })
  @ApiOkResponse({ type: RoleListDto, description: 'Every role.' })
  roles(): RoleListDto {
    return this.profile.roles();
  }
}
