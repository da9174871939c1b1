// Every rule hadolint documents (its README's rule table), and what docker-lint does about it:
// the rule(s) that check it, or why none is needed, or "not yet". The README table is generated
// from this list and a test keeps it in step with the rules' own `refs`.
import { RULES } from './lint-rules';

export interface HadolintRule {
  id: string;
  what: string;
  /** docker-lint rule ids that check it (derived from the rules' refs). */
  ours?: string[];
  /** Why no rule is needed, or `not yet: ...`. */
  otherwise?: string;
}

const HADOLINT: Array<[string, string, string?]> = [
  [
    'DL1001',
    'Refrain from inline ignore pragmas',
    'not needed because `# docker-lint ignore=<rule>` is the supported way to silence a line, and the JSON output counts what was suppressed',
  ],
  ['DL3000', 'Use absolute WORKDIR'],
  ['DL3001', 'Commands that make no sense in a container (ssh, vim, service, ...)'],
  ['DL3002', 'Last user should not be root'],
  ['DL3003', 'Use WORKDIR to switch to a directory'],
  ['DL3004', 'Do not use sudo'],
  ['DL3006', 'Always tag the image version'],
  ['DL3007', 'Do not use latest'],
  ['DL3008', 'Pin versions in apt-get install'],
  ['DL3009', 'Delete the apt lists after installing'],
  [
    'DL3010',
    'Use ADD for extracting archives',
    'not needed as a rule of its own: `add-local-file` leaves ADD of a local archive alone and asks for COPY otherwise',
  ],
  ['DL3011', 'Valid UNIX ports range from 0 to 65535'],
  ['DL3012', 'Multiple HEALTHCHECK instructions'],
  ['DL3013', 'Pin versions in pip'],
  ['DL3014', 'Use the -y switch'],
  ['DL3015', 'Avoid additional packages with --no-install-recommends'],
  ['DL3016', 'Pin versions in npm'],
  ['DL3018', 'Pin versions in apk add'],
  ['DL3019', 'Use apk add --no-cache'],
  ['DL3020', 'Use COPY instead of ADD for files and folders'],
  ['DL3021', 'COPY with more than 2 arguments needs a destination ending in /'],
  ['DL3022', 'COPY --from should reference a previously defined FROM alias'],
  ['DL3023', 'COPY --from cannot reference its own FROM alias'],
  ['DL3024', 'FROM aliases must be unique'],
  ['DL3025', 'Use JSON notation for CMD and ENTRYPOINT'],
  ['DL3026', 'Use only an allowed registry in FROM'],
  ['DL3027', 'Do not use apt, use apt-get or apt-cache'],
  ['DL3028', 'Pin versions in gem install'],
  ['DL3029', 'Do not use --platform with FROM'],
  ['DL3030', 'Use -y with yum install'],
  ['DL3032', 'yum clean all after yum'],
  ['DL3033', 'Specify versions with yum install'],
  ['DL3034', 'Non-interactive switch for zypper'],
  ['DL3035', 'Do not use zypper dist-upgrade'],
  ['DL3036', 'zypper clean after zypper'],
  ['DL3037', 'Specify versions with zypper install'],
  ['DL3038', 'Use -y with dnf install'],
  ['DL3040', 'dnf clean all after dnf'],
  ['DL3041', 'Specify versions with dnf install'],
  ['DL3042', 'pip install --no-cache-dir'],
  ['DL3043', 'ONBUILD, FROM or MAINTAINER inside ONBUILD'],
  ['DL3044', 'ENV must not refer to a variable it defines'],
  ['DL3045', 'COPY to a relative destination without WORKDIR'],
  ['DL3046', 'useradd without -l and a high UID'],
  ['DL3047', 'wget without --progress'],
  ['DL3048', 'Invalid label key'],
  ['DL3049', 'Label is missing'],
  ['DL3050', 'Superfluous labels present', 'not yet: needs a strict label schema option (`requiredLabels` covers the common need)'],
  ['DL3051', 'Label is empty'],
  ['DL3052', 'Label is not a valid URL', 'not yet: label value formats need a label schema option'],
  ['DL3053', 'Label is not RFC 3339 time', 'not yet: label value formats need a label schema option'],
  ['DL3054', 'Label is not an SPDX license id', 'not yet: label value formats need a label schema option'],
  ['DL3055', 'Label is not a git hash', 'not yet: label value formats need a label schema option'],
  ['DL3056', 'Label is not semantic versioning', 'not yet: label value formats need a label schema option'],
  ['DL3057', 'HEALTHCHECK missing'],
  ['DL3058', 'Label is not an RFC 5322 email', 'not yet: label value formats need a label schema option'],
  [
    'DL3059',
    'Multiple consecutive RUN instructions',
    'not needed because separate RUN steps are a deliberate BuildKit cache boundary: merging them trades cache hits on rebuild for fewer layers',
  ],
  ['DL3060', 'yarn cache clean after yarn install'],
  [
    'DL3061',
    'Dockerfile must begin with FROM, ARG or a comment',
    'not needed as a rule: Docker refuses the file, and docker-lint reports it as `syntax` with its line',
  ],
  ['DL3062', 'Pin versions in go install'],
  ['DL3063', 'Stage name should not be a reserved word'],
  ['DL3064', 'Sensitive data in ARG or ENV'],
  ['DL3065', 'FROM --platform=$TARGETPLATFORM is redundant'],
  ['DL3066', 'Non-numeric user id'],
  ['DL3067', 'Do not copy a whole filesystem from another stage'],
  ['DL4000', 'MAINTAINER is deprecated'],
  ['DL4001', 'Either wget or curl, not both'],
  ['DL4003', 'Multiple CMD instructions'],
  ['DL4004', 'Multiple ENTRYPOINT instructions'],
  ['DL4005', 'Use SHELL to change the default shell'],
  ['DL4006', 'Set -o pipefail before RUN with a pipe'],
];

export function hadolintRules(): HadolintRule[] {
  return HADOLINT.map(([id, what, otherwise]) => {
    const ours = RULES.filter((r) => r.refs.includes(id)).map((r) => r.id);
    return ours.length ? { id, what, ours } : { id, what, otherwise: otherwise ?? 'not yet' };
  });
}

/** The README's hadolint table (kept identical by a test). */
export function hadolintMarkdown(): string {
  const rows = hadolintRules().map((h) => `| ${h.id} | ${h.what} | ${h.ours ? h.ours.map((id) => `\`${id}\``).join(', ') : h.otherwise} |`);
  return ['| hadolint | what it checks | docker-lint equivalent |', '| --- | --- | --- |', ...rows].join('\n');
}
