/**
 * Structural check of a KEDA ScaledObject (keda.sh/v1alpha1), whose CRD kubernetes-models does not
 * ship: the fields these manifests use, with the types KEDA's admission would demand. Returns the
 * problems found; an empty list means the document is well formed.
 */
export function scaledObjectProblems(doc: unknown): string[] {
  const problems: string[] = [];
  if (!isRecord(doc)) return ["document is not an object"];
  if (doc.apiVersion !== "keda.sh/v1alpha1") problems.push("apiVersion must be keda.sh/v1alpha1");
  if (doc.kind !== "ScaledObject") problems.push("kind must be ScaledObject");
  if (!isRecord(doc.metadata) || !isName(doc.metadata.name)) problems.push("metadata.name must be a DNS-1123 name");
  const spec = doc.spec;
  if (!isRecord(spec)) return [...problems, "spec is required"];

  if (!isRecord(spec.scaleTargetRef) || !isName(spec.scaleTargetRef.name)) {
    problems.push("spec.scaleTargetRef.name must be a DNS-1123 name");
  }
  for (const field of ["minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod"]) {
    const value = spec[field];
    if (value !== undefined && !(Number.isInteger(value) && (value as number) >= 0)) {
      problems.push(`spec.${field} must be a non-negative integer`);
    }
  }
  if (
    Number.isInteger(spec.minReplicaCount) &&
    Number.isInteger(spec.maxReplicaCount) &&
    (spec.minReplicaCount as number) > (spec.maxReplicaCount as number)
  ) {
    problems.push("spec.minReplicaCount must not exceed spec.maxReplicaCount");
  }

  if (!Array.isArray(spec.triggers) || spec.triggers.length === 0) {
    problems.push("spec.triggers must be a non-empty list");
  } else {
    spec.triggers.forEach((trigger, i) => {
      const at = `spec.triggers[${i}]`;
      if (!isRecord(trigger) || typeof trigger.type !== "string" || trigger.type === "") {
        problems.push(`${at}.type must be a string`);
        return;
      }
      // KEDA's metadata is map[string]string: a YAML number such as `listLength: 10` is rejected.
      if (!isRecord(trigger.metadata) || Object.values(trigger.metadata).some((v) => typeof v !== "string")) {
        problems.push(`${at}.metadata must map names to strings`);
        return;
      }
      if (trigger.type === "redis") problems.push(...redisTriggerProblems(trigger.metadata, at));
    });
  }
  return problems;
}

function redisTriggerProblems(metadata: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  const hasAddress = ["address", "addressFromEnv", "host", "hostFromEnv"].some((k) => metadata[k] !== undefined);
  if (!hasAddress) problems.push(`${at}.metadata needs address, addressFromEnv, host or hostFromEnv`);
  if (typeof metadata.listName !== "string" || metadata.listName === "") {
    problems.push(`${at}.metadata.listName is required`);
  }
  if (metadata.listLength !== undefined && !/^[1-9]\d*$/.test(String(metadata.listLength))) {
    problems.push(`${at}.metadata.listLength must be a positive integer string`);
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isName(value: unknown): boolean {
  return typeof value === "string" && /^[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?$/.test(value);
}
