/* Album pages: the only script before the first image. Opens the lightbox on a click or Enter
   on a thumbnail, fetching lightbox.js on first use as a classic script (works from file://).
   Without JavaScript (or <dialog>) the thumbnails are plain links to the photo pages. */
(function () {
  "use strict";
  var grid = document.querySelector(".grid[data-lightbox-script]");
  if (!grid || !window.HTMLDialogElement) return;
  var waiting = null;
  function withLightbox(then) {
    if (window.assetsGalleryLightbox) return then(window.assetsGalleryLightbox);
    if (!waiting) {
      waiting = [];
      var script = document.createElement("script");
      script.src = grid.getAttribute("data-lightbox-script");
      script.onload = function () {
        waiting.forEach(function (f) { f(window.assetsGalleryLightbox); });
      };
      document.head.appendChild(script);
    }
    waiting.push(then);
  }
  grid.addEventListener("click", function (event) {
    var link = event.target.closest("a.thumb");
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) return;
    event.preventDefault();
    withLightbox(function (lightbox) { lightbox.open(grid, link); });
  });
  var match = /^#photo=([^&]+)$/.exec(location.hash);
  if (match) {
    withLightbox(function (lightbox) { lightbox.openNamed(grid, decodeURIComponent(match[1])); });
  }
})();
