// Passkeys for the second factor of the web sign-in (bot/admin/factor_passkeys.py): WebAuthn
// options from this site, navigator.credentials, and the browser's answer back as JSON with
// binary fields in base64url. Plain JavaScript, no build step; words come from the page.
(function () {
  "use strict";
  var box = document.getElementById("passkey");
  var button = document.querySelector("[data-passkey]");
  if (!box || !button) return;
  var action = box.dataset.action;

  function toBytes(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer), raw = "";
    for (var i = 0; i < bytes.length; i++) raw += String.fromCharCode(bytes[i]);
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function say(message) {
    var shown = document.getElementById("passkey-message");
    if (!shown) {
      shown = document.createElement("div");
      shown.id = "passkey-message";
      shown.className = "notice error";
      shown.setAttribute("role", "status");
      box.parentNode.insertBefore(shown, box);
    }
    shown.textContent = message;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": box.dataset.csrf },
      body: body || "{}",
    }).then(function (answer) {
      return answer.json().then(function (json) {
        if (!answer.ok) throw new Error(json.detail || box.dataset.failed);  // problem details
        return json;
      });
    });
  }

  function ids(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function created(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        attestationObject: toText(r.attestationObject),
        transports: r.getTransports ? r.getTransports() : [],
      },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
    };
  }

  function asserted(credential) {
    var r = credential.response;
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      response: {
        clientDataJSON: toText(r.clientDataJSON),
        authenticatorData: toText(r.authenticatorData),
        signature: toText(r.signature),
        userHandle: toText(r.userHandle),
      },
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || null,
    };
  }

  function showCodes(codes, next) {
    var list = document.createElement("ol");
    codes.forEach(function (code) {
      var item = document.createElement("li");
      var text = document.createElement("code");
      text.textContent = code;
      item.appendChild(text);
      list.appendChild(item);
    });
    var done = document.createElement("a");
    done.href = next;
    done.textContent = "OK";
    box.parentNode.insertBefore(list, box);
    box.parentNode.insertBefore(done, box);
    button.disabled = true;
  }

  function register() {
    var name = document.getElementById("passkey_name");
    return post("/security/passkey/options").then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.user.id = toBytes(options.user.id);
      options.excludeCredentials = ids(options.excludeCredentials);
      return navigator.credentials.create({ publicKey: options });
    }).then(function (credential) {
      var label = encodeURIComponent(name ? name.value : "");
      return post("/security/passkey?name=" + label, JSON.stringify(created(credential)));
    }).then(function (answer) {
      if (answer.codes && answer.codes.length) showCodes(answer.codes, answer.next);
      else window.location.assign(answer.next);
    });
  }

  function signIn() {
    return post("/second-factor/passkey/options").then(function (options) {
      options.challenge = toBytes(options.challenge);
      options.allowCredentials = ids(options.allowCredentials);
      return navigator.credentials.get({ publicKey: options });
    }).then(function (credential) {
      var next = encodeURIComponent(box.dataset.next || "");
      return post("/second-factor/passkey?next=" + next, JSON.stringify(asserted(credential)));
    }).then(function (answer) {
      window.location.assign(answer.next);
    });
  }

  button.addEventListener("click", function () {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say(box.dataset.unsupported);
      return;
    }
    (action === "register" ? register() : signIn()).catch(function (error) {
      say(error && error.message && error.message.length < 300 ? error.message : box.dataset.failed);
    });
  });
})();
