// Message views (from /api/chats/{id}/messages and the event stream) to DOM elements.
// `actions` carries what clicks do: {tap(view, button, element), openUrl(url), copy(text)}.
import { clock, duration, fileSize, h, icon } from "./dom.js";

function mediaElement(media) {
  switch (media.kind) {
    case "photo":
      return h("a", { class: "photo-link", href: media.url, target: "_blank", rel: "noopener" },
        h("img", { class: "photo", src: media.url, alt: "Photo", loading: "lazy",
          width: media.width, height: media.height, "data-testid": "photo" }));
    case "video":
      return h("video", { class: "video", src: media.url, controls: true, preload: "metadata", "data-testid": "video" });
    case "voice":
    case "audio":
      return audioElement(media);
    case "document":
      return fileChip(media);
    case "location":
      return locationCard(media);
    case "contact":
      return contactCard(media);
    default:
      return null;
  }
}

function audioElement(media) {
  const title = media.kind === "voice"
    ? `Voice message · ${duration(media.duration)}`
    : [media.performer, media.title || media.file_name].filter(Boolean).join(" – ") || "Audio";
  return h("div", { class: `audio-card ${media.kind}`, "data-testid": media.kind },
    h("div", { class: "audio-title", text: title }),
    h("audio", { controls: true, preload: "metadata", src: media.url, "data-testid": "audio-player" }));
}

function fileChip(media) {
  const name = media.file_name || "file";
  const extension = name.includes(".") ? name.split(".").pop().slice(0, 4) : "file";
  return h("a", { class: "file-chip", href: `${media.url}?download=1`, download: name, "data-testid": "file-chip" },
    h("span", { class: "file-icon", text: extension.toUpperCase() }),
    h("span", { class: "file-text" },
      h("span", { class: "file-name", text: name }),
      h("span", { class: "file-size", text: fileSize(media.size) })));
}

function locationCard(media) {
  const where = `${Number(media.latitude).toFixed(5)}, ${Number(media.longitude).toFixed(5)}`;
  return h("div", { class: "location-card", "data-testid": "location" },
    h("div", { class: "location-map" }, icon("pin")),
    h("div", { class: "location-text", text: where }));
}

function contactCard(media) {
  const name = [media.first_name, media.last_name].filter(Boolean).join(" ");
  return h("div", { class: "contact-card", "data-testid": "contact" },
    h("div", { class: "contact-avatar" }, icon("person")),
    h("div", { class: "contact-text" },
      h("div", { class: "contact-name", text: name }),
      h("div", { class: "contact-phone", text: media.phone_number })));
}

function meta(view) {
  return h("span", { class: "meta" },
    view.edited ? h("span", { class: "edited", text: "edited", "data-testid": "edited-mark" }) : null,
    h("time", { text: clock(view.date) }));
}

// The time sits in the bubble's corner; the text ends with an invisible copy of it (a CSS
// ::after, so it stays out of the text content) that keeps the last line clear of it, wrapping
// to a new line only when it must, as Telegram does.
function textElement(view) {
  const reserve = `${view.edited ? "edited " : ""}${clock(view.date)}`;
  return h("div", { class: "text", html: view.html, "data-testid": "message-text", "data-meta": reserve });
}

function inlineKeyboard(view, actions) {
  if (!view.buttons || view.buttons.length === 0) return null;
  return h("div", { class: "inline-keyboard", "data-testid": "inline-keyboard" },
    view.buttons.map((row) => h("div", { class: "ik-row" }, row.map((button) => {
      const element = h("button", { type: "button", class: `ik-button ${button.kind}`,
        "data-testid": "inline-button", "data-kind": button.kind, text: button.label });
      element.addEventListener("click", () => actions.tap(view, button, element));
      return element;
    }))));
}

function bubble(view, withMedia) {
  const media = withMedia && view.media ? mediaElement(view.media) : null;
  const hasText = Boolean(view.html);
  const classes = ["bubble", media ? `has-${view.media.kind}` : "", hasText ? "" : "media-only"];
  return h("div", { class: classes.join(" ").trim() },
    view.reply_to ? h("div", { class: "reply-quote", text: view.reply_to.text }) : null,
    media,
    hasText ? textElement(view) : null,
    meta(view));
}

export function messageElement(view, actions) {
  return h("div", { class: `msg from-${view.from}`, "data-testid": "message",
    "data-message-id": view.id, "data-from": view.from },
  bubble(view, true), inlineKeyboard(view, actions));
}

// Consecutive messages sharing a media_group_id: one bubble with a grid of tiles.
export function albumElement(views, actions) {
  const first = views[0];
  const captioned = views.find((view) => view.html) || first;
  const grid = h("div", { class: `album-grid count-${Math.min(views.length, 4)}` },
    views.map((view) => h("div", { class: "album-item", "data-testid": "message",
      "data-message-id": view.id, "data-from": view.from }, view.media ? mediaElement(view.media) : null)));
  const body = bubble({ ...captioned, media: null, reply_to: first.reply_to }, false);
  body.prepend(grid);
  body.classList.add("album-bubble");
  return h("div", { class: `msg from-${first.from} album`, "data-testid": "album",
    "data-group": first.media_group_id }, body, inlineKeyboard(captioned, actions));
}
