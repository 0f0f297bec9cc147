import type { z } from 'zod';

/**
 * The object under wrappers (default, optional, refinements, transforms); in a union (`strategy`: a name or a
 * mapping; `sampling.adaptive`: a boolean or a mapping), its object form. The schema itself when there is none.
 */
function unwrapToObject(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as { shape?: unknown; innerType?: z.core.$ZodType; in?: z.core.$ZodType; options?: readonly z.core.$ZodType[] };
  if (def.shape !== undefined) return schema;
  const inner = def.innerType ?? def.in ?? def.options?.map(unwrapToObject).find((option) => 'shape' in option._zod.def);
  return inner === undefined ? schema : unwrapToObject(inner);
}

/** Keys a spec schema allows at a path (for "did you mean" hints); [] where the path is not an object. */
export function specKeysAt(root: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let schema = root;
  for (const key of [...path, null]) {
    schema = unwrapToObject(schema);
    const shape = (schema._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    if (shape === undefined) return [];
    if (key === null) return Object.keys(shape);
    const next = shape[String(key)];
    if (next === undefined) return [];
    schema = next;
  }
  return [];
}
