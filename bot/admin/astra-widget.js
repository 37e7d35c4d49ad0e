/* AstraCRM order widget: <astra-order-widget>, no dependencies, no eval, no inline styles
   (a constructed stylesheet in its shadow root), so it runs under a strict CSP. Modes:
   floating (a button that opens the form), embedded, headless (no UI; the API on
   el.__ASTRA_WIDGET_API__). See docs/widget.md. Served after astra-widget-ui.js inside one
   function (bot/admin/intake_page.py). */
if (customElements.get('astra-order-widget')) return;
const SERVER = document.currentScript ? new URL(document.currentScript.src).origin : location.origin;
const TEXTS = {
  en: {
    title: 'Request a service', subtitle: 'We will call you back', button: 'Request service',
    name: 'Your name', phone: 'Phone', category: 'Service', sub: 'Kind of work (optional)',
    any: '—', description: 'What needs doing?', address: 'Address', consent:
    'I agree to the processing of my personal data', send: 'Send', sending: 'Sending…',
    done: 'Thank you! Your request is sent.', number: 'Request number', again: 'New request',
    close: 'Close', required: 'Please fill this in.', badPhone: 'Enter 11 digits: +7 …',
    tooLong: 'Too long.', noConsent: 'Your consent is needed.', pick: 'Choose a service.',
    failed: 'Could not send. Please try again.', busy: 'Too many requests. Try again later.',
    email: 'E-mail', badEmail: 'Enter an e-mail such as name@example.com.', when: 'Preferred time',
    zone: 'Time zone: {zone}', comment: 'Comment',
  },
  ru: {
    title: 'Заявка на услугу', subtitle: 'Мы вам перезвоним', button: 'Оставить заявку',
    name: 'Ваше имя', phone: 'Телефон', category: 'Услуга', sub: 'Вид работ (необязательно)',
    any: '—', description: 'Что нужно сделать?', address: 'Адрес', consent:
    'Я согласен на обработку персональных данных', send: 'Отправить', sending: 'Отправляем…',
    done: 'Спасибо! Заявка отправлена.', number: 'Номер заявки', again: 'Новая заявка',
    close: 'Закрыть', required: 'Заполните это поле.', badPhone: 'Введите 11 цифр: +7 …',
    tooLong: 'Слишком длинно.', noConsent: 'Нужно ваше согласие.', pick: 'Выберите услугу.',
    failed: 'Не удалось отправить. Попробуйте ещё раз.', busy: 'Слишком много заявок. Попробуйте позже.',
    email: 'Эл. почта', badEmail: 'Введите адрес вида name@example.com.', when: 'Удобное время',
    zone: 'Часовой пояс: {zone}', comment: 'Комментарий',
  },
};
const LIMITS = { clientName: 200, description: 1000, address: 500, email: 254 };
const EMPTY = () => ({ clientPhone: '', clientName: '', description: '', serviceId: '',
  subServiceId: undefined, categoryOnly: false, address: '', addressSuggestion: undefined,
  email: '', preferredTime: '', preferredAt: '', consent: false, website: '' });
const ICONS = { phone: '📞', chat: '💬', calendar: '📅', tools: '🛠️' };
const REQUIRED = ['description']; // until the catalogue says what the organization requires

// 'YYYY-MM-DDTHH:MM' as the wall clock of `zone` shows `date`.
const wallIn = (date, zone) => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(date);
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
};
// A datetime-local value read in `zone` (the organization's), as ISO 8601 with its offset.
const zoned = (local, zone) => {
  const asUtc = new Date(`${local}:00Z`);
  const shown = new Date(`${wallIn(asUtc, zone)}:00Z`);
  const offset = Math.round((shown - asUtc) / 60000);
  const abs = Math.abs(offset), pad = (n) => String(n).padStart(2, '0');
  return `${local}:00${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
};

const digits = (value) => {
  let d = String(value || '').replace(/\D/g, '');
  if (d[0] === '8') d = '7' + d.slice(1); // 8 is the domestic prefix of +7
  else if (d && d[0] !== '7') d = '7' + d; // typed without the country code
  return d.slice(0, 11);
};
const masked = (d) => {
  const p = [d.slice(1, 4), d.slice(4, 7), d.slice(7, 9), d.slice(9, 11)];
  let out = d ? '+7' : '';
  if (p[0]) out += ` (${p[0]}` + (p[0].length === 3 ? ')' : '');
  if (p[1]) out += ` ${p[1]}`;
  if (p[2]) out += `-${p[2]}`;
  if (p[3]) out += `-${p[3]}`;
  return out;
};
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v; else if (k in node) node[k] = v; else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
};

class AstraOrderWidget extends HTMLElement {
  connectedCallback() {
    if (this.__ASTRA_WIDGET_API__ || this._started) return;
    this._started = performance.now();
    this._mode = this.hasAttribute('headless') ? 'headless' : (this.getAttribute('mode') || 'floating');
    this._data = EMPTY();
    this._step = 'form';
    this._handlers = {};
    this._categories = [];
    this._config = this._read();
    this._emit('init', this._config);
    if (!this._config.apiKey) {
      this._emit('error', { message: 'Missing widget public key' });
      return;
    }
    this.__ASTRA_WIDGET_API__ = this._api();
    if (this._mode !== 'headless') this._render();
    this._emit('ready');
  }

  _read() {
    const a = (name) => this.getAttribute(name);
    const locale = (a('locale') || document.documentElement.lang || 'en').slice(0, 2) === 'ru' ? 'ru' : 'en';
    return {
      apiKey: a('api-key') || window.ASTRA_WIDGET_PUBLIC_KEY || '',
      apiUrl: (a('api-url') || `${SERVER}/api/public/v1`).replace(/\/+$/, ''),
      locale, theme: a('theme') || 'light', mode: this._mode, position: a('position') || 'bottom-right',
      title: a('widget-title'), subtitle: a('widget-subtitle'), buttonText: a('button-text'),
      buttonIcon: a('button-icon'),
      policyVersion: a('policy-version') || '1',
    };
  }

  _t(key) { return TEXTS[this._config.locale][key]; }

  _required() { return this._form ? this._form.required : REQUIRED; }

  _emit(name, detail) {
    const kebab = name.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
    this.dispatchEvent(new CustomEvent(`widget:${kebab}`, { detail, bubbles: true, composed: true }));
    const key = 'on' + name[0].toUpperCase() + name.slice(1);
    for (const handler of this._handlers[key] || []) handler(detail);
  }

  _url(path, params = {}) {
    const url = new URL(this._config.apiUrl + path);
    url.searchParams.set('key', this._config.apiKey);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.toString();
  }

  validate(field) {
    const d = this._data, t = (k) => this._t(k), errors = {};
    const add = (name, message) => { (errors[name] = errors[name] || []).push(message); };
    if (!/^7\d{10}$/.test(d.clientPhone)) add('clientPhone', d.clientPhone ? t('badPhone') : t('required'));
    for (const name of this._required()) if (!String(d[name] || '').trim()) add(name, t('required'));
    if (d.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(d.email)) add('email', t('badEmail'));
    for (const [name, limit] of Object.entries(LIMITS)) if ((d[name] || '').length > limit) add(name, t('tooLong'));
    if (!/^\d{1,18}$/.test(String(d.serviceId || ''))) add('serviceId', t('pick'));
    if (d.subServiceId && !/^\d{1,18}$/.test(String(d.subServiceId))) add('subServiceId', t('pick'));
    if (!d.consent) add('consent', t('noConsent'));
    if (field) return { [field]: errors[field] || [] };
    this._errors = errors;
    return errors;
  }

  async submit() {
    const errors = this.validate();
    if (Object.keys(errors).length) throw Object.assign(new Error('invalid'), { fieldErrors: errors });
    const d = this._data;
    const body = {
      clientPhone: d.clientPhone, clientName: d.clientName || undefined,
      description: (d.description || '').trim(), serviceId: String(d.serviceId),
      subServiceId: d.categoryOnly ? undefined : (d.subServiceId || undefined),
      address: d.address || undefined, addresses: d.addressSuggestion || undefined,
      email: d.email || undefined, preferredTime: d.preferredTime || undefined,
      preferredAt: d.preferredAt ? zoned(d.preferredAt, this._zone()) : undefined,
      consent: !!d.consent, policyVersion: this._config.policyVersion, website: d.website || undefined,
      fillMs: Math.round(performance.now() - this._started),
    };
    this._go('submitting');
    this._emit('submitStart', { ...d });
    this._emit('loadingChange', true);
    try {
      const response = await fetch(this._url('/orders'), {
        method: 'POST', body: JSON.stringify(body), credentials: 'omit',
        headers: { 'content-type': 'application/json', 'x-widget-key': this._config.apiKey },
      });
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) {
        const message = response.status === 429 ? this._t('busy') : this._t('failed');
        throw Object.assign(new Error(message), { status: response.status, fieldErrors: answer.fieldErrors || {} });
      }
      this._result = answer;
      this._go('success');
      this._emit('submitSuccess', answer);
      return answer;
    } catch (error) {
      this._go('error');
      this._emit('submitError', { message: error.message, status: error.status, fieldErrors: error.fieldErrors || {} });
      throw error;
    } finally {
      this._emit('loadingChange', false);
      this._emit('submitComplete');
    }
  }

  async loadServices() {
    try {
      const response = await fetch(this._url('/catalogue'), { credentials: 'omit' });
      if (!response.ok) throw new Error(`catalogue: ${response.status}`);
      const answer = await response.json();
      this._categories = answer.categories;
      this._form = answer.form || null;
      this._emit('serviceCategoriesLoad', this._categories);
      return this._categories;
    } catch (error) {
      this._emit('serviceCategoriesError', { message: error.message });
      return [];
    }
  }

  async suggestAddress(query) {
    if (String(query || '').trim().length < 3) return [];
    const url = this._url('/address-suggestions', { q: String(query).slice(0, 200), locale: this._config.locale });
    const response = await fetch(url, { credentials: 'omit' }).catch(() => null);
    return response && response.ok ? (await response.json()).suggestions : [];
  }

  _zone() { return (this._form && this._form.timeZone) || 'Europe/Moscow'; }

  _set(partial) {
    Object.assign(this._data, partial);
    if ('clientPhone' in partial) this._data.clientPhone = digits(partial.clientPhone);
    this._emit('formChange', partial);
  }

  _go(step) {
    const direction = step === 'form' ? 'back' : 'forward';
    this._step = step;
    this._emit('stepChange', { step, direction });
    this._emit('stateChange', { currentStep: step === 'submitting' ? 'form' : step });
    if (this._root) this._draw();
  }

  _api() {
    const w = this;
    return {
      getConfig: () => ({ ...w._config }),
      updateConfig: (partial) => { Object.assign(w._config, partial); if (w._root) w._draw(); },
      getFormData: () => ({ ...w._data }),
      setFormData: (partial) => w._set(partial),
      clearFormData: () => { w._data = EMPTY(); },
      validate: (field) => w.validate(field),
      isValid: () => Object.keys(w.validate()).length === 0,
      getState: () => ({ currentStep: w._step === 'submitting' ? 'form' : w._step, formData: { ...w._data } }),
      getCurrentStep: () => w._step,
      goToStep: (step) => { if (step === 'form') w._data = EMPTY(); w._go(step); },
      submit: () => w.submit(),
      reset: () => { w._data = EMPTY(); w._started = performance.now(); w._go('form'); },
      loadServices: () => w.loadServices(),
      selectService: (categoryId, subcategoryId) => {
        w._set({ serviceId: categoryId, subServiceId: subcategoryId });
        w._emit('serviceSelect', w.__ASTRA_WIDGET_API__.getSelectedService());
      },
      getSelectedService: () => {
        const category = w._categories.find((c) => c.id === String(w._data.serviceId));
        const sub = category && category.subcategories.find((s) => s.id === String(w._data.subServiceId));
        return category ? { category, subcategory: sub } : null;
      },
      suggestAddress: (query) => w.suggestAddress(query),
      on: (name, handler) => { (w._handlers[name] = w._handlers[name] || []).push(handler); },
      off: (name, handler) => { w._handlers[name] = (w._handlers[name] || []).filter((h) => h !== handler); },
      emit: (name, detail) => w._emit(name.replace(/^on/, '').replace(/^./, (c) => c.toLowerCase()), detail),
      destroy: () => {},
    };
  }

  _render() { render(this); }

  _draw() { draw(this); }
}
customElements.define('astra-order-widget', AstraOrderWidget);
