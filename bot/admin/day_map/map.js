// The map page with a Yandex Maps key (bot/admin/day_map): loads the JavaScript API 2.1 with
// the organization's key and puts today's orders and the workers on their way on it. The
// points come in the map box's data-points ([latitude, longitude], API 2.1's default order);
// the server-drawn SVG stays until the map is ready, so a failing API still shows the points.
(function () {
  "use strict";
  var box = document.getElementById("map");
  if (!box || !box.dataset.key) return;
  var points = JSON.parse(box.dataset.points || "[]");
  var loader = document.createElement("script");
  loader.src = "https://api-maps.yandex.ru/2.1/?apikey=" + encodeURIComponent(box.dataset.key) +
    "&lang=" + encodeURIComponent(box.dataset.lang || "ru_RU") + "&csp=true";
  loader.onload = function () {
    window.ymaps.ready(function () {
      box.textContent = "";
      var map = new window.ymaps.Map(box, { center: [55.75, 37.62], zoom: 10,
        controls: ["zoomControl"] });
      points.forEach(function (p) {
        var worker = p.kind === "worker";
        map.geoObjects.add(new window.ymaps.Placemark(p.at,
          { iconContent: worker ? "" : p.label, hintContent: p.hint },
          { preset: worker ? "islands#redCircleDotIcon" : "islands#blueStretchyIcon" }));
      });
      if (points.length === 1) {
        map.setCenter(points[0].at, 14);
      } else if (points.length > 1) {
        map.setBounds(map.geoObjects.getBounds(), { checkZoomRange: true, zoomMargin: 30 });
      }
      box.dataset.ready = "yandex";
    });
  };
  document.head.appendChild(loader);
})();
