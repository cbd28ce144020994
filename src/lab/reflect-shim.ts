/**
 * @peculiar/x509 resolves its algorithm providers through tsyringe, which refuses to load unless
 * a Reflect metadata API exists. It only needs these four functions, so a few lines here replace a
 * reflect-metadata dependency. Import this module before '@peculiar/x509'.
 */
type MetadataTarget = object;
const store = new WeakMap<MetadataTarget, Map<string | symbol | undefined, Map<unknown, unknown>>>();

function table(target: MetadataTarget, property: string | symbol | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (!entries && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  reflect.defineMetadata = (key: unknown, value: unknown, target: MetadataTarget, property?: string | symbol) => {
    table(target, property, true)!.set(key, value);
  };
  reflect.getOwnMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) => table(target, property, false)?.get(key);
  reflect.getMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) => {
    for (let current: MetadataTarget | null = target; current; current = Object.getPrototypeOf(current) as MetadataTarget | null) {
      const entries = table(current, property, false);
      if (entries?.has(key)) return entries.get(key);
    }
    return undefined;
  };
  reflect.hasMetadata = (key: unknown, target: MetadataTarget, property?: string | symbol) =>
    (reflect.getMetadata as (k: unknown, t: MetadataTarget, p?: string | symbol) => unknown)(key, target, property) !== undefined;
}

export {};
