// Loads the backend config for a command, printing every problem as FILE:LINE:COL path: message [CODE].
import { formatIssue, sortIssues } from '../../collector/config/issue.js';
import type { CommandIo } from '../../collector/cli/command.js';
import { loadBackendConfig, type BackendConfig } from '../config.js';
import { resolve } from 'node:path';

export function loadConfigFor(file: string, io: CommandIo): BackendConfig | undefined {
  const { config, issues } = loadBackendConfig(resolve(io.cwd, file), io.env);
  for (const issue of sortIssues(issues)) io.stderr.write(`${formatIssue(issue)}\n`);
  return config;
}
