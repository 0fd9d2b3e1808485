export class ReadinessDto {
  /** `ok` when every dependency answered. */
  status!: 'ok';
  /**
   * State of each dependency.
   * @example { "database": "up", "redis": "up" }
   */
  checks!: Record<string, 'up' | 'down'>;
}
