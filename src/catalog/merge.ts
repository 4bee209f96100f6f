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
