/**
 * Reads a dotted path from an event. Arrays anywhere along the path fan out (a match on any element
 * counts), as in Sigma and in every target language we compile to. Paths are split once; the common
 * case (objects all the way down) walks without allocating. After a fan-out, arrays at the end open too.
 */
const NONE: readonly unknown[] = Object.freeze([]);

export type PathReader = (event: unknown) => readonly unknown[];

export function compilePath(path: string): PathReader {
  const keys = path.split('.');
  return (event) => {
    let node = event;
    for (let i = 0; i < keys.length; i++) {
      if (node === null || typeof node !== 'object') return NONE;
      if (Array.isArray(node)) return fanOut(node, keys, i);
      node = (node as Record<string, unknown>)[keys[i]!];
    }
    return node === undefined ? NONE : Array.isArray(node) ? node : [node];
  };
}

function fanOut(nodes: readonly unknown[], keys: readonly string[], from: number): unknown[] {
  let current: unknown[] = [...nodes];
  for (let i = from; i < keys.length; i++) {
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object') continue;
      const children = Array.isArray(node) ? node : [node];
      for (const child of children) {
        if (child === null || typeof child !== 'object' || Array.isArray(child)) continue;
        const value = (child as Record<string, unknown>)[keys[i]!];
        if (value === undefined) continue;
        if (Array.isArray(value)) next.push(...value);
        else next.push(value);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}
