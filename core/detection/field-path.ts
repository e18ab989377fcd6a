/**
 * Reads a dotted path from an event. Arrays anywhere along the path fan out (a match on any element
 * counts), as in Sigma and in every target language we compile to.
 */
export function valuesAt(event: unknown, path: string): unknown[] {
  let current: unknown[] = [event];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object') continue;
      const child = Array.isArray(node) ? node.flatMap((n) => (n !== null && typeof n === 'object' ? [(n as Record<string, unknown>)[key]] : [])) : [(node as Record<string, unknown>)[key]];
      for (const value of child) {
        if (value === undefined) continue;
        if (Array.isArray(value)) next.push(...value);
        else next.push(value);
      }
    }
    current = next;
  }
  return current;
}
