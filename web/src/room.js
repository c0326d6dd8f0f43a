// One open room: history (paged back on demand), live messages in seq order, the statuses of
// one's own sends with a retry for FAILED ones, changes (edit, delete, reactions, pins,
// previews), typing, presence, read receipts, threads, forwarding, bookmarks, schedules.
import { h, replace, tempId, time } from './dom.js';

const reactions = ['👍', '❤️', '😂'];

export class RoomView {
  constructor(app, roomId) {
    this.app = app;
    this.api = app.api;
    this.live = app.live;
    this.roomId = roomId;
    this.room = app.rooms.get(roomId) || { id: roomId, title: '', participants: [] };
    this.messages = new Map(); // seq -> message
    this.pending = new Map(); // tempId -> {content, status, error}
    this.typing = new Map(); // userId -> timer
    this.online = new Set();
    this.readSeq = new Map(); // userId -> readSeq
    this.hasMore = false;
    this.thread = null;
    this.build();
    this.load();
  }

  get me() { return this.app.me; }
  get lastSeq() { return Math.max(0, ...this.messages.keys()); }
  topic(name) { return `/topic/${name}/${this.roomId}`; }

  build() {
    this.title = h('h2', { 'data-testid': 'room-title' });
    this.presence = h('ul', { className: 'presence', 'data-testid': 'presence' });
    this.pins = h('div', { className: 'pins', 'data-testid': 'pins' });
    this.more = h('button', { className: 'link', 'data-testid': 'older', onClick: () => this.loadOlder() }, 'older messages');
    this.list = h('ol', { className: 'messages', 'data-testid': 'messages' });
    this.typingLine = h('p', { className: 'typing', 'data-testid': 'typing' });
    this.errorLine = h('p', { className: 'error', 'data-testid': 'room-error' });
    this.input = h('textarea', { 'data-testid': 'composer', rows: 2, placeholder: 'Write a message',
      onInput: () => this.typed(), onKeydown: e => {
        if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); this.send(); }
      } });
    this.when = h('input', { type: 'datetime-local', 'data-testid': 'schedule-at', title: 'send later' });
    this.recurrence = h('select', { 'data-testid': 'schedule-recurrence' },
      ['', 'DAILY', 'WEEKLY', 'MONTHLY'].map(r => h('option', { value: r }, r || 'once')));
    this.schedules = h('ul', { className: 'schedules', 'data-testid': 'schedules' });
    this.threadPanel = h('div', { className: 'thread', hidden: true, 'data-testid': 'thread' });
    this.element = h('div', { className: 'room-view' },
      h('header', {}, this.title, this.presence), this.pins,
      h('div', { className: 'timeline' }, this.more, this.list), this.typingLine, this.errorLine,
      h('form', { className: 'composer', onSubmit: e => { e.preventDefault(); this.send(); } },
        this.input, h('button', { type: 'submit', 'data-testid': 'send' }, 'Send'),
        h('details', {}, h('summary', {}, 'Send later'), this.when, this.recurrence,
          h('button', { type: 'button', 'data-testid': 'schedule', onClick: () => this.schedule() }, 'Schedule'),
          this.schedules)),
      this.threadPanel);
    this.onRoom(this.room);
  }

  async load() {
    try {
      const page = await this.api.get(`/api/v1/messages/${this.roomId}?limit=50`);
      for (const message of page.messages) this.messages.set(message.seq, message);
      this.hasMore = page.hasMore;
      const participants = await this.api.get(`/api/v1/chatrooms/${this.roomId}/participants`);
      for (const p of participants) {
        this.readSeq.set(p.id, p.readSeq || 0);
        if (p.online) this.online.add(p.id);
      }
    } catch (e) {
      this.errorLine.textContent = e.message;
    }
    if (this.closed) return;
    // since-seq: on every (re)connect, the server replays what came after what is shown.
    this.live.subscribe(this.topic('messages'), m => this.onMessage(m), () => ({ 'since-seq': String(this.lastSeq) }));
    this.live.subscribe(this.topic('message/status'), s => this.onStatus(s));
    this.live.subscribe(this.topic('message/updates'), u => this.onChange(u));
    this.live.subscribe(this.topic('typing'), t => this.onTyping(t));
    this.live.subscribe(this.topic('active'), a => this.onActive(a));
    this.live.subscribe(this.topic('read'), r => { this.readSeq.set(r.userId, r.readSeq); this.render(); });
    this.render(true);
    this.markRead();
    this.loadSchedules();
  }

  close() {
    this.closed = true;
    for (const name of ['messages', 'message/status', 'message/updates', 'typing', 'active', 'read'])
      this.live.unsubscribe(this.topic(name));
    if (this.thread) this.live.unsubscribe(`/topic/thread/${this.thread.parentId}`);
  }

  async loadOlder() {
    const first = Math.min(...this.messages.keys());
    const page = await this.api.get(`/api/v1/messages/${this.roomId}?beforeSeq=${first}&limit=50`);
    for (const message of page.messages) this.messages.set(message.seq, message);
    this.hasMore = page.hasMore;
    this.render();
  }

  onRoom(room) {
    this.room = room;
    this.title.textContent = room.title || 'direct';
    replace(this.pins, (room.pinned || []).map(pin => h('span', { className: 'pin' }, '📌 ',
      pin.message.hidden ? 'hidden message' : pin.message.content.slice(0, 80))));
    this.renderPresence();
  }

  onMessage(message) {
    if (message.threadId && this.thread?.parentId === message.threadId) this.onThreadReply(message);
    const known = this.messages.get(message.seq);
    if (known && (known.version || 0) > (message.version || 0)) return;
    this.messages.set(message.seq, message);
    if (message.senderId === this.me.id) this.pending.delete(message.tempId);
    this.typing.delete(message.senderId);
    this.render(true);
    this.markRead();
  }

  onStatus(status) {
    const entry = this.pending.get(status.tempId);
    if (!entry) return;
    if (status.status === 'SAVED') {
      // The message itself arrives on the room topic; until then it shows SAVED here.
      entry.status = 'SAVED';
      if ([...this.messages.values()].some(m => m.tempId === status.tempId && m.senderId === this.me.id))
        this.pending.delete(status.tempId);
    } else {
      entry.status = status.status;
      entry.error = status.errorMessage;
    }
    this.render();
  }

  onChange(change) {
    const message = change.message;
    const known = this.messages.get(message.seq);
    if (known && (known.version || 0) >= change.version) return;
    this.messages.set(message.seq, { ...message, version: change.version });
    this.render();
    if (change.kind === 'PINNED' || change.kind === 'UNPINNED')
      this.api.get(`/api/v1/chatrooms/${this.roomId}`).then(room => this.onRoom(room)).catch(() => {});
  }

  onTyping(event) {
    if (event.userId === this.me.id) return;
    clearTimeout(this.typing.get(event.userId));
    if (event.isTyping) this.typing.set(event.userId, setTimeout(() => { this.typing.delete(event.userId); this.renderTyping(); }, 5000));
    else this.typing.delete(event.userId);
    this.renderTyping();
  }

  onActive(event) {
    if (event.active) this.online.add(event.userId);
    else this.online.delete(event.userId);
    this.renderPresence();
  }

  onError(error) {
    if (error.tempId && this.pending.has(error.tempId)) {
      Object.assign(this.pending.get(error.tempId), { status: 'FAILED', error: error.message });
      this.render();
    }
    this.errorLine.textContent = error.message || error.code;
  }

  nameOf(userId) {
    const user = (this.room.participants || []).find(p => p.id === userId);
    return user ? user.nickname || user.username : `user ${userId}`;
  }

  send(content = this.input.value.trim(), id = tempId()) {
    if (!content) return;
    this.pending.set(id, { content, status: 'SENDING' });
    this.input.value = '';
    this.errorLine.textContent = '';
    if (!this.live.send('/app/chat', { roomId: this.roomId, content, tempId: id }))
      Object.assign(this.pending.get(id), { status: 'FAILED', error: 'not connected' });
    this.stopTyping();
    this.render(true);
  }

  retry(id) {
    const entry = this.pending.get(id);
    this.pending.delete(id);
    // A new tempId: the old one is bound to its FAILED outcome.
    this.send(entry.content, tempId());
  }

  typed() {
    const now = Date.now();
    if (!this.typingSince || now - this.typingSince > 2000) {
      this.typingSince = now;
      this.live.send('/app/typing', { roomId: this.roomId, isTyping: true });
    }
    clearTimeout(this.typingStop);
    this.typingStop = setTimeout(() => this.stopTyping(), 3000);
  }

  stopTyping() {
    clearTimeout(this.typingStop);
    if (this.typingSince) this.live.send('/app/typing', { roomId: this.roomId, isTyping: false });
    this.typingSince = 0;
  }

  markRead() {
    const seq = this.lastSeq;
    if (seq <= (this.readSent || 0) || document.hidden) return;
    this.readSent = seq;
    this.live.send('/app/read', { roomId: this.roomId, seq });
  }

  render(scroll = false) {
    const nearBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
    this.more.hidden = !this.hasMore;
    const sorted = [...this.messages.values()].sort((a, b) => a.seq - b.seq).filter(m => !m.threadId);
    const pending = [...this.pending.entries()].map(([id, entry]) => this.renderPending(id, entry));
    replace(this.list, sorted.map(m => this.renderMessage(m)), pending);
    if (scroll || nearBottom) this.list.scrollTop = this.list.scrollHeight;
    this.renderTyping();
  }

  renderPending(id, entry) {
    return h('li', { className: `message mine ${entry.status.toLowerCase()}`, 'data-temp-id': id },
      h('div', { className: 'text' }, entry.content),
      h('span', { className: 'status', 'data-status': entry.status }, entry.status),
      entry.status === 'FAILED' ? h('span', {}, entry.error ? ` ${entry.error} ` : ' ',
        h('button', { className: 'link', 'data-testid': 'retry', onClick: () => this.retry(id) }, 'retry')) : null);
  }

  renderMessage(message) {
    const mine = message.senderId === this.me.id;
    const readers = [...this.readSeq.entries()].filter(([user, seq]) => user !== this.me.id && seq >= message.seq).length;
    const actions = message.deleted || message.hidden ? [] : [
      ...reactions.map(r => h('button', { className: 'react', title: `react ${r}`, 'data-reaction': r,
        onClick: () => this.react(message, r) }, r)),
      mine ? h('button', { className: 'link', 'data-testid': 'edit', onClick: e => this.edit(e.target.closest('li'), message) }, 'edit') : null,
      mine || ['OWNER', 'ADMIN'].includes(this.room.myRole)
        ? h('button', { className: 'link', 'data-testid': 'delete', onClick: () => this.live.send('/app/delete', { messageId: message.id }) }, 'delete') : null,
      ['OWNER', 'ADMIN'].includes(this.room.myRole)
        ? h('button', { className: 'link', 'data-testid': 'pin', onClick: () => this.live.send('/app/pin/toggle', { roomId: this.roomId, messageId: message.id }) }, message.pinned ? 'unpin' : 'pin') : null,
      h('button', { className: 'link', 'data-testid': 'reply', onClick: () => this.openThread(message) }, 'thread'),
      h('button', { className: 'link', 'data-testid': 'forward', onClick: e => this.forward(e.target.closest('li'), message) }, 'forward'),
      h('button', { className: 'link', 'data-testid': 'bookmark', onClick: () => this.api.post('/api/v1/messages/bookmark', { messageId: message.id }).then(() => { this.errorLine.textContent = 'bookmarked'; }) }, 'bookmark'),
    ];
    const preview = message.urlPreview;
    return h('li', { className: `message${mine ? ' mine' : ''}${message.deleted ? ' deleted' : ''}`, 'data-seq': message.seq, 'data-message-id': message.id },
      h('div', { className: 'meta' }, h('b', {}, this.nameOf(message.senderId)), ' ', time(message.createdAt),
        message.editedAt ? h('i', { 'data-testid': 'edited' }, ' (edited)') : null,
        message.forwardedFrom ? h('i', {}, ' forwarded') : null,
        message.pinned ? ' 📌' : null),
      h('div', { className: 'text', 'data-testid': 'content' }, message.hidden ? 'hidden message' : message.deleted ? 'message deleted' : message.content),
      preview ? h('a', { className: 'preview', href: preview.url, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'preview' },
        preview.imageUrl ? h('img', { src: preview.imageUrl, alt: '' }) : null,
        h('b', {}, preview.title || preview.url), h('small', {}, preview.siteName || ''), h('p', {}, preview.description || '')) : null,
      (message.reactions || []).length ? h('div', { className: 'reactions', 'data-testid': 'reactions' },
        message.reactions.map(r => h('span', { className: r.userIds.includes(this.me.id) ? 'reaction mine' : 'reaction', 'data-reaction': r.reaction }, `${r.reaction} ${r.count}`))) : null,
      message.replyCount ? h('button', { className: 'link', onClick: () => this.openThread(message) }, `${message.replyCount} replies`) : null,
      mine ? h('span', { className: 'status', 'data-status': 'SAVED' }, readers ? `✓ read by ${readers}` : '✓ SAVED') : null,
      h('div', { className: 'actions' }, actions));
  }

  renderTyping() {
    const names = [...this.typing.keys()].map(id => this.nameOf(id));
    this.typingLine.textContent = names.length ? `${names.join(', ')} typing…` : '';
  }

  renderPresence() {
    replace(this.presence, (this.room.participants || []).map(p =>
      h('li', { className: this.online.has(p.id) ? 'online' : '', 'data-user-id': p.id }, p.nickname || p.username)));
  }

  react(message, reaction) {
    const mine = (message.reactions || []).some(r => r.reaction === reaction && r.userIds.includes(this.me.id));
    this.live.send('/app/reaction', { messageId: message.id, reaction, add: !mine });
  }

  edit(item, message) {
    const field = h('input', { value: message.content, 'data-testid': 'edit-input' });
    const form = h('form', { className: 'inline', onSubmit: e => {
      e.preventDefault();
      if (field.value.trim()) this.live.send('/app/edit', { messageId: message.id, content: field.value.trim() });
      form.remove();
    } }, field, h('button', { type: 'submit', 'data-testid': 'edit-save' }, 'save'));
    item.append(form);
    field.focus();
  }

  forward(item, message) {
    const rooms = [...this.app.rooms.values()].filter(r => r.id !== this.roomId);
    const target = h('select', { 'data-testid': 'forward-target' }, rooms.map(r => h('option', { value: r.id }, r.title || 'direct')));
    const form = h('form', { className: 'inline', onSubmit: async e => {
      e.preventDefault();
      form.remove();
      try {
        await this.api.post('/api/v1/messages/forward', { messageId: message.id, targetRoomIds: [Number(target.value)] });
      } catch (err) { this.errorLine.textContent = err.message; }
    } }, target, h('button', { type: 'submit' }, 'forward'));
    if (rooms.length) item.append(form);
  }

  async openThread(parent) {
    if (this.thread) this.live.unsubscribe(`/topic/thread/${this.thread.parentId}`);
    const list = h('ol', { className: 'messages' });
    const input = h('input', { placeholder: 'Reply in thread', 'data-testid': 'thread-composer' });
    this.thread = { parentId: parent.id, replies: new Map(), list };
    replace(this.threadPanel, h('header', {}, h('b', {}, 'Thread'), ' ', parent.content.slice(0, 80),
      h('button', { className: 'link', onClick: () => { this.live.unsubscribe(`/topic/thread/${parent.id}`); this.thread = null; this.threadPanel.hidden = true; } }, 'close')),
    list, h('form', { onSubmit: e => {
      e.preventDefault();
      if (!input.value.trim()) return;
      this.live.send('/app/thread', { roomId: this.roomId, parentMessageId: parent.id, content: input.value.trim(), tempId: tempId() });
      input.value = '';
    } }, input));
    this.threadPanel.hidden = false;
    const page = await this.api.get(`/api/v1/messages/thread?parentMessageId=${encodeURIComponent(parent.id)}&limit=100`);
    for (const reply of page.messages) this.thread.replies.set(reply.seq, reply);
    this.renderThread();
    this.live.subscribe(`/topic/thread/${parent.id}`, reply => this.onThreadReply(reply));
  }

  onThreadReply(reply) {
    if (!this.thread || reply.threadId !== this.thread.parentId) return;
    this.thread.replies.set(reply.seq, reply);
    this.renderThread();
  }

  renderThread() {
    const replies = [...this.thread.replies.values()].sort((a, b) => a.seq - b.seq);
    replace(this.thread.list, replies.map(r => h('li', { className: 'message', 'data-seq': r.seq },
      h('b', {}, this.nameOf(r.senderId)), ' ', r.deleted ? 'message deleted' : r.content)));
  }

  async schedule() {
    const content = this.input.value.trim();
    if (!content || !this.when.value) { this.errorLine.textContent = 'write a message and pick a time'; return; }
    try {
      await this.api.post('/api/v1/messages/schedule', { roomId: this.roomId, content,
        scheduledAt: new Date(this.when.value).toISOString(), recurrence: this.recurrence.value || undefined });
      this.input.value = '';
      this.loadSchedules();
    } catch (e) { this.errorLine.textContent = e.message; }
  }

  async loadSchedules() {
    const schedules = await this.api.get(`/api/v1/messages/schedule?roomId=${this.roomId}`).catch(() => []);
    replace(this.schedules, schedules.filter(s => s.status === 'PENDING').map(s => h('li', {},
      `${new Date(s.scheduledAt).toLocaleString()} ${s.recurrence || ''}: ${s.content}`,
      h('button', { className: 'link', onClick: () => this.api.delete(`/api/v1/messages/schedule/${s.id}`).then(() => this.loadSchedules()) }, 'cancel'))));
  }
}
