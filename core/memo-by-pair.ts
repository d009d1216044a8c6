// Caches a value built from two objects (e.g. a zod schema from limits and defaults), so code that
// validates on every request does not rebuild it each time.
export function memoByPair<A extends object, B extends object, R>(
  build: (a: A, b: B) => R,
): (a: A, b: B) => R {
  const cache = new WeakMap<A, WeakMap<B, R>>();
  return (a, b) => {
    let inner = cache.get(a);
    if (!inner) {
      inner = new WeakMap();
      cache.set(a, inner);
    }
    let value = inner.get(b);
    if (value === undefined) {
      value = build(a, b);
      inner.set(b, value);
    }
    return value;
  };
}
