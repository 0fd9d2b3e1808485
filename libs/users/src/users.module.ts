import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@flowgate/audit';
import { PrincipalDirectory } from '@flowgate/auth';
import { DatabaseModule, RedisModule } from '@flowgate/core';
import { TrafficModule } from '@flowgate/traffic';
import { RoleGrantEntity } from './entities/role-grant.entity';
import { UserEntity } from './entities/user.entity';
import { MeController } from './me.controller';
import { PersonAccessReader } from './person-access.reader';
import { ProfileService } from './profile.service';
import { UserAccessService } from './user-access.service';
import { UserDirectory } from './user-directory';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Users, role grants and the admin endpoints; also the directory authentication resolves callers
 * in: `PrincipalDirectory`, auth's port, implemented and exported here (the app module hands this
 * module to `AuthModule.register`).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([UserEntity, RoleGrantEntity]),
    DatabaseModule,
    // The directory's cache.
    RedisModule,
    // Admin changes are audited, refusals recorded as denials.
    AuditModule,
    // `@Idempotent()` admin writes.
    TrafficModule,
  ],
  controllers: [MeController, UsersController],
  providers: [
    UsersRepository,
    UserDirectory,
    UsersService,
    UserAccessService,
    ProfileService,
    PersonAccessReader,
    { provide: PrincipalDirectory, useExisting: UserDirectory },
  ],
  exports: [PrincipalDirectory, UsersService, PersonAccessReader],
})
export class UsersModule {}
