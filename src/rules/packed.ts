// Typed arrays for the compiled rules and the matcher: lists packed by index, buffers that double when outgrown.

/** Lists of numbers by index, packed in two typed arrays: list i is items[start[i]] up to items[start[i + 1]]. */
export interface Packed {
  start: Int32Array;
  items: Int32Array;
}

export function pack(lists: readonly (readonly number[])[]): Packed {
  const start = new Int32Array(lists.length + 1);
  lists.forEach((list, i) => (start[i + 1] = start[i]! + list.length));
  const items = new Int32Array(start[lists.length]!);
  lists.forEach((list, i) => items.set(list, start[i]));
  return { start, items };
}

/** A copy of `a` twice as long: how the matcher's per-item buffers grow, on the rare item that outgrows them. */
export function doubled<T extends Int32Array | Uint8Array>(a: T): T {
  const b = new (a.constructor as new (n: number) => T)(a.length * 2);
  b.set(a);
  return b;
}
