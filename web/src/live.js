// The STOMP session: reconnects on its own, and on every (re)connect subscribes again, asking
// each room topic to replay what was missed (since-seq) so that nothing is lost or shown twice.
import { Client } from '@stomp/stompjs';

export class Live {
  constructor(api, { onState = () => {} } = {}) {
    this.api = api;
    this.onState = onState;
    this.wanted = new Map(); // destination -> {handler, headers()}
    this.active = new Map(); // destination -> stomp subscription
    this.state = 'connecting';
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    this.client = new Client({
      brokerURL: `${scheme}://${location.host}/ws/chat`,
      reconnectDelay: 1000,
      heartbeatIncoming: 10000,
      heartbeatOutgoing: 10000,
      beforeConnect: () => {
        this.client.connectHeaders = { Authorization: `Bearer ${this.api.accessToken}` };
      },
      onConnect: () => {
        this.active.clear();
        for (const destination of this.wanted.keys()) this.attach(destination);
        this.setState('online');
      },
      onWebSocketClose: () => {
        this.active.clear();
        if (this.client.active) this.setState('reconnecting');
      },
      onStompError: frame => {
        // An open session ends when its access token expires; fresh ones are sent on, below.
        // A refused CONNECT is most likely an expired token: refresh it for the next try.
        if (/auth|token/i.test(frame.headers.message || '')) this.api.refresh().catch(() => {});
      },
    });
  }

  start() {
    // Each refreshed access token keeps the open session alive (/app/token).
    const previous = this.api.onTokens;
    this.api.onTokens = tokens => {
      previous(tokens);
      if (this.client.connected)
        this.client.publish({ destination: '/app/token', body: JSON.stringify({ accessToken: tokens.accessToken }) });
    };
    this.client.activate();
  }

  async stop() { await this.client.deactivate(); }

  setState(state) {
    this.state = state;
    this.onState(state);
  }

  /// Keeps `destination` subscribed across reconnects; `headers()` is asked at each (re)subscribe.
  subscribe(destination, handler, headers = () => ({})) {
    this.wanted.set(destination, { handler, headers });
    if (this.client.connected) this.attach(destination);
  }

  unsubscribe(destination) {
    this.wanted.delete(destination);
    this.active.get(destination)?.unsubscribe();
    this.active.delete(destination);
  }

  attach(destination) {
    const { handler, headers } = this.wanted.get(destination);
    this.active.get(destination)?.unsubscribe();
    this.active.set(destination, this.client.subscribe(destination, frame => {
      let body;
      try { body = JSON.parse(frame.body); } catch { return; }
      handler(body);
    }, headers()));
  }

  send(destination, body) {
    if (!this.client.connected) return false;
    this.client.publish({ destination, body: JSON.stringify(body) });
    return true;
  }
}
