// `fleetlog schema [--output FILE] [--config FILE]`: the JSON Schema of the whole config, from the registered
// plugins (and, with --config, the plugins that config lists). docs/config.schema.json is this output.
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderConfigSchema } from '../config/config-schema.js';
import { loadYamlFile } from '../config/yaml-source.js';
import { loadPlugins } from '../registry/load-plugins.js';
import { createRegistry } from '../registry/registry.js';
import type { Command, CommandIo } from './command.js';
import { parseOptions } from './cli-options.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the JSON Schema of the config (for editors and CI)',
  help: [
    'Usage: fleetlog schema [--output FILE] [--config FILE]',
    '',
    'Prints one JSON Schema (draft-07) for the whole config, built from the registered plugins\' schemas.',
    'Point an editor at it with a first line in the YAML:',
    '  # yaml-language-server: $schema=../docs/config.schema.json',
    '',
    'Options:',
    '  -o, --output FILE   write to FILE instead of stdout',
    '  -c, --config FILE   also include the external plugins listed under plugins: in FILE',
    '',
    'Example:',
    '  fleetlog schema --output docs/config.schema.json',
  ].join('\n'),
  async run(args: readonly string[], io: CommandIo): Promise<number> {
    const options = parseOptions(args, { values: { '--output': ['-o'], '--config': ['-c'] } });
    if (typeof options === 'string') {
      io.stderr.write(`fleetlog schema: ${options}\n${this.help}\n`);
      return 2;
    }
    const registry = createRegistry();
    const configFile = options.values['--config'];
    if (configFile !== undefined) {
      const source = loadYamlFile(resolve(io.cwd, configFile), { env: io.env });
      const plugins = (source.value as { plugins?: unknown } | undefined)?.plugins;
      const entries = Array.isArray(plugins) ? plugins.filter((p): p is string => typeof p === 'string') : [];
      const problems = await loadPlugins(entries, dirname(resolve(io.cwd, configFile)), registry);
      for (const problem of problems) io.stderr.write(`${configFile}: plugins[${problem.index}]: ${problem.message} [${problem.code}]\n`);
      if (problems.length > 0) return 1;
    }
    const text = renderConfigSchema(registry);
    const output = options.values['--output'];
    if (output === undefined) {
      io.stdout.write(text);
    } else {
      await writeFile(resolve(io.cwd, output), text);
      io.stderr.write(`wrote ${output}\n`);
    }
    return 0;
  },
};
