'use strict';
const $ = (id) => document.getElementById(id);
const fmt = (v, d = 1) => (v === null || v === undefined ? '–' : Number(v).toFixed(d));

function plot(canvas, history, series, opts = {}) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  canvas.width = w * dpr; canvas.height = h * dpr;
  const g = canvas.getContext('2d');
  g.scale(dpr, dpr);
  g.clearRect(0, 0, w, h);
  const left = 40, bottom = 16, top = 6;
  let max = opts.min ?? 1;
  for (const s of series) for (const p of history) { const v = p[s.key]; if (v !== null && v > max) max = v; }
  max *= 1.1;
  g.strokeStyle = '#2b333d'; g.fillStyle = '#9aa7b4'; g.font = '10px system-ui';
  for (let i = 0; i <= 4; i++) {
    const y = top + (h - top - bottom) * (1 - i / 4);
    g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
    g.fillText((max * i / 4).toFixed(max < 10 ? 1 : 0), 2, y + 3);
  }
  const n = history.length;
  if (n === 0) return;
  const t0 = history[0].t, t1 = Math.max(history[n - 1].t, t0 + 60000);
  const x = (t) => left + (w - left) * (t - t0) / (t1 - t0);
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  g.fillText(`${Math.round((t1 - t0) / 1000)} s`, w - 30, h - 3);
  if (opts.budget) { g.strokeStyle = '#555'; g.setLineDash([4, 4]); g.beginPath(); g.moveTo(left, y(opts.budget)); g.lineTo(w, y(opts.budget)); g.stroke(); g.setLineDash([]); }
  for (const s of series) {
    g.strokeStyle = s.color; g.lineWidth = 1.5; g.beginPath();
    let pen = false;
    for (const p of history) {
      const v = p[s.key];
      if (v === null || v === undefined) { pen = false; continue; }
      if (pen) g.lineTo(x(p.t), y(v)); else g.moveTo(x(p.t), y(v));
      pen = true;
    }
    g.stroke();
  }
}

function render(s) {
  $('players').textContent = s.playersOnline;
  $('grace').textContent = s.inGrace;
  const last = s.history[s.history.length - 1];
  $('rtt').textContent = last ? `${fmt(last.rttP50)} / ${fmt(last.rttP99)}` : '–';
  $('tick').textContent = `${fmt(s.tickMs.p99, 2)} ms`;
  $('loop').textContent = `${fmt(s.eventLoopDelayMs.p99, 1)} ms`;
  $('bytes').textContent = last ? `${(last.bytesOutPerS / 1024).toFixed(1)} KiB` : '–';
  $('servertick').textContent = s.tick;
  const h = s.history;
  plot($('plot-players'), h, [{ key: 'players', color: '#6fd08c' }, { key: 'inGrace', color: '#f0b450' }], { min: 4 });
  plot($('plot-rtt'), h, [{ key: 'rttP50', color: '#6fd08c' }, { key: 'rttP90', color: '#f0b450' }, { key: 'rttP99', color: '#ff7a7a' }], { min: 5 });
  plot($('plot-reconnects'), h, [{ key: 'drops', color: '#ff7a7a' }, { key: 'resumes', color: '#6fd08c' }], { min: 2 });
  plot($('plot-tick'), h, [{ key: 'tickP50', color: '#6fd08c' }, { key: 'tickP99', color: '#f0b450' }, { key: 'tickMax', color: '#ff7a7a' }], { min: 2, budget: 1000 / s.tickRateHz });
  plot($('plot-loop'), h, [{ key: 'loopP50', color: '#6fd08c' }, { key: 'loopP99', color: '#f0b450' }, { key: 'loopMax', color: '#ff7a7a' }], { min: 5 });
  const rows = s.players.slice().sort((a, b) => a.name.localeCompare(b.name)).slice(0, 500);
  fill($('roster'), rows.map((p) => [[p.name], [String(p.id)], [p.world], [fmt(p.rttMs)], [p.state, p.state]]));
  // Worlds: the whole cluster's on a cluster node, this process's otherwise.
  const worlds = s.cluster ? s.cluster.worlds : s.worlds.map((w) => ({ ...w, node: 'this server' }));
  fill($('world-rows'), worlds.map((w) => [[w.name], [String(w.players)], [String(w.capacity)], [w.node]]));
  $('cluster-title').classList.toggle('hidden', !s.cluster);
  $('nodes').classList.toggle('hidden', !s.cluster);
  if (s.cluster) {
    const me = s.cluster.node;
    fill($('node-rows'), s.cluster.nodes.map((n) => [[n.id === me ? `${n.id} (this node)` : n.id], [n.url], [String(n.worlds)], [String(n.players)], n.draining ? ['draining', 'draining'] : ['live', 'live']]));
  }
  document.body.dataset.players = String(s.playersOnline);
  document.body.dataset.worlds = String(worlds.length);
}

/** Rows of text cells (with an optional class each); text only, never markup. */
function fill(body, rows) {
  body.textContent = '';
  for (const row of rows) {
    const tr = document.createElement('tr');
    for (const [text, cls] of row) {
      const td = document.createElement('td');
      td.textContent = text;
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

async function poll() {
  try {
    const res = await fetch('/status.json', { cache: 'no-store' });
    render(await res.json());
    $('error').textContent = '';
  } catch (err) {
    $('error').textContent = `(no answer: ${err.message})`;
  }
  setTimeout(poll, 1000);
}
poll();
