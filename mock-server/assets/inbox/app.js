// The QA inbox page: the captured emails of one namespace, live over /api/events, with the reset
// link and token pulled out of each email. Plain DOM, no framework, no build step.
//
// Security: the page's CSP allows only this file as script. Mail content never reaches innerHTML;
// everything is set with textContent, and the HTML part is shown only in an iframe with an empty
// `sandbox` attribute (no scripts, an opaque origin), loaded from /view/{ID}.html.
'use strict';

(() => {
  const PAGE_SIZE = 50;
  const NAMESPACE_RE = /^[A-Za-z0-9._-]{0,64}$/;
  const STORE_KEY = 'mock-server.inbox.namespace';
  const POLL_MS = 5000;
  const MAX_BACKOFF_MS = 10000;

  const $ = (id) => document.getElementById(id);
  const el = {
    search: $('search'), searchForm: $('search-form'),
    namespace: $('namespace'), namespaceForm: $('namespace-form'), namespaceList: $('namespace-list'),
    conn: $('conn'), connText: $('conn-text'),
    listPane: $('messages'), listTitle: $('list-title'), counts: $('counts'), list: $('list'),
    empty: $('empty'), more: $('more'), markAllRead: $('mark-all-read'), deleteAll: $('delete-all'),
    detail: $('detail'), placeholder: $('placeholder'), message: $('message'), back: $('back'),
    deleteOne: $('delete-one'), subject: $('msg-subject'), meta: $('meta'),
    reset: $('reset'), resetLink: $('reset-link'), resetToken: $('reset-token'), resetExtra: $('reset-extra'),
    copyLink: $('copy-link'), copyToken: $('copy-token'), openLink: $('open-link'), copied: $('copied'),
    tabs: $('tabs'), text: $('text'), raw: $('raw'),
    panels: { html: $('panel-html'), text: $('panel-text'), headers: $('panel-headers'), raw: $('panel-raw') },
    announce: $('announce'), toast: $('toast'),
    dialog: $('confirm-dialog'), dialogBody: $('confirm-body'),
  };

  const state = {
    namespace: '',
    query: '',
    messages: [], // MessageSummary, newest first
    total: 0, unread: 0, matching: 0,
    selectedId: null,
    current: null, // the open Message
    reset: null, // {link, token, id, openable}
    tab: 'html',
    cache: { headers: null, raw: null },
    generation: 0, // bumped on namespace change: late answers of the old namespace are dropped
    ws: null, wsAttempts: 0, wsTimer: null, pollTimer: null, live: false,
  };

  // ---------- HTTP ----------

  class HttpError extends Error {
    constructor(status, body) {
      super(`HTTP ${status}${body ? `: ${body.trim()}` : ''}`);
      this.status = status;
    }
  }

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    if (state.namespace) headers.set('X-Mock-Namespace', state.namespace);
    const response = await fetch(path, { ...options, headers, cache: 'no-store' });
    if (!response.ok) throw new HttpError(response.status, await response.text().catch(() => ''));
    return response;
  }

  const apiJson = async (path, options) => (await api(path, options)).json();

  /** A URL the browser loads itself (iframe, WebSocket): the namespace goes in the query. */
  function withNamespace(path) {
    return state.namespace ? `${path}?namespace=${encodeURIComponent(state.namespace)}` : path;
  }

  // ---------- small helpers ----------

  function h(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else if (key in node && !key.startsWith('aria') && key !== 'role') node[key] = value;
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  function mailbox(box) {
    if (!box) return '';
    return box.Name ? `${box.Name} <${box.Address}>` : box.Address || '';
  }

  function mailboxes(list) {
    return (list || []).map(mailbox).join(', ');
  }

  function relativeTime(iso) {
    const date = new Date(iso);
    const seconds = Math.round((Date.now() - date.getTime()) / 1000);
    if (Number.isNaN(seconds)) return '';
    if (seconds < 45) return 'just now';
    if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min ago`;
    if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
    return date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
  }

  function fullTime(iso) {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
  }

  function size(bytes) {
    if (!(bytes >= 0)) return '';
    if (bytes < 1024) return `${bytes} B`;
    return `${(bytes / 1024).toFixed(1)} kB`;
  }

  function announce(text) {
    // Cleared first so that the same text twice is read twice.
    el.announce.textContent = '';
    setTimeout(() => { el.announce.textContent = text; }, 30);
  }

  let toastTimer = null;
  function showError(text) {
    el.toast.textContent = text;
    el.toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.toast.hidden = true; }, 6000);
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  // ---------- reset link ----------

  const URL_RE = /https?:\/\/[^\s"'<>()]+/gi;
  const HREF_RE = /\shref\s*=\s*("([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;
  const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", equals: '=', quest: '?', sol: '/', colon: ':' };

  /** The character references a URL in an attribute may use. */
  function decodeEntities(text) {
    return text.replace(/&(#[0-9]+|#x[0-9a-f]+|[a-z]+);/gi, (whole, ref) => {
      if (ref[0] === '#') {
        const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    });
  }

  /** `{link, href, token, customerId}` when `candidate` is a Magento createPassword link with a token. */
  function parseResetLink(candidate) {
    const text = (candidate || '').trim();
    if (!/createPassword/i.test(text)) return null;
    let url;
    try { url = new URL(text); } catch { return null; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    let token = url.searchParams.get('token');
    let customerId = url.searchParams.get('id');
    if (!token) {
      // Path-style parameters: .../createPassword/id/5/token/abc/
      const parts = url.pathname.split('/');
      const at = (name) => { const i = parts.indexOf(name); return i >= 0 ? parts[i + 1] || null : null; };
      token = at('token');
      customerId = customerId || at('id');
    }
    if (!token) return null;
    return { link: text, href: url.href, token, customerId };
  }

  /** The reset link of a message: the HTML part's anchors first, then URLs in the text part. */
  function findReset(message) {
    const candidates = [];
    // The HTML is read as text, never parsed into a DOM: even an inert DOMParser document would
    // trip the page's CSP on every style attribute of the mail.
    for (const m of (message.HTML || '').matchAll(HREF_RE)) candidates.push(decodeEntities(m[2] ?? m[3] ?? m[4]));
    for (const m of (message.Text || '').matchAll(URL_RE)) candidates.push(m[0]);
    for (const m of decodeEntities(message.HTML || '').matchAll(URL_RE)) candidates.push(m[0]);
    for (const candidate of candidates) {
      const found = parseResetLink(candidate);
      if (found) return found;
    }
    // A token in a link we could not parse (relative, odd scheme): show the token alone.
    const loose = /createPassword[^\s"'<>]*[?&](?:amp;)?token=([A-Za-z0-9_-]+)/i.exec(`${message.Text || ''} ${message.HTML || ''}`);
    return loose ? { link: null, href: null, token: loose[1], customerId: null } : null;
  }

  async function copyText(text, what) {
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
        ok = true;
      }
    } catch { /* fall back below */ }
    if (!ok) {
      const active = document.activeElement;
      const area = h('textarea', { class: 'offscreen', readOnly: true, 'aria-hidden': 'true', tabIndex: -1 });
      area.value = text;
      document.body.append(area);
      area.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
      area.remove();
      if (active && active.focus) active.focus();
    }
    el.copied.textContent = ok ? `${what} copied to the clipboard.` : `Could not copy; select the ${what.toLowerCase()} and copy it by hand.`;
    clearTimeout(copyText.timer);
    copyText.timer = setTimeout(() => { el.copied.textContent = ''; }, 4000);
  }

  // ---------- the list ----------

  function rowFor(message) {
    const selected = message.ID === state.selectedId;
    const recipient = mailboxes(message.To) || '(no recipient)';
    const time = h('time', { class: 'row-time', dateTime: message.Created, title: fullTime(message.Created), text: relativeTime(message.Created) });
    const link = h('a', {
      class: 'row-link',
      href: `?${new URLSearchParams({ ...(state.namespace ? { ns: state.namespace } : {}), id: message.ID })}`,
      'aria-current': selected ? 'true' : null,
      tabIndex: -1,
      'data-id': message.ID,
    },
    h('span', { class: 'row-top' },
      message.Read ? null : h('span', { class: 'visually-hidden', text: 'Unread. ' }),
      h('span', { class: 'row-to', text: recipient }),
      time),
    h('span', { class: 'row-subject', text: message.Subject || '(no subject)' }),
    h('span', { class: 'row-snippet', text: message.Snippet || '' }));
    return h('li', { class: `row${message.Read ? '' : ' unread'}${selected ? ' selected' : ''}`, 'data-id': message.ID }, link);
  }

  function renderList({ fresh = null } = {}) {
    const focusedId = document.activeElement && document.activeElement.classList.contains('row-link')
      ? document.activeElement.dataset.id : null;
    el.list.replaceChildren(...state.messages.map(rowFor));
    // Roving tabindex: one row is in the tab order, arrows move between rows.
    const rows = rowLinks();
    const tabbable = rows.find((a) => a.dataset.id === (focusedId || state.selectedId)) || rows[0];
    if (tabbable) tabbable.tabIndex = 0;
    if (focusedId) {
      const again = rows.find((a) => a.dataset.id === focusedId);
      if (again) again.focus();
    }
    if (fresh) {
      const row = el.list.querySelector(`li[data-id="${CSS.escape(fresh)}"]`);
      if (row) row.classList.add('fresh');
    }
    el.empty.hidden = state.messages.length > 0;
    el.empty.textContent = state.query
      ? `No messages match “${state.query}”.`
      : `No messages yet${state.namespace ? ` in namespace “${state.namespace}”` : ''}. Request a password reset and it shows up here.`;
    el.more.hidden = state.messages.length >= state.matching;
    renderCounts();
  }

  function renderCounts() {
    el.counts.textContent = state.query
      ? `${state.matching} of ${state.total} message${state.total === 1 ? '' : 's'} match`
      : `${state.total} message${state.total === 1 ? '' : 's'} · ${state.unread} unread`;
    el.listTitle.textContent = state.namespace ? `Messages in “${state.namespace}”` : 'Messages';
    el.deleteAll.disabled = state.total === 0;
    el.markAllRead.disabled = state.unread === 0;
    document.title = `${state.unread ? `(${state.unread}) ` : ''}Inbox${state.namespace ? ` · ${state.namespace}` : ''} · mock-server`;
  }

  function refreshTimes() {
    for (const time of el.list.querySelectorAll('time.row-time')) time.textContent = relativeTime(time.dateTime);
  }

  const rowLinks = () => Array.from(el.list.querySelectorAll('a.row-link'));

  // Events that arrive while a list request is in flight must not be undone by its (older)
  // answer: each event gets a number, and a late answer is merged with what came after it.
  const live = { seq: 0, loads: 0, added: new Map(), deleted: new Map(), truncated: 0 };

  function remember(map, key, value) {
    map.set(key, value);
    if (map.size > 500) map.delete(map.keys().next().value);
  }

  async function loadList({ keep = true } = {}) {
    const generation = state.generation;
    const load = ++live.loads;
    const seq = live.seq;
    const limit = keep ? Math.max(PAGE_SIZE, state.messages.length) : PAGE_SIZE;
    const params = new URLSearchParams({ start: '0', limit: String(limit) });
    let path = '/api/v1/messages';
    if (state.query) { path = '/api/v1/search'; params.set('query', state.query); }
    try {
      const summary = await apiJson(`${path}?${params}`);
      if (generation !== state.generation || load !== live.loads) return; // a newer request is on its way
      if (seq === live.seq) { applySummary(summary, false); return; }
      if (live.truncated > seq) { refreshSoon(); return; }
      const known = new Set((summary.messages || []).map((m) => m.ID));
      const arrived = [...live.added.values()].filter((e) => e.seq > seq && !known.has(e.summary.ID))
        .map((e) => e.summary).reverse(); // newest first
      const gone = new Set([...live.deleted].filter(([, at]) => at > seq).map(([id]) => id));
      const messages = arrived.concat(summary.messages || []).filter((m) => !gone.has(m.ID));
      applySummary({ ...summary, messages, total: (summary.total || 0) + arrived.length,
        messages_count: (summary.messages_count || 0) + arrived.length }, false);
      refreshSoon(); // converge on the server's own counts
    } catch (error) {
      // While the live connection is down the status already says so; polling stays quiet.
      if (generation === state.generation && state.live) showError(`Could not load the messages (${error.message}).`);
    }
  }

  async function loadMore() {
    const generation = state.generation;
    const params = new URLSearchParams({ start: String(state.messages.length), limit: String(PAGE_SIZE) });
    let path = '/api/v1/messages';
    if (state.query) { path = '/api/v1/search'; params.set('query', state.query); }
    try {
      const summary = await apiJson(`${path}?${params}`);
      if (generation !== state.generation) return;
      applySummary(summary, true);
    } catch (error) {
      showError(`Could not load more messages (${error.message}).`);
    }
  }

  function applySummary(summary, append) {
    const incoming = summary.messages || [];
    if (append) {
      const known = new Set(state.messages.map((m) => m.ID));
      state.messages = state.messages.concat(incoming.filter((m) => !known.has(m.ID)));
    } else {
      state.messages = incoming;
    }
    state.total = summary.total ?? summary.messages_count ?? state.messages.length;
    state.unread = summary.unread ?? 0;
    state.matching = summary.messages_count ?? summary.total ?? state.messages.length;
    renderList();
  }

  const refreshSoon = debounce(() => loadList(), 250);

  function moveFocus(from, delta) {
    const rows = rowLinks();
    if (!rows.length) return;
    let index = rows.indexOf(from);
    if (delta === Infinity) index = rows.length - 1;
    else if (delta === -Infinity) index = 0;
    else index = Math.min(rows.length - 1, Math.max(0, index + delta));
    for (const row of rows) row.tabIndex = -1;
    rows[index].tabIndex = 0;
    rows[index].focus();
  }

  // ---------- the detail view ----------

  async function openMessage(id, { focus = false, push = true } = {}) {
    const generation = state.generation;
    state.selectedId = id;
    if (push) updateUrl({ push: true });
    for (const li of el.list.children) {
      const on = li.dataset.id === id;
      li.classList.toggle('selected', on);
      const a = li.firstElementChild;
      if (on) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    }
    document.body.classList.add('has-message');
    let message;
    try {
      message = await apiJson(`/api/v1/message/${encodeURIComponent(id)}`);
    } catch (error) {
      if (generation !== state.generation || state.selectedId !== id) return;
      showPlaceholder(error.status === 404 ? 'This message no longer exists.' : `Could not open the message (${error.message}).`);
      return;
    }
    if (generation !== state.generation || state.selectedId !== id) return;
    markReadLocally(id);
    renderMessage(message);
    if (focus) el.subject.focus();
  }

  function markReadLocally(id) {
    const summary = state.messages.find((m) => m.ID === id);
    if (summary && !summary.Read) {
      summary.Read = true;
      state.unread = Math.max(0, state.unread - 1);
      const li = el.list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
      if (li) {
        li.classList.remove('unread');
        const hiddenLabel = li.querySelector('.row-top > .visually-hidden');
        if (hiddenLabel) hiddenLabel.remove();
      }
      renderCounts();
      refreshSoon(); // the server's counts win (a stats frame may already have counted this one)
    }
  }

  function renderMessage(message) {
    state.current = message;
    state.cache = { headers: null, raw: null };
    el.placeholder.hidden = true;
    el.message.hidden = false;
    el.subject.textContent = message.Subject || '(no subject)';

    const rows = [
      ['From', mailbox(message.From)],
      ['To', mailboxes(message.To)],
      ['Cc', mailboxes(message.Cc)],
      ['Date', fullTime(message.Date)],
      ['Size', size(message.Size)],
    ].filter(([, value]) => value);
    el.meta.replaceChildren(...rows.flatMap(([term, value]) => [h('dt', { text: term }), h('dd', { text: value })]));

    const reset = findReset(message);
    state.reset = reset;
    el.reset.hidden = !reset;
    if (reset) {
      el.resetLink.textContent = reset.link || '(the link could not be read; token only)';
      el.resetToken.textContent = reset.token;
      el.copyLink.disabled = !reset.link;
      if (reset.href) { el.openLink.href = reset.href; el.openLink.hidden = false; } else { el.openLink.removeAttribute('href'); el.openLink.hidden = true; }
      el.resetExtra.hidden = !reset.customerId;
      el.resetExtra.textContent = reset.customerId ? `Customer id in the link: ${reset.customerId}` : '';
      el.copied.textContent = '';
    }

    // HTML part, in a frame with no permissions at all.
    if (message.HTML) {
      const frame = h('iframe', {
        class: 'mail-frame',
        title: `HTML part of “${message.Subject || 'the email'}”`,
        src: withNamespace(`/view/${encodeURIComponent(message.ID)}.html`),
        sandbox: '',
        referrerPolicy: 'no-referrer',
      });
      frame.setAttribute('sandbox', '');
      el.panels.html.replaceChildren(frame);
    } else {
      el.panels.html.replaceChildren(h('p', { class: 'muted', text: 'This email has no HTML part.' }));
    }
    el.text.textContent = message.Text || '(This email has no text part.)';
    el.panels.headers.replaceChildren(h('p', { class: 'muted', text: 'Loading…' }));
    el.raw.textContent = 'Loading…';
    selectTab(state.tab, { focus: false });
  }

  function showPlaceholder(text) {
    state.current = null;
    state.reset = null;
    el.message.hidden = true;
    el.placeholder.hidden = false;
    el.placeholder.replaceChildren(h('p', { text }));
  }

  function closeMessage({ push = true, focusList = true } = {}) {
    const id = state.selectedId;
    state.selectedId = null;
    state.current = null;
    document.body.classList.remove('has-message');
    el.message.hidden = true;
    el.placeholder.hidden = false;
    el.placeholder.replaceChildren(
      h('p', { text: 'Select a message to read it.' }),
      h('p', { class: 'muted', text: 'New emails appear here as they arrive, no reload needed.' }));
    el.panels.html.replaceChildren();
    for (const li of el.list.querySelectorAll('li.selected')) {
      li.classList.remove('selected');
      li.firstElementChild.removeAttribute('aria-current');
    }
    if (push) updateUrl({ push: true });
    if (focusList) {
      const rows = rowLinks();
      const row = rows.find((a) => a.dataset.id === id) || rows[0];
      if (row) { for (const r of rows) r.tabIndex = -1; row.tabIndex = 0; row.focus(); } else el.listPane.focus();
    }
  }

  const TABS = ['html', 'text', 'headers', 'raw'];

  function selectTab(name, { focus = true } = {}) {
    state.tab = name;
    for (const tab of TABS) {
      const button = $(`tab-${tab}`);
      const on = tab === name;
      button.setAttribute('aria-selected', String(on));
      button.tabIndex = on ? 0 : -1;
      el.panels[tab].hidden = !on;
      if (on && focus) button.focus();
    }
    if (name === 'headers') loadHeaders();
    if (name === 'raw') loadRaw();
  }

  async function loadHeaders() {
    const message = state.current;
    if (!message || state.cache.headers) return;
    state.cache.headers = 'loading';
    try {
      const headers = await apiJson(`/api/v1/message/${encodeURIComponent(message.ID)}/headers`);
      if (state.current !== message) return;
      const rows = Object.keys(headers).sort((a, b) => a.localeCompare(b)).flatMap((name) =>
        [].concat(headers[name]).map((value) => h('tr', {}, h('th', { scope: 'row', text: name }), h('td', { text: value }))));
      el.panels.headers.replaceChildren(h('table', { class: 'headers' },
        h('caption', { class: 'visually-hidden', text: 'Email headers' }),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Header' }), h('th', { scope: 'col', text: 'Value' }))),
        h('tbody', {}, ...rows)));
      state.cache.headers = 'done';
    } catch (error) {
      if (state.current !== message) return;
      state.cache.headers = null;
      el.panels.headers.replaceChildren(h('p', { class: 'muted', text: `Could not load the headers (${error.message}).` }));
    }
  }

  async function loadRaw() {
    const message = state.current;
    if (!message || state.cache.raw) return;
    state.cache.raw = 'loading';
    try {
      const text = await (await api(`/api/v1/message/${encodeURIComponent(message.ID)}/raw`)).text();
      if (state.current !== message) return;
      el.raw.textContent = text;
      state.cache.raw = 'done';
    } catch (error) {
      if (state.current !== message) return;
      state.cache.raw = null;
      el.raw.textContent = `Could not load the source (${error.message}).`;
    }
  }

  // ---------- changes ----------

  async function deleteMessages(ids) {
    try {
      await api('/api/v1/messages', { method: 'DELETE', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ IDs: ids }) });
    } catch (error) {
      showError(`Could not delete (${error.message}).`);
      return false;
    }
    removeLocally(ids);
    announce(ids.length === 1 ? 'Message deleted.' : `${ids.length} messages deleted.`);
    refreshSoon();
    return true;
  }

  function removeLocally(ids) {
    const gone = new Set(ids);
    const before = state.messages.length;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.id : null;
    const focusIndex = state.messages.findIndex((m) => m.ID === focused);
    const selectedIndex = state.messages.findIndex((m) => m.ID === state.selectedId);
    state.messages = state.messages.filter((m) => !gone.has(m.ID));
    const removed = before - state.messages.length;
    state.total = Math.max(0, state.total - removed);
    state.matching = Math.max(0, state.matching - removed);
    const selectedGone = state.selectedId && gone.has(state.selectedId);
    renderList();
    const next = (index) => state.messages[Math.min(index, state.messages.length - 1)];
    if (selectedGone) {
      closeMessage({ push: true, focusList: false });
      const target = next(selectedIndex >= 0 ? selectedIndex : 0);
      focusRow(target ? target.ID : null);
    } else if (focused && gone.has(focused)) {
      const target = next(focusIndex);
      focusRow(target ? target.ID : null);
    }
  }

  function focusRow(id) {
    const rows = rowLinks();
    const row = rows.find((a) => a.dataset.id === id) || rows[0];
    if (!row) { el.listPane.focus(); return; }
    for (const r of rows) r.tabIndex = -1;
    row.tabIndex = 0;
    row.focus();
  }

  async function deleteAll() {
    el.dialogBody.textContent = `This deletes all ${state.total} message${state.total === 1 ? '' : 's'} in ${state.namespace ? `namespace “${state.namespace}”` : 'the default namespace'}, not only the ones shown.`;
    el.dialog.returnValue = '';
    el.dialog.showModal();
    const answer = await new Promise((resolve) => el.dialog.addEventListener('close', () => resolve(el.dialog.returnValue), { once: true }));
    if (answer !== 'confirm') { el.deleteAll.focus(); return; }
    try {
      await api('/api/v1/messages', { method: 'DELETE' });
    } catch (error) {
      showError(`Could not delete the messages (${error.message}).`);
      return;
    }
    clearLocally();
    announce('All messages deleted.');
    refreshSoon();
    el.listPane.focus();
  }

  function clearLocally() {
    state.messages = [];
    state.total = 0; state.unread = 0; state.matching = 0;
    if (state.selectedId) closeMessage({ push: true, focusList: false });
    renderList();
  }

  async function markAllRead() {
    try {
      await api('/api/v1/messages', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ Read: true }) });
    } catch (error) {
      showError(`Could not mark the messages read (${error.message}).`);
      return;
    }
    for (const m of state.messages) m.Read = true;
    state.unread = 0;
    renderList();
    announce('All messages marked read.');
    refreshSoon();
  }

  // ---------- live updates ----------

  function setConnection(mode) {
    state.live = mode === 'live';
    el.conn.dataset.mode = mode;
    el.connText.textContent = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[mode] || mode;
    el.conn.title = mode === 'live' ? 'New emails appear as they arrive.' : `Refreshing every ${POLL_MS / 1000} s until the live connection is back.`;
  }

  function connect() {
    clearTimeout(state.wsTimer);
    const generation = state.generation;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let socket;
    try {
      socket = new WebSocket(`${scheme}//${location.host}${withNamespace('/api/events')}`);
    } catch {
      scheduleReconnect(generation);
      return;
    }
    state.ws = socket;
    socket.addEventListener('open', () => {
      if (state.ws !== socket) return;
      state.wsAttempts = 0;
      setConnection('live');
      stopPolling();
      loadList(); // whatever arrived while we were not listening
    });
    socket.addEventListener('message', (event) => {
      if (state.ws !== socket || generation !== state.generation) return;
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      handleEvent(frame);
    });
    socket.addEventListener('close', () => {
      if (state.ws !== socket) return; // replaced on purpose
      state.ws = null;
      scheduleReconnect(generation);
    });
  }

  function scheduleReconnect(generation) {
    if (generation !== state.generation) return;
    setConnection('reconnecting');
    startPolling();
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** state.wsAttempts);
    state.wsAttempts += 1;
    state.wsTimer = setTimeout(connect, delay);
  }

  function disconnect() {
    clearTimeout(state.wsTimer);
    const socket = state.ws;
    state.ws = null;
    if (socket) socket.close();
  }

  function startPolling() {
    if (!state.pollTimer) state.pollTimer = setInterval(() => { if (!document.hidden) loadList(); }, POLL_MS);
  }

  function stopPolling() {
    clearInterval(state.pollTimer);
    state.pollTimer = null;
  }

  function handleEvent(frame) {
    const data = frame && frame.Data;
    const type = frame && frame.Type;
    if (type === 'new' || type === 'delete' || type === 'truncate') live.seq += 1;
    switch (type) {
      case 'new': {
        if (!data || !data.ID) return;
        if (state.query) { refreshSoon(); return; }
        remember(live.added, data.ID, { seq: live.seq, summary: data });
        if (state.messages.some((m) => m.ID === data.ID)) return;
        state.messages.unshift(data);
        state.total += 1; state.matching += 1;
        if (!data.Read) state.unread += 1;
        renderList({ fresh: data.ID });
        announce(`New message to ${mailboxes(data.To) || 'nobody'}: ${data.Subject || '(no subject)'}`);
        break;
      }
      case 'delete':
        if (data && Array.isArray(data.IDs)) {
          for (const id of data.IDs) remember(live.deleted, id, live.seq);
          removeLocally(data.IDs);
          refreshSoon();
        }
        break;
      case 'truncate':
        // Everything deleted, or this page fell behind the event stream: either way, start over.
        live.truncated = live.seq;
        clearLocally();
        refreshSoon();
        break;
      case 'update': {
        // Read or unread, here or elsewhere; the `stats` frame that follows carries the counts.
        const m = data && state.messages.find((x) => x.ID === data.ID);
        if (m && typeof data.Read === 'boolean' && m.Read !== data.Read) {
          m.Read = data.Read;
          renderList();
        }
        break;
      }
      case 'stats':
        if (data) {
          const total = data.Total ?? data.total;
          const unread = data.Unread ?? data.unread;
          if (typeof total === 'number') state.total = total;
          if (typeof unread === 'number') state.unread = unread;
          if (!state.query && typeof total === 'number') state.matching = total;
          renderCounts();
          el.more.hidden = state.messages.length >= state.matching;
        }
        break;
      default:
        break;
    }
  }

  // ---------- namespaces ----------

  let namespacesUnavailable = false;
  let lastNamespaceLoad = 0;

  async function loadNamespaces() {
    if (namespacesUnavailable || Date.now() - lastNamespaceLoad < 3000) return;
    lastNamespaceLoad = Date.now();
    try {
      const response = await fetch('/__admin/namespaces', { cache: 'no-store' });
      if (response.status === 401 || response.status === 403 || response.status === 404) {
        namespacesUnavailable = true;
        el.namespace.title = 'The namespace list is not available here; type a namespace name.';
        return;
      }
      if (!response.ok) return;
      const names = await response.json();
      if (!Array.isArray(names)) return;
      el.namespaceList.replaceChildren(...names.filter((n) => typeof n === 'string' && n !== '')
        .map((name) => h('option', { value: name })));
    } catch { /* offline or not there: free-text entry still works */ }
  }

  function switchNamespace(name, { push = false } = {}) {
    const value = (name || '').trim();
    if (!NAMESPACE_RE.test(value)) {
      el.namespace.setAttribute('aria-invalid', 'true');
      showError('A namespace is up to 64 letters, digits, dots, underscores or hyphens.');
      el.namespace.focus();
      return;
    }
    el.namespace.removeAttribute('aria-invalid');
    el.namespace.value = value;
    if (value === state.namespace) { loadList(); return; }
    state.namespace = value;
    state.generation += 1;
    try { localStorage.setItem(STORE_KEY, value); } catch { /* private mode */ }
    state.messages = []; state.total = 0; state.unread = 0; state.matching = 0;
    closeMessage({ push: false, focusList: false });
    updateUrl({ push });
    renderList();
    disconnect();
    setConnection('connecting');
    state.wsAttempts = 0;
    connect();
    loadList({ keep: false });
    announce(`Showing ${value ? `namespace ${value}` : 'the default namespace'}.`);
  }

  // ---------- URL ----------

  function updateUrl({ push }) {
    const params = new URLSearchParams();
    if (state.namespace) params.set('ns', state.namespace);
    if (state.query) params.set('q', state.query);
    if (state.selectedId) params.set('id', state.selectedId);
    const url = `${location.pathname}${params.toString() ? `?${params}` : ''}`;
    if (url === `${location.pathname}${location.search}`) return;
    if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
  }

  function fromUrl() {
    const params = new URLSearchParams(location.search);
    let ns = params.get('ns');
    if (ns === null) { try { ns = localStorage.getItem(STORE_KEY) || ''; } catch { ns = ''; } }
    return { ns: NAMESPACE_RE.test(ns) ? ns : '', q: params.get('q') || '', id: params.get('id') };
  }

  // ---------- events ----------

  el.list.addEventListener('click', (event) => {
    const link = event.target.closest('a.row-link');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    for (const r of rowLinks()) r.tabIndex = -1;
    link.tabIndex = 0;
    // Keyboard activation (Enter) reports detail 0: then move focus into the message.
    openMessage(link.dataset.id, { focus: event.detail === 0 || document.body.classList.contains('narrow') });
  });

  el.list.addEventListener('keydown', (event) => {
    const link = event.target.closest('a.row-link');
    if (!link) return;
    const moves = { ArrowDown: 1, ArrowUp: -1, Home: -Infinity, End: Infinity, j: 1, k: -1 };
    if (event.key in moves && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      moveFocus(link, moves[event.key]);
    } else if (event.key === 'Delete') {
      event.preventDefault();
      deleteMessages([link.dataset.id]);
    } else if (event.key === ' ') {
      event.preventDefault();
      link.click();
    }
  });

  el.tabs.addEventListener('click', (event) => {
    const tab = event.target.closest('[role="tab"]');
    if (tab) selectTab(tab.id.replace('tab-', ''));
  });

  el.tabs.addEventListener('keydown', (event) => {
    const index = TABS.indexOf(state.tab);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: TABS.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    selectTab(TABS[(next + TABS.length) % TABS.length]);
  });

  el.searchForm.addEventListener('submit', (event) => {
    event.preventDefault();
    runSearch(el.search.value);
  });
  const searchSoon = debounce((value) => runSearch(value), 300);
  el.search.addEventListener('input', () => searchSoon(el.search.value));
  el.search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && el.search.value) { event.preventDefault(); el.search.value = ''; runSearch(''); }
  });

  function runSearch(value) {
    const query = value.trim();
    if (query === state.query) return;
    state.query = query;
    updateUrl({ push: false });
    loadList({ keep: false });
  }

  el.namespaceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    switchNamespace(el.namespace.value, { push: true });
  });
  el.namespace.addEventListener('change', () => switchNamespace(el.namespace.value, { push: true }));
  el.namespace.addEventListener('focus', loadNamespaces);

  el.more.addEventListener('click', loadMore);
  el.deleteAll.addEventListener('click', deleteAll);
  el.markAllRead.addEventListener('click', markAllRead);
  el.back.addEventListener('click', () => closeMessage());
  el.deleteOne.addEventListener('click', () => { if (state.selectedId) deleteMessages([state.selectedId]); });
  el.copyLink.addEventListener('click', () => { if (state.reset && state.reset.link) copyText(state.reset.link, 'Link'); });
  el.copyToken.addEventListener('click', () => { if (state.reset) copyText(state.reset.token, 'Token'); });
  el.toast.addEventListener('click', () => { el.toast.hidden = true; });

  el.message.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') { event.preventDefault(); closeMessage(); }
  });

  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest && event.target.closest('input, textarea, select, [contenteditable]');
    if (event.key === '/' && !typing) {
      event.preventDefault();
      el.search.focus();
      el.search.select();
    }
  });

  window.addEventListener('popstate', () => {
    const { ns, q, id } = fromUrl();
    if (ns !== state.namespace) switchNamespace(ns);
    if (q !== state.query) { state.query = q; el.search.value = q; loadList({ keep: false }); }
    if (id && id !== state.selectedId) openMessage(id, { push: false });
    else if (!id && state.selectedId) closeMessage({ push: false });
  });

  const narrow = window.matchMedia('(max-width: 760px)');
  const onWidth = () => document.body.classList.toggle('narrow', narrow.matches);
  narrow.addEventListener('change', onWidth);
  onWidth();

  document.addEventListener('visibilitychange', () => { if (!document.hidden && !state.live) loadList(); });
  setInterval(refreshTimes, 30000);

  // ---------- start ----------

  const initial = fromUrl();
  state.namespace = initial.ns;
  state.query = initial.q;
  el.namespace.value = initial.ns;
  el.search.value = initial.q;
  renderList();
  setConnection('connecting');
  connect();
  loadList({ keep: false });
  loadNamespaces();
  if (initial.id) openMessage(initial.id, { push: false });
  document.documentElement.dataset.ready = 'true';
})();
