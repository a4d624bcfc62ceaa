import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../types.ts';
import { groupVersion, storageVersion, type ResourceType } from '../resources/resource-type.ts';

/** Small helpers shared by the operations: conversion between served and stored forms, equality, time. */

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The object as served at `version`: converted from storage, with apiVersion and kind set. */
export function toServed(type: ResourceType, version: string, stored: KubeObject): KubeObject {
  const converted = type.fromStorage ? type.fromStorage(clone(stored)) : clone(stored);
  return { ...converted, apiVersion: groupVersion(type.group, version), kind: type.kind };
}

/** The object as stored: converted to storage form, apiVersion of the storage version. */
export function toStored(type: ResourceType, served: KubeObject): KubeObject {
  const converted = type.toStorage ? type.toStorage(served) : served;
  return { ...converted, apiVersion: groupVersion(type.group, storageVersion(type).name), kind: type.kind };
}

/** metav1.Time: RFC 3339 with second precision, as the real server writes it back. */
export function formatTime(date: Date): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

export function newUid(): string {
  return randomUUID();
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters from the apiserver's alphabet. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++)
    suffix += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** Structural equality of JSON values, independent of key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => jsonEqual(item, other[i]));
  }
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** True when nothing but resourceVersion and managedFields differs: such an update is a no-op. */
export function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined },
  });
  return jsonEqual(strip(a), strip(b));
}

/** Everything except metadata and status: what a CR's generation tracks. */
export function nonMetadata(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
