import { RELEASE_NAME, type NodeMap } from './ir.ts';
import { PROJECT_VERSION } from './values.ts';

/** The labels every object carries, and the subset that selects the operator's pods. */

export const APP_NAME = 'kvsync';

export function selectorLabels(): NodeMap {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/instance': RELEASE_NAME };
}

export function commonLabels(): NodeMap {
  return { ...selectorLabels(), 'app.kubernetes.io/version': PROJECT_VERSION };
}
