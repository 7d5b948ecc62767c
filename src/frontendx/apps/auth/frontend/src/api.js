export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error || `Request failed (${status})`)
    this.status = status
    this.body = body || {}
  }
}

// Signed-in requests that come back 401 mean the session ended (expired or signed out
// elsewhere): the auth provider listens and sends the person to the sign-in page.
const listeners = new Set()

export function onSignedOut(listener) {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  let data = null
  try {
    data = await response.json()
  } catch {
    data = null
  }
  // a refused request (wrong input, wrong password) comes back as 200 with ok=false
  if (response.ok && data && data.ok === false) throw new ApiError(422, data)
  if (!response.ok) {
    const error = new ApiError(response.status, data)
    if (response.status === 401 && !path.startsWith('/login')) {
      for (const listener of listeners) listener(Boolean(data?.expired))
    }
    throw error
  }
  return data
}
