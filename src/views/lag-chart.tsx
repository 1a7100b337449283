import type { Frame } from "./layout";

// The sync lag of the last 24 hours as a small server-drawn SVG (no script): one slot per hour,
// p50 and p95 as two lines, hours without a push left as gaps. Every point has a <title>, and
// the table-like description is in <desc> for screen readers.

export interface LagPoint {
  /** Start of the hour, epoch ms. */
  hour: number;
  samples: number;
  p50: number;
  p95: number;
}

const W = 720;
const H = 240;
const PAD = { left: 56, right: 16, top: 16, bottom: 48 };
const HOUR_MS = 3_600_000;
const JST_MS = 9 * HOUR_MS;

/** A round top for the y axis (seconds): 1, 2, 5, 10, 20, 50 … */
function niceTop(maxSec: number): number {
  for (let step = 1; ; step *= 10) for (const m of [1, 2, 5]) if (m * step >= maxSec) return m * step;
}

const sec = (ms: number) => Math.round(ms / 100) / 10;
const jstHour = (ms: number) => new Date(ms + JST_MS).getUTCHours();

export function LagChart(props: { frame: Frame; points: LagPoint[]; now: number }) {
  const { t } = props.frame;
  if (props.points.length === 0) return <p class="empty">{t("home.lagEmpty")}</p>;
  const last = Math.floor(props.now / HOUR_MS) * HOUR_MS;
  const first = last - 23 * HOUR_MS;
  const top = niceTop(Math.max(...props.points.map((p) => p.p95)) / 1000 || 1);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (hour: number) => PAD.left + ((hour - first) / HOUR_MS + 0.5) * (plotW / 24);
  const y = (ms: number) => PAD.top + plotH - Math.min(1, ms / 1000 / top) * plotH;
  const byHour = new Map(props.points.filter((p) => p.hour >= first && p.hour <= last).map((p) => [p.hour, p]));
  // A line breaks where an hour had no push: one path segment per run of consecutive hours.
  const path = (key: "p50" | "p95") => {
    let d = "";
    let open = false;
    for (let h = first; h <= last; h += HOUR_MS) {
      const p = byHour.get(h);
      if (!p) {
        open = false;
        continue;
      }
      d += `${open ? "L" : "M"}${x(h).toFixed(1)},${y(p[key]).toFixed(1)} `;
      open = true;
    }
    return d.trim();
  };
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * top);
  const maxP95 = sec(Math.max(...props.points.map((p) => p.p95)));
  return (
    <figure class="lag-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="lag-title lag-desc" preserveAspectRatio="xMidYMid meet">
        <title id="lag-title">{t("home.lagTitle")}</title>
        <desc id="lag-desc">{t("home.lagDesc", { max: maxP95 })}</desc>
        {ticks.map((v) => (
          <g class="tick">
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v * 1000)} y2={y(v * 1000)} />
            <text x={PAD.left - 6} y={y(v * 1000) + 4} text-anchor="end">
              {String(v)}
            </text>
          </g>
        ))}
        {Array.from({ length: 24 }, (_, i) => first + i * HOUR_MS)
          .filter((h) => jstHour(h) % 3 === 0)
          .map((h) => (
            <text class="xlabel" x={x(h)} y={PAD.top + plotH + 16} text-anchor="middle">
              {String(jstHour(h))}
            </text>
          ))}
        <line class="axis" x1={PAD.left} x2={W - PAD.right} y1={PAD.top + plotH} y2={PAD.top + plotH} />
        <line class="axis" x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={PAD.top + plotH} />
        <text class="axis-title" x={PAD.left + plotW / 2} y={H - 8} text-anchor="middle">
          {t("home.lagX")}
        </text>
        <text class="axis-title" transform={`translate(14 ${PAD.top + plotH / 2}) rotate(-90)`} text-anchor="middle">
          {t("home.lagY")}
        </text>
        <path class="p95" d={path("p95")} />
        <path class="p50" d={path("p50")} />
        {[...byHour.values()].map((p) => (
          <g class="pt">
            <circle class="p95" cx={x(p.hour)} cy={y(p.p95)} r="3">
              <title>{t("home.lagPoint", { hour: jstHour(p.hour), p50: sec(p.p50), p95: sec(p.p95), n: p.samples })}</title>
            </circle>
            <circle class="p50" cx={x(p.hour)} cy={y(p.p50)} r="3" />
          </g>
        ))}
      </svg>
      <figcaption>
        <span class="key p50">p50</span> <span class="key p95">p95</span>
      </figcaption>
    </figure>
  );
}
