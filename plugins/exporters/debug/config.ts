// Options of the `debug` exporter: records printed for humans.

export const VERBOSITIES = ['basic', 'normal', 'detailed'] as const;
export type Verbosity = (typeof VERBOSITIES)[number];

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    verbosity: { enum: VERBOSITIES, default: 'basic', description: 'basic: one summary line per batch; normal: one line per record; detailed: every field of every record and the resource.' },
    output: { enum: ['stdout', 'stderr'], default: 'stdout', description: 'The stream to print to.' },
  },
} as const;

export interface DebugExporterConfig {
  verbosity?: Verbosity;
  output?: 'stdout' | 'stderr';
}
