/**
 * Finds the date a document says it takes effect ("Effective date: March 5, 2025"), falling back to its
 * "Last updated" date. Returns YYYY-MM-DD, or undefined when the text states neither.
 */

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];
const MONTH =
  "(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\\.?";
const DATE = `(?:${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})|(\\d{1,2})(?:st|nd|rd|th)?\\s+(?:of\\s+)?${MONTH},?\\s+(\\d{4})|(\\d{4})-(\\d{2})-(\\d{2}))`;

const EFFECTIVE = new RegExp(
  `\\b(?:effective(?:\\s+date)?|effective\\s+(?:as\\s+of|from|on)|takes?\\s+effect\\s+on|in\\s+effect\\s+from)\\s*[:\\-–—]?\\s*(?:on\\s+)?${DATE}`,
  "i",
);
const UPDATED = new RegExp(
  `\\b(?:last\\s+(?:updated|modified|revised|update)(?:\\s+on)?|updated(?:\\s+on)?|date\\s+of\\s+last\\s+revision|revised(?:\\s+on)?)\\s*[:\\-–—]?\\s*${DATE}`,
  "i",
);

export function detectEffectiveDate(text: string): string | undefined {
  for (const pattern of [EFFECTIVE, UPDATED]) {
    const match = pattern.exec(text);
    if (match) {
      const iso = toIsoDate(match);
      if (iso) return iso;
    }
  }
  return undefined;
}

function toIsoDate(match: RegExpExecArray): string | undefined {
  const [, monthA, dayA, yearA, dayB, monthB, yearB, isoYear, isoMonth, isoDay] = match;
  let year: number;
  let month: number;
  let day: number;
  if (isoYear && isoMonth && isoDay) {
    year = Number(isoYear);
    month = Number(isoMonth);
    day = Number(isoDay);
  } else {
    const monthName = (monthA ?? monthB ?? "").toLowerCase().replace(".", "");
    month = MONTHS.findIndex((m) => m.startsWith(monthName.slice(0, 3))) + 1;
    day = Number(dayA ?? dayB);
    year = Number(yearA ?? yearB);
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  // Rejects 31 February and friends: Date.UTC silently rolls them over.
  if (month < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}
