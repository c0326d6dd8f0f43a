// The web client: log in, the room list with unread counts, one open room, people. Only the
// public contract of docs/api.md is used (REST and STOMP over /ws/chat).
import './app.css';
import { Api } from './api.js';
import { h, replace } from './dom.js';
import { Live } from './live.js';
import { RoomView } from './room.js';
import { PeoplePanel } from './people.js';

const api = new Api();
const root = document.getElementById('root');
const app = { api, live: null, rooms: new Map(), view: null, me: null };
window.shoot = app; // for the browser tests and the curious

function showLogin(message = '') {
  const username = h('input', { name: 'username', placeholder: 'username', autocomplete: 'username', required: true });
  const password = h('input', { name: 'password', type: 'password', placeholder: 'password', autocomplete: 'current-password', required: true });
  const nickname = h('input', { name: 'nickname', placeholder: 'nickname (sign up)' });
  const error = h('p', { className: 'error', 'data-testid': 'auth-error' }, message);
  const act = async signup => {
    error.textContent = '';
    try {
      if (signup) await api.signup(username.value.trim(), password.value, nickname.value.trim());
      await api.login(username.value.trim(), password.value);
      await start();
    } catch (e) {
      error.textContent = e.message;
    }
  };
  replace(root, h('main', { className: 'login' },
    h('h1', {}, 'Shoot'),
    h('form', { onSubmit: e => { e.preventDefault(); act(false); } },
      username, password, nickname,
      h('div', { className: 'row' },
        h('button', { type: 'submit', 'data-testid': 'login' }, 'Log in'),
        h('button', { type: 'button', 'data-testid': 'signup', onClick: () => act(true) }, 'Sign up')),
      error),
    h('p', { className: 'hint' }, 'API docs: ', h('a', { href: '/swagger-ui/' }, '/swagger-ui/'))));
}

async function start() {
  app.me = await api.get('/api/v1/users/me');
  const connection = h('span', { className: 'connection connecting', 'data-testid': 'connection' }, 'connecting');
  const roomList = h('ul', { className: 'rooms', 'data-testid': 'rooms' });
  const main = h('section', { className: 'room' }, h('p', { className: 'hint' }, 'Pick a room or create one.'));
  const side = h('aside', {},
    h('header', {}, h('strong', { 'data-testid': 'me' }, app.me.nickname || app.me.username), connection,
      h('button', { className: 'link', onClick: () => logout() }, 'log out')),
    newRoomForm(), roomList);
  const people = new PeoplePanel(app);
  replace(root, h('div', { className: 'shell' }, side, main, people.element));
  app.renderRooms = () => renderRooms(roomList);
  app.main = main;
  app.live = new Live(api, {
    onState: state => {
      // Room updates sent while the connection was down are gone: read the list again.
      if (state === 'online' && connection.textContent === 'reconnecting') loadRooms().catch(() => {});
      connection.className = `connection ${state}`;
      connection.textContent = state;
    },
  });
  app.live.subscribe('/user/queue/room-updates', update => onRoomUpdate(update));
  app.live.subscribe('/user/queue/errors', error => app.view?.onError(error));
  app.live.subscribe('/user/queue/friends', () => people.refresh());
  app.live.start();
  await loadRooms();
  people.refresh();
}

async function loadRooms() {
  const rooms = await api.get('/api/v1/chatrooms');
  app.rooms = new Map(rooms.map(room => [room.id, room]));
  app.renderRooms();
}

function onRoomUpdate(update) {
  if ('room' in update && update.room === null) {
    app.rooms.delete(update.roomId);
    if (app.view?.roomId === update.roomId) closeRoom();
  } else if (update.room) {
    app.rooms.set(update.roomId, update.room);
    if (app.view?.roomId === update.roomId) app.view.onRoom(update.room);
  } else {
    const room = app.rooms.get(update.roomId);
    if (!room) return loadRooms();
    if ('lastMessage' in update) room.lastMessage = update.lastMessage;
    if ('unreadCount' in update) room.unreadCount = update.unreadCount;
    if (update.lastActivityAt) room.lastActivityAt = update.lastActivityAt;
  }
  app.renderRooms();
}

function renderRooms(list) {
  const rooms = [...app.rooms.values()].sort((a, b) =>
    String(b.lastActivityAt || '').localeCompare(String(a.lastActivityAt || '')) || b.id - a.id);
  replace(list, rooms.map(room => {
    const viewing = app.view?.roomId === room.id;
    const unread = viewing ? 0 : room.unreadCount || 0;
    const last = room.lastMessage;
    return h('li', { 'data-room-id': room.id, className: viewing ? 'selected' : '', onClick: () => openRoom(room.id) },
      h('span', { className: 'title' }, room.title || 'direct', room.favorite ? ' ★' : ''),
      unread > 0 ? h('span', { className: 'unread', 'data-testid': 'unread' }, unread) : null,
      h('small', {}, last ? (last.hidden ? 'hidden message' : last.deleted ? 'deleted' : last.content.slice(0, 60)) : 'no messages yet'));
  }));
}

function newRoomForm() {
  const title = h('input', { name: 'title', placeholder: 'new room title' });
  const members = h('input', { name: 'members', placeholder: 'usernames, comma-separated' });
  const error = h('small', { className: 'error' });
  return h('form', { className: 'new-room', 'data-testid': 'new-room', onSubmit: async e => {
    e.preventDefault();
    error.textContent = '';
    try {
      const ids = await resolveUsers(members.value);
      const room = await api.post('/api/v1/chatrooms', { title: title.value.trim(), type: 'GROUP', participantIds: ids });
      app.rooms.set(room.id, room);
      title.value = members.value = '';
      app.renderRooms();
      openRoom(room.id);
    } catch (err) {
      error.textContent = err.message;
    }
  } }, title, members, h('button', { type: 'submit' }, 'Create room'), error);
}

export async function resolveUsers(text) {
  const names = text.split(',').map(s => s.trim()).filter(Boolean);
  const ids = [];
  for (const name of names) {
    const found = await api.get(`/api/v1/users/search?q=${encodeURIComponent(name)}&limit=50`);
    const user = found.find(u => u.username === name);
    if (!user) throw new Error(`no user ${name}`);
    ids.push(user.id);
  }
  return ids;
}
app.resolveUsers = resolveUsers;

function openRoom(roomId) {
  if (app.view?.roomId === roomId) return;
  app.view?.close();
  app.view = new RoomView(app, roomId);
  replace(app.main, app.view.element);
  const room = app.rooms.get(roomId);
  if (room) room.unreadCount = 0;
  app.renderRooms();
}
app.openRoom = openRoom;

function closeRoom() {
  app.view?.close();
  app.view = null;
  replace(app.main, h('p', { className: 'hint' }, 'Pick a room or create one.'));
}

async function logout() {
  closeRoom();
  await app.live?.stop();
  api.logout();
  showLogin();
}

showLogin();
