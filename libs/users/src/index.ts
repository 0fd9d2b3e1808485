export * from './users.module';
export * from './users.service';
export * from './person-access.reader';
export * from './migrations';
export * from './users-error-codes';
