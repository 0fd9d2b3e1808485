import { Injectable } from '@nestjs/common';
import { AppError, CURSOR_VALUE, decodeCursor, encodeCursor, nextLinkFor } from '@flowgate/core';
import type { ListUsersQueryDto } from './dto/list-users-query.dto';
import type { UserListDto } from './dto/user-list.dto';
import type { UserDto } from './dto/user.dto';
import { toUserDto } from './user-dto.mapper';
import { UsersRepository } from './users.repository';

/** Reading users, for admins. */
@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  async list(query: ListUsersQueryDto, requestUrl: string): Promise<UserListDto> {
    const after = query.cursor
      ? decodeCursor(query.cursor, { createdAt: CURSOR_VALUE.isoMillis, id: CURSOR_VALUE.uuid })
      : undefined;
    // One extra row tells whether another page exists without a count query.
    const rows = await this.users.list({
      status: query.status,
      role: query.role,
      text: query.q,
      after,
      limit: query.top + 1,
    });
    const page = rows.slice(0, query.top);
    const grants = await this.users.grantedRolesOf(page.map((user) => user.id));
    const value = page.map((user) => toUserDto(user, grants.get(user.id) ?? []));
    const last = page.at(-1);
    if (rows.length <= query.top || !last) return { value };
    const cursor = encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id });
    return { value, nextLink: nextLinkFor(requestUrl, cursor) };
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.users.findById(id);
    if (!user) throw new AppError('not_found', `There is no user ${id}.`);
    return toUserDto(user, await this.users.grantedRoles(id));
  }
}
