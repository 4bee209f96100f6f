/** Pure logic takes the time as a parameter; wiring passes `systemClock`, tests pass a fixed one. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
