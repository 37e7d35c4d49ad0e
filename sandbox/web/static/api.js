// The sandbox JSON API: every call resolves to the decoded body or throws ApiError with the
// server's message (the server answers every bad input with {ok: false, error}).

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

// The page of an organization's own bot lives at /b/<username>/: its API is under that prefix.
export const BASE = (location.pathname.match(/^\/b\/[A-Za-z0-9_]+/) || [""])[0];

export async function api(path, { method = "GET", body, form } = {}) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  } else if (form !== undefined) {
    init.body = form;
  }
  let response;
  try {
    response = await fetch(path.startsWith("/api/") ? BASE + path : path, init);
  } catch (error) {
    throw new ApiError("the sandbox is not reachable", 0);
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError((data && data.error) || `${response.status} ${response.statusText}`, response.status);
  }
  return data;
}

export const post = (path, body) => api(path, { method: "POST", body });
export const chatPath = (userId, action) => `/api/chats/${userId}/${action}`;
