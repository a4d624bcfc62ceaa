/**
 * The patch engine of the API server emulator: pure functions over parsed JSON that never mutate
 * their inputs and report failures as `KubeStatusError` (400 malformed patch, 422 not applicable).
 */
export { applyJsonPatch } from './json-patch.ts';
export { applyMergePatch, createTwoWayMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch } from './strategic-merge-patch.ts';
export { applyServerSideApply } from './server-side-apply.ts';
export type { ServerSideApplyInput } from './server-side-apply.ts';
export { strategicSchemaFor } from './strategic-schema.ts';
export type { FieldSchema, StructSchema } from './strategic-schema.ts';
export { REJECTED_MESSAGE } from './patch-errors.ts';
