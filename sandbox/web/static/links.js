// Links that open this bot, the way Telegram clients recognise them: https://t.me/<bot>,
// https://t.me/<bot>?start=<payload> and tg://resolve?domain=<bot>&start=<payload>.

// {payload} (null: no start parameter, just open the chat), or null for any other link.
export function botLink(url, botUsername) {
  const username = botUsername ? botUsername.toLowerCase() : null;
  if (!username) return null;
  let parsed;
  try {
    parsed = new URL(url, location.href);
  } catch {
    return null;
  }
  const web = /^https?:$/.test(parsed.protocol) && /^(t|telegram)\.me$/i.test(parsed.hostname)
    && parsed.pathname.replace(/^\/|\/$/g, "").toLowerCase() === username;
  const native = parsed.protocol === "tg:" && parsed.hostname === "resolve"
    && (parsed.searchParams.get("domain") || "").toLowerCase() === username;
  return web || native ? { payload: parsed.searchParams.get("start") } : null;
}
