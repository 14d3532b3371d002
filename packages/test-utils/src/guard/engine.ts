import { execFile } from "node:child_process";
import { OWNER_LABEL } from "../owner.ts";

/** An engine object: what it is, its id, and the names a reader recognises it by. */
export interface EngineObject {
  kind: "container" | "image" | "network" | "volume";
  id: string;
  names: string[];
}

// The product's own image cache: the image its moving tag points to is kept by design (a warm
// run reuses it), so the current one may outlive a run. macro.yaml's sandbox.image; a test
// checks the two agree.
export const PRODUCT_IMAGES = ["tki-inspector:attest"];
/** Engine objects this project names (sandbox containers, test images and networks). */
const PROJECT_NAME = /^(macro|tki)[-_]/;

type Docker = (args: string[]) => Promise<string | null>;

/** The docker CLI (it honours DOCKER_HOST); null output when it fails or is absent. */
export const dockerCli: Docker = (args) =>
  new Promise((done) => {
    execFile("docker", args, { timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout) => done(error === null ? stdout : null));
  });

const rows = (out: string) => out.split("\n").map((l) => l.trim()).filter((l) => l !== "").map((l) => l.split("\t"));

/** Everything on the engine labelled with `owner`, or null when the engine does not answer. */
export async function ownedObjects(owner: string, docker: Docker = dockerCli): Promise<EngineObject[] | null> {
  const filter = ["--filter", `label=${OWNER_LABEL}=${owner}`];
  const [containers, images, networks, volumes] = await Promise.all([
    docker(["ps", "-a", "--no-trunc", ...filter, "--format", "{{.ID}}\t{{.Names}}"]),
    docker(["images", "--no-trunc", ...filter, "--format", "{{.ID}}\t{{.Repository}}:{{.Tag}}"]),
    docker(["network", "ls", "--no-trunc", ...filter, "--format", "{{.ID}}\t{{.Name}}"]),
    docker(["volume", "ls", ...filter, "--format", "{{.Name}}\t{{.Name}}"]),
  ]);
  if (containers === null || images === null || networks === null || volumes === null) return null;
  const out: EngineObject[] = [];
  const add = (kind: EngineObject["kind"], text: string) => {
    for (const [id = "", ...names] of rows(text)) {
      const existing = out.find((o) => o.kind === kind && o.id === id);
      const named = names.filter((n) => n !== "" && n !== "<none>:<none>");
      if (existing === undefined) out.push({ kind, id, names: named });
      else existing.names.push(...named);
    }
  };
  add("container", containers);
  add("image", images);
  add("network", networks);
  add("volume", volumes);
  return out;
}

/** Ids the product's moving tags point to now. */
export async function currentProductImages(docker: Docker = dockerCli): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const ref of PRODUCT_IMAGES) {
    const out = await docker(["image", "inspect", "--format", "{{.Id}}", ref]);
    if (out !== null && out.trim() !== "") ids.add(out.trim());
  }
  return ids;
}

/** Names of containers, images and networks this project names, whoever made them: for "new since the start". */
export async function projectNamed(docker: Docker = dockerCli): Promise<Set<string> | null> {
  const [containers, images, networks] = await Promise.all([
    docker(["ps", "-a", "--format", "{{.Names}}"]),
    docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]),
    docker(["network", "ls", "--format", "{{.Name}}"]),
  ]);
  if (containers === null || images === null || networks === null) return null;
  const names = new Set<string>();
  for (const [kind, text] of [["container", containers], ["image", images], ["network", networks]] as const) {
    for (const [name = ""] of rows(text)) if (PROJECT_NAME.test(name)) names.add(`${kind} ${name}`);
  }
  return names;
}

/** Removes what a run leaked, so a failed guard does not leave it for the next one either. */
export async function removeObjects(objects: EngineObject[], docker: Docker = dockerCli): Promise<void> {
  for (const o of objects.filter((x) => x.kind === "container")) await docker(["rm", "-f", "-v", o.id]);
  for (const o of objects.filter((x) => x.kind === "network")) await docker(["network", "rm", o.id]);
  for (const o of objects.filter((x) => x.kind === "volume")) await docker(["volume", "rm", o.id]);
  for (const o of objects.filter((x) => x.kind === "image")) {
    for (const name of o.names) await docker(["image", "rm", name]);
    await docker(["image", "rm", o.id]);
  }
}

export const describeObject = (o: EngineObject): string => `${o.kind} ${o.names.length > 0 ? o.names.join(", ") : o.id.slice(0, 19)}`;
