/** The SQLSTATE codes the repositories' constraints and triggers answer with, by name. */
export const SQL_STATE = {
  integrityConstraintViolation: '23000',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  /** The append-only and immutability triggers. */
  insufficientPrivilege: '42501',
} as const;
