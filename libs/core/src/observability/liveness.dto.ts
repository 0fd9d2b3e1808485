export class LivenessDto {
  /** Always `ok` when the process can answer at all. */
  status!: 'ok';
}
