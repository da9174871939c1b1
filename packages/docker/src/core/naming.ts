// Image names and tags: the repository a project's image gets, the content tag that
// names one exact build (from the Nx task hash), and configured tag templates.

export interface NameVariables {
  projectName: string;
  projectRoot: string;
  /** `Dockerfile.worker` -> `worker`; empty for the main Dockerfile. */
  dockerfileName?: string;
  gitSha?: string;
  branch?: string;
  version?: string;
}

/** A valid repository path component: lowercase, [a-z0-9] separated by `.`, `_`, `__`, `-`. */
export function sanitizeRepository(name: string): string {
  return name
    .toLowerCase()
    .replace(/^@/, '')
    .replace(/[^a-z0-9._/-]+/g, '-')
    .split('/')
    .map((part) => part.replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').replace(/[-_.]{3,}/g, '--'))
    .filter(Boolean)
    .join('/');
}

/** A valid tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}. */
export function sanitizeTag(tag: string): string {
  const cleaned = tag.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[.-]+/, '');
  return cleaned.slice(0, 128) || 'untagged';
}

function fill(template: string, vars: NameVariables): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = (vars as unknown as Record<string, string | undefined>)[key];
    return value === undefined ? whole : value;
  });
}

/** `registry/repository` for a project, from the `repository` template (default `{projectName}`). */
export function imageRepository(vars: NameVariables, repositoryTemplate = '{projectName}', registry?: string): string {
  let repo = sanitizeRepository(fill(repositoryTemplate, vars));
  if (vars.dockerfileName && !repositoryTemplate.includes('{dockerfileName}')) repo = `${repo}-${sanitizeRepository(vars.dockerfileName)}`;
  const reg = registry?.replace(/\/+$/, '');
  return reg ? `${reg}/${repo}` : repo;
}

/** The tag that names one exact build: `nx-<task hash>`. */
export function contentTag(nxHash: string): string {
  return sanitizeTag(`nx-${nxHash}`);
}

/** Expands tag templates; a template whose variable is unknown (e.g. no git) is dropped. */
export function expandTags(templates: string[], vars: NameVariables): string[] {
  const out: string[] = [];
  for (const t of templates) {
    const filled = fill(t, vars);
    if (/\{\w+\}/.test(filled)) continue;
    out.push(sanitizeTag(filled));
  }
  return [...new Set(out)];
}

/**
 * A service name becomes the Nx project, the image repository, the compose service and a
 * hostname, so it must be valid as all of them: lowercase kebab-case, starting with a letter.
 * Returns the problem, or undefined when the name is fine.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (!name) return 'a service name is required';
  if (name.length > 63) return `"${name}" is ${name.length} characters long; service names are at most 63 (a DNS label)`;
  if (!/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/.test(name)) {
    const suggestion = sanitizeRepository(name)
      .replace(/[._/]+/g, '-')
      .replace(/^[^a-z]+/, '');
    return (
      `"${name}" is not a valid service name: use lowercase letters, digits and single dashes, starting with a letter` +
      (suggestion && suggestion !== name ? ` (e.g. "${suggestion}")` : '') +
      '; it names the Nx project, the image repository and the compose service'
    );
  }
  return undefined;
}
