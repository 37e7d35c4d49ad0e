// Page-level feedback: the toast, the alert modal and the location prompt.
import { $ } from "./dom.js";

let toastTimer = null;

export function toast(text, { error = false } = {}) {
  const element = $("toast");
  element.textContent = text;
  element.classList.toggle("error", error);
  element.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { element.hidden = true; }, error ? 4000 : 2500);
}

export function alertModal(text) {
  $("alert-text").textContent = text;
  const dialog = $("alert-dialog");
  if (!dialog.open) dialog.showModal();
}

const DEFAULT_LOCATION = { latitude: 55.751244, longitude: 37.618423 };
let lastLocation = DEFAULT_LOCATION;

// Resolves to {latitude, longitude} or null when cancelled.
export function askLocation() {
  const dialog = $("location-dialog");
  const form = $("location-form");
  form.latitude.value = lastLocation.latitude;
  form.longitude.value = lastLocation.longitude;
  $("location-error").textContent = "";
  return new Promise((resolve) => {
    const finish = (value) => {
      form.onsubmit = null;
      $("location-cancel").onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    form.onsubmit = (event) => {
      event.preventDefault();
      lastLocation = { latitude: Number(form.latitude.value), longitude: Number(form.longitude.value) };
      finish(lastLocation);
    };
    $("location-cancel").onclick = () => finish(null);
    dialog.onclose = () => finish(null);
    $("location-detect").onclick = () => detect(form);
    dialog.showModal();
  });
}

function detect(form) {
  if (!navigator.geolocation) {
    $("location-error").textContent = "This browser has no geolocation.";
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (position) => {
      form.latitude.value = position.coords.latitude.toFixed(6);
      form.longitude.value = position.coords.longitude.toFixed(6);
    },
    (error) => { $("location-error").textContent = `No location: ${error.message}`; },
    { timeout: 8000 },
  );
}
