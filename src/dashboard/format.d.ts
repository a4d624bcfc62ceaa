// The types of format.js, for the tests that import its pure helpers (the page itself needs none).
import type { ApiInfo } from '../server/operator-api/wire.ts';

/** Builds a DOM element; only in the page (the tests have no DOM). */
export function el(tag: string, attributes?: Record<string, unknown>, children?: unknown): unknown;
export function humanDuration(ms: number): string;
export function relative(time: string | undefined, nowMs: number): string;
export function interval(ms: number): string;
export function count(value: number | null | undefined): string;
export const STATES: Readonly<Record<'synced' | 'drift' | 'failed' | 'pending', string>>;
export function operatorLine(info: ApiInfo): string;
