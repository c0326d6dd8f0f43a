// REST calls of the public contract, with the tokens kept in memory only (never in storage)
// and refreshed before they expire, or once when a call answers 401.
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
  }
}

export class Api {
  constructor(base = '') {
    this.base = base;
    this.tokens = null;
    this.user = null;
    this.refreshTimer = null;
    this.onTokens = () => {};
  }

  get accessToken() { return this.tokens?.accessToken; }

  async call(method, route, body, { retry = true } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.tokens) headers.Authorization = `Bearer ${this.tokens.accessToken}`;
    const response = await fetch(this.base + route, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401 && retry && this.tokens?.refreshToken) {
      await this.refresh();
      return this.call(method, route, body, { retry: false });
    }
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new ApiError(response.status, parsed);
    return parsed;
  }

  get(route) { return this.call('GET', route); }
  post(route, body = {}) { return this.call('POST', route, body); }
  put(route, body = {}) { return this.call('PUT', route, body); }
  delete(route) { return this.call('DELETE', route); }

  async signup(username, password, nickname) {
    return this.call('POST', '/api/v1/auth/signup', { username, password, nickname: nickname || undefined });
  }

  async login(username, password) {
    this.useTokens(await this.call('POST', '/api/v1/auth/login', { username, password }));
    return this.user;
  }

  async refresh() {
    const refreshToken = this.tokens?.refreshToken;
    if (!refreshToken) throw new ApiError(401, { message: 'not logged in' });
    this.useTokens(await this.call('POST', '/api/v1/auth/refresh', { refreshToken }, { retry: false }));
  }

  useTokens(answer) {
    this.tokens = { accessToken: answer.accessToken, refreshToken: answer.refreshToken };
    this.user = answer.user;
    clearTimeout(this.refreshTimer);
    // A minute before expiry (or at 80 % of a short lifetime), fetch fresh tokens.
    const lifetime = Math.max(5, Number(answer.expiresIn) || 3600);
    const delay = Math.min(lifetime - 60, lifetime * 0.8) * 1000;
    this.refreshTimer = setTimeout(() => this.refresh().catch(() => {}), Math.max(5000, delay));
    this.onTokens(this.tokens);
  }

  /// Ends the login on the server too: its refresh tokens stop working.
  logout() {
    clearTimeout(this.refreshTimer);
    const refreshToken = this.tokens?.refreshToken;
    if (refreshToken)
      this.call('POST', '/api/v1/auth/logout', { refreshToken }, { retry: false }).catch(() => {});
    this.tokens = null;
    this.user = null;
  }
}
