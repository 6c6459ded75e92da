// GET / — a single self-contained page until the dashboard exists: the machines (status, last heartbeat, errors)
// and the most recent logs, read from the read API (/api/machines, /api/logs) with the admin token, which the
// page asks for once and keeps in the browser's localStorage (or takes from the URL as #token=…).
// It holds no data of its own and needs no authentication to load; every API call still does.
import type { Request, Response } from 'express';

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fleetlog</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
  h1 { font-size: 1.3rem; margin: 0 0 1rem; } h2 { font-size: 1.05rem; margin: 1.5rem 0 .5rem; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
  th { font-weight: 600; background: #fafafa; } td.mono, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
  .online { color: #137333; } .degraded { color: #b06000; } .offline { color: #c5221f; }
  .ERROR, .CRITICAL { color: #c5221f; font-weight: 600; } .WARN { color: #b06000; } .DEBUG { color: #777; }
  #token-form { display: none; margin: 1rem 0; } #error { color: #c5221f; }
</style>
</head>
<body>
<h1>fleetlog</h1>
<form id="token-form"><label>Admin token <input id="token" type="password" size="40" autocomplete="off"></label> <button>Show</button></form>
<p id="error"></p>
<h2>Machines</h2>
<table><thead><tr><th>Machine</th><th>Site</th><th>Status</th><th>Last heartbeat</th><th>Last seen</th><th>Errors (1 h)</th><th>Critical (1 h)</th></tr></thead><tbody id="machines"></tbody></table>
<h2>Recent logs <span class="mono" id="updated"></span></h2>
<table><thead><tr><th>Time</th><th>Machine</th><th>Level</th><th>Component</th><th>Message</th></tr></thead><tbody id="logs"></tbody></table>
<script>
const KEY = 'fleetlog.adminToken';
const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
if (fromHash) { localStorage.setItem(KEY, fromHash); history.replaceState(null, '', location.pathname); }
const form = document.getElementById('token-form');
form.addEventListener('submit', (e) => { e.preventDefault(); localStorage.setItem(KEY, document.getElementById('token').value.trim()); form.style.display = 'none'; refresh(); });
function cell(text, cls) { const td = document.createElement('td'); td.textContent = text == null ? '' : String(text); if (cls) td.className = cls; return td; }
function row(cells) { const tr = document.createElement('tr'); for (const c of cells) tr.appendChild(c); return tr; }
async function api(path) {
  const res = await fetch(path, { headers: { authorization: 'Bearer ' + (localStorage.getItem(KEY) || '') } });
  if (res.status === 401) { form.style.display = 'block'; throw new Error('enter the admin token (printed by fleetlog demo / set as FLEETLOG_ADMIN_TOKEN)'); }
  if (!res.ok) throw new Error(path + ': HTTP ' + res.status);
  return res.json();
}
async function refresh() {
  try {
    const [m, l] = await Promise.all([api('/api/machines'), api('/api/logs?limit=50')]);
    document.getElementById('machines').replaceChildren(...m.machines.map((x) => row([
      cell(x.machine_id, 'mono'), cell(x.site), cell(x.status + (x.status_reasons.length ? ' (' + x.status_reasons.join('; ') + ')' : ''), x.status),
      cell(x.last_heartbeat, 'mono'), cell(x.last_seen, 'mono'), cell(x.errors_last_hour), cell(x.criticals_last_hour)])));
    document.getElementById('logs').replaceChildren(...l.logs.map((x) => row([
      cell(x.time.slice(0, 23).replace('T', ' '), 'mono'), cell(x.machine_id, 'mono'), cell(x.level, x.level), cell(x.component), cell(x.body)])));
    document.getElementById('updated').textContent = '(updated ' + new Date().toLocaleTimeString() + ')';
    document.getElementById('error').textContent = '';
  } catch (e) { document.getElementById('error').textContent = e.message; }
}
refresh();
setInterval(refresh, 5000);
</script>
</body>
</html>
`;

export function simplePageHandler(): (req: Request, res: Response) => void {
  return (_req, res) => {
    res.setHeader('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'");
    res.setHeader('cache-control', 'no-store');
    res.type('html').send(PAGE);
  };
}
