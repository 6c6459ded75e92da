// Start downstream-first, stop upstream-first (DESIGN §9.8). Components are given in layers: exporters (delivery
// nodes), then processors from the last position to the first, then receivers. start() walks the layers forwards;
// shutdown() walks them backwards, each layer concurrently, all within one deadline.
import type { Component } from '../component/contract.js';
import { FleetlogError, errorMessage } from '../component/errors.js';

export interface LifecycleMember {
  readonly label: string;
  readonly component: Component;
  /** Called after start() resolved, after shutdown() resolved, and when either failed. */
  readonly onStarted?: () => void;
  readonly onStopping?: () => void;
  readonly onStopped?: () => void;
  readonly onFailed?: (error: Error) => void;
}

export interface ShutdownReport {
  /** Components that did not finish shutdown() before the deadline. */
  readonly timedOut: readonly string[];
  /** Components whose shutdown() rejected, with the reason. */
  readonly failed: readonly { label: string; error: string }[];
}

/** Starts layer by layer; on a failure, stops what was started (upstream-first) and throws FLEETLOG_ERR_PIPELINE_START. */
export async function startLayers(layers: readonly (readonly LifecycleMember[])[], shutdownDeadlineMs: number): Promise<void> {
  const started: LifecycleMember[][] = [];
  for (const layer of layers) {
    const ok: LifecycleMember[] = [];
    const results = await Promise.allSettled(layer.map(async (member) => {
      await member.component.start();
      ok.push(member);
      member.onStarted?.();
    }));
    started.push(ok);
    const failures = results.map((r, i) => ({ r, member: layer[i]! })).filter((x) => x.r.status === 'rejected');
    if (failures.length > 0) {
      for (const { r, member } of failures) member.onFailed?.((r as PromiseRejectedResult).reason as Error);
      await shutdownLayers(started, shutdownDeadlineMs);
      const what = failures.map(({ r, member }) => `${member.label}: ${errorMessage((r as PromiseRejectedResult).reason)}`).join('; ');
      throw new FleetlogError('FLEETLOG_ERR_PIPELINE_START', `failed to start ${what}`);
    }
  }
}

/** Shuts layers down last-to-first within `deadlineMs` in total; never throws. */
export async function shutdownLayers(layers: readonly (readonly LifecycleMember[])[], deadlineMs: number): Promise<ShutdownReport> {
  const deadline = Date.now() + deadlineMs;
  const timedOut: string[] = [];
  const failed: { label: string; error: string }[] = [];
  for (const layer of [...layers].reverse()) {
    const pending = new Set(layer);
    const all = Promise.allSettled(layer.map(async (member) => {
      member.onStopping?.();
      try {
        await member.component.shutdown();
      } catch (error) {
        failed.push({ label: member.label, error: errorMessage(error) });
      } finally {
        pending.delete(member);
        member.onStopped?.();
      }
    }));
    let timer: NodeJS.Timeout | undefined;
    const remaining = Math.max(0, deadline - Date.now());
    await Promise.race([all, new Promise<void>((resolve) => { timer = setTimeout(resolve, remaining); })]);
    clearTimeout(timer);
    for (const member of pending) timedOut.push(member.label);
  }
  return { timedOut, failed };
}
