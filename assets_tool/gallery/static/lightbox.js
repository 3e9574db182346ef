/* The lightbox: a native modal <dialog> (focus trap and Esc for free) over the album page.
   The address bar follows the photo shown (History API), so Back closes it and a copied URL
   opens that photo's own page; from file://, where a page may not change its path, the
   address gets a #photo=NAME fragment instead. Arrow keys and swipes move, focus returns to
   the thumbnail, and "Photo 3 of 24: caption" is announced politely. Past the last (first)
   photo of a page it goes on to the next (previous) album page, opened on that photo: each
   page holds only its own photos. */
(function () {
  "use strict";
  var dialog, frame, caption, status, prevButton, nextButton, pageLink;
  var items = [], current = -1, pushed = false, fromFragment = false, albumUrl = "", grid = null;

  function build() {
    dialog = document.createElement("dialog");
    dialog.className = "lightbox";
    dialog.setAttribute("aria-labelledby", "lightbox-caption");
    dialog.innerHTML =
      '<button type="button" class="close" aria-label="Close">\u00d7</button>' +
      '<figure><div class="frame"></div><figcaption id="lightbox-caption"></figcaption></figure>' +
      '<button type="button" class="prev" aria-label="Previous photo">\u2039</button>' +
      '<button type="button" class="next" aria-label="Next photo">\u203a</button>' +
      '<p class="visually-hidden" aria-live="polite" id="lightbox-status"></p>';
    document.body.appendChild(dialog);
    frame = dialog.querySelector(".frame");
    caption = dialog.querySelector("figcaption");
    status = dialog.querySelector("#lightbox-status");
    prevButton = dialog.querySelector(".prev");
    nextButton = dialog.querySelector(".next");
    dialog.querySelector(".close").addEventListener("click", function () { dialog.close(); });
    prevButton.addEventListener("click", function () { move(-1); });
    nextButton.addEventListener("click", function () { move(1); });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();  // a click on the backdrop
    });
    dialog.addEventListener("keydown", function (event) {
      if (event.key === "ArrowLeft") { move(-1); event.preventDefault(); }
      if (event.key === "ArrowRight") { move(1); event.preventDefault(); }
    });
    var startX = null;
    dialog.addEventListener("pointerdown", function (event) {
      startX = event.pointerType === "mouse" ? null : event.clientX;
    });
    dialog.addEventListener("pointerup", function (event) {
      if (startX === null) return;
      var dx = event.clientX - startX;
      startX = null;
      if (Math.abs(dx) > 50) move(dx < 0 ? 1 : -1);
    });
    dialog.addEventListener("close", closed);
    window.addEventListener("popstate", function () {
      if (dialog.open) { pushed = false; dialog.close(); }
    });
  }

  function name(link) {
    return link.getAttribute("href").replace(/^.*\//, "").replace(/\.html$/, "");
  }

  function show(index) {
    current = index;
    var link = items[index];
    var picture = link.querySelector("picture").cloneNode(true);
    var img = picture.querySelector("img");
    // shown whole: the viewport's width, or its height less the caption, decides
    var ratio = img.getAttribute("width") / img.getAttribute("height");
    var sizes = "min(100vw, calc((100vh - 4rem) * " + ratio.toFixed(4) + "))";
    picture.querySelectorAll("source, img").forEach(function (el) {
      el.setAttribute("sizes", sizes);
    });
    img.setAttribute("loading", "eager");
    img.removeAttribute("fetchpriority");
    frame.replaceChildren(picture);
    var figure = link.parentNode.querySelector(".caption");
    var text = link.getAttribute("data-position") + (figure ? ": " + figure.textContent : "");
    caption.textContent = text + " ";
    pageLink = document.createElement("a");
    pageLink.href = link.href;
    pageLink.textContent = "Photo page";
    caption.appendChild(pageLink);
    status.textContent = text;
    prevButton.hidden = index === 0 && !beyond(-1);
    nextButton.hidden = index === items.length - 1 && !beyond(1);
    remember(link);
  }

  function remember(link) {
    var state = { assetsGalleryPhoto: name(link) };
    var method = pushed || fromFragment ? "replaceState" : "pushState";
    try {
      history[method](state, "", link.href);
    } catch (error) {  // file://: only the fragment may change
      history[method](state, "", albumUrl + "#photo=" + encodeURIComponent(name(link)));
    }
    if (!fromFragment) pushed = true;
  }

  function beyond(step) {
    return grid.getAttribute(step > 0 ? "data-next-photo" : "data-prev-photo");
  }

  function move(step) {
    var next = current + step;
    if (next >= 0 && next < items.length) return show(next);
    var there = beyond(step);
    // replace, not push: Back from the other page returns to where the lightbox was opened
    if (there) location.replace(new URL(there, albumUrl).href);
  }

  function closed() {
    var link = items[current];
    current = -1;
    frame.replaceChildren();
    if (pushed) { pushed = false; history.back(); }
    else if (fromFragment) { fromFragment = false; history.replaceState(null, "", albumUrl); }
    if (link) link.focus();
  }

  function open(list, link) {
    grid = list;
    if (!dialog) build();
    items = Array.prototype.slice.call(grid.querySelectorAll("a.thumb"));
    albumUrl = location.href.replace(/#.*$/, "");
    show(items.indexOf(link));
    if (!dialog.open) dialog.showModal();
  }

  function openNamed(grid, wanted) {
    var links = grid.querySelectorAll("a.thumb");
    for (var i = 0; i < links.length; i++) {
      if (name(links[i]) === wanted) {
        // opened from a fragment: nothing is pushed, so closing only drops the fragment
        fromFragment = true;
        open(grid, links[i]);
        return;
      }
    }
  }

  window.assetsGalleryLightbox = { open: open, openNamed: openNamed };
})();
