type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain => typeof v === "object" && v !== null && !Array.isArray(v);
const hasId = (v: unknown): v is Plain & { id: unknown } => isPlain(v) && "id" in v;

/**
 * Deep-merges an overlay over a base value. Objects merge key by key; lists whose items all carry an `id`
 * merge item by item on that id (matching items merge, new ones are appended); any other value replaces.
 */
export function mergeById(base: unknown, overlay: unknown): unknown {
  if (overlay === undefined) return base;
  if (isPlain(base) && isPlain(overlay)) {
    const out: Plain = { ...base };
    for (const [key, value] of Object.entries(overlay)) out[key] = mergeById(base[key], value);
    return out;
  }
  if (Array.isArray(base) && Array.isArray(overlay) && base.every(hasId) && overlay.every(hasId)) {
    const out = base.map((item) => {
      const match = overlay.find((o) => o.id === item.id);
      return match ? mergeById(item, match) : item;
    });
    for (const item of overlay) if (!base.some((b) => b.id === item.id)) out.push(item);
    return out;
  }
  return overlay;
}

/**
 * Maps a path in a merged value back to the value it came from. Lists merged by `id` put an overlay item
 * at a different index than in the overlay file (`documents[3]` merged is `documents[0]` in the overlay),
 * so each index is followed by its item's id. The overlay wins when it reaches at least as deep as the base
 * (a bad or missing field in an overlay item is the overlay's); the rest of the path is kept as it is.
 */
export function locateInSources(
  path: ReadonlyArray<PropertyKey>,
  merged: unknown,
  overlay: unknown,
  base: unknown,
): { source: "overlay" | "base"; path: PropertyKey[] } {
  const follow = (source: unknown) => {
    let m: unknown = merged;
    let s: unknown = source;
    const out: PropertyKey[] = [];
    for (const seg of path) {
      if (s === undefined) break;
      if (typeof seg === "number" && Array.isArray(m) && Array.isArray(s)) {
        const item = m[seg];
        const index = s === m ? seg : hasId(item) ? s.findIndex((x) => hasId(x) && x.id === item.id) : -1;
        if (index < 0) break;
        out.push(index);
        s = s[index];
        m = item;
      } else if (isPlain(s) && isPlain(m) && typeof seg === "string" && seg in s) {
        out.push(seg);
        s = s[seg];
        m = m[seg];
      } else break;
    }
    return out;
  };
  const inOverlay = follow(overlay);
  const inBase = follow(base);
  const [source, reached] =
    inOverlay.length >= inBase.length ? (["overlay", inOverlay] as const) : (["base", inBase] as const);
  return { source, path: [...reached, ...path.slice(reached.length)] };
}
