import type { Threshold } from '../../core/lint';

export interface AuditExecutorSchema {
  engine?: 'docker' | 'podman' | 'detect';
  /** The docker-build target whose image is audited. */
  buildTarget?: string;
  /** Audit id -> error | warning | info | off. */
  rules?: Record<string, 'error' | 'warning' | 'info' | 'off'>;
  failOn?: Threshold;
}
