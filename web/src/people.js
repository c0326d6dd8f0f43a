// People: the caller's status, friends and requests (live on /user/queue/friends), user search
// with "add friend", "message" and "block", the blocked list, and friend recommendations.
import { h, replace } from './dom.js';

export class PeoplePanel {
  constructor(app) {
    this.app = app;
    this.api = app.api;
    this.friends = h('ul', { 'data-testid': 'friends' });
    this.requests = h('ul', { 'data-testid': 'friend-requests' });
    this.blocked = h('ul', { 'data-testid': 'blocked' });
    this.found = h('ul', { 'data-testid': 'user-results' });
    this.suggested = h('ul', { 'data-testid': 'recommendations' });
    this.query = h('input', { placeholder: 'find people', 'data-testid': 'user-search' });
    this.status = h('select', { 'data-testid': 'status', onChange: () => this.setStatus() },
      ['ONLINE', 'AWAY', 'BUSY', 'OFFLINE'].map(s => h('option', { value: s }, s.toLowerCase())));
    this.error = h('small', { className: 'error' });
    this.element = h('aside', { className: 'people' },
      h('h3', {}, 'Status'), this.status,
      h('form', { onSubmit: e => { e.preventDefault(); this.search(); } }, this.query, h('button', { type: 'submit' }, 'search')),
      this.found, this.error,
      h('h3', {}, 'Friend requests'), this.requests,
      h('h3', {}, 'Friends'), this.friends,
      h('h3', {}, 'People you may know'), this.suggested,
      h('h3', {}, 'Blocked'), this.blocked);
  }

  label(user) { return user.nickname && user.nickname !== user.username ? `${user.nickname} (@${user.username})` : `@${user.username}`; }

  act(promise) {
    this.error.textContent = '';
    return promise.then(() => this.refresh()).catch(e => { this.error.textContent = e.message; });
  }

  async refresh() {
    const [friends, requests, blocked, suggested] = await Promise.all([
      this.api.get('/api/v1/users/friends'), this.api.get('/api/v1/users/friends/requests'),
      this.api.get('/api/v1/users/blocked'), this.api.get('/api/v1/users/recommendations?limit=5'),
    ]).catch(() => [[], { incoming: [], outgoing: [] }, [], []]);
    replace(this.friends, friends.map(f => h('li', { className: f.online ? 'online' : '' }, this.label(f),
      h('button', { className: 'link', onClick: () => this.direct(f) }, 'message'),
      h('button', { className: 'link', onClick: () => this.act(this.api.delete(`/api/v1/users/friends/${f.id}`)) }, 'remove'))));
    replace(this.requests,
      requests.incoming.map(r => h('li', {}, this.label(r.from),
        h('button', { className: 'link', 'data-testid': 'accept', onClick: () => this.act(this.api.post(`/api/v1/users/friends/requests/${r.id}/accept`)) }, 'accept'),
        h('button', { className: 'link', onClick: () => this.act(this.api.post(`/api/v1/users/friends/requests/${r.id}/reject`)) }, 'reject'))),
      requests.outgoing.map(r => h('li', { className: 'muted' }, `asked ${this.label(r.to)}`)));
    replace(this.blocked, blocked.map(u => h('li', {}, this.label(u),
      h('button', { className: 'link', onClick: () => this.act(this.api.delete(`/api/v1/users/block/${u.id}`)) }, 'unblock'))));
    replace(this.suggested, suggested.map(s => h('li', {}, this.label(s.user), ` ${s.mutualFriends} mutual`,
      h('button', { className: 'link', onClick: () => this.act(this.api.post('/api/v1/users/friends/requests', { userId: s.user.id })) }, 'add'))));
  }

  async search() {
    const q = this.query.value.trim();
    if (q.length < 2) { this.error.textContent = 'at least 2 characters'; return; }
    const users = await this.api.get(`/api/v1/users/search?q=${encodeURIComponent(q)}`).catch(e => { this.error.textContent = e.message; return []; });
    replace(this.found, users.filter(u => u.id !== this.app.me.id).map(u => h('li', {}, this.label(u),
      h('button', { className: 'link', onClick: () => this.act(this.api.post('/api/v1/users/friends/requests', { userId: u.id })) }, 'add friend'),
      h('button', { className: 'link', onClick: () => this.direct(u) }, 'message'),
      h('button', { className: 'link', onClick: () => this.act(this.api.post('/api/v1/users/block', { targetUserId: u.id })) }, 'block'))));
  }

  async direct(user) {
    try {
      const existing = [...this.app.rooms.values()].find(r => r.type === 'DIRECT' && r.participants.some(p => p.id === user.id));
      const room = existing || await this.api.post('/api/v1/chatrooms', { title: '', type: 'DIRECT', participantIds: [user.id] });
      this.app.rooms.set(room.id, room);
      this.app.renderRooms();
      this.app.openRoom(room.id);
    } catch (e) { this.error.textContent = e.message; }
  }

  setStatus() {
    this.act(this.api.put('/api/v1/users/status', { status: this.status.value }));
  }
}
