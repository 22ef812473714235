/* Pactum — optional enhancements; every page works without this file. */
(function () {
  "use strict";

  /* Objective form: walk-away points are always private, and a private objective is owned
     by someone of our own party, so partner people are not offered then. The server checks
     both rules anyway. */
  function objectiveForm(form) {
    var kind = form.querySelector("#kind");
    var privateChoice = form.querySelector("#visibility-private");
    var sharedChoice = form.querySelector("#visibility-shared");
    var owner = form.querySelector("#owner_user_id");
    var partnerGroups = form.querySelectorAll("optgroup[data-partner]");

    function sync() {
      var walkAway = kind !== null && kind.value === "walk_away";
      if (walkAway && privateChoice !== null) {
        privateChoice.checked = true;
      }
      if (sharedChoice !== null) {
        sharedChoice.disabled = walkAway;
      }
      var isPrivate = privateChoice !== null && privateChoice.checked;
      Array.prototype.forEach.call(partnerGroups, function (group) {
        group.disabled = isPrivate;
        if (isPrivate && owner !== null && owner.selectedIndex >= 0 &&
            owner.options[owner.selectedIndex].parentNode === group) {
          owner.value = "";
        }
      });
    }

    form.addEventListener("change", sync);
    sync();
  }

  /* Enhancements of a piece of page (the whole document at load, a replaced region later). */
  function bind(root) {
    root.querySelectorAll("form[data-objective-form]").forEach(objectiveForm);
  }

  /* Live updates. A container with data-live-alliance="<alliance id>" waits on the records
     named by the data-live="<kind>:<id> ..." attributes inside it ("<kind>:*": any record of
     that kind in the alliance). One EventSource listens to /alliances/<id>/live; when a
     watched record changes, the page is fetched again and each data-live-region (matched by
     id) is replaced, except one where the person is typing: a notice then offers to reload.
     The server sends only what the caller may see; the fetched page goes through the same
     access checks as any other. */
  var FIELDS = "input, select, textarea";
  var FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]";

  function changed(field) {
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
      return false;
    }
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      var initial = field.multiple ? -1 : 0;
      var differs = false;
      Array.prototype.forEach.call(field.options, function (option, index) {
        if (option.defaultSelected) { initial = index; }
        if (field.multiple && option.selected !== option.defaultSelected) { differs = true; }
      });
      return field.multiple ? differs : field.selectedIndex !== initial;
    }
    return field.value !== field.defaultValue;
  }

  function inUse(region) {
    var active = document.activeElement;
    if (active && region.contains(active) && active.matches(FIELDS)) {
      return true;
    }
    return Array.prototype.some.call(region.querySelectorAll(FIELDS), changed);
  }

  function focusIndex(region) {
    var active = document.activeElement;
    if (!active || !region.contains(active)) { return -1; }
    return Array.prototype.indexOf.call(region.querySelectorAll(FOCUSABLE), active);
  }

  function restoreFocus(region, index) {
    if (index < 0) { return; }
    var items = region.querySelectorAll(FOCUSABLE);
    var target = items[Math.min(index, items.length - 1)];
    if (!target) {
      region.setAttribute("tabindex", "-1");
      target = region;
    }
    target.focus();
  }

  function live(container) {
    var allianceId = container.getAttribute("data-live-alliance");
    if (!allianceId || typeof window.EventSource !== "function" ||
        typeof window.fetch !== "function" || typeof window.DOMParser !== "function") {
      return;
    }
    var since = Number(container.getAttribute("data-live-since")) || 0;
    var busy = false;
    var again = false;
    var timer = null;
    var notice = null;

    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.setAttribute("aria-atomic", "true");
    status.setAttribute("data-live-status", "");
    container.parentNode.insertBefore(status, container);

    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function showNotice(text) {
      if (notice === null) {
        notice = document.createElement("div");
        notice.className = "notice notice--warning";
        notice.setAttribute("data-live-notice", "");
        container.parentNode.insertBefore(notice, container);
      }
      notice.textContent = "";
      var p = document.createElement("p");
      p.appendChild(document.createTextNode(text + " "));
      var link = document.createElement("a");
      link.href = window.location.href;
      link.textContent = "Reload the page";
      p.appendChild(link);
      notice.appendChild(p);
      announce(text);
    }

    function watches(kind, id) {
      var found = false;
      var holders = Array.prototype.slice.call(container.querySelectorAll("[data-live]"));
      if (container.hasAttribute("data-live")) { holders.push(container); }
      holders.forEach(function (holder) {
        holder.getAttribute("data-live").split(/\s+/).forEach(function (token) {
          if (token === kind + ":" + id || token === kind + ":*") { found = true; }
        });
      });
      return found;
    }

    function apply(html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector("[data-live-alliance]");
      if (fresh && fresh.getAttribute("data-live-alliance") === allianceId) {
        since = Number(fresh.getAttribute("data-live-since")) || since;
      }
      var replaced = 0;
      var kept = 0;
      container.querySelectorAll("[data-live-region]").forEach(function (region) {
        var next = region.id ? doc.getElementById(region.id) : null;
        if (next === null || next.isEqualNode(region)) { return; }
        if (inUse(region)) {
          kept += 1;
          return;
        }
        var focus = focusIndex(region);
        var adopted = document.importNode(next, true);
        region.parentNode.replaceChild(adopted, region);
        restoreFocus(adopted, focus);
        bind(adopted);
        replaced += 1;
      });
      if (kept > 0) {
        showNotice("This page has changed.");
      } else if (replaced > 0) {
        announce("Updated");
      }
    }

    function refresh() {
      busy = true;
      window.fetch(window.location.href, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { "Accept": "text/html" }
      }).then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("not the page"); }
        return response.text();
      }).then(apply, function () {
        showNotice("This page has changed.");
      }).then(function () {
        busy = false;
        if (again) {
          again = false;
          schedule();
        }
      });
    }

    function schedule() {
      if (busy) {
        again = true;
        return;
      }
      if (timer === null) {
        timer = window.setTimeout(function () {
          timer = null;
          refresh();
        }, 100);
      }
    }

    function data(message) {
      try {
        return JSON.parse(message.data);
      } catch (e) {
        return null;
      }
    }

    var source = new EventSource("/alliances/" + encodeURIComponent(allianceId) + "/live");
    source.addEventListener("ready", function (message) {
      /* A change may have landed between this page's rendering and now. */
      var d = data(message);
      if (d && typeof d.last === "number" && d.last >= since - 1000) { schedule(); }
    });
    source.addEventListener("change", function (message) {
      var d = data(message);
      if (d && watches(String(d.kind), String(d.id))) { schedule(); }
    });
    source.addEventListener("reload", schedule);
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        showNotice("Live updates stopped.");
      }
    });
  }

  bind(document);
  document.querySelectorAll("[data-live-alliance]").forEach(live);
})();
