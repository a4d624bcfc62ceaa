/** metav1.LabelSelector matching, as the API server evaluates it. */

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

function requirementHolds(requirement: LabelSelectorRequirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, requirement.key);
  const value = labels[requirement.key];
  switch (requirement.operator) {
    case 'In':
      return present && (requirement.values ?? []).includes(value!);
    case 'NotIn':
      return !present || !(requirement.values ?? []).includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
  }
}

/** True when `labels` satisfy `selector`. An empty selector matches everything. */
export function matchesLabelSelector(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  const plain = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  return (
    plain && (selector.matchExpressions ?? []).every((requirement) => requirementHolds(requirement, labels))
  );
}
