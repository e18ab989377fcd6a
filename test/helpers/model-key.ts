/** A model's content as a cache key, and deep freezing of what a cache shares (aws-app.ts, catalog.ts). */
import type { GuardrailsModel } from '../../core/config/model.ts';

/**
 * The model's content as a key: plain JSON data only (an undefined property counts, since `in` can see
 * it); anything else would make two different models look alike, so it is refused.
 */
export function modelKey(model: GuardrailsModel): string {
  return JSON.stringify(model, (key: string, value: unknown) => {
    if (value === undefined) return key === '' ? value : '\u0000undefined';
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`modelKey: ${key} is ${value}, which JSON cannot tell from null`);
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') throw new Error(`modelKey: ${key} is a ${typeof value}`);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const prototype = Object.getPrototypeOf(value) as object | null;
      if (prototype !== Object.prototype && prototype !== null) throw new Error(`modelKey: ${key} is a ${prototype.constructor.name}, not plain data`);
    }
    return value;
  });
}

/** Freezes a value and everything reachable through its own enumerable properties. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
