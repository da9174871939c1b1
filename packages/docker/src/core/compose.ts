// Compose files: which services build which Dockerfile (for the inferred docker-up /
// docker-dev targets), and adding a service to the production and development files
// without disturbing what is already there (comments and order survive: yaml's Document API).
import { posix } from 'node:path';
import { isMap, parseDocument, type Document, type YAMLMap } from 'yaml';

export interface ComposeService {
  service: string;
  /** Build context, relative to the workspace root. */
  context?: string;
  dockerfile?: string;
  image?: string;
  /** `FOO_IMAGE` when `image:` is `${FOO_IMAGE:-default}`: how a caller hands over an exact image. */
  imageEnv?: string;
}

/** `ingestion-api` -> `INGESTION_API_IMAGE`. */
export function imageEnvName(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_IMAGE`;
}

/** Whether a service builds this Dockerfile (workspace-relative): its build `dockerfile` is relative to its context. */
export function buildsDockerfile(service: ComposeService, dockerfile: string): boolean {
  return service.context !== undefined && posix.join(service.context, service.dockerfile ?? 'Dockerfile') === dockerfile;
}

/** The services of a compose file; `composeDir` is the file's directory relative to the workspace root. */
export function composeServices(text: string, composeDir: string): ComposeService[] {
  const doc = parseDocument(text);
  if (doc.errors.length) return [];
  const services = doc.toJS()?.services as Record<string, Record<string, unknown>> | undefined;
  if (!services || typeof services !== 'object') return [];
  return Object.entries(services).map(([service, def]) => {
    const build = typeof def?.build === 'string' ? { context: def.build } : (def?.build as Record<string, unknown> | undefined);
    const image = typeof def?.image === 'string' ? def.image : undefined;
    const env = image ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}$/.exec(image)?.[1] : undefined;
    return {
      service,
      context: typeof build?.context === 'string' ? posix.normalize(posix.join(composeDir, build.context)) : undefined,
      dockerfile: typeof build?.dockerfile === 'string' ? build.dockerfile : undefined,
      image,
      imageEnv: env,
    };
  });
}

export interface NewComposeService {
  service: string;
  /** Project root, relative to the workspace root. */
  projectRoot: string;
  /** Image the production file runs unless `<SERVICE>_IMAGE` names an exact one. */
  defaultImage: string;
  containerPort: number;
  /** Directories and files the development file bind-mounts over the image's copies. */
  sources: string[];
  hasHealthcheck: boolean;
  /** The stage docker-build builds (default `production`): compose builds the same one. */
  target?: string;
  /** Named build contexts (`name` -> workspace-relative directory), as docker-build passes them. */
  buildContexts?: Record<string, string>;
}

function load(text: string | undefined, composeProject: string): Document {
  // A fixed project name: compose would otherwise name it after the directory (`compose`).
  const doc = parseDocument(text ?? `name: ${composeProject}\nservices: {}\n`);
  if (doc.errors.length) throw new Error(doc.errors[0].message);
  if (!isMap(doc.get('services'))) doc.set('services', doc.createNode({}));
  // An empty `services: {}` parses as a flow map; entries read better in block style.
  (doc.get('services') as YAMLMap).flow = false;
  return doc;
}

/** New values are double-quoted: YAML 1.1 readers turn `no` into false and `80:80` into a number. */
function render(doc: Document): string {
  return doc.toString({ defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}

/** Host ports already published by a compose file, so a new service gets a free one. */
export function publishedPorts(text: string | undefined): number[] {
  if (!text) return [];
  const services = (parseDocument(text).toJS()?.services ?? {}) as Record<string, { ports?: unknown[] }>;
  return Object.values(services).flatMap((s) =>
    (s?.ports ?? []).map((p) => Number(/^(?:[\d.]+:)?(\d+):\d+/.exec(String(p))?.[1])).filter((n) => Number.isInteger(n)),
  );
}

/**
 * Adds (or replaces) the service in the production compose file: the exact image Nx built
 * (through `<SERVICE>_IMAGE`), hardened runtime settings, the project's Dockerfile as build.
 */
export function upsertProductionService(text: string | undefined, composeProject: string, s: NewComposeService, hostPort: number, composeDir: string): string {
  const doc = load(text, composeProject);
  const context = posix.relative(composeDir, s.projectRoot) || '.';
  doc.setIn(
    ['services', s.service],
    doc.createNode({
      image: `\${${imageEnvName(s.service)}:-${s.defaultImage}}`,
      build: {
        context,
        dockerfile: 'Dockerfile',
        target: s.target ?? 'production',
        ...(s.buildContexts && Object.keys(s.buildContexts).length
          ? { additional_contexts: Object.fromEntries(Object.entries(s.buildContexts).map(([n, dir]) => [n, posix.relative(composeDir, dir)])) }
          : {}),
      },
      ports: [`${hostPort}:${s.containerPort}`],
      environment: { PORT: String(s.containerPort) },
      read_only: true,
      tmpfs: ['/tmp'],
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      restart: 'unless-stopped',
    }),
  );
  return render(doc);
}

/** Adds (or replaces) the service in the development override file: development stage, bind mounts, hot reload. */
export function upsertDevelopmentService(text: string | undefined, composeProject: string, s: NewComposeService, composeDir: string): string {
  const doc = load(text, composeProject);
  const root = posix.relative(composeDir, s.projectRoot) || '.';
  doc.setIn(
    ['services', s.service],
    doc.createNode({
      image: `${s.defaultImage.replace(/:[^:/]+$/, '')}:dev`,
      build: { target: 'development' },
      read_only: false,
      volumes: s.sources.map((src) => `${posix.join(root, src).replace(/\/$/, '')}:/app/${src.replace(/\/$/, '')}:ro`),
    }),
  );
  return render(doc);
}
