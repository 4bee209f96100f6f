export type Out = { write(s: string): unknown };
