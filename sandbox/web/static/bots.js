// The sandbox's bots: the shared bot and the organizations' own bots (GET /sandbox/bots), each
// with its own web chat; "+ bot" makes one (as @BotFather would) and copies the /ownbot command.
import { api, post } from "./api.js";
import { $, h } from "./dom.js";
import { tr } from "./labels.js";
import { alertModal, toast } from "./ui.js";

let known = [];

export async function setupBots() {
  $("add-bot").addEventListener("click", addBot);
  await loadBots();
}

export async function loadBots() {
  try {
    known = (await api("/sandbox/bots")).bots;
  } catch (error) {
    return toast(error.message, { error: true });
  }
  const list = $("bot-list");
  list.replaceChildren(...known.map((bot) => {
    const here = new URL(bot.path, location.href).pathname === location.pathname;
    return h("a", { href: bot.path, class: here ? "bot-link current" : "bot-link", "data-testid": "bot-link" }, `@${bot.username}`);
  }));
}

// The page of another sandbox bot a t.me link names (null: none of ours).
export function otherBot(username) {
  const name = String(username || "").toLowerCase();
  return known.find((bot) => bot.username.toLowerCase() === name && new URL(bot.path, location.href).pathname !== location.pathname) || null;
}

async function addBot() {
  const name = window.prompt(tr("add_bot_prompt"), "");
  if (!name || !name.trim()) return;
  try {
    const { bot } = await post("/sandbox/bots", { first_name: name.trim() });
    await navigator.clipboard.writeText(`/ownbot ${bot.token}`).catch(() => {});
    alertModal(tr("bot_made", { username: bot.username, token: bot.token }));
    await loadBots();
  } catch (error) {
    toast(error.message, { error: true });
  }
}
