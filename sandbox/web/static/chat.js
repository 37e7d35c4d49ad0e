// The open chat: keeps its message views by id and keeps the DOM in step with them
// (appends, in-place edits, removals; albums and out-of-order arrivals redraw the list).
import { h } from "./dom.js";
import { currentLanguage, tr } from "./labels.js";
import { albumElement, messageElement } from "./render.js";

function dayLabel(seconds) {
  const date = new Date(seconds * 1000);
  const today = new Date();
  if (date.toDateString() === today.toDateString()) return tr("today");
  return date.toLocaleDateString(currentLanguage(), { day: "numeric", month: "long", year: "numeric" });
}

const dayKey = (seconds) => new Date(seconds * 1000).toDateString();

export class ChatView {
  constructor(container, actions) {
    this.container = container;
    this.actions = actions;
    this.chatId = null;
    this.views = new Map();
    this.loadedKeyboard = null;
    // Stay pinned to the newest message while the list or its images change size (a reply
    // keyboard appearing, a photo loading), unless the person scrolled up to read.
    this.pinned = true;
    container.addEventListener("scroll", () => { this.pinned = this.nearBottom(); });
    container.addEventListener("load", () => this.keepPinned(), true);
    new ResizeObserver(() => this.keepPinned()).observe(container);
  }

  keepPinned() {
    if (this.pinned) this.scrollToBottom();
  }

  // `keyboard` is the server's view of the keyboard in force (it may come from a deleted message).
  load(chatId, views, keyboard = null) {
    this.chatId = chatId;
    this.loadedKeyboard = keyboard;
    this.views = new Map(views.filter((view) => !view.deleted).map((view) => [view.id, view]));
    this.renderAll();
    this.scrollToBottom();
  }

  clear() {
    this.chatId = null;
    this.views = new Map();
    this.container.replaceChildren();
  }

  ordered() {
    return [...this.views.values()].sort((a, b) => a.id - b.id);
  }

  get isEmpty() {
    return this.views.size === 0;
  }

  renderAll() {
    const blocks = [];
    let day = null;
    const views = this.ordered();
    for (let index = 0; index < views.length; index += 1) {
      const view = views[index];
      if (dayKey(view.date) !== day) {
        day = dayKey(view.date);
        blocks.push(h("div", { class: "day", text: dayLabel(view.date) }));
      }
      if (view.media_group_id) {
        const group = [view];
        while (views[index + 1] && views[index + 1].media_group_id === view.media_group_id) {
          index += 1;
          group.push(views[index]);
        }
        blocks.push(albumElement(group, this.actions));
      } else {
        blocks.push(messageElement(view, this.actions));
      }
    }
    this.container.replaceChildren(...blocks);
  }

  nearBottom() {
    const { scrollHeight, scrollTop, clientHeight } = this.container;
    return scrollHeight - scrollTop - clientHeight < 120;
  }

  scrollToBottom() {
    this.container.scrollTop = this.container.scrollHeight;
    this.pinned = true;
  }

  // Apply a new or changed view; returns true when it was new.
  upsert(view) {
    const stick = this.pinned || view.from === "user";
    const previous = this.views.get(view.id);
    const last = this.ordered().at(-1);
    if (view.deleted) this.views.delete(view.id);
    else this.views.set(view.id, view);
    const element = this.container.querySelector(`.msg[data-message-id="${view.id}"]`);
    const grouped = view.media_group_id || (previous && previous.media_group_id);
    if (grouped || (!element && previous) || (!previous && last && view.id < last.id)) {
      this.renderAll();
    } else if (element && view.deleted) {
      element.remove();
    } else if (element) {
      element.replaceWith(messageElement(view, this.actions));
    } else if (!view.deleted) {
      this.append(view, last);
    }
    if (stick) this.scrollToBottom();
    return !previous && !view.deleted;
  }

  append(view, last) {
    if (!last || dayKey(last.date) !== dayKey(view.date)) {
      this.container.append(h("div", { class: "day", text: dayLabel(view.date) }));
    }
    this.container.append(messageElement(view, this.actions));
  }

  remove(messageId) {
    const view = this.views.get(messageId);
    if (view) this.upsert({ ...view, deleted: true });
  }

  // The reply keyboard now in force: the latest bot message that set or removed one.
  keyboard() {
    const views = this.ordered();
    for (let index = views.length - 1; index >= 0; index -= 1) {
      const keyboard = views[index].from === "bot" ? views[index].keyboard : null;
      if (keyboard) return keyboard.remove ? null : keyboard;
    }
    return this.loadedKeyboard || null;
  }
}
