import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { EnvSchema } from "../../packages/config/src/schema";
import { scaledObjectProblems } from "./support/scaled-object";

const K8S_DIR = fileURLToPath(new URL("../k8s/", import.meta.url));

// biome-ignore lint/suspicious/noExplicitAny: parsed YAML, navigated freely and checked by the assertions
type Manifest = Record<string, any>;

interface Validatable {
  validate(): void;
}

/** Model classes of kubernetes-models (Kubernetes 1.x OpenAPI schemas) by `apiVersion/kind`. */
const MODELS: Record<string, (doc: Manifest) => Validatable> = {
  "v1/ConfigMap": (doc) => new ConfigMap(doc as ConstructorParameters<typeof ConfigMap>[0]),
  "v1/Secret": (doc) => new Secret(doc as ConstructorParameters<typeof Secret>[0]),
  "v1/Service": (doc) => new Service(doc as ConstructorParameters<typeof Service>[0]),
  "apps/v1/Deployment": (doc) => new Deployment(doc as ConstructorParameters<typeof Deployment>[0]),
  "autoscaling/v2/HorizontalPodAutoscaler": (doc) =>
    new HorizontalPodAutoscaler(doc as ConstructorParameters<typeof HorizontalPodAutoscaler>[0]),
  "policy/v1/PodDisruptionBudget": (doc) =>
    new PodDisruptionBudget(doc as ConstructorParameters<typeof PodDisruptionBudget>[0]),
};

/** Validates one manifest: Kubernetes kinds against the API schema, the KEDA ScaledObject structurally. */
function validateManifest(doc: Manifest): void {
  const key = `${doc.apiVersion}/${doc.kind}`;
  if (key === "keda.sh/v1alpha1/ScaledObject") {
    const problems = scaledObjectProblems(doc);
    if (problems.length > 0) throw new Error(`ScaledObject: ${problems.join("; ")}`);
    return;
  }
  const model = MODELS[key];
  if (!model) throw new Error(`no schema for ${key}`);
  model(doc).validate();
}

function loadKustomization(): { resources: string[]; images: Array<{ name: string; newTag?: string }> } {
  return parseYaml(readFileSync(`${K8S_DIR}kustomization.yaml`, "utf8"));
}

function loadFile(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(`${K8S_DIR}${file}`, "utf8")).map((d) => {
    if (d.errors.length > 0) throw new Error(`${file}: ${d.errors[0]?.message}`);
    return d.toJS() as Manifest;
  });
}

function loadManifests(): Manifest[] {
  return loadKustomization().resources.flatMap(loadFile);
}

function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata?.name === name);
  if (!found) throw new Error(`${kind} ${name} not found`);
  return found;
}

const manifests = loadManifests();
const apiDeployment = find(manifests, "Deployment", "learning-hub-api");
const workerDeployment = find(manifests, "Deployment", "learning-hub-worker");
const configMap = find(manifests, "ConfigMap", "learning-hub-config");
/** Not applied with the rest: operators create the real Secret out of band. */
const secret = find(loadFile("secret.example.yaml"), "Secret", "learning-hub-secrets");

describe("infra/k8s manifests", () => {
  it("lists every manifest of the folder in the kustomization but the examples, and nothing else", () => {
    const files = readdirSync(K8S_DIR).filter(
      (f) => f.endsWith(".yaml") && f !== "kustomization.yaml" && !f.endsWith(".example.yaml"),
    );
    expect([...loadKustomization().resources].sort()).toEqual(files.sort());
  });

  it("applies no Secret: applying the base never overwrites the operator's", () => {
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
  });

  it.each([...manifests, secret].map((m) => [`${m.kind} ${m.metadata?.name}`, m]))("%s validates", (_, doc) => {
    expect(() => validateManifest(doc as Manifest)).not.toThrow();
  });

  it("rejects broken copies, so the validation above can fail", () => {
    const noSelector = structuredClone(apiDeployment);
    delete noSelector.spec.selector;
    expect(() => validateManifest(noSelector)).toThrow(/selector/);

    const badPort = structuredClone(apiDeployment);
    badPort.spec.template.spec.containers[0].ports[0].containerPort = "eight thousand";
    expect(() => validateManifest(badPort)).toThrow(/containerPort/);

    const scaledObject = structuredClone(find(manifests, "ScaledObject", "learning-hub-worker"));
    scaledObject.spec.triggers[0].metadata.listLength = 10;
    expect(() => validateManifest(scaledObject)).toThrow(/metadata must map names to strings/);

    expect(() => validateManifest({ apiVersion: "v1", kind: "Pod" })).toThrow(/no schema/);
  });

  it("probes the API for readiness on /ready and liveness on /health, the worker on its metrics port", () => {
    const api = apiDeployment.spec.template.spec.containers[0];
    expect(api.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
    expect(api.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    const worker = workerDeployment.spec.template.spec.containers[0];
    expect(worker.livenessProbe.httpGet).toEqual({ path: "/health", port: "metrics" });
    expect(worker.ports).toContainEqual({ name: "metrics", containerPort: Number(configMap.data.WORKER_METRICS_PORT) });
    expect(worker.readinessProbe).toBeDefined();
  });

  it("wires the Service, the autoscalers and the configuration to the right objects", () => {
    const podLabels = apiDeployment.spec.template.metadata.labels;
    const service = find(manifests, "Service", "learning-hub-api");
    expect(podLabels).toMatchObject(service.spec.selector);

    const hpa = find(manifests, "HorizontalPodAutoscaler", "learning-hub-api");
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "learning-hub-api" });
    expect(hpa.spec.metrics[0].resource.name).toBe("cpu");

    const scaledObject = find(manifests, "ScaledObject", "learning-hub-worker");
    expect(scaledObject.spec.scaleTargetRef.name).toBe(workerDeployment.metadata.name);

    for (const deployment of [apiDeployment, workerDeployment]) {
      expect(deployment.spec.template.spec.containers[0].envFrom).toEqual([
        { configMapRef: { name: configMap.metadata.name } },
        { secretRef: { name: secret.metadata.name } },
      ]);
    }
  });

  it("scales workers on the thumbnail backlog under the configured Redis prefix", () => {
    const scaledObject = find(manifests, "ScaledObject", "learning-hub-worker");
    const triggers: Manifest[] = scaledObject.spec.triggers;
    const prefix = configMap.data.REDIS_PREFIX;
    // BullMQ 5: prioritized jobs wait in a ZSET, the others in a LIST; KEDA counts both kinds.
    expect(triggers.map((t) => t.metadata.listName).sort()).toEqual([
      `${prefix}:thumbnails:prioritized`,
      `${prefix}:thumbnails:wait`,
    ]);
    for (const trigger of triggers) expect(configMap.data).toHaveProperty(trigger.metadata.addressFromEnv);
  });

  it("configures only variables the services know (plus KEDA's Redis address)", () => {
    const known = new Set([...Object.keys(EnvSchema.properties), "REDIS_ADDRESS"]);
    const keys = [...Object.keys(configMap.data), ...Object.keys(secret.stringData)];
    expect(keys.filter((k) => !known.has(k))).toEqual([]);
    expect(Object.keys(secret.stringData).sort()).toEqual(
      ["DATABASE_URL", "JWT_SECRET", "REDIS_URL", "S3_ACCESS_KEY", "S3_SECRET_KEY"].sort(),
    );
  });
});

describe("infra/k8s operations", () => {
  const deployments = [apiDeployment, workerDeployment];
  const shutdownSeconds = Number(
    configMap.data.SHUTDOWN_TIMEOUT_SECONDS ?? EnvSchema.properties.SHUTDOWN_TIMEOUT_SECONDS.default,
  );

  it("keeps at least one API pod through voluntary disruptions", () => {
    const budget = find(manifests, "PodDisruptionBudget", "learning-hub-api");
    expect(apiDeployment.spec.template.metadata.labels).toMatchObject(budget.spec.selector.matchLabels);
    const hpa = find(manifests, "HorizontalPodAutoscaler", "learning-hub-api");
    const minAvailable = budget.spec.minAvailable ?? hpa.spec.minReplicas - budget.spec.maxUnavailable;
    expect(minAvailable).toBeGreaterThanOrEqual(1);
  });

  it("lets endpoints drain before the API stops, within the grace period", () => {
    const pod = apiDeployment.spec.template.spec;
    const command: string[] = pod.containers[0].lifecycle.preStop.exec.command;
    expect(command[0]).toBe("sleep");
    const pause = Number(command[1]);
    expect(pause).toBeGreaterThanOrEqual(3);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(pause + shutdownSeconds);
    expect(workerDeployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownSeconds);
  });

  it("mounts no service account token", () => {
    for (const deployment of deployments) {
      expect(deployment.spec.template.spec.automountServiceAccountToken, deployment.metadata.name).toBe(false);
    }
  });

  it("pins every image to a release tag, in the Deployments and in the kustomization", () => {
    const pinned = (tag: string | undefined) => tag !== undefined && tag !== "" && tag !== "latest";
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        const [, tag] = (container.image as string).split(":");
        expect(pinned(tag), `${container.name}: ${container.image}`).toBe(true);
      }
    }
    const images = loadKustomization().images;
    expect(images.map((image) => image.name).sort()).toEqual(["learning-hub-api", "learning-hub-worker"]);
    for (const image of images) expect(pinned(image.newTag), image.name).toBe(true);
  });
});
