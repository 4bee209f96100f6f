/** The anonymous marker that replaces a forgotten person's ID (audit log, campaigns they led, delivered messages). */
export const FORGOTTEN_ACTOR = "forgotten-user";
