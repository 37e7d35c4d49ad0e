// The client's phone and mailbox: the SMS and e-mail the sandbox's own SMS provider and mail
// server took (GET /api/outside), shown in a dialog that refreshes while it is open. Links in
// them (the client page, a payment, unsubscribe) open in a new tab, as on a phone.

import { api } from "./api.js";
import { $ } from "./dom.js";
import { tr } from "./labels.js";

const REFRESH_MS = 2000;
const URL_PATTERN = /(https?:\/\/[^\s<>"']+)/g;

// Text with its links as anchors, built from DOM nodes (never innerHTML).
function linked(text) {
  const holder = document.createElement("div");
  holder.className = "outside-text";
  for (const [index, part] of text.split(URL_PATTERN).entries()) {
    if (index % 2 === 1) {
      const anchor = document.createElement("a");
      anchor.href = part;
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
      anchor.textContent = part;
      holder.append(anchor);
    } else if (part) {
      holder.append(document.createTextNode(part));
    }
  }
  return holder;
}

function item(head, body, meta, testid) {
  const element = document.createElement("li");
  element.className = "outside-item";
  element.dataset.testid = testid;
  const top = document.createElement("div");
  top.className = "outside-head";
  top.textContent = head;
  const bottom = document.createElement("div");
  bottom.className = "outside-meta";
  bottom.textContent = meta;
  element.append(top, body, bottom);
  return element;
}

const time = (iso) => new Date(iso).toLocaleString();

function smsItem(sms) {
  const meta = `${sms.sender || ""} · ${tr("outside_segments", { count: sms.segments })} · ${time(sms.sent_at)}`;
  return item(sms.phone, linked(sms.text), meta, "outside-sms");
}

function mailItem(mail) {
  const body = document.createElement("div");
  const subject = document.createElement("div");
  subject.className = "outside-subject";
  subject.textContent = mail.subject;
  body.append(subject, linked(mail.text));
  const files = mail.files.map((file) => `📎 ${file.name} (${file.type})`).join(", ");
  const meta = [mail.from, files, mail.unsubscribe ? tr("outside_unsubscribe") : ""].filter(Boolean).join(" · ");
  const element = item(mail.to.join(", "), body, meta, "outside-mail");
  if (mail.replies) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pill-button";
    button.dataset.testid = "outside-mail-reply";
    button.textContent = tr("outside_reply");
    button.addEventListener("click", async () => {
      const text = window.prompt(tr("outside_reply_prompt"));
      if (!text) return;
      try {
        await api(`/api/outside/mail/${mail.id}/reply`, { method: "POST", body: { text } });
      } catch (error) {
        $("outside-error").textContent = error.message;
      }
    });
    element.append(button);
  }
  return element;
}

function fill(listId, items, render) {
  const list = $(listId);
  list.replaceChildren(...items.map(render));
  if (!items.length) {
    const empty = document.createElement("li");
    empty.className = "outside-empty";
    empty.textContent = tr("outside_empty");
    list.append(empty);
  }
}

export function setupOutside() {
  const dialog = $("outside-dialog");
  let timer = null;
  const load = async () => {
    try {
      const taken = await api("/api/outside");
      fill("outside-sms", taken.sms, smsItem);
      fill("outside-mail", taken.mail, mailItem);
    } catch (error) {
      $("outside-error").textContent = error.message;
    }
  };
  $("outside-button").addEventListener("click", async () => {
    $("outside-error").textContent = "";
    await load();
    dialog.showModal();
    timer = setInterval(load, REFRESH_MS);
  });
  dialog.addEventListener("close", () => { clearInterval(timer); timer = null; });
}
