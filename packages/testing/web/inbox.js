// The web inbox of mail-debug-server: plain DOM, no framework, no build step, nothing remote.

const $ = (id) => document.getElementById(id);
const TEXT_LIMIT = 500_000; // characters of a text part shown; the rest stays a download away
const SOURCE_LIMIT = 512 * 1024; // bytes of the raw source shown

const state = {
  messages: [], // summaries, newest first
  shown: [], // what the list shows (all, or the search results)
  query: '',
  selected: null, // ID
  message: null, // the open message (Mailpit's Message)
  tab: 'html',
  remote: false,
  max: 0,
};

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === 'text') node.textContent = value;
    else if (key === 'className') node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children || []) if (child) node.append(child);
  return node;
}

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error((await response.text()) || response.statusText);
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

function address(a) {
  if (!a) return '';
  return a.Name ? a.Name + ' <' + a.Address + '>' : a.Address;
}
const addresses = (list) => (list || []).map(address).join(', ');

function size(bytes) {
  if (bytes < 1024) return bytes + ' B';
  if (bytes < 1024 * 1024) return (bytes / 1024).toFixed(1) + ' kB';
  return (bytes / 1024 / 1024).toFixed(1) + ' MB';
}

function when(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  return today
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleDateString([], { month: 'short', day: 'numeric' });
}

function row(m) {
  const from = el('span', { className: 'from', text: m.From ? m.From.Name || m.From.Address : '(no sender)' });
  const subject = el('span', { className: 'subject-line', text: m.Subject || '(no subject)' });
  if (m.Attachments > 0) {
    subject.append(
      el('span', { className: 'clip', title: m.Attachments + ' attachment(s)', text: 'att ' + m.Attachments }),
    );
  }
  const to = [...(m.To || []), ...(m.Cc || []), ...(m.Bcc || [])].map((a) => a.Address).join(', ');
  const li = el('li', { className: m.Read ? 'row' : 'row unread', role: 'option', 'data-id': m.ID }, [
    from,
    el('time', { className: 'time', datetime: m.Created, text: when(m.Created) }),
    subject,
    el('span', { className: 'size', text: size(m.Size) }),
    el('span', { className: 'to', text: 'to ' + (to || '(nobody)') }),
  ]);
  li.setAttribute('aria-selected', String(m.ID === state.selected));
  return li;
}

function renderList() {
  const list = $('list');
  list.replaceChildren(...state.shown.map(row));
  $('empty').hidden = state.shown.length > 0;
  $('empty').textContent = state.query
    ? 'Nothing matches “' + state.query + '”.'
    : 'No mail yet. Point your app at the SMTP port and send some.';
  const total = state.messages.length;
  $('count').replaceChildren(
    state.query ? state.shown.length + ' of ' + total : String(total),
    state.max && !state.query ? el('span', { className: 'keeps', text: ' · keeps the last ' + state.max }) : '',
  );
}

async function load() {
  const config = await api('GET', '/api/v1/webui');
  state.max = config.MaxMessages || 0;
  const list = await api('GET', '/api/v1/messages?limit=0');
  state.messages = list.messages;
  await refreshShown();
  refreshChaosButton();
}

async function refreshShown() {
  if (!state.query) state.shown = state.messages;
  else state.shown = (await api('GET', '/api/v1/search?limit=0&query=' + encodeURIComponent(state.query))).messages;
  renderList();
}

function connect() {
  const events = new EventSource('/api/events');
  // The list is (re)loaded once the stream is open, so no message falls between the two.
  events.onopen = () => {
    $('live').classList.add('on');
    load().catch((error) => {
      $('empty').textContent = 'Could not load the inbox: ' + error.message;
    });
  };
  events.onerror = () => $('live').classList.remove('on');
  events.addEventListener('new', (event) => {
    const message = JSON.parse(event.data);
    if (!state.messages.some((m) => m.ID === message.ID)) state.messages.unshift(message);
    refreshShown();
  });
  events.addEventListener('delete', (event) => {
    const gone = new Set(JSON.parse(event.data).ids);
    state.messages = state.messages.filter((m) => !gone.has(m.ID));
    if (gone.has(state.selected)) closeMessage();
    refreshShown();
  });
  events.addEventListener('clear', () => {
    state.messages = [];
    closeMessage();
    refreshShown();
  });
  events.addEventListener('read', (event) => {
    const data = JSON.parse(event.data);
    const ids = new Set(data.ids);
    for (const m of state.messages) if (ids.has(m.ID)) m.Read = data.read;
    renderList();
  });
}

function closeMessage() {
  state.selected = null;
  state.message = null;
  $('view').hidden = true;
  $('placeholder').hidden = false;
  $('html').removeAttribute('src');
  document.body.classList.remove('reading');
}

async function openMessage(id) {
  state.selected = id;
  state.remote = false;
  for (const li of $('list').children) li.setAttribute('aria-selected', String(li.dataset.id === id));
  const current = $('list').querySelector('[aria-selected="true"]');
  if (current) current.scrollIntoView({ block: 'nearest' });
  const [message, envelope] = await Promise.all([
    api('GET', '/api/v1/message/' + encodeURIComponent(id)),
    api('GET', '/api/message/' + encodeURIComponent(id) + '/envelope'),
  ]);
  if (state.selected !== id) return;
  state.message = message;
  const summary = state.messages.find((m) => m.ID === id);
  if (summary) summary.Read = true;
  $('subject').textContent = message.Subject || '(no subject)';
  const meta = [
    ['From', address(message.From)],
    ['To', addresses(message.To)],
    ['Cc', addresses(message.Cc)],
    ['Bcc', addresses(message.Bcc)],
    ['Reply-To', addresses(message.ReplyTo)],
    ['Date', new Date(message.Date).toLocaleString()],
    ['Size', size(message.Size)],
  ].filter(([, value]) => value);
  $('meta').replaceChildren(...meta.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]));
  $('envelope').textContent =
    'MAIL FROM:<' + envelope.MailFrom + '>  RCPT TO:' + envelope.RcptTo.map((a) => '<' + a + '>').join(' ');
  const base = '/api/v1/message/' + encodeURIComponent(id) + '/part/';
  $('attachments').replaceChildren(
    ...[...message.Attachments, ...message.Inline.filter((a) => a.FileName)].map((a) =>
      el('li', {}, [
        el('span', { text: (a.FileName || a.ContentID) + ' · ' + size(a.Size) + ' · ' + a.ContentType }),
        el('a', { href: base + encodeURIComponent(a.PartID), target: '_blank', rel: 'noopener', text: 'open' }),
        el('a', {
          href: base + encodeURIComponent(a.PartID) + '?download=1',
          download: a.FileName || 'part-' + a.PartID,
          text: 'download',
        }),
      ]),
    ),
  );
  $('eml').href = '/api/v1/message/' + encodeURIComponent(id) + '/raw?dl=1';
  $('remote').checked = false;
  $('remote-label').hidden = !message.HTML;
  document.querySelector('[data-tab="html"]').disabled = !message.HTML;
  $('view').hidden = false;
  $('placeholder').hidden = true;
  document.body.classList.add('reading');
  showTab(message.HTML ? (state.tab === 'text' && !message.Text ? 'html' : state.tab) : 'text');
  renderList();
}

function frameSrc() {
  return '/view/' + encodeURIComponent(state.selected) + '.html' + (state.remote ? '?remote=1' : '');
}

async function showTab(tab) {
  if (tab === 'html' && !state.message.HTML) tab = 'text';
  state.tab = tab;
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.setAttribute('aria-selected', String(button.dataset.tab === tab));
  }
  for (const id of ['html', 'text', 'headers', 'source']) $(id).classList.toggle('shown', id === tab);
  const id = state.selected;
  if (tab === 'html') {
    if ($('html').getAttribute('src') !== frameSrc()) $('html').setAttribute('src', frameSrc());
  } else if (tab === 'text') {
    const text = state.message.Text || '';
    $('text').replaceChildren(text.slice(0, TEXT_LIMIT));
    if (text.length > TEXT_LIMIT)
      $('text').append(el('p', { className: 'note', text: '… cut here; download the .eml for the rest.' }));
  } else if (tab === 'headers') {
    const headers = await api('GET', '/api/v1/message/' + encodeURIComponent(id) + '/headers');
    if (state.selected !== id) return;
    $('headers').replaceChildren(
      ...Object.entries(headers).flatMap(([name, values]) =>
        values.map((value) => el('tr', {}, [el('th', { text: name }), el('td', { text: value })])),
      ),
    );
  } else if (tab === 'source') {
    $('source').textContent = await readSource(id);
  }
}

/** The first SOURCE_LIMIT bytes of the raw message, so a 50 MB message does not freeze the page. */
async function readSource(id) {
  const response = await fetch('/api/v1/message/' + encodeURIComponent(id) + '/raw');
  const reader = response.body.getReader();
  const chunks = [];
  let length = 0;
  while (length < SOURCE_LIMIT) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  const cut = length >= SOURCE_LIMIT;
  if (cut) reader.cancel();
  const bytes = new Uint8Array(Math.min(length, SOURCE_LIMIT));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
  }
  const text = new TextDecoder().decode(bytes);
  return cut ? text + '\n\n… cut at ' + size(SOURCE_LIMIT) + '; download the .eml for the rest.' : text;
}

function move(step) {
  const ids = state.shown.map((m) => m.ID);
  if (ids.length === 0) return;
  const at = ids.indexOf(state.selected);
  const next = at === -1 ? 0 : Math.min(ids.length - 1, Math.max(0, at + step));
  if (ids[next] !== state.selected) openMessage(ids[next]);
}

async function deleteSelected() {
  if (!state.selected) return;
  const ids = state.shown.map((m) => m.ID);
  const at = ids.indexOf(state.selected);
  const next = ids[at + 1] || ids[at - 1];
  await api('DELETE', '/api/v1/messages', { IDs: [state.selected] });
  if (next) openMessage(next);
}

// Chaos: the form mirrors PUT /api/v1/chaos.
function chaosBody() {
  const form = $('chaos-form');
  const body = {};
  for (const input of form.querySelectorAll('[name]')) {
    const [group, key] = input.name.split('.');
    const value = input.tagName === 'SELECT' ? input.value : Number(input.value);
    if (key) {
      body[group] = body[group] || {};
      body[group][key] = value;
    } else body[group] = value;
  }
  return body;
}

function fillChaos(triggers) {
  for (const input of $('chaos-form').querySelectorAll('[name]')) {
    const [group, key] = input.name.split('.');
    const value = key ? triggers[group][key] : triggers[group];
    input.value = value === undefined ? '' : String(value);
  }
}

function chaosActive(t) {
  const on = (x) => x.Count > 0 || x.Probability > 0;
  return on(t.Sender) || on(t.Recipient) || on(t.Data) || on(t.Authentication) || t.Drop.Stage !== '' || t.DelayMs > 0;
}

async function refreshChaosButton(triggers) {
  const t = triggers || (await api('GET', '/api/v1/chaos'));
  $('chaos-open').classList.toggle('chaos-on', chaosActive(t));
  $('chaos-open').textContent = chaosActive(t) ? 'Chaos on' : 'Chaos';
  return t;
}

async function applyChaos(body) {
  try {
    const triggers = await api('PUT', '/api/v1/chaos', body);
    $('chaos-error').textContent = '';
    fillChaos(triggers);
    await refreshChaosButton(triggers);
    $('chaos').close();
  } catch (error) {
    $('chaos-error').textContent = error.message;
  }
}

let searchTimer;
function wire() {
  $('list').addEventListener('click', (event) => {
    const li = event.target.closest('[data-id]');
    if (li) openMessage(li.dataset.id);
  });
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.query = $('search').value.trim();
      refreshShown();
    }, 120);
  });
  $('clear').addEventListener('click', () => api('DELETE', '/api/v1/messages'));
  $('delete').addEventListener('click', deleteSelected);
  $('back').addEventListener('click', closeMessage);
  $('remote').addEventListener('change', () => {
    state.remote = $('remote').checked;
    showTab('html');
  });
  for (const button of document.querySelectorAll('[data-tab]')) {
    button.addEventListener('click', () => showTab(button.dataset.tab));
  }
  $('chaos-open').addEventListener('click', async () => {
    fillChaos(await refreshChaosButton());
    $('chaos').showModal();
  });
  $('chaos-apply').addEventListener('click', () => applyChaos(chaosBody()));
  $('chaos-reset').addEventListener('click', () => applyChaos({}));
  document.addEventListener('keydown', (event) => {
    const typing = event.target.matches('input, select, textarea') || $('chaos').open;
    if (event.key === 'Escape' && event.target === $('search')) {
      $('search').blur();
      return;
    }
    if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
    if (event.key === 'j' || event.key === 'ArrowDown') move(1);
    else if (event.key === 'k' || event.key === 'ArrowUp') move(-1);
    else if (event.key === '/') $('search').focus();
    else if (event.key === 'Delete' || event.key === '#') deleteSelected();
    else if (event.key === 'Escape') closeMessage();
    else return;
    event.preventDefault();
  });
}

wire();
connect();
