export class AuditResourceDto {
  /** @example "user" */
  type!: string;
  id!: string | null;
}
