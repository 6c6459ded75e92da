import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_STATUS_RULE, machineStatus } from './machine-status.js';

const NOW = 1_800_000_000_000;
const MIN = 60_000;

test('status rule table', () => {
  const cases: [string, Parameters<typeof machineStatus>[0], string][] = [
    ['never seen', { lastSeenMs: undefined, lastHeartbeatMs: undefined, errorsLastHour: 0, criticalsLastHour: 0 }, 'offline'],
    ['silent 31 min', { lastSeenMs: NOW - 31 * MIN, lastHeartbeatMs: NOW - 31 * MIN, errorsLastHour: 0, criticalsLastHour: 0 }, 'offline'],
    ['healthy', { lastSeenMs: NOW - MIN, lastHeartbeatMs: NOW - 4 * MIN, errorsLastHour: 9, criticalsLastHour: 0 }, 'online'],
    ['heartbeat stale', { lastSeenMs: NOW - MIN, lastHeartbeatMs: NOW - 11 * MIN, errorsLastHour: 0, criticalsLastHour: 0 }, 'degraded'],
    ['no heartbeat ever', { lastSeenMs: NOW - MIN, lastHeartbeatMs: undefined, errorsLastHour: 0, criticalsLastHour: 0 }, 'degraded'],
    ['a critical', { lastSeenMs: NOW - MIN, lastHeartbeatMs: NOW - MIN, errorsLastHour: 1, criticalsLastHour: 1 }, 'degraded'],
    ['10 errors', { lastSeenMs: NOW - MIN, lastHeartbeatMs: NOW - MIN, errorsLastHour: 10, criticalsLastHour: 0 }, 'degraded'],
  ];
  for (const [name, facts, expected] of cases) assert.equal(machineStatus(facts, NOW, DEFAULT_STATUS_RULE).status, expected, name);
});
