// Component ids as in the OpenTelemetry Collector: `type` or `type/name` (`file`, `file/archive`). The type picks
// the plugin; the name tells several instances of one type apart.

export interface ComponentId {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
}

const ID = /^([a-z][a-z0-9_]*)(?:\/([A-Za-z0-9][\w.-]*))?$/;

/** The parts of an id, or undefined when it is not `type` or `type/name`. */
export function parseComponentId(id: string): ComponentId | undefined {
  const match = ID.exec(id);
  if (!match) return undefined;
  return match[2] === undefined ? { id, type: match[1]! } : { id, type: match[1]!, name: match[2] };
}

export const COMPONENT_ID_HELP = 'a component id is `type` or `type/name`: type in lower_snake_case, name of letters, digits, `_`, `.` or `-`';
