import { getJson } from './api.js';
import { h, svg, money } from './dom.js';

const spent = (group) => Number(group.committedUsd) + Number(group.reservedUsd);

export async function usageView(main, { signal }) {
  const [byDay, byVendor] = await Promise.all(['day', 'vendor'].map((groupBy) => getJson(`/v1/usage?groupBy=${groupBy}`, { signal })));
  const budget = byDay.budget;
  const total = spent(byDay.totals);
  main.append(h('h1', { tabindex: -1 }, 'Usage'),
    h('p', { class: 'lede' }, `This month, ${new Date(byDay.from).toLocaleDateString()} to now, from the cost ledger.`),
    h('section', { class: 'card', 'aria-labelledby': 'budget-title' },
      h('h2', { id: 'budget-title' }, 'Budget'),
      budget.monthlyBudgetUsd === null
        ? h('p', {}, 'Spent this month: ', h('strong', {}, money(budget.spentThisMonthUsd)), '. The plan sets no monthly budget.')
        : [h('p', {}, h('strong', {}, money(budget.spentThisMonthUsd)), ` of ${money(budget.monthlyBudgetUsd)} spent; ${money(budget.remainingUsd)} left.`),
          h('meter', { min: 0, max: budget.monthlyBudgetUsd, value: budget.spentThisMonthUsd, high: budget.monthlyBudgetUsd * 0.8, optimum: 0, 'aria-label': 'Budget spent' })],
      h('p', { class: 'muted' }, `${byDay.totals.attempts} vendor attempts, ${byDay.totals.cacheHits} cache hits, ${money(total)} in this period.`)),
    h('section', { class: 'card', 'aria-labelledby': 'by-day-title' },
      h('h2', { id: 'by-day-title' }, 'Spend by day'),
      dayChart(byDay.groups, budget.monthlyBudgetUsd),
      table('Day', byDay.groups)),
    h('section', { class: 'card', 'aria-labelledby': 'by-vendor-title' },
      h('h2', { id: 'by-vendor-title' }, 'Spend by vendor'),
      vendorBars(byVendor.groups),
      table('Vendor', byVendor.groups)));
}

/** Bars of each day's spend, and the running total against the budget as a line (SVG drawn from the data). */
function dayChart(groups, budget) {
  if (groups.length === 0) return h('p', { class: 'muted' }, 'Nothing spent yet this month.');
  const width = 640, height = 220, pad = 36;
  let running = 0;
  const points = groups.map((g) => ({ day: g.key, amount: spent(g), running: (running += spent(g)) }));
  const top = Math.max(running, budget ?? 0, 0.01);
  const x = (i) => pad + (i + 0.5) * ((width - 2 * pad) / points.length);
  const y = (v) => height - pad - (v / top) * (height - 2 * pad);
  const barWidth = Math.max(4, (width - 2 * pad) / points.length * 0.6);
  return svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `Spend by day: ${points.map((p) => `${p.day} ${money(p.amount)}`).join(', ')}` },
    svg('line', { x1: pad, x2: width - pad, y1: height - pad, y2: height - pad, class: 'axis' }),
    budget !== null && budget !== undefined ? [
      svg('line', { x1: pad, x2: width - pad, y1: y(budget), y2: y(budget), class: 'budget' }),
      svg('text', { x: width - pad, y: y(budget) - 4, 'text-anchor': 'end', class: 'label' }, `budget ${money(budget)}`)] : null,
    points.map((p, i) => svg('rect', { x: x(i) - barWidth / 2, y: y(p.amount), width: barWidth, height: Math.max(1, height - pad - y(p.amount)), class: 'bar' },
      svg('title', {}, `${p.day}: ${money(p.amount)}`))),
    svg('polyline', { points: points.map((p, i) => `${x(i)},${y(p.running)}`).join(' '), class: 'running' }),
    points.map((p, i) => svg('text', { x: x(i), y: height - pad + 14, 'text-anchor': 'middle', class: 'label' }, p.day.slice(5, 10))),
    svg('text', { x: pad, y: pad - 12, class: 'label' }, `running total ${money(running)}`));
}

function vendorBars(groups) {
  const top = Math.max(...groups.map(spent), 0.01);
  return h('ul', { class: 'hbars' }, groups.map((g) => {
    const bar = h('span', { class: 'hbar' });
    bar.style.width = `${Math.max(1, (spent(g) / top) * 100)}%`;
    return h('li', {}, h('span', { class: 'hbar-label' }, g.key), h('span', { class: 'hbar-track' }, bar), h('span', {}, money(spent(g))));
  }));
}

const table = (first, groups) => h('div', { class: 'table-wrap' }, h('table', {},
  h('thead', {}, h('tr', {}, [first, 'Committed', 'Reserved', 'Attempts', 'Cache hits'].map((c) => h('th', { scope: 'col' }, c)))),
  h('tbody', {}, groups.map((g) => h('tr', {}, h('th', { scope: 'row' }, g.key), h('td', {}, money(Number(g.committedUsd))),
    h('td', {}, money(Number(g.reservedUsd))), h('td', {}, g.attempts), h('td', {}, g.cacheHits))))));
