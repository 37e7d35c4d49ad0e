/* The drawn parts of the order widget (embedded and floating modes): its stylesheet, adopted
   by the shadow root (no inline styles), and the form, the suggestions and the success screen,
   built with DOM calls only (no HTML parsing of data). Served with astra-widget.js in one
   script (bot/admin/intake_page.py), inside its function. */
const CSS = `
:host { --ow-primary: #3b82f6; --ow-background: #fff; --ow-text: #1f2937; --ow-border: #e5e7eb;
--ow-error: #b91c1c; --ow-border-radius: 12px; font: 15px/1.4 system-ui, sans-serif;
color: var(--ow-text); display: block; }
:host([data-theme="dark"]) { --ow-background: #111827; --ow-text: #f3f4f6; --ow-border: #374151;
--ow-error: #f87171; }
:host([mode="headless"]) { display: none; }
.panel { background: var(--ow-background); border: 1px solid var(--ow-border); padding: 16px;
border-radius: var(--ow-border-radius); max-width: 480px; box-sizing: border-box; }
.floating { position: fixed; bottom: 20px; right: 20px; z-index: 2147483000; }
.floating.left { right: auto; left: 20px; } .floating.top { bottom: auto; top: 20px; }
.floating .panel { width: min(92vw, 400px); max-height: 80vh; overflow: auto; margin-bottom: 8px;
box-shadow: 0 25px 50px -12px rgba(0,0,0,.25); }
label { display: block; margin: 10px 0 4px; font-weight: 600; }
input, select, textarea { width: 100%; box-sizing: border-box; padding: 8px; font: inherit;
border: 1px solid var(--ow-border); border-radius: 8px; background: var(--ow-background);
color: var(--ow-text); }
textarea { min-height: 80px; }
.check { display: flex; gap: 8px; align-items: flex-start; font-weight: normal; }
.check input { width: auto; }
.error { color: var(--ow-error); font-size: 13px; min-height: 1em; }
.hint { font-size: 13px; opacity: .75; } .icon { margin-right: 6px; }
button { background: var(--ow-primary); color: #fff; border: 0; border-radius: 8px;
padding: 10px 16px; font: inherit; cursor: pointer; margin-top: 12px; }
.trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
ul { list-style: none; margin: 0; padding: 0; border: 1px solid var(--ow-border); }
ul:empty { display: none; } li { padding: 6px 8px; cursor: pointer; }
li:hover { background: var(--ow-border); } h2 { margin: 0 0 4px; } p { margin: 0 0 8px; }`;

function render(w) {
    const theme = w._config.theme === 'auto'
      ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : w._config.theme;
    w.dataset.theme = theme;
    w._root = w.attachShadow({ mode: 'open' });
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    w._root.adoptedStyleSheets = [sheet];
    w._open = w._mode === 'embedded';
    w.loadServices().then(() => draw(w));
    draw(w);
  }

function draw(w) {
    const root = w._root;
    root.replaceChildren();
    if (w._mode === 'floating') {
      const pos = w._config.position;
      const box = el('div', { className: `floating${pos.includes('left') ? ' left' : ''}${pos.startsWith('top') ? ' top' : ''}` });
      if (w._open) box.append(panel(w));
      const toggle = el('button', { type: 'button', part: 'button' });
      const icon = ICONS[w._config.buttonIcon || (w._form && w._form.buttonIcon)];
      if (icon && !w._open) toggle.append(el('span', { className: 'icon', 'aria-hidden': 'true', text: icon }));
      toggle.append(w._open ? w._t('close') : (w._config.buttonText || w._t('button')));
      toggle.addEventListener('click', () => { w._open = !w._open; draw(w); });
      box.append(toggle);
      root.append(box);
    } else {
      root.append(panel(w));
    }
  }

function panel(w) {
    const t = (k) => w._t(k);
    const panel = el('div', { className: 'panel', part: 'panel' },
      el('h2', { text: w._config.title || t('title') }), el('p', { text: w._config.subtitle || t('subtitle') }));
    if (w._step === 'success') {
      const again = el('button', { type: 'button', text: t('again') });
      again.addEventListener('click', () => w.__ASTRA_WIDGET_API__.reset());
      panel.append(el('p', { text: t('done'), role: 'status' }),
        el('p', { text: `${t('number')}: ${w._result ? w._result.number : ''}` }), again);
      return panel;
    }
    const form = el('form', { noValidate: true });
    const errors = w._errors || {};
    const required = w._required();
    const row = (name, label, input, hint) => {
      input.name = name; input.id = `ow-${name}`;
      input.required = required.includes(name);
      form.append(el('label', { htmlFor: input.id, text: input.required ? `${label} *` : label }), input);
      if (hint) form.append(el('div', { className: 'hint', text: hint }));
      form.append(el('div', { className: 'error', text: (errors[name] || [''])[0] }));
      return input;
    };
    const d = w._data;
    const name = row('clientName', t('name'), el('input', { value: d.clientName, maxLength: LIMITS.clientName, autocomplete: 'name' }));
    name.addEventListener('input', () => w._set({ clientName: name.value }));
    const phone = row('clientPhone', t('phone'), el('input', { type: 'tel', value: masked(d.clientPhone), autocomplete: 'tel', placeholder: '+7 (___) ___-__-__' }));
    phone.addEventListener('input', () => { w._set({ clientPhone: phone.value }); phone.value = masked(w._data.clientPhone); });
    const option = (value, text, chosen) => el('option', { value, text, selected: chosen });
    const category = row('serviceId', t('category'), el('select', {}, option('', t('any'), !d.serviceId),
      ...w._categories.map((c) => option(c.id, c.name, c.id === String(d.serviceId)))));
    const chosen = w._categories.find((c) => c.id === String(d.serviceId));
    const subs = chosen ? chosen.subcategories : [];
    const sub = row('subServiceId', t('sub'), el('select', { disabled: !subs.length }, option('', t('any'), !d.subServiceId),
      ...subs.map((s) => option(s.id, s.name, s.id === String(d.subServiceId)))));
    category.addEventListener('change', () => { w._set({ serviceId: category.value, subServiceId: undefined }); draw(w); });
    sub.addEventListener('change', () => w._set({ subServiceId: sub.value || undefined }));
    const text = row('description', t('description'), el('textarea', { value: d.description, maxLength: LIMITS.description }));
    text.addEventListener('input', () => w._set({ description: text.value }));
    const address = row('address', t('address'), el('input', { value: d.address, maxLength: LIMITS.address, autocomplete: 'street-address' }));
    const list = el('ul', { role: 'listbox' });
    form.insertBefore(list, address.nextSibling);
    let timer = null;
    address.addEventListener('input', () => {
      w._set({ address: address.value, addressSuggestion: undefined });
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const found = await w.suggestAddress(address.value);
        list.replaceChildren(...found.map((s) => {
          const item = el('li', { role: 'option', text: s.unrestricted_value || s.value });
          item.addEventListener('click', () => {
            address.value = s.unrestricted_value || s.value;
            w._set({ address: address.value, addressSuggestion: s });
            list.replaceChildren();
          });
          return item;
        }));
      }, 250);
    });
    const email = row('email', t('email'), el('input', { type: 'email', value: d.email, maxLength: LIMITS.email, autocomplete: 'email' }));
    email.addEventListener('input', () => w._set({ email: email.value }));
    const zone = w._zone(), now = new Date();
    const horizon = new Date(now.getTime() + ((w._form && w._form.horizonDays) || 60) * 86400000);
    const when = row('preferredAt', t('when'), el('input', { type: 'datetime-local', value: d.preferredAt,
      min: wallIn(now, zone), max: wallIn(horizon, zone), step: 900 }), t('zone').replace('{zone}', zone));
    when.addEventListener('input', () => w._set({ preferredAt: when.value }));
    const trap = el('input', { name: 'website', tabIndex: -1, autocomplete: 'off', value: d.website });
    trap.addEventListener('input', () => w._set({ website: trap.value }));
    form.append(el('div', { className: 'trap', 'aria-hidden': 'true' }, trap));
    const consent = el('input', { type: 'checkbox', name: 'consent', checked: d.consent });
    consent.addEventListener('change', () => w._set({ consent: consent.checked }));
    form.append(el('label', { className: 'check' }, consent, el('span', { text: t('consent') })),
      el('div', { className: 'error', text: (errors.consent || [''])[0] }));
    const failed = w._step === 'error' ? (w._failure || t('failed')) : '';
    form.append(el('div', { className: 'error', role: 'alert', text: failed }));
    const send = el('button', { type: 'submit', disabled: w._step === 'submitting', text: w._step === 'submitting' ? t('sending') : t('send') });
    form.append(send);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      w.submit().catch((error) => {
        w._errors = { ...w.validate(), ...(error.fieldErrors || {}) };
        w._failure = error.message === 'invalid' ? '' : error.message;
        if (w._step !== 'error') w._step = 'form';
        draw(w);
      });
    });
    panel.append(form);
    return panel;
  }
