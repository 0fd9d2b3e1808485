// Whole-number components only: a fraction ("PT0.5S") is legal ISO 8601 but no workflow timer needs
// one, and refusing it keeps the worker's arithmetic exact. Weeks stand alone, as in RFC 3339.
const DATE_AND_TIME = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const WEEKS = /^P(\d+)W$/;

/**
 * Why `value` is not a usable timer duration, or undefined when it is one: an ISO 8601 duration
 * such as `P3D`, `PT12H`, `P1Y2M10DT2H30M` or `P2W`, longer than zero (a timer of zero would fire
 * the moment the instance arrives, which is a transition without a human, not a timer).
 */
export function durationProblem(value: string): string | undefined {
  const match = DATE_AND_TIME.exec(value) ?? WEEKS.exec(value);
  if (!match) return 'must be an ISO 8601 duration of whole numbers, such as P3D, PT12H or P1DT6H';
  const components = match.slice(1).filter((part): part is string => part !== undefined);
  if (components.every((part) => /^0+$/.test(part))) return 'must be longer than zero';
  return undefined;
}

export function isIsoDuration(value: string): boolean {
  return durationProblem(value) === undefined;
}
