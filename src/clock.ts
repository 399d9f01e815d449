/** Time is injected: logic receives `now` or a Clock, so tests can pin the day and the deadline. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  return () => new Date(at.getTime());
}
