// The board's categories as a table: the tag words neighbors type and how long a listing lasts by default.

const day = 24 * 60 * 60 * 1000;

export interface Category {
  name: string;
  /** Words accepted after "#" (lowercase). */
  tags: readonly string[];
  /** Default lifetime of a listing in this category; food spoils, a ladder does not. */
  defaultLifetimeMs: number;
}

export const categories: readonly Category[] = [
  // The first tag is the one help names; Spanish words follow the English ones.
  { name: "food", tags: ["food", "produce", "groceries", "comida", "alimentos"], defaultLifetimeMs: 3 * day },
  { name: "tools", tags: ["tools", "tool", "herramientas", "herramienta"], defaultLifetimeMs: 30 * day },
  { name: "household", tags: ["household", "home", "furniture", "hogar", "casa", "muebles"], defaultLifetimeMs: 21 * day },
  { name: "kids", tags: ["kids", "baby", "toys", "niños", "ninos", "bebé", "bebe", "juguetes"], defaultLifetimeMs: 21 * day },
  { name: "clothes", tags: ["clothes", "clothing", "ropa"], defaultLifetimeMs: 21 * day },
  {
    name: "services and skills",
    tags: ["services", "skills", "service", "skill", "help", "servicios", "servicio", "ayuda", "habilidades"],
    defaultLifetimeMs: 14 * day,
  },
  { name: "other", tags: ["other", "misc", "otros", "otro", "varios"], defaultLifetimeMs: 14 * day },
];

export const defaultCategory = "other";

const byTag = new Map(categories.flatMap((category) => category.tags.map((tag) => [tag, category] as const)));
const byName = new Map(categories.map((category) => [category.name, category]));

export function categoryByTag(tag: string): Category | undefined {
  return byTag.get(tag.toLowerCase());
}

/** By name or by any of its tags: `!list food`, `!list skills`. */
export function findCategory(word: string): Category | undefined {
  const lower = word.toLowerCase().replace(/^#/, "");
  return byName.get(lower) ?? byTag.get(lower);
}

export function lifetimeOf(categoryName: string): number {
  return (byName.get(categoryName) ?? byName.get(defaultCategory))?.defaultLifetimeMs ?? 14 * day;
}
