import { getJson, call, blobOf, serverSentEvents } from './api.js';
import { h, errorBox, announce, money, percent, when, download, replace } from './dom.js';

const finalStatuses = new Set(['succeeded', 'failed', 'canceled', 'expired']);
const isFinal = (job) => finalStatuses.has(job.status);

const statusChip = (status) => h('span', { class: `status status-${status}` }, status);

export async function jobsView(main, { signal }) {
  const body = h('tbody');
  const more = h('div', { class: 'actions' });
  main.append(h('h1', { tabindex: -1 }, 'Jobs'),
    h('section', { class: 'card' },
      h('div', { class: 'table-wrap' }, h('table', { class: 'jobs' },
        h('caption', { class: 'visually-hidden' }, 'Your jobs, newest first'),
        h('thead', {}, h('tr', {}, ['Film', 'Status', 'Progress', 'Shots', 'Started'].map((c) => h('th', { scope: 'col' }, c)))),
        body)),
      more));

  async function load(pageToken) {
    const page = await getJson(`/v1/jobs?limit=20${pageToken ? `&pageToken=${encodeURIComponent(pageToken)}` : ''}`, { signal });
    if (!pageToken) replace(body);
    for (const job of page.items) body.append(row(job));
    if (!pageToken && page.items.length === 0) body.append(h('tr', {}, h('td', { colspan: 5 }, 'No jobs yet. ', h('a', { href: '#/film' }, 'Write a film'), '.')));
    replace(more, page.nextPageToken ? h('button', { type: 'button', class: 'quiet', onclick: () => load(page.nextPageToken).catch((error) => more.append(errorBox(error))) }, 'Older jobs') : '');
    return page;
  }

  const row = (job) => h('tr', {},
    h('th', { scope: 'row' }, h('a', { href: `#/jobs/${job.id}` }, job.title || job.id)),
    h('td', {}, statusChip(job.status), job.error ? h('code', { class: 'muted' }, ` ${job.error.code}`) : null),
    h('td', {}, h('progress', { max: 1, value: job.progress, 'aria-label': `Progress of ${job.title}` }), ' ', percent(job.progress)),
    h('td', {}, job.shotCount),
    h('td', {}, when(job.createdAt)));

  let page = await load();
  // Refreshes while something on the first page is still moving; stops when the view is left.
  while (!signal.aborted && page.items.some((job) => !isFinal(job))) {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    if (signal.aborted) break;
    page = await load();
  }
}

export async function jobView(main, { signal, params: [id] }) {
  let job = await getJson(`/v1/jobs/${id}`, { signal });
  const heading = h('h1', { tabindex: -1 }, job.title || 'Job');
  const summary = h('div', { class: 'job-summary' });
  const shots = h('tbody');
  const problems = h('div');
  const deliverables = h('section', { class: 'card', 'aria-labelledby': 'film-result-title', hidden: true });
  const cancel = h('button', { type: 'button', class: 'danger', onclick: () => cancelJob() }, 'Cancel job');
  main.append(heading,
    h('section', { class: 'card', 'aria-label': 'Progress' }, summary,
      h('div', { class: 'table-wrap' }, h('table', { class: 'shots-table' },
        h('caption', { class: 'visually-hidden' }, 'Shots'),
        h('thead', {}, h('tr', {}, ['Shot', 'Progress', 'Status', 'Vendor', 'Cache', 'Length'].map((c) => h('th', { scope: 'col' }, c)))),
        shots)),
      problems, h('div', { class: 'actions' }, cancel)),
    deliverables);

  function update(next) {
    const finished = !isFinal(job) && isFinal(next);
    job = next;
    replace(summary, 
      h('p', {}, statusChip(job.status), ` ${job.stage}`, h('span', { class: 'muted' }, ` · started ${when(job.createdAt)}`)),
      h('div', { class: 'overall' },
        h('label', { for: 'job-progress' }, 'Overall'),
        h('progress', { id: 'job-progress', max: 1, value: job.progress }),
        h('span', { class: 'percent' }, percent(job.progress))));
    replace(shots, ...job.shots.map((shot) => h('tr', { 'data-shot': shot.index },
      h('th', { scope: 'row' }, `Shot ${shot.index + 1}`),
      h('td', {}, h('progress', { class: 'shot-progress', max: 1, value: shot.progress, 'aria-label': `Shot ${shot.index + 1} progress` }), ' ', h('span', { class: 'percent' }, percent(shot.progress))),
      h('td', {}, statusChip(shot.status), shot.error ? h('p', { class: 'field-error' }, shot.error.message, ' ', h('code', {}, shot.error.code)) : null),
      h('td', {}, shot.provider ?? '—'),
      h('td', {}, shot.fromCache ? h('span', { class: 'chip hit' }, 'cache hit') : '—'),
      h('td', {}, shot.durationSeconds ? `${shot.durationSeconds.toFixed(1)} s` : '—'))));
    replace(problems, 
      job.error ? errorBox({ title: job.error.message, code: job.error.code, detail: job.error.retryable ? 'Submitting the film again may succeed.' : null }) : '',
      job.warnings?.length ? h('div', { class: 'warnings', role: 'note' }, h('h2', {}, 'Warnings'),
        h('ul', {}, job.warnings.map((w) => h('li', {}, `Shot ${w.shot + 1}: `, w.message, ' ', h('code', {}, w.code))))) : '');
    cancel.hidden = isFinal(job);
    if (finished) announce(`The job ${job.status}.`);
    if (isFinal(job) && deliverables.hidden) {
      showResult().catch((error) => { if (error.name !== 'AbortError') deliverables.append(errorBox(error)); });
    }
  }

  async function cancelJob() {
    if (!confirm('Cancel this job? Shots in flight stop; the rest never start.')) return;
    try {
      update(await (await call(`/v1/jobs/${id}:cancel`, { method: 'POST', signal })).json());
    } catch (error) {
      problems.append(errorBox(error));
    }
  }

  async function showResult() {
    deliverables.hidden = false;
    replace(deliverables, h('h2', { id: 'film-result-title' }, 'Result'));
    const cost = await costOf(job, signal).catch(() => null);
    if (cost !== null) deliverables.append(h('p', {}, 'Charged for this job: ', h('strong', { id: 'job-cost' }, money(cost))));
    if (job.status !== 'succeeded' || !job.video) return;
    deliverables.append(await player(job, signal));
  }

  update(job);
  if (isFinal(job)) return;
  try {
    for await (const event of serverSentEvents(`/v1/jobs/${id}/events`, { signal })) {
      if (event.event === 'job') update(JSON.parse(event.data));
    }
  } catch (error) {
    if (error.name === 'AbortError') return;
    problems.append(errorBox(error));
  }
  // The stream ends with the final state; read it once more in case the connection dropped before.
  if (!isFinal(job) && !signal.aborted) update(await getJson(`/v1/jobs/${id}`, { signal }));
}

/** What the cost ledger charged for the job (usage grouped by job, from the job's start). */
async function costOf(job, signal) {
  const from = new Date(new Date(job.createdAt).getTime() - 60_000).toISOString();
  const usage = await getJson(`/v1/usage?groupBy=job&from=${encodeURIComponent(from)}`, { signal });
  const group = usage.groups.find((g) => g.key === job.id);
  return group ? Number(group.committedUsd) + Number(group.reservedUsd) : 0;
}

/** How the studio names a deliverable of the API's list (`name` as the job lists it); other names are shown as they are. */
const deliverableLabels = {
  'video': 'Film (MP4)',
  'poster.jpg': 'Poster (JPEG)',
  'captions.vtt': 'Captions (WebVTT)',
  'captions.srt': 'Captions (SRT)',
  'audio.m4a': 'Audio (M4A)',
  'sprite.jpg': 'Thumbnail sprite (JPEG)',
  'sprite.vtt': 'Thumbnail track (WebVTT)',
  'manifest.json': 'Provenance manifest (JSON)',
  'manifest.sig': 'Manifest signature',
  'hls/master.m3u8': 'HLS master playlist',
  'hls/index.m3u8': 'HLS media playlist',
};
const shotClip = /^shots\/(\d+)\/video$/;

/** A deliverable as the studio shows it: its label and the name it is saved under. */
function describe(job, file) {
  const clip = shotClip.exec(file.name);
  if (clip) return { ...file, label: `Shot ${Number(clip[1]) + 1} clip (MP4)`, saveAs: `${job.id}-shot-${Number(clip[1]) + 1}.mp4` };
  if (file.name === 'video') return { ...file, label: deliverableLabels.video, saveAs: `${job.id}.mp4` };
  return { ...file, label: deliverableLabels[file.name] ?? file.name, saveAs: `${job.id}-${file.name.replaceAll('/', '-')}` };
}

/**
 * The film and its other deliverables, as the job lists them (`deliverables`: film, poster, captions, audio, sprite,
 * HLS playlists, manifest, each shot's clip). Media elements cannot send the bearer key, so each file is fetched with it
 * and shown from memory: the poster on the player, the WebVTT captions as its track.
 */
async function player(job, signal) {
  const video = job.video;
  const listed = (job.deliverables ?? []).map((file) => describe(job, file));
  const files = listed.some((file) => file.name === 'video') ? listed : [describe(job, { name: 'video', url: video.url }), ...listed];
  const blobs = new Map();
  const fetchBlob = async (file) => blobs.get(file.url) ?? blobs.set(file.url, await blobOf(file.url, { signal })).get(file.url);
  const element = h('video', { id: 'film-player', controls: true, preload: 'metadata', playsinline: true, 'aria-label': `Film: ${job.title}` });
  const poster = files.find((f) => f.name === 'poster.jpg');
  if (poster) element.poster = URL.createObjectURL(await fetchBlob(poster));
  const captions = files.find((f) => f.name === 'captions.vtt');
  if (captions) element.append(h('track', { kind: 'captions', srclang: 'en', label: 'Captions', default: true, src: URL.createObjectURL(await fetchBlob(captions)) }));
  element.src = URL.createObjectURL(await fetchBlob(files.find((f) => f.name === 'video')));
  return h('div', { class: 'result' }, element,
    h('ul', { class: 'downloads', 'aria-label': 'Downloads' }, files.map((file) => h('li', {},
      h('button', { type: 'button', class: 'quiet', 'data-name': file.name, onclick: async () => download(await fetchBlob(file), file.saveAs) }, `Download ${file.label}`)))),
    h('p', { class: 'muted' }, `${video.durationSeconds.toFixed(1)} s · SHA-256 `, h('code', {}, video.sha256.slice(0, 16)), '…'));
}
